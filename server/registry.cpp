// Loading and reloading the served policies (registry.h).
#include "server/registry.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>

namespace proviso::server {

namespace fs = std::filesystem;

std::string utc_now() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  time_t secs = static_cast<time_t>(ms / 1000);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
}

namespace {

// Whether the file is a module (its first declaration is `module`): imported by policies,
// not served itself.
bool is_module(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    size_t i = line.find_first_not_of(" \t\r");
    if (i == std::string::npos || line.compare(i, 2, "--") == 0) continue;
    return line.compare(i, 6, "module") == 0 && (line.size() == i + 6 || line[i + 6] == ' ' || line[i + 6] == '\t');
  }
  return false;
}

bool hidden(const fs::path& p) {
  std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

Json summarize(const Policy& policy) {
  const PolicyInfo& info = policy.info();
  Json decisions = Json::array(), inputs = Json::array();
  for (const auto& d : info.decisions) decisions.push_back({{"name", d.name}, {"type", d.type}, {"clause", d.clause}});
  for (const auto& in : info.inputs)
    inputs.push_back({{"name", in.name}, {"type", in.type}, {"optional", in.optional}});
  return {{"name", info.name},
          {"title", info.title},
          {"version", info.version},
          {"effective", info.effective.empty() ? Json(nullptr) : Json(info.effective)},
          {"content_hash", info.content_hash},
          {"engine", policy.engine() == EngineKind::Jit ? "jit" : "interpreter"},
          {"inputs", std::move(inputs)},
          {"decisions", std::move(decisions)}};
}

// The error diagnostics of a failed compile, as `proviso check` prints them.
std::string diagnostics_text(const Result<Policy>& r) {
  std::string out;
  for (const PolicyDiagnostic& d : r.diagnostics())
    if (d.severity == PolicyDiagnostic::Severity::Error) out += d.rendered;
  if (out.empty()) out = r.error();
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace

Json Registry::Report::to_json() const {
  Json problems_json = Json::array();
  for (const Problem& p : problems)
    problems_json.push_back({{"file", p.file},
                             {"name", p.name.empty() ? Json(nullptr) : Json(p.name)},
                             {"serving_previous_version", p.serving},
                             {"message", p.message}});
  return {
      {"ok", ok()}, {"loaded", loaded}, {"unchanged", unchanged}, {"removed", removed}, {"problems", problems_json}};
}

Registry::Registry(std::string dir, EngineOptions options)
    : dir_(std::move(dir)), engine_(std::move(options)), table_(std::make_shared<const Table>()) {}

std::vector<std::string> Registry::policy_files() const {
  std::vector<std::string> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir_, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if (hidden(p)) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (p.extension() != ".policy" || !it->is_regular_file(ec)) continue;
    if (is_module(p)) continue;
    out.push_back(fs::relative(p, dir_, ec).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Registry::fingerprint() const {
  std::string out;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir_, fs::directory_options::skip_permission_denied, ec), end;
  std::vector<std::string> entries;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if (hidden(p)) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (p.extension() != ".policy") continue;
    std::error_code e2;
    auto size = fs::file_size(p, e2);
    auto time = fs::last_write_time(p, e2).time_since_epoch().count();
    entries.push_back(fmt::format("{}\t{}\t{}", p.string(), e2 ? 0 : size, e2 ? 0 : time));
  }
  std::sort(entries.begin(), entries.end());
  for (const auto& e : entries) out += e + "\n";
  return out;
}

Registry::Report Registry::reload() {
  std::lock_guard reload_lock(reload_mu_);
  Report report;
  std::shared_ptr<const Table> old = table();
  auto next = std::make_shared<Table>();
  std::map<std::string, std::string> names;
  std::set<std::string> seen_files;

  for (const std::string& file : policy_files()) {
    seen_files.insert(file);
    auto start = std::chrono::steady_clock::now();
    Result<Policy> compiled = engine_.compile_file((fs::path(dir_) / file).string());
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!compiled.ok()) {
      Problem p{file, "", diagnostics_text(compiled), false};
      auto known = name_of_file_.find(file);
      if (known != name_of_file_.end()) {
        p.name = known->second;
        auto previous = old->find(known->second);
        if (previous != old->end() && previous->second->file == file && !next->count(known->second)) {
          (*next)[known->second] = previous->second;  // the last good version keeps serving
          names[file] = known->second;
          p.serving = true;
        }
      }
      report.problems.push_back(std::move(p));
      continue;
    }
    const Policy& policy = compiled.value();
    const std::string& name = policy.info().name;
    if (next->count(name)) {
      report.problems.push_back(
          {file, name,
           fmt::format("policy `{}` is already served from {}: this file is not loaded", name, (*next)[name]->file),
           false, true});
      continue;
    }
    names[file] = name;
    auto previous = old->find(name);
    if (previous != old->end() && previous->second->hash == policy.info().content_hash &&
        previous->second->file == file) {
      (*next)[name] = previous->second;
      report.unchanged.push_back(name);
      continue;
    }
    auto served = std::make_shared<Served>(Served{name, file, policy.info().content_hash, policy, summarize(policy),
                                                  Json::parse(policy.input_schema()), seconds, utc_now(), 0});
    served->summary["file"] = file;
    {
      std::lock_guard lock(mu_);
      served->serial = next_serial_++;
    }
    (*next)[name] = std::move(served);
    report.loaded.push_back(name);
  }
  for (const auto& [name, served] : *old)
    if (!next->count(name)) report.removed.push_back(name);

  Json last = report.to_json();
  last["time"] = utc_now();
  std::lock_guard lock(mu_);
  table_ = std::move(next);
  name_of_file_ = std::move(names);
  problems_ = report.problems;
  last_ = std::move(last);
  return report;
}

std::shared_ptr<const Registry::Table> Registry::table() const {
  std::lock_guard lock(mu_);
  return table_;
}

std::shared_ptr<const Served> Registry::find(std::string_view name) const {
  std::shared_ptr<const Table> t = table();
  auto it = t->find(name);
  return it == t->end() ? nullptr : it->second;
}

bool Registry::ready(std::string* why) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> none;
  for (const Problem& p : problems_)
    if (!p.serving && !p.conflict) none.push_back(p.file);
  if (last_.is_null()) {
    *why = "the policies are not loaded yet";
    return false;
  }
  if (none.empty()) return true;
  *why = "no version serving for " + fmt::format("{}", fmt::join(none, ", "));
  return false;
}

Json Registry::status() const {
  std::lock_guard lock(mu_);
  Json policies = Json::array(), problems = Json::array();
  for (const auto& [name, s] : *table_)
    policies.push_back({{"name", name},
                        {"file", s->file},
                        {"content_hash", s->hash},
                        {"loaded_at", s->loaded_at},
                        {"compile_ms", s->compile_seconds * 1000}});
  for (const Problem& p : problems_)
    problems.push_back({{"file", p.file},
                        {"name", p.name.empty() ? Json(nullptr) : Json(p.name)},
                        {"serving_previous_version", p.serving},
                        {"message", p.message}});
  return {{"directory", dir_}, {"policies", policies}, {"problems", problems}, {"last_reload", last_}};
}

}  // namespace proviso::server
