// The OpenAPI document of the service (openapi.h). OpenAPI 3.1 takes JSON Schema 2020-12 as
// its schema language, which is what `proviso schema` writes, so each policy's input schema is
// used as it is: it gets an `$id`, so that its own `#/$defs/...` references resolve inside it.
#include "server/openapi.h"

#ifndef PROVISO_VERSION
#define PROVISO_VERSION "dev"
#endif

namespace proviso::server {

namespace {

Json ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

Json json_content(Json schema) { return {{"application/json", {{"schema", std::move(schema)}}}}; }

Json error_response(const std::string& description) {
  return {{"description", description}, {"content", json_content(ref("Error"))}};
}

Json header(const std::string& description) { return {{"description", description}, {"schema", {{"type", "string"}}}}; }

// The output line of one input: decisions (or the input's error), as `proviso eval` prints it.
Json result_schema(const Served& s) {
  Json decisions = {{"type", "object"}, {"properties", Json::object()}};
  for (const Json& d : s.summary["decisions"])
    decisions["properties"][d["name"].get<std::string>()] = {
        {"description", d["type"].get<std::string>() + ", clause " + d["clause"].get<std::string>() +
                            " (README, \"JSON forms of values\")"}};
  return {{"type", "object"},
          {"description",
           "One line of `proviso eval`: the decisions (and `errors` for those that failed), or "
           "`error` when the input could not be read."},
          {"properties",
           {{"decisions", decisions},
            {"errors", {{"type", "object"}}},
            {"explain", {{"type", "object"}}},
            {"error", ref("InputError")}}}};
}

Json evaluate_operation(const std::string& name, const Served* s) {
  Json parameters = Json::array();
  parameters.push_back({{"name", "decision"},
                        {"in", "query"},
                        {"description", "Only this decision (repeatable); every decision when absent."},
                        {"schema", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                        {"style", "form"},
                        {"explode", true}});
  parameters.push_back({{"name", "explain"},
                        {"in", "query"},
                        {"description", "Add `explain` to each output line."},
                        {"schema", {{"type", "boolean"}}}});
  parameters.push_back({{"name", "X-Request-Id"},
                        {"in", "header"},
                        {"description", "Echoed; generated when absent."},
                        {"schema", {{"type", "string"}}}});
  Json input = s ? s->schema : Json{{"type", "object"}};
  if (s) input["$id"] = "urn:proviso:policy:" + name + ":input";
  Json result = s ? result_schema(*s) : Json{{"type", "object"}};
  Json ok_headers = {{"Proviso-Policy", header("The policy's name.")},
                     {"Proviso-Policy-Hash", header("sha256: and the hex SHA-256 of the version that answered.")},
                     {"X-Request-Id", header("The request's id.")}};
  return {{"summary", s ? "Evaluate " + s->summary["title"].get<std::string>() : "Evaluate a policy"},
          {"operationId", "evaluate_" + name},
          {"parameters", parameters},
          {"requestBody",
           {{"required", true},
            {"content",
             {{"application/json", {{"schema", input}}},
              {"application/x-ndjson",
               {{"schema", {{"type", "string"}, {"description", "One input object per line; streamed."}}}}}}}}},
          {"responses",
           {{"200",
             {{"description",
               "The output line: decisions, or the input's error (an input error is an answer). For an "
               "NDJSON batch, one output line per non-blank input line, in order."},
              {"headers", ok_headers},
              {"content",
               {{"application/json", {{"schema", result}}},
                {"application/x-ndjson", {{"schema", {{"type", "string"}}}}}}}}},
            {"400", error_response("A bad query parameter, an unknown decision, or an empty body.")},
            {"404", error_response("No policy of that name is loaded.")},
            {"409", error_response("The pinned version (`name@hash`) is not the one loaded.")},
            {"413", error_response("The body is larger than the limit.")},
            {"415", error_response("A content type other than application/json or application/x-ndjson.")},
            {"503", error_response("Too many connections waiting; retry after `Retry-After` seconds.")}}}};
}

}  // namespace

Json openapi(const Registry::Table& table) {
  Json paths = Json::object();
  paths["/v1/policies"]["get"] = {
      {"summary", "The loaded policies"},
      {"operationId", "list_policies"},
      {"responses",
       {{"200",
         {{"description", "Name, title, version, effective date, content hash, inputs and decisions of each."},
          {"content",
           json_content({{"type", "object"},
                         {"properties", {{"policies", {{"type", "array"}, {"items", ref("PolicySummary")}}}}}})}}}}}};
  paths["/v1/policies/{name}"]["get"] = {
      {"summary", "One policy, with its input's JSON Schema"},
      {"operationId", "get_policy"},
      {"parameters",
       Json::array({{{"name", "name"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}}})},
      {"responses",
       {{"200", {{"description", "The policy."}, {"content", json_content(ref("PolicySummary"))}}},
        {"404", error_response("No policy of that name is loaded.")},
        {"409", error_response("The pinned version (`name@hash`) is not the one loaded.")}}}};
  Json generic = evaluate_operation("policy", nullptr);
  generic["parameters"].insert(generic["parameters"].begin(),
                               Json{{"name", "name"},
                                    {"in", "path"},
                                    {"required", true},
                                    {"description", "The policy's name, or `name@sha256:HEX` to pin a version."},
                                    {"schema", {{"type", "string"}}}});
  paths["/v1/policies/{name}/evaluate"]["post"] = generic;
  for (const auto& [name, served] : table)
    paths["/v1/policies/" + name + "/evaluate"]["post"] = evaluate_operation(name, served.get());
  auto plain = [](const std::string& summary, const std::string& id, Json responses) {
    return Json{{"summary", summary}, {"operationId", id}, {"responses", std::move(responses)}};
  };
  paths["/v1/openapi.json"]["get"] =
      plain("This document", "openapi",
            {{"200", {{"description", "OpenAPI 3.1"}, {"content", json_content({{"type", "object"}})}}}});
  paths["/healthz"]["get"] = plain("The process is alive", "healthz", {{"200", {{"description", "Alive."}}}});
  paths["/readyz"]["get"] = plain("Every policy has a version serving", "readyz",
                                  {{"200", {{"description", "Ready."}}}, {"503", error_response("Not ready: why.")}});
  paths["/metrics"]["get"] = plain("Prometheus metrics (proviso_*)", "metrics",
                                   {{"200",
                                     {{"description", "Prometheus text format 0.0.4."},
                                      {"content", {{"text/plain", {{"schema", {{"type", "string"}}}}}}}}}});
  Json admin_errors = {{"401", error_response("No or a wrong bearer token.")},
                       {"404", error_response("The admin endpoints are off (no --admin-token-file).")}};
  Json reload_responses = admin_errors, status_responses = admin_errors;
  reload_responses["200"] = {{"description", "What the reload loaded, kept and could not load."},
                             {"content", json_content({{"type", "object"}})}};
  status_responses["200"] = {{"description", "The versions serving and the files that do not compile."},
                             {"content", json_content({{"type", "object"}})}};
  paths["/v1/admin/reload"]["post"] = plain("Reload the policy directory", "admin_reload", reload_responses);
  paths["/v1/admin/reload"]["post"]["security"] = Json::array({{{"bearer", Json::array()}}});
  paths["/v1/admin/status"]["get"] = plain("Loaded versions and problems", "admin_status", status_responses);
  paths["/v1/admin/status"]["get"]["security"] = Json::array({{{"bearer", Json::array()}}});

  Json schemas = {
      {"Error",
       {{"type", "object"},
        {"required", {"error"}},
        {"properties",
         {{"error",
           {{"type", "object"},
            {"required", {"code", "message"}},
            {"properties", {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}}}},
      {"InputError",
       {{"type", "object"}, {"properties", {{"path", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}},
      {"PolicySummary",
       {{"type", "object"},
        {"properties",
         {{"name", {{"type", "string"}}},
          {"title", {{"type", "string"}}},
          {"version", {{"type", "string"}}},
          {"effective", {{"type", {"string", "null"}}}},
          {"content_hash", {{"type", "string"}}},
          {"engine", {{"type", "string"}}},
          {"file", {{"type", "string"}}},
          {"inputs", {{"type", "array"}}},
          {"decisions", {{"type", "array"}}},
          {"input_schema", {{"type", "object"}}}}}}}};
  return {{"openapi", "3.1.0"},
          {"info",
           {{"title", "Proviso decision service"},
            {"version", PROVISO_VERSION},
            {"description", "Evaluates the loaded policies (`proviso serve`): docs/DEPLOY.md."}}},
          {"paths", paths},
          {"components",
           {{"schemas", schemas}, {"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}}};
}

}  // namespace proviso::server
