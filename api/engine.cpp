// The C++ API (include/proviso/proviso.hpp): compiling through the driver, choosing and
// preparing an engine, sessions that decode, evaluate and encode, and running tests. The one
// place where the JIT-or-interpreter rules live; the `proviso` command is a client of it.
#include <proviso/proviso.hpp>

#include <exception>
#include <new>

#include <fmt/format.h>

#include "compiler/ast/diagnostic.h"
#include "compiler/driver/compile.h"
#include "compiler/driver/test_runner.h"
#include "compiler/explain/render.h"
#include "compiler/interp/interpreter.h"
#include "compiler/jit/jit.h"
#include "compiler/records/decode.h"
#include "compiler/records/encode.h"

namespace proviso {

struct Policy::Impl {
  explicit Impl(std::shared_ptr<const ir::Program> p) : program(std::move(p)), interp(*program) {}
  std::shared_ptr<const ir::Program> program;
  PolicyInfo info;
  EngineKind engine = EngineKind::Interpreter;
  std::unique_ptr<const jit::CompiledPolicy> jit;  // when engine == Jit
  interp::Interpreter interp;                      // the reference: explanations, tests, and Interpreter
};

struct Session::Impl {
  Impl(std::shared_ptr<const Policy::Impl> p, ir::EvalOptions o)
      : policy(std::move(p)), decoder(*policy->program), options(std::move(o)) {}
  std::shared_ptr<const Policy::Impl> policy;
  records::Decoder decoder;
  ir::EvalOptions options;

  Evaluation finish(const records::DecodeResult& decoded) const;
};

namespace {

std::string line_of(const records::Json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<PolicyDiagnostic> convert(const Diagnostics& ds) {
  std::vector<PolicyDiagnostic> out;
  for (const auto& d : ds.items()) {
    PolicyDiagnostic x;
    x.severity = d.severity == Severity::Error     ? PolicyDiagnostic::Severity::Error
                 : d.severity == Severity::Warning ? PolicyDiagnostic::Severity::Warning
                                                   : PolicyDiagnostic::Severity::Note;
    if (d.source) {
      x.file = d.source->path();
      LineCol lc = d.source->line_col(d.span.begin);
      x.line = static_cast<int>(lc.line);
      x.column = static_cast<int>(lc.column);
    }
    x.code = code_id(d.code);
    x.message = d.message;
    x.help = d.help;
    x.rendered = render(d);
    out.push_back(std::move(x));
  }
  return out;
}

PolicyInfo describe(const ir::Program& p) {
  PolicyInfo info;
  info.path = p.files.empty() || !p.files[0] ? "" : p.files[0]->path();
  info.name = p.name;
  info.title = p.title;
  info.source = p.source;
  info.version = p.version;
  info.effective = p.effective ? rt::format_date(*p.effective) : "";
  for (const ir::InputDef& in : p.inputs)
    info.inputs.push_back({in.name, ir::to_string(in.type, p.schema), in.optional});
  for (int32_t d : p.decisions) {
    const ir::ValueDef& v = p.values[static_cast<size_t>(d)];
    info.decisions.push_back({v.name, ir::to_string(v.type, p.schema), v.clause});
  }
  return info;
}

void note(const EngineOptions& o, const Note& n) {
  if (o.on_note) o.on_note(n);
}

jit::JitOptions jit_options_of(const EngineOptions& o) {
  jit::JitOptions j;
  j.use_cache = o.use_cache;
  j.cache_dir = o.cache_dir;
  j.cache_max_bytes = o.cache_max_bytes;
  return j;
}

// The engine rules: the JIT when it can start quickly (its code is cached, or compiling it is
// estimated within the budget) or when asked for explicitly; otherwise, or when the JIT
// cannot compile the policy, the interpreter with a note. Gives "" or, for an explicit JIT
// that cannot be used, why.
std::string prepare(Policy::Impl& impl, const EngineOptions& o) {
  if (o.engine == EngineKind::Interpreter) {
    impl.engine = EngineKind::Interpreter;
    return "";
  }
  const ir::Program& p = *impl.program;
  jit::JitOptions options = jit_options_of(o);
  options.compile_budget_ms = o.compile_budget_ms;  // first without compiling anything costly
  auto created = jit::CompiledPolicy::create(p, options);
  bool over_budget = !created.ok() && created.status.code == jit::Status::Code::OverBudget;
  if (over_budget && o.engine == EngineKind::Jit) {
    double seconds = jit::estimate_compile_ms(p) / 1000;
    note(o,
         {Note::Kind::CompilingLong,
          fmt::format("compiling a large policy to native code: about {:.1f} s (estimated)", seconds), seconds, true});
    options.compile_budget_ms = 0;
    created = jit::CompiledPolicy::create(p, options);
  }
  if (created.ok()) {
    if (o.cache_notes && !created.policy->info().cache_note.empty())
      note(o, {Note::Kind::Cache, created.policy->info().cache_note, 0, false});
    impl.jit = std::move(created.policy);
    impl.engine = EngineKind::Jit;
    return "";
  }
  if (o.engine == EngineKind::Jit) return created.status.message;
  impl.engine = EngineKind::Interpreter;
  if (over_budget) {
    double seconds = jit::estimate_compile_ms(p) / 1000;
    note(o, {Note::Kind::Interpreter,
             fmt::format("compiling this policy would take about {:.1f} s (estimated)", seconds), seconds, true});
  } else {
    note(o, {Note::Kind::Interpreter, created.status.message, 0, false});
  }
  return "";
}

Result<Policy> finish_compile(const driver::CompileResult& r, const EngineOptions& o) {
  std::vector<PolicyDiagnostic> diagnostics = convert(r.diagnostics);
  if (!r.ok()) return Result<Policy>::failure("the policy has errors", std::move(diagnostics));
  auto impl = std::make_shared<Policy::Impl>(r.program);
  impl->info = describe(*impl->program);
  std::string why = prepare(*impl, o);
  if (!why.empty()) return Result<Policy>::failure(why, std::move(diagnostics));
  return Result<Policy>::success(Policy(std::move(impl)), std::move(diagnostics));
}

// No exception leaves the API: a failure inside becomes the error of the result.
template <class T, class F>
Result<T> guarded(F&& f) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return Result<T>::failure("out of memory");
  } catch (const std::exception& e) {
    return Result<T>::failure(std::string("internal error: ") + e.what());
  }
}

TestReport::Outcome convert(const driver::TestOutcome& o) {
  TestReport::Outcome x;
  x.name = o.name;
  x.location = o.location;
  x.passed = o.passed;
  x.problem = o.problem;
  for (const auto& d : o.diffs) x.diffs.push_back({d.decision, d.expected, d.actual});
  return x;
}

TestReport convert(const driver::TestReport& r) {
  TestReport x;
  for (const auto& o : r.outcomes) x.outcomes.push_back(convert(o));
  x.passed = r.passed;
  x.failed = r.failed;
  return x;
}

}  // namespace

// ---- Engine ----

Engine::Engine(EngineOptions options) : options_(std::move(options)) {}

Result<Policy> Engine::compile_file(const std::string& path) const {
  return guarded<Policy>([&] { return finish_compile(driver::compile_file(path), options_); });
}

Result<Policy> Engine::compile_text(std::string_view text, const std::string& name) const {
  return guarded<Policy>([&] {
    return finish_compile(driver::compile_source(std::make_shared<const SourceFile>(name, std::string(text))),
                          options_);
  });
}

// ---- Policy ----

const PolicyInfo& Policy::info() const { return impl_->info; }
EngineKind Policy::engine() const { return impl_->engine; }

Result<Session> Policy::session(const EvalOptions& options) const {
  return guarded<Session>([&]() -> Result<Session> {
    const ir::Program& p = *impl_->program;
    ir::EvalOptions o;
    o.explain = options.explain;
    for (const std::string& name : options.decisions) {
      int idx = p.find_value(name);
      bool decision = idx >= 0 && p.values[static_cast<size_t>(idx)].kind == ir::ValueKind::Decision;
      if (!decision) {
        std::string list;
        for (int32_t d : p.decisions) list += (list.empty() ? "" : ", ") + p.values[static_cast<size_t>(d)].name;
        return Result<Session>::failure(fmt::format("unknown decision `{}`; the decisions are: {}", name, list));
      }
      if (std::find(o.decisions.begin(), o.decisions.end(), idx) == o.decisions.end()) o.decisions.push_back(idx);
    }
    // Outputs keep declaration order whatever order the names were given in.
    std::vector<int32_t> ordered;
    for (int32_t d : p.decisions)
      if (std::find(o.decisions.begin(), o.decisions.end(), d) != o.decisions.end()) ordered.push_back(d);
    o.decisions = std::move(ordered);
    return Result<Session>::success(Session(std::make_unique<Session::Impl>(impl_, std::move(o))));
  });
}

TestReport Policy::run_tests(TestEngines engines, const EngineOptions& jit_options) const {
  const ir::Program& p = *impl_->program;
  if (engines == TestEngines::Interpreter || p.tests.empty()) return convert(driver::run_tests(p));
  // The JIT: this policy's own, else one prepared as the options say.
  const jit::CompiledPolicy* compiled = impl_->jit.get();
  Policy::Impl own(impl_->program);
  if (!compiled) {
    EngineOptions o = jit_options;
    if (o.engine == EngineKind::Interpreter) o.engine = EngineKind::Auto;
    if (engines == TestEngines::Jit) o.engine = EngineKind::Jit;
    std::string why = prepare(own, o);
    compiled = own.jit.get();
    if (!compiled && engines == TestEngines::Jit) {
      driver::TestReport refused;
      for (const ir::TestCase& t : p.tests) {
        driver::TestOutcome out;
        out.name = t.name;
        out.location = driver::location_of(p, t.loc);
        out.passed = false;
        out.problem = "the JIT cannot compile this policy: " + why;
        refused.outcomes.push_back(std::move(out));
        ++refused.failed;
      }
      return convert(refused);
    }
    if (!compiled) {
      // Both engines asked for, the JIT explicitly: the interpreter alone, and the caller is
      // told why (with EngineKind::Auto, prepare() has said it already).
      if (o.engine == EngineKind::Jit) note(o, {Note::Kind::Interpreter, why, 0, false});
      return convert(driver::run_tests(p));
    }
  }
  driver::TestReport on_jit =
      driver::run_tests(p, [&](const std::vector<ir::Value>& inputs, const ir::EvalOptions& options) {
        return compiled->evaluate(inputs, options);
      });
  if (engines == TestEngines::Jit) return convert(on_jit);
  return convert(driver::merge_reports(driver::run_tests(p), "interpreter", on_jit, "JIT"));
}

std::string TestReport::failures_text() const {
  std::string out;
  for (const auto& o : outcomes) {
    if (o.passed) continue;
    out += fmt::format("{}: test \"{}\" failed\n", o.location, o.name);
    if (!o.problem.empty()) out += "  " + o.problem + "\n";
    for (const auto& d : o.diffs) out += fmt::format("  {}: expected {}, got {}\n", d.decision, d.expected, d.actual);
  }
  return out;
}

// ---- Session ----

Session::Session(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

size_t Session::max_input_bytes() const { return impl_->decoder.limits().max_input_bytes; }
size_t Session::max_line_bytes() const { return impl_->decoder.limits().max_line_bytes; }

Evaluation Session::Impl::finish(const records::DecodeResult& decoded) const {
  const ir::Program& p = *policy->program;
  Evaluation e;
  if (!decoded.ok()) {
    e.json = line_of(records::encode_error(decoded.error->path, decoded.error->message));
    return e;
  }
  ir::EvalResult r =
      policy->jit ? policy->jit->evaluate(decoded.values, options) : policy->interp.evaluate(decoded.values, options);
  if (!r.ok) {
    records::Json out = records::encode_error(r.error.path, r.error.message);
    if (r.error.loc >= 0) out["error"]["location"] = driver::location_of(p, r.error.loc);
    e.json = line_of(out);
    return e;
  }
  records::Json out = records::encode_decisions(p, r.decisions, r.home_zone);
  if (out.contains("error")) {  // a value that cannot be written (a year outside 0001..9999)
    e.json = line_of(out);
    return e;
  }
  if (options.explain) {
    out["explain"] = explain::render_json(p, r);
    e.explanation = explain::render_text(p, r);
  }
  e.json = line_of(out);
  e.ok = true;
  return e;
}

namespace {

Evaluation guarded_evaluation(const std::function<Evaluation()>& f) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return Evaluation{false, line_of(records::encode_error("", "out of memory")), ""};
  } catch (const std::exception& e) {
    return Evaluation{false, line_of(records::encode_error("", std::string("internal error: ") + e.what())), ""};
  }
}

}  // namespace

Evaluation Session::evaluate_json(std::string_view json) {
  return guarded_evaluation([&] { return impl_->finish(impl_->decoder.decode_json(json)); });
}

Evaluation Session::evaluate_json_padded(std::string_view json, size_t capacity) {
  return guarded_evaluation([&] { return impl_->finish(impl_->decoder.decode_json(json, capacity)); });
}

Evaluation Session::evaluate_yaml(std::string_view document, size_t first_line) {
  return guarded_evaluation([&] { return impl_->finish(impl_->decoder.decode_yaml_document(document, first_line)); });
}

Evaluation Session::input_error(std::string_view path, std::string_view message) const {
  return Evaluation{false, line_of(records::encode_error(path, message)), ""};
}

}  // namespace proviso
