// The C++ API (include/proviso/proviso.hpp): compiling through the driver, choosing and
// preparing an engine, sessions that decode, evaluate and encode, and running tests. The one
// place where the JIT-or-interpreter rules live; the `proviso` command is a client of it.
#include <proviso/proviso.hpp>

#include <array>
#include <exception>
#include <new>

#include <fmt/format.h>
#include <nettle/sha2.h>

#include "compiler/ast/diagnostic.h"
#include "compiler/driver/compile.h"
#include "compiler/driver/test_runner.h"
#include "compiler/explain/render.h"
#include "compiler/interp/interpreter.h"
#if PROVISO_ENABLE_JIT
#include "api/jit_lines.h"
#include "compiler/jit/jit.h"
#endif
#include "compiler/records/decode.h"
#include "compiler/records/encode.h"
#include "compiler/records/fast_json_impl.h"
#include "compiler/records/fields.h"
#include "compiler/records/forms.h"
#include "compiler/records/json_schema.h"

// The Impl structs behind the public classes are internal: without this, the version script's
// `proviso::Session::*` (api/libproviso.map) exported their member functions too, and every
// change to them changed api/libproviso.symbols.
#define PROVISO_INTERNAL __attribute__((visibility("hidden")))

namespace proviso {

struct PROVISO_INTERNAL Policy::Impl {
  explicit Impl(std::shared_ptr<const ir::Program> p)
      : program(std::move(p)), interp(*program), fields(*program), line_plan(*program) {}
  std::shared_ptr<const ir::Program> program;
  PolicyInfo info;
  EngineKind engine = EngineKind::Interpreter;
#if PROVISO_ENABLE_JIT
  std::unique_ptr<const jit::CompiledPolicy> jit;         // when engine == Jit
  std::unique_ptr<const api::JitLineWriter> line_writer;  // the lines of `jit`'s evaluations (uses line_plan)
#endif
  interp::Interpreter interp;   // the reference: explanations, tests, and Interpreter
  records::FieldTable fields;   // the inputs' fields by path, for Records
  records::Limits limits;       // EngineOptions::limits
  records::LinePlan line_plan;  // the decisions' keys and enum members, written once for every line
};

struct PROVISO_INTERNAL Record::Impl {
  explicit Impl(std::shared_ptr<const Policy::Impl> p) : policy(std::move(p)), values(policy->fields) {}
  std::shared_ptr<const Policy::Impl> policy;
  records::FieldValues values;

  bool owns(Field f) const { return f.owner_ == policy.get(); }
};

struct PROVISO_INTERNAL Session::Impl {
  Impl(std::shared_ptr<const Policy::Impl> p, ir::EvalOptions o, const EvalOptions& public_options)
      : policy(std::move(p)), decoder(policy->program->schema, policy->program->inputs, policy->limits),
        tree(policy->program->schema), options(std::move(o)), json(public_options.json), values(public_options.values) {
    const ir::Program& program = *policy->program;
    for (int32_t d : options.decisions.empty() ? program.decisions : options.decisions)
      names.push_back(program.values[static_cast<size_t>(d)].name);
  }
  std::shared_ptr<const Policy::Impl> policy;
  records::Decoder decoder;
  records::TreeSink tree;  // the inputs as ir::Values, when they are not decoded into the JIT's frame
  ir::EvalOptions options;
  bool json = true, values = false;
  std::vector<std::string> names;  // of options.decisions
  // The most inputs append_json_lines decodes before it evaluates them: enough that the decoder
  // and the evaluator each run long with their code and tables in the caches, few enough that
  // the group's records stay there too (16 to 128 measure alike on the seed policies).
  static constexpr size_t kGroup = 32;
  // A group record whose input took more than this gives its memory back after the group.
  static constexpr size_t kGroupKeepBytes = size_t{64} << 10;
#if PROVISO_ENABLE_JIT
  // The JIT's state for this thread (flat record, frame, output, arena), made on first use and
  // reused by every evaluation of every decision without explanations.
  std::unique_ptr<jit::Session> jit_session;
  // append_json_lines' records of one group of inputs, each with the sink that decodes into it,
  // and which of them decoded (no allocation: the failure path must not fail).
  struct GroupRecord {
    explicit GroupRecord(const jit::Layout& layout) : sink(layout, record) {}
    jit::FlatRecord record;
    jit::FlatSink sink;
  };
  std::vector<std::unique_ptr<GroupRecord>> group;
  std::array<bool, kGroup> group_ready{};
#endif

  ir::EvalResult evaluate(const std::vector<ir::Value>& inputs);
  // Decodes one input with `decode` (a call of a records::Decoder method taking a sink) and
  // evaluates it: straight into the JIT's flat frame when the JIT evaluates every decision
  // without explanations, else through ir::Values.
  template <class Decode>
  Evaluation decode_and_evaluate(Decode&& decode);
  // The common case, with no Evaluation made: when the JIT evaluates every decision (no
  // explanations, no values) and the JSON line can be written, appends it to `line`. Else
  // `line` is as it was and the answer is given as an Evaluation (its `json` the line).
  template <class Decode>
  std::optional<Evaluation> append_line(Decode&& decode, std::string& line);
  // The rest of an evaluation whose inputs are in the JIT's frame and whose one-pass run
  // failed or gave a decision that cannot be written.
  template <class Decode>
  Evaluation after_jit(Decode&& decode);
  // The answer when a decision failed or cannot be written: the interpreter evaluates every
  // decision on its own (EvalOptions::each_decision) from the inputs in `tree`.
  Evaluation each_decision();
  // The answer from an evaluation's result; `each` when it came from each_decision().
  Evaluation finish(ir::EvalResult r, bool each = false);
  Evaluation error(std::string_view path, std::string_view message, int32_t loc = -1) const;
  // Calls f(line, capacity) for each non-blank line of `ndjson` within the line limit, and
  // too_long(the error's Evaluation) for each longer one, in order. `capacity`: the bytes
  // readable from line.data().
  template <class TooLong, class F>
  static void each_line(Session& s, std::string_view ndjson, size_t first_line, TooLong&& too_long, F&& f);
  // each_line() with the lines gathered into runs of at most kGroup (for append_json_lines):
  // run(lines) for each, and too_long(the error's Evaluation) between them, in order.
  template <class TooLong, class Run>
  static void each_run(Session& s, std::string_view ndjson, size_t first_line, TooLong&& too_long, Run&& run);
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

// "sha256:<hex>" of the policy's files, each as its length and its text.
std::string content_hash(const ir::Program& p) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  for (const SourcePtr& f : p.files) {
    if (!f) continue;
    std::string_view text = f->text();
    std::string size = std::to_string(text.size()) + ":";
    sha256_update(&ctx, size.size(), reinterpret_cast<const uint8_t*>(size.data()));
    sha256_update(&ctx, text.size(), reinterpret_cast<const uint8_t*>(text.data()));
  }
  uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_digest(&ctx, sizeof digest, digest);
  std::string out = "sha256:";
  for (uint8_t byte : digest) out += fmt::format("{:02x}", byte);
  return out;
}

PolicyInfo describe(const ir::Program& p, const records::FieldTable& fields) {
  PolicyInfo info;
  info.path = p.files.empty() || !p.files[0] ? "" : p.files[0]->path();
  info.name = p.name;
  info.title = p.title;
  info.source = p.source;
  info.version = p.version;
  info.effective = p.effective ? rt::format_date(*p.effective) : "";
  info.content_hash = content_hash(p);
  for (const ir::InputDef& in : p.inputs)
    info.inputs.push_back({in.name, ir::to_string(in.type, p.schema), in.optional});
  for (int32_t d : p.decisions) {
    const ir::ValueDef& v = p.values[static_cast<size_t>(d)];
    info.decisions.push_back({v.name, ir::to_string(v.type, p.schema), v.clause});
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    const records::FieldTable::Slot& f = fields.slot(static_cast<int32_t>(i));
    bool optional = f.type.optional;
    for (size_t k = 0; k < fields.inputs().size(); ++k)  // an input's optionality is its InputDef's
      if (fields.inputs()[k] == static_cast<int32_t>(i)) optional = p.inputs[k].optional;
    info.fields.push_back({f.path, ir::to_string(f.type, p.schema), optional});
  }
  return info;
}

void note(const EngineOptions& o, const Note& n) {
  if (o.on_note) o.on_note(n);
}

#if PROVISO_ENABLE_JIT
jit::JitOptions jit_options_of(const EngineOptions& o) {
  jit::JitOptions j;
  j.use_cache = o.use_cache;
  j.cache_dir = o.cache_dir;
  j.cache_max_bytes = o.cache_max_bytes;
  // EngineOptions::tiered: quick code at once, the optimised code from another thread.
  j.tiering = o.tiered ? jit::JitOptions::Tiering::Tiered : jit::JitOptions::Tiering::Optimised;
  return j;
}
#else
// A build without the JIT (PROVISO_ENABLE_JIT=OFF): asking for it is an error; otherwise the
// interpreter, without a note.
constexpr const char* kNoJit = "this build of Proviso has no JIT (PROVISO_ENABLE_JIT=OFF)";
#endif

// The engine rules: the JIT when it can start quickly (its code is cached, or compiling it is
// estimated within the budget) or when asked for explicitly; otherwise, or when the JIT
// cannot compile the policy, the interpreter with a note. Gives "" or, for an explicit JIT
// that cannot be used, why.
std::string prepare(Policy::Impl& impl, const EngineOptions& o) {
  if (o.engine == EngineKind::Interpreter) {
    impl.engine = EngineKind::Interpreter;
    return "";
  }
#if !PROVISO_ENABLE_JIT
  impl.engine = EngineKind::Interpreter;
  return o.engine == EngineKind::Jit ? kNoJit : "";
#else
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
    // Saying what the cache did means waiting for the optimised code to be written (tiered).
    if (o.cache_notes) {
      jit::CompileInfo info = created.policy->wait_optimised();
      if (!info.cache_note.empty()) note(o, {Note::Kind::Cache, info.cache_note, 0, false});
    }
    impl.jit = std::move(created.policy);
    impl.line_writer = std::make_unique<api::JitLineWriter>(impl.jit->layout(), impl.line_plan);
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
#endif
}

Result<Policy> finish_compile(const driver::CompileResult& r, const EngineOptions& o) {
  std::vector<PolicyDiagnostic> diagnostics = convert(r.diagnostics);
  if (!r.ok()) return Result<Policy>::failure("the policy has errors", std::move(diagnostics));
  auto impl = std::make_shared<Policy::Impl>(r.program);
  impl->info = describe(*impl->program, impl->fields);
  const InputLimits& l = o.limits;
  impl->limits = records::Limits{
      l.max_depth,  l.max_string_bytes,           l.max_list_length, l.max_input_bytes, l.max_line_bytes,
      l.max_values, impl->limits.max_alias_values};
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

Result<Field> Policy::field(std::string_view path) const {
  return guarded<Field>([&] {
    std::string why;
    int32_t slot = impl_->fields.find(path, &why);
    if (slot < 0) return Result<Field>::failure(why);
    Field f;
    f.owner_ = impl_.get();
    f.slot_ = slot;
    return Result<Field>::success(f);
  });
}

Record Policy::record() const { return Record(std::make_unique<Record::Impl>(impl_)); }
EngineKind Policy::engine() const { return impl_->engine; }

std::string Policy::input_schema() const { return records::input_json_schema(*impl_->program).dump(); }

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
    return Result<Session>::success(Session(std::make_unique<Session::Impl>(impl_, std::move(o), options)));
  });
}

TestReport Policy::run_tests(TestEngines engines, const EngineOptions& jit_options) const {
  const ir::Program& p = *impl_->program;
  if (engines == TestEngines::Interpreter || p.tests.empty()) return convert(driver::run_tests(p));
#if !PROVISO_ENABLE_JIT
  // No JIT in this build. Both engines: the interpreter alone (the caller told why if it asked
  // for the JIT explicitly). The JIT alone: every test fails, saying why.
  if (engines == TestEngines::Both) {
    if (jit_options.engine == EngineKind::Jit) note(jit_options, {Note::Kind::Interpreter, kNoJit, 0, false});
    return convert(driver::run_tests(p));
  }
  driver::TestReport refused;
  for (const ir::TestCase& t : p.tests) {
    driver::TestOutcome out;
    out.name = t.name;
    out.location = p.location_text(t.loc);
    out.passed = false;
    out.problem = kNoJit;
    refused.outcomes.push_back(std::move(out));
    ++refused.failed;
  }
  return convert(refused);
#else
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
        out.location = p.location_text(t.loc);
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
#endif
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

namespace {

// A decision's value for the typed API: kinds by static type (a Decimal may be a percent),
// texts in the JSON line's forms.
Value to_value(const ir::Value& v, const ir::Type& t, const ir::Schema& schema, const rt::Zone& zone) {
  using K = ir::Value::Kind;
  Value out;
  switch (v.kind()) {
    case K::None: break;
    case K::Bool:
      out.kind = Value::Kind::Bool;
      out.boolean = v.as_bool();
      break;
    case K::Int:
      if (t.kind == ir::TypeKind::Schedule) {  // a schedule inside a record or list: its name, as in JSON
        out.kind = Value::Kind::Text;
        out.text = ir::schedule_name(v.as_int(), schema);
        break;
      }
      out.kind = Value::Kind::Integer;
      out.integer = v.as_int();
      break;
    case K::Decimal:
      out.kind = t.kind == ir::TypeKind::Percent ? Value::Kind::Percent : Value::Kind::Decimal;
      out.text = v.as_decimal().to_string();
      break;
    case K::Money: {
      out.kind = Value::Kind::Money;
      std::string written = rt::format_money(v.as_money());  // "12.50 EUR": rounded as in JSON
      size_t space = written.rfind(' ');
      out.text = written.substr(0, space);
      out.unit = written.substr(space + 1);
      break;
    }
    case K::Date:
      out.kind = Value::Kind::Date;
      out.integer = v.as_date();
      out.text = rt::format_date(v.as_date());
      break;
    case K::DateTime:
      out.kind = Value::Kind::DateTime;
      out.integer = v.as_datetime();
      out.extra = zone.offset_at(v.as_datetime());
      out.text = rt::format_datetime(v.as_datetime(), zone);
      out.unit = std::string(zone.name());
      break;
    case K::Duration:
      out.kind = Value::Kind::Duration;
      out.integer = v.as_duration();
      out.text = records::format_iso_duration(v.as_duration());
      break;
    case K::BusinessDuration:
      out.kind = Value::Kind::BusinessDuration;
      out.integer = v.as_business_duration().days;
      out.extra = v.as_business_duration().seconds;
      out.text = records::format_business_duration(v.as_business_duration());
      break;
    case K::Period:
      out.kind = Value::Kind::Period;
      out.integer = v.as_period();
      out.text = records::format_iso_period(v.as_period());
      break;
    case K::Text:
      out.kind = Value::Kind::Text;
      out.text = v.as_text();
      break;
    case K::Enum:
      out.kind = Value::Kind::Enum;
      out.text = records::encode(v, t, schema, &zone).get<std::string>();
      break;
    case K::Zone:
      out.kind = Value::Kind::Zone;
      out.text = v.as_zone() ? std::string(v.as_zone()->name()) : "";
      break;
    case K::Calendar:
      out.kind = Value::Kind::Calendar;
      out.text = v.as_calendar() ? std::string(v.as_calendar()->name()) : "";
      break;
    case K::Holidays:
      out.kind = Value::Kind::Holidays;
      out.text = v.as_holidays() ? std::string(v.as_holidays()->name()) : "";
      break;
    case K::List: {
      out.kind = Value::Kind::List;
      static const ir::Type kError = ir::Type::error();
      const ir::Type& elem = t.kind == ir::TypeKind::List && t.elem ? *t.elem : kError;
      for (const ir::Value& item : v.as_list()) out.items.push_back(to_value(item, elem, schema, zone));
      break;
    }
    case K::Record: {
      out.kind = Value::Kind::Record;
      const ir::ValueList& fields = v.as_record();
      const ir::RecordDef* rd = t.kind == ir::TypeKind::Record ? &schema.records[static_cast<size_t>(t.id)] : nullptr;
      for (size_t i = 0; i < fields.size(); ++i) {
        bool known = rd && i < rd->fields.size();
        out.names.push_back(known ? rd->fields[i].name : "#" + std::to_string(i));
        out.items.push_back(to_value(fields[i], known ? rd->fields[i].type : ir::Type::error(), schema, zone));
      }
      break;
    }
  }
  return out;
}

}  // namespace

Evaluation Session::Impl::error(std::string_view path, std::string_view message, int32_t loc) const {
  Evaluation e;
  e.error_path = path;
  e.error_message = message;
  if (json) records::write_error_line(e.json, path, message, loc >= 0 ? policy->program->location_text(loc) : "");
  return e;
}

ir::EvalResult Session::Impl::evaluate(const std::vector<ir::Value>& inputs) {
#if PROVISO_ENABLE_JIT
  if (policy->jit) return policy->jit->evaluate(inputs, options);
#endif
  return policy->interp.evaluate(inputs, options);
}

template <class Decode>
Evaluation Session::Impl::decode_and_evaluate(Decode&& decode) {
#if PROVISO_ENABLE_JIT
  if (policy->jit && !options.explain && options.decisions.empty()) {
    if (json && !values) {  // the common case: the line, as append_line writes it
      Evaluation e;
      if (std::optional<Evaluation> other = append_line(decode, e.json)) return std::move(*other);
      e.ok = true;
      return e;
    }
    if (!jit_session) jit_session = std::make_unique<jit::Session>(*policy->jit);
    if (auto bad = decode(jit_session->input_sink())) return error(bad->path, bad->message);
    if (values) {
      ir::EvalResult r = jit_session->evaluate_input();
      if (r.ok) return finish(std::move(r));
      if (auto bad = decode(tree)) return error(bad->path, bad->message);
      return each_decision();
    }
    // No line, no values: whether every decision evaluated.
    jit::Session::Output out;
    if (jit_session->run_input(&out)) {
      Evaluation e;
      e.ok = true;
      return e;
    }
    return after_jit(decode);
  }
#endif
  if (auto bad = decode(tree)) return error(bad->path, bad->message);
  return finish(evaluate(tree.values));
}

template <class Decode>
Evaluation Session::Impl::after_jit(Decode&& decode) {
  // A decision failed, or cannot be written: the inputs again, as ir::Values this time.
  if (auto bad = decode(tree)) return error(bad->path, bad->message);
  return each_decision();
}

template <class Decode>
std::optional<Evaluation> Session::Impl::append_line(Decode&& decode, std::string& line) {
#if PROVISO_ENABLE_JIT
  if (policy->jit && json && !values && !options.explain && options.decisions.empty()) {
    if (!jit_session) jit_session = std::make_unique<jit::Session>(*policy->jit);
    if (auto bad = decode(jit_session->input_sink())) return error(bad->path, bad->message);
    jit::Session::Output out;
    const size_t mark = line.size();
    if (jit_session->run_input(&out) && !policy->line_writer->write(line, *out.source, out.decisions, out.home_zone))
      return std::nullopt;
    line.resize(mark);
    return after_jit(decode);
  }
#endif
  return decode_and_evaluate(decode);
}

Evaluation Session::Impl::each_decision() {
  ir::EvalOptions each = options;
  each.each_decision = true;
  return finish(policy->interp.evaluate(tree.values, each), true);
}

Evaluation Session::Impl::finish(ir::EvalResult r, bool each) {
  const ir::Program& p = *policy->program;
  // A failure of a one-pass evaluation: answer for each decision on its own. Then a failure
  // with no decision failed is the whole input's (the home zone).
  if (!r.ok && !each) return each_decision();
  if (!r.ok && r.failed.empty()) return error(r.error.path, r.error.message, r.error.loc);
  std::vector<records::DecisionFailure> failed;
  for (const auto& [index, err] : r.failed) failed.push_back(records::decision_failure(p, index, err));
  Evaluation e;
  bool written = false;
  if (json && !options.explain && failed.empty()) {  // written straight into the line, no Json built
    e.json.reserve(64 + 48 * r.decisions.size());
    if (!records::write_decisions_line(e.json, p, r.decisions, r.home_zone, &policy->line_plan))
      written = true;
    else
      e.json.clear();  // a decision cannot be written: the line again, with it under "errors"
  }
  if (!written && records::unwritable_decision(p, r.decisions, r.home_zone)) {
    records::split_unwritable(p, r.decisions, failed, r.home_zone);
    std::erase_if(r.explanations, [&](const ir::DecisionExplanation& x) {
      return std::none_of(r.decisions.begin(), r.decisions.end(), [&](const auto& d) { return d.first == x.value; });
    });
  }
  if (json && !written) {
    if (options.explain) {
      records::Json out = records::encode_decisions(p, r.decisions, r.home_zone);
      if (!failed.empty()) out["errors"] = records::encode_failures(p, failed);
      out["explain"] = explain::render_json(p, r);
      e.json = line_of(out);
    } else {
      records::write_decisions_line(e.json, p, r.decisions, r.home_zone, &policy->line_plan);
      if (!failed.empty()) records::append_failures(e.json, p, failed);
    }
  }
  e.ok = failed.empty();
  for (const records::DecisionFailure& f : failed)
    e.errors.push_back({p.values[static_cast<size_t>(f.value)].name, f.path, f.message, f.location});
  if (!e.ok) {
    e.error_path = failed.front().path;
    e.error_message = failed.front().message;
  }
  if (options.explain) e.explanation = explain::render_text(p, r, failed);
  if (values) {
    const rt::Zone& zone = r.home_zone ? *r.home_zone : *rt::utc_zone();
    const std::vector<int32_t>& wanted = options.decisions.empty() ? p.decisions : options.decisions;
    e.values.reserve(wanted.size());
    size_t next = 0;  // r.decisions are the wanted ones that evaluated, in the same order
    for (int32_t index : wanted) {
      if (next < r.decisions.size() && r.decisions[next].first == index) {
        e.values.push_back(
            to_value(r.decisions[next].second, p.values[static_cast<size_t>(index)].type, p.schema, zone));
        ++next;
      } else {
        e.values.emplace_back();  // failed: listed in e.errors
      }
    }
  }
  return e;
}

namespace {

Evaluation failed(const std::string& message) {
  Evaluation e;
  e.json = line_of(records::encode_error("", message));
  e.error_message = message;
  return e;
}

// Decodes one JSON input into `sink`, in place when capacity >= json.size() + kJsonPadding
// (else a copy): with the fast path's calls bound when the sink is the JIT's (fast_json_impl.h).
template <class Sink>
std::optional<records::DecodeError> decode_json_into(records::Decoder& decoder, std::string_view json, size_t capacity,
                                                     Sink& sink) {
#if PROVISO_ENABLE_JIT
  if constexpr (std::is_same_v<Sink, jit::FlatSink>) return decoder.decode_json_as(json, capacity, sink);
#endif
  return decoder.decode_json_as(json, capacity, static_cast<ir::ValueSink&>(sink));
}

template <class F>
Evaluation guarded_evaluation(F&& f) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return failed("out of memory");
  } catch (const std::exception& e) {
    return failed(std::string("internal error: ") + e.what());
  }
}

}  // namespace

Evaluation Session::evaluate_json(std::string_view json) {
  return guarded_evaluation([&] {
    return impl_->decode_and_evaluate([&](auto& sink) { return decode_json_into(impl_->decoder, json, 0, sink); });
  });
}

Evaluation Session::evaluate_json_padded(std::string_view json, size_t capacity) {
  return guarded_evaluation([&] {
    return impl_->decode_and_evaluate(
        [&](auto& sink) { return decode_json_into(impl_->decoder, json, capacity, sink); });
  });
}

LineOutcome Session::append_json_line(std::string& out, std::string_view json, size_t capacity) {
  const size_t mark = out.size();
  try {
    std::optional<Evaluation> e =
        impl_->append_line([&](auto& sink) { return decode_json_into(impl_->decoder, json, capacity, sink); }, out);
    if (!e) return LineOutcome::Ok;  // the common case: the line is in `out`
    out += e->json;
    return e->ok ? LineOutcome::Ok : !e->errors.empty() ? LineOutcome::DecisionError : LineOutcome::InputError;
  } catch (const std::bad_alloc&) {  // as guarded_evaluation answers, in place of any part of the line
    out.resize(mark);
    out += failed("out of memory").json;
  } catch (const std::exception& e) {
    out.resize(mark);
    out += failed(std::string("internal error: ") + e.what()).json;
  }
  return LineOutcome::InputError;
}

size_t Session::append_json_lines(std::string& out, std::span<const JsonLine> lines, LineOutcome* outcomes) {
  size_t failed = 0;
  auto one = [&](size_t i) {  // append_json_line's way, which answers for every failure itself
    const LineOutcome o = append_json_line(out, lines[i].json, lines[i].capacity);
    out += '\n';
    failed += o != LineOutcome::Ok;
    if (outcomes) outcomes[i] = o;
  };
#if PROVISO_ENABLE_JIT
  Impl& m = *impl_;
  if (m.policy->jit && m.json && !m.values && !m.options.explain && m.options.decisions.empty()) {
    for (size_t first = 0; first < lines.size(); first += Impl::kGroup) {
      const size_t n = std::min(Impl::kGroup, lines.size() - first);
      // All decoded first, each into a record of its own; then each evaluated and written. An
      // input that fails to decode, evaluate or be written is left to append_json_line, which
      // gives its error.
      try {
        if (!m.jit_session) m.jit_session = std::make_unique<jit::Session>(*m.policy->jit);
        while (m.group.size() < n) m.group.push_back(std::make_unique<Impl::GroupRecord>(m.policy->jit->layout()));
        m.group_ready.fill(false);
        for (size_t k = 0; k < n; ++k) {
          const JsonLine& line = lines[first + k];
          m.group_ready[k] = !decode_json_into(m.decoder, line.json, line.capacity, m.group[k]->sink);
        }
      } catch (const std::exception&) {
        m.group_ready.fill(false);  // each input again on its own, answered by append_json_line
      }
      for (size_t k = 0; k < n; ++k) {
        const size_t mark = out.size();
        bool written = false;
        if (m.group_ready[k]) {
          try {
            jit::Session::Output o;
            written = m.jit_session->run_record(m.group[k]->record, &o) &&
                      !m.policy->line_writer->write(out, *o.source, o.decisions, o.home_zone);
          } catch (const std::exception&) {
          }
        }
        if (!written) {
          out.resize(mark);
          one(first + k);
          continue;
        }
        out += '\n';
        if (outcomes) outcomes[first + k] = LineOutcome::Ok;
      }
      // A record that took much memory gives it back (an arena keeps its largest block), so
      // that the group's records do not each keep the largest input they ever held.
      for (size_t k = 0; k < n; ++k)
        if (m.group[k]->record.bytes_used() > Impl::kGroupKeepBytes)
          m.group[k] = std::make_unique<Impl::GroupRecord>(m.policy->jit->layout());
    }
    return failed;
  }
#endif
  for (size_t i = 0; i < lines.size(); ++i) one(i);
  return failed;
}

Evaluation Session::evaluate_yaml(std::string_view document, size_t first_line) {
  return guarded_evaluation([&] {
    return impl_->decode_and_evaluate(
        [&](ir::ValueSink& sink) { return impl_->decoder.decode_yaml_document(document, first_line, sink); });
  });
}

Evaluation Session::input_error(std::string_view path, std::string_view message) const {
  return impl_->error(path, message);
}

const std::vector<std::string>& Session::decisions() const { return impl_->names; }

Evaluation Session::evaluate(const Record& record) {
  return guarded_evaluation([&] {
    const Record::Impl& r = *record.impl_;
    if (r.policy != impl_->policy) return impl_->error("", "the record was made by another policy");
    const ir::Program& p = *impl_->policy->program;
    return impl_->decode_and_evaluate([&](ir::ValueSink& sink) {
      return records::decode_fields(r.policy->fields, r.values, p.schema, p.inputs, impl_->decoder.limits(), sink);
    });
  });
}

template <class TooLong, class F>
void Session::Impl::each_line(Session& s, std::string_view ndjson, size_t first_line, TooLong&& too_long, F&& f) {
  size_t start = 0, line_number = first_line - 1;
  while (start < ndjson.size()) {
    ++line_number;
    size_t nl = ndjson.find('\n', start);
    size_t end = nl == std::string_view::npos ? ndjson.size() : nl;
    std::string_view line = ndjson.substr(start, end - start);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
      // Decoded in place when the parser's padding fits in the text after the line.
      size_t capacity = ndjson.size() - start;
      if (line.size() > s.max_line_bytes())
        too_long(
            s.input_error("", fmt::format("line {} is longer than {} MiB", line_number, s.max_line_bytes() >> 20)));
      else
        f(line, capacity);
    }
    start = end + 1;
  }
}

template <class TooLong, class Run>
void Session::Impl::each_run(Session& s, std::string_view ndjson, size_t first_line, TooLong&& too_long, Run&& run) {
  std::vector<JsonLine> lines;
  auto flush = [&] {
    if (lines.empty()) return;
    run(std::span<const JsonLine>(lines));
    lines.clear();
  };
  each_line(
      s, ndjson, first_line,
      [&](Evaluation&& e) {
        flush();
        too_long(std::move(e));
      },
      [&](std::string_view line, size_t capacity) {
        lines.push_back({line, capacity});
        if (lines.size() == kGroup) flush();
      });
  flush();
}

std::vector<Evaluation> Session::evaluate_batch(std::string_view ndjson, size_t first_line) {
  std::vector<Evaluation> out;
  auto add = [&](Evaluation&& e) { out.push_back(std::move(e)); };
  Impl::each_line(*this, ndjson, first_line, add, [&](std::string_view line, size_t capacity) {
    add(capacity >= line.size() + records::kJsonPadding ? evaluate_json_padded(line, capacity) : evaluate_json(line));
  });
  return out;
}

void Session::evaluate_ndjson(std::string_view ndjson, const std::function<void(std::string_view line)>& write,
                              size_t first_line) {
  // Lines are evaluated in groups (append_json_lines) and handed out one by one: each ends with
  // a newline, and none holds one (JSON writes it as \n).
  std::string lines_out;
  Impl::each_run(
      *this, ndjson, first_line, [&](Evaluation&& e) { write(e.json); },
      [&](std::span<const JsonLine> lines) {
        lines_out.clear();
        append_json_lines(lines_out, lines);
        const std::string_view all(lines_out);
        for (size_t at = 0, nl; at < all.size(); at = nl + 1) {
          nl = all.find('\n', at);
          write(all.substr(at, nl - at));
        }
      });
}

std::string Session::evaluate_ndjson(std::string_view ndjson, size_t first_line) {
  std::string out;
  out.reserve(ndjson.size() + ndjson.size() / 4);
  Impl::each_run(
      *this, ndjson, first_line,
      [&](Evaluation&& e) {
        out += e.json;
        out += '\n';
      },
      [&](std::span<const JsonLine> lines) { append_json_lines(out, lines); });
  return out;
}

std::vector<Evaluation> Session::evaluate_batch(std::span<const Record> records) {
  std::vector<Evaluation> out;
  out.reserve(records.size());
  for (const Record& r : records) out.push_back(evaluate(r));
  return out;
}

// ---- Record ----

Record::Record(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Record::Record(Record&&) noexcept = default;
Record& Record::operator=(Record&&) noexcept = default;
Record::~Record() = default;

bool Record::set_null(Field f) {
  if (!impl_->owns(f)) return false;
  impl_->values.set_null(f.slot_);
  return true;
}

bool Record::set_bool(Field f, bool value) {
  if (!impl_->owns(f)) return false;
  impl_->values.set_bool(f.slot_, value);
  return true;
}

bool Record::set_int(Field f, int64_t value) {
  if (!impl_->owns(f)) return false;
  impl_->values.set_int(f.slot_, value);
  return true;
}

bool Record::set_number(Field f, std::string_view number) {
  if (!impl_->owns(f)) return false;
  impl_->values.set_number(f.slot_, number);
  return true;
}

bool Record::set_text(Field f, std::string_view text) {
  if (!impl_->owns(f)) return false;
  impl_->values.set_text(f.slot_, text);
  return true;
}

void Record::clear() { impl_->values.clear(); }

}  // namespace proviso
