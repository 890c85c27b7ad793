// The C API (include/proviso/proviso.h) over the C++ API: handles, status codes, a thread-local
// last error, and no exception across the boundary.
#include <proviso/proviso.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <proviso/proviso.hpp>

struct proviso_engine {
  proviso::Engine engine;
};

struct proviso_policy {
  static constexpr unsigned kLive = 0x50524f56u;  // "PROV"
  unsigned magic = kLive;                         // cleared when freed: a freed policy is caught
  proviso::Policy policy;
};

namespace {

thread_local std::string last_error;

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
  j["inputs"] = inputs;
  j["decisions"] = decisions;
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
  *out = new proviso_policy{proviso_policy::kLive, std::move(r.value())};
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
      if (opts->struct_size < sizeof(proviso_engine_options))
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
    std::string_view text(ndjson ? ndjson : "", len);
    std::string result;
    size_t start = 0;
    while (start < text.size()) {
      size_t nl = text.find('\n', start);
      std::string_view line = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
      start = nl == std::string_view::npos ? text.size() : nl + 1;
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;  // blank
      result += session.value().evaluate_json(line).json;
      result += '\n';
    }
    return give(result, out, out_len);
  });
}

}  // extern "C"
