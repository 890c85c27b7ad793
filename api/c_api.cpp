// The C API (include/proviso/proviso.h) over the C++ API: handles, status codes, a thread-local
// last error, and no exception across the boundary.
#include <proviso/proviso.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <proviso/proviso.hpp>

struct proviso_engine {
  proviso::Engine engine;
};

namespace {

// The fields looked up in a policy, by proviso_field id. Shared by the policy and its records
// (which may outlive it); appended to under the lock, read by records from their own copy.
struct FieldIds {
  std::mutex lock;
  std::vector<std::string> paths;
  std::vector<proviso::Field> fields;
};

}  // namespace

struct proviso_policy {
  static constexpr unsigned kLive = 0x50524f56u;  // "PROV"
  proviso_policy(proviso::Policy p) : policy(std::move(p)) {}
  unsigned magic = kLive;  // cleared when freed: a freed policy is caught
  proviso::Policy policy;
  std::shared_ptr<FieldIds> ids = std::make_shared<FieldIds>();
};

struct proviso_record {
  static constexpr unsigned kLive = 0x52454344u;  // "RECD"
  proviso_record(proviso::Record r, proviso::Session s, std::shared_ptr<FieldIds> i)
      : record(std::move(r)), session(std::move(s)), ids(std::move(i)) {}
  unsigned magic = kLive;
  proviso::Record record;
  proviso::Session session;  // typed values, no JSON
  std::shared_ptr<FieldIds> ids;
  std::vector<proviso::Field> fields;  // this record's copy of ids->fields
  std::shared_ptr<const std::vector<std::string>> names =
      std::make_shared<std::vector<std::string>>(session.decisions());
};

struct proviso_result {
  static constexpr unsigned kLive = 0x52534c54u;  // "RSLT"
  unsigned magic = kLive;
  proviso::Evaluation evaluation;
  std::shared_ptr<const std::vector<std::string>> names;
};

namespace {

thread_local std::string last_error;

// The size of proviso_engine_options in ABI 1's first release: callers built then pass it.
constexpr size_t kOptionsV1Size = offsetof(proviso_engine_options, cache_max_bytes) + sizeof(unsigned long long);

proviso_status fail(proviso_status status, std::string message) {
  last_error = std::move(message);
  return status;
}

// Runs `f`, turning any exception into a status: nothing C++ crosses the boundary.
template <class F>
proviso_status guarded(F&& f) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return fail(PROVISO_ERROR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return fail(PROVISO_ERROR_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(PROVISO_ERROR_INTERNAL, "internal error");
  }
}

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    if (c < 0x80)
      n = 0;
    else if (c >= 0xC2 && c <= 0xDF)
      n = 1;
    else if (c >= 0xE0 && c <= 0xEF)
      n = 2;
    else if (c >= 0xF0 && c <= 0xF4)
      n = 3;
    else
      return false;
    if (n > 0 && i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    if (n > 0) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) return false;  // overlong, surrogates
      if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) return false;  // overlong, past U+10FFFF
    }
    i += n + 1;
  }
  return true;
}

std::string info_json(const proviso::Policy& policy) {
  const proviso::PolicyInfo& info = policy.info();
  nlohmann::ordered_json j = {{"name", info.name},
                              {"title", info.title},
                              {"version", info.version},
                              {"effective", info.effective},
                              {"engine", policy.engine() == proviso::EngineKind::Jit ? "jit" : "interpreter"}};
  nlohmann::ordered_json inputs = nlohmann::ordered_json::array(), decisions = nlohmann::ordered_json::array();
  for (const auto& in : info.inputs)
    inputs.push_back({{"name", in.name}, {"type", in.type}, {"optional", in.optional}});
  for (const auto& d : info.decisions) decisions.push_back({{"name", d.name}, {"type", d.type}, {"clause", d.clause}});
  nlohmann::ordered_json fields = nlohmann::ordered_json::array();
  for (const auto& f : info.fields) fields.push_back({{"path", f.path}, {"type", f.type}, {"optional", f.optional}});
  j["content_hash"] = info.content_hash;
  j["inputs"] = inputs;
  j["decisions"] = decisions;
  j["fields"] = fields;
  return j.dump();
}

proviso_status give(std::string_view text, char** out, size_t* out_len) {
  char* s = static_cast<char*>(std::malloc(text.size() + 1));
  if (!s) return fail(PROVISO_ERROR_OUT_OF_MEMORY, "out of memory");
  std::memcpy(s, text.data(), text.size());
  s[text.size()] = '\0';
  *out = s;
  if (out_len) *out_len = text.size();
  return PROVISO_OK;
}

proviso_status check_policy(const proviso_policy* p) {
  if (!p) return fail(PROVISO_ERROR_INVALID_ARGUMENT, "the policy is NULL");
  if (p->magic != proviso_policy::kLive)
    return fail(PROVISO_ERROR_INVALID_ARGUMENT, "the policy was freed (or is not a policy)");
  return PROVISO_OK;
}

proviso_status check_record(const proviso_record* r) {
  if (!r) return fail(PROVISO_ERROR_INVALID_ARGUMENT, "the record is NULL");
  if (r->magic != proviso_record::kLive)
    return fail(PROVISO_ERROR_INVALID_ARGUMENT, "the record was freed (or is not a record)");
  return PROVISO_OK;
}

// The record's Field for id `f`, refreshing its copy of the policy's ids when `f` is newer.
const proviso::Field* field_of(proviso_record* r, proviso_field f) {
  if (f < 0) return nullptr;
  auto i = static_cast<size_t>(f);
  if (i >= r->fields.size()) {
    std::lock_guard<std::mutex> hold(r->ids->lock);
    r->fields = r->ids->fields;
  }
  return i < r->fields.size() ? &r->fields[i] : nullptr;
}

proviso_status bad_field(proviso_field f) {
  return fail(PROVISO_ERROR_INVALID_ARGUMENT,
              "field " + std::to_string(f) + " is not a proviso_field of this record's policy");
}

// Runs set(field) on the record's field `f`.
template <class F>
proviso_status set_field(proviso_record* r, proviso_field f, F&& set) {
  return guarded([&] {
    if (proviso_status s = check_record(r); s != PROVISO_OK) return s;
    const proviso::Field* field = field_of(r, f);
    if (!field) return bad_field(f);
    set(*field);
    return PROVISO_OK;
  });
}

proviso_value_kind kind_of(proviso::Value::Kind k) {
  return static_cast<proviso_value_kind>(static_cast<int>(k));  // the same order (checked below)
}
static_assert(static_cast<int>(proviso::Value::Kind::Record) == PROVISO_VALUE_RECORD);
static_assert(static_cast<int>(proviso::Value::Kind::DateTime) == PROVISO_VALUE_DATETIME);

proviso_status check_result(const proviso_result* r) {
  if (!r) return fail(PROVISO_ERROR_INVALID_ARGUMENT, "the result is NULL");
  if (r->magic != proviso_result::kLive)
    return fail(PROVISO_ERROR_INVALID_ARGUMENT, "the result was freed (or is not a result)");
  return PROVISO_OK;
}

proviso_status describe_value(const proviso_result* r, size_t i, proviso_value* out) {
  if (!out) return fail(PROVISO_ERROR_INVALID_ARGUMENT, "`out` is NULL");
  if (out->struct_size < sizeof(proviso_value))
    return fail(PROVISO_ERROR_INVALID_ARGUMENT, "proviso_value.struct_size is " + std::to_string(out->struct_size) +
                                                    "; set it to sizeof(proviso_value)");
  const proviso::Value& v = r->evaluation.values[i];
  const std::string& name = (*r->names)[i];
  out->kind = kind_of(v.kind);
  out->name = name.c_str();
  out->name_len = name.size();
  out->boolean = v.boolean ? 1 : 0;
  out->integer = v.integer;
  out->extra = v.extra;
  out->text = v.text.c_str();
  out->text_len = v.text.size();
  out->unit = v.unit.c_str();
  out->unit_len = v.unit.size();
  return PROVISO_OK;
}

proviso_status compiled(proviso::Result<proviso::Policy> r, proviso_policy** out) {
  if (!r.ok()) {
    std::string text;
    for (const auto& d : r.diagnostics())
      if (d.severity == proviso::PolicyDiagnostic::Severity::Error) text += d.rendered;
    if (text.empty()) text = r.error();
    bool io = !r.diagnostics().empty() && r.diagnostics().front().line == 0 &&
              r.diagnostics().front().message.rfind("cannot read", 0) == 0;
    return fail(io ? PROVISO_ERROR_IO : PROVISO_ERROR_COMPILE, text);
  }
  *out = new proviso_policy(std::move(r.value()));
  return PROVISO_OK;
}

}  // namespace

extern "C" {

int proviso_abi_version(void) { return PROVISO_ABI_VERSION; }

const char* proviso_last_error(void) { return last_error.c_str(); }

void proviso_string_free(char* s) { std::free(s); }

proviso_status proviso_engine_new(const proviso_engine_options* opts, proviso_engine** out) {
  return guarded([&] {
    if (!out) return fail(PROVISO_ERROR_INVALID_ARGUMENT, "`out` is NULL");
    *out = nullptr;
    proviso::EngineOptions o;
    if (opts) {
      if (opts->struct_size < kOptionsV1Size)
        return fail(PROVISO_ERROR_INVALID_ARGUMENT, "proviso_engine_options.struct_size is " +
                                                        std::to_string(opts->struct_size) +
                                                        "; set it to sizeof(proviso_engine_options)");
      switch (opts->engine) {
        case PROVISO_ENGINE_AUTO: o.engine = proviso::EngineKind::Auto; break;
        case PROVISO_ENGINE_JIT: o.engine = proviso::EngineKind::Jit; break;
        case PROVISO_ENGINE_INTERPRETER: o.engine = proviso::EngineKind::Interpreter; break;
        default:
          return fail(PROVISO_ERROR_INVALID_ARGUMENT, "proviso_engine_options.engine is " +
                                                          std::to_string(static_cast<int>(opts->engine)) +
                                                          ", not a proviso_engine_kind");
      }
      o.use_cache = opts->use_cache != 0;
      if (opts->cache_dir) o.cache_dir = opts->cache_dir;
      if (opts->cache_max_bytes) o.cache_max_bytes = opts->cache_max_bytes;
      // Fields added after the first version are read when the caller's struct has them.
      auto has = [&](size_t offset) { return opts->struct_size >= offset + sizeof(size_t); };
      auto limit = [&](size_t offset, size_t value, size_t& into) {
        if (has(offset) && value) into = value;
      };
      limit(offsetof(proviso_engine_options, max_input_bytes), opts->max_input_bytes, o.limits.max_input_bytes);
      limit(offsetof(proviso_engine_options, max_line_bytes), opts->max_line_bytes, o.limits.max_line_bytes);
      limit(offsetof(proviso_engine_options, max_depth), opts->max_depth, o.limits.max_depth);
      limit(offsetof(proviso_engine_options, max_string_bytes), opts->max_string_bytes, o.limits.max_string_bytes);
      limit(offsetof(proviso_engine_options, max_list_length), opts->max_list_length, o.limits.max_list_length);
    }
    *out = new proviso_engine{proviso::Engine(o)};
    return PROVISO_OK;
  });
}

void proviso_engine_free(proviso_engine* e) { delete e; }

proviso_status proviso_compile_file(proviso_engine* e, const char* path, proviso_policy** out) {
  return guarded([&] {
    if (!e || !path || !out) return fail(PROVISO_ERROR_INVALID_ARGUMENT, "the engine, path or `out` is NULL");
    *out = nullptr;
    return compiled(e->engine.compile_file(path), out);
  });
}

proviso_status proviso_compile_text(proviso_engine* e, const char* text, size_t len, const char* name,
                                    proviso_policy** out) {
  return guarded([&] {
    if (!e || (!text && len) || !out) return fail(PROVISO_ERROR_INVALID_ARGUMENT, "the engine, text or `out` is NULL");
    *out = nullptr;
    std::string_view source(text ? text : "", len);
    if (!valid_utf8(source)) return fail(PROVISO_ERROR_INVALID_ARGUMENT, "the policy text is not valid UTF-8");
    return compiled(e->engine.compile_text(source, name ? name : "<text>"), out);
  });
}

void proviso_policy_free(proviso_policy* p) {
  if (!p) return;
  p->magic = 0;
  delete p;
}

proviso_status proviso_policy_info(const proviso_policy* p, char** out, size_t* out_len) {
  return guarded([&] {
    if (proviso_status s = check_policy(p); s != PROVISO_OK) return s;
    if (!out) return fail(PROVISO_ERROR_INVALID_ARGUMENT, "`out` is NULL");
    return give(info_json(p->policy), out, out_len);
  });
}

proviso_status proviso_evaluate_json(const proviso_policy* p, const char* json, size_t len, char** out,
                                     size_t* out_len) {
  return guarded([&] {
    if (proviso_status s = check_policy(p); s != PROVISO_OK) return s;
    if ((!json && len) || !out) return fail(PROVISO_ERROR_INVALID_ARGUMENT, "the input or `out` is NULL");
    *out = nullptr;
    auto session = p->policy.session();
    if (!session.ok()) return fail(PROVISO_ERROR_INTERNAL, session.error());
    proviso::Evaluation e = session.value().evaluate_json(std::string_view(json ? json : "", len));
    return give(e.json, out, out_len);
  });
}

proviso_status proviso_explain_json(const proviso_policy* p, const char* json, size_t len, char** out, size_t* out_len,
                                    char** text, size_t* text_len) {
  return guarded([&] {
    if (proviso_status s = check_policy(p); s != PROVISO_OK) return s;
    if ((!json && len) || !out || !text)
      return fail(PROVISO_ERROR_INVALID_ARGUMENT, "the input, `out` or `text` is NULL");
    *out = nullptr;
    *text = nullptr;
    proviso::EvalOptions options;
    options.explain = true;
    auto session = p->policy.session(options);
    if (!session.ok()) return fail(PROVISO_ERROR_INTERNAL, session.error());
    proviso::Evaluation e = session.value().evaluate_json(std::string_view(json ? json : "", len));
    if (proviso_status s = give(e.json, out, out_len); s != PROVISO_OK) return s;
    if (proviso_status s = give(e.explanation, text, text_len); s != PROVISO_OK) {
      std::free(*out);
      *out = nullptr;
      return s;
    }
    return PROVISO_OK;
  });
}

proviso_status proviso_evaluate_ndjson(const proviso_policy* p, const char* ndjson, size_t len, char** out,
                                       size_t* out_len) {
  return guarded([&] {
    if (proviso_status s = check_policy(p); s != PROVISO_OK) return s;
    if ((!ndjson && len) || !out) return fail(PROVISO_ERROR_INVALID_ARGUMENT, "the input or `out` is NULL");
    *out = nullptr;
    auto session = p->policy.session();
    if (!session.ok()) return fail(PROVISO_ERROR_INTERNAL, session.error());
    std::string result = session.value().evaluate_ndjson(std::string_view(ndjson ? ndjson : "", len));
    return give(result, out, out_len);
  });
}

proviso_status proviso_policy_field(const proviso_policy* p, const char* path, proviso_field* out) {
  return guarded([&] {
    if (proviso_status s = check_policy(p); s != PROVISO_OK) return s;
    if (!path || !out) return fail(PROVISO_ERROR_INVALID_ARGUMENT, "the path or `out` is NULL");
    std::lock_guard<std::mutex> hold(p->ids->lock);
    for (size_t i = 0; i < p->ids->paths.size(); ++i) {
      if (p->ids->paths[i] == path) {
        *out = static_cast<proviso_field>(i);
        return PROVISO_OK;
      }
    }
    auto field = p->policy.field(path);
    if (!field.ok()) return fail(PROVISO_ERROR_INVALID_ARGUMENT, field.error());
    p->ids->paths.emplace_back(path);
    p->ids->fields.push_back(field.value());
    *out = static_cast<proviso_field>(p->ids->fields.size() - 1);
    return PROVISO_OK;
  });
}

proviso_status proviso_record_new(const proviso_policy* p, proviso_record** out) {
  return guarded([&] {
    if (proviso_status s = check_policy(p); s != PROVISO_OK) return s;
    if (!out) return fail(PROVISO_ERROR_INVALID_ARGUMENT, "`out` is NULL");
    *out = nullptr;
    proviso::EvalOptions options;
    options.json = false;
    options.values = true;
    auto session = p->policy.session(options);
    if (!session.ok()) return fail(PROVISO_ERROR_INTERNAL, session.error());
    *out = new proviso_record(p->policy.record(), std::move(session.value()), p->ids);
    return PROVISO_OK;
  });
}

void proviso_record_free(proviso_record* r) {
  if (!r) return;
  r->magic = 0;
  delete r;
}

proviso_status proviso_record_clear(proviso_record* r) {
  return guarded([&] {
    if (proviso_status s = check_record(r); s != PROVISO_OK) return s;
    r->record.clear();
    return PROVISO_OK;
  });
}

proviso_status proviso_record_set_null(proviso_record* r, proviso_field f) {
  return set_field(r, f, [&](const proviso::Field& field) { r->record.set_null(field); });
}

proviso_status proviso_record_set_bool(proviso_record* r, proviso_field f, int value) {
  return set_field(r, f, [&](const proviso::Field& field) { r->record.set_bool(field, value != 0); });
}

proviso_status proviso_record_set_int(proviso_record* r, proviso_field f, int64_t value) {
  return set_field(r, f, [&](const proviso::Field& field) { r->record.set_int(field, value); });
}

proviso_status proviso_record_set_number(proviso_record* r, proviso_field f, const char* number, size_t len) {
  if (!number && len) return fail(PROVISO_ERROR_INVALID_ARGUMENT, "the number is NULL");
  return set_field(r, f, [&](const proviso::Field& field) {
    r->record.set_number(field, std::string_view(number ? number : "", len));
  });
}

proviso_status proviso_record_set_text(proviso_record* r, proviso_field f, const char* text, size_t len) {
  if (!text && len) return fail(PROVISO_ERROR_INVALID_ARGUMENT, "the text is NULL");
  std::string_view value(text ? text : "", len);
  if (!valid_utf8(value)) return fail(PROVISO_ERROR_INVALID_ARGUMENT, "the text is not valid UTF-8");
  return set_field(r, f, [&](const proviso::Field& field) { r->record.set_text(field, value); });
}

proviso_status proviso_evaluate_record(const proviso_policy* p, proviso_record* r, proviso_result** out) {
  return guarded([&] {
    if (proviso_status s = check_policy(p); s != PROVISO_OK) return s;
    if (proviso_status s = check_record(r); s != PROVISO_OK) return s;
    if (!out) return fail(PROVISO_ERROR_INVALID_ARGUMENT, "`out` is NULL");
    *out = nullptr;
    if (r->ids != p->ids) return fail(PROVISO_ERROR_INVALID_ARGUMENT, "the record was made for another policy");
    auto result = std::make_unique<proviso_result>();
    result->evaluation = r->session.evaluate(r->record);  // the record's own session: one thread at a time
    // A result that is not ok has no typed decisions (proviso.h): when only some decisions
    // failed, the JSON forms carry the others, and the error is the first failure's.
    if (!result->evaluation.ok) result->evaluation.values.clear();
    result->names = r->names;
    *out = result.release();
    return PROVISO_OK;
  });
}

int proviso_result_ok(const proviso_result* r) {
  return r && r->magic == proviso_result::kLive && r->evaluation.ok ? 1 : 0;
}

size_t proviso_result_count(const proviso_result* r) {
  return r && r->magic == proviso_result::kLive ? r->evaluation.values.size() : 0;
}

proviso_status proviso_result_value(const proviso_result* r, size_t i, proviso_value* out) {
  return guarded([&] {
    if (proviso_status s = check_result(r); s != PROVISO_OK) return s;
    if (i >= r->evaluation.values.size())
      return fail(PROVISO_ERROR_INVALID_ARGUMENT, "decision " + std::to_string(i) + " of a result with " +
                                                      std::to_string(r->evaluation.values.size()) + " decisions");
    return describe_value(r, i, out);
  });
}

proviso_status proviso_result_find(const proviso_result* r, const char* name, proviso_value* out) {
  return guarded([&] {
    if (proviso_status s = check_result(r); s != PROVISO_OK) return s;
    if (!name) return fail(PROVISO_ERROR_INVALID_ARGUMENT, "the name is NULL");
    for (size_t i = 0; i < r->evaluation.values.size(); ++i)
      if ((*r->names)[i] == name) return describe_value(r, i, out);
    if (!r->evaluation.ok) return fail(PROVISO_ERROR_INVALID_ARGUMENT, "the result is an error: it has no decisions");
    return fail(PROVISO_ERROR_INVALID_ARGUMENT, std::string("no decision `") + name + "` in the result");
  });
}

const char* proviso_result_error_path(const proviso_result* r) {
  if (!r || r->magic != proviso_result::kLive || r->evaluation.ok) return nullptr;
  return r->evaluation.error_path.c_str();
}

const char* proviso_result_error_message(const proviso_result* r) {
  if (!r || r->magic != proviso_result::kLive || r->evaluation.ok) return nullptr;
  return r->evaluation.error_message.c_str();
}

void proviso_result_free(proviso_result* r) {
  if (!r) return;
  r->magic = 0;
  delete r;
}

}  // extern "C"
