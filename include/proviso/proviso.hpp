// Proviso's C++ API: compile a policy once, evaluate it many times. An Engine compiles
// policies (checking them, and preparing the JIT or the interpreter by its options); a Policy
// is immutable and may be shared between threads; a Session holds one thread's evaluation
// state. Problems in a policy are diagnostics in the Result, problems in one input are that
// evaluation's error line, and no exception leaves this API.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace proviso {

// Which evaluator a Policy uses.
enum class EngineKind {
  Auto,         // the JIT when its code is cached or compiles within the budget, else the interpreter
  Jit,          // the JIT, however long it takes to compile; a policy it cannot compile is an error
  Interpreter,  // the reference interpreter
};

// What happened while a policy was prepared, for the caller to show (or not).
struct Note {
  enum class Kind {
    Interpreter,    // the interpreter evaluates this policy (`message` says why)
    CompilingLong,  // EngineKind::Jit over the budget: compiling will take about `seconds`
    Cache,          // what the object cache did (only with EngineOptions::cache_notes)
  };
  Kind kind = Kind::Interpreter;
  std::string message;       // one line, lower case
  double seconds = 0;        // Interpreter (when over budget) and CompilingLong: the estimate
  bool over_budget = false;  // Interpreter: because compiling would take too long
};

// What one evaluation input may hold; an input over a limit is that input's error (with its
// path), never a failure of the process. The defaults are those of `proviso eval`
// (docs/LIMITS.md).
struct InputLimits {
  size_t max_depth = 64;               // nested records and lists
  size_t max_string_bytes = 1u << 20;  // per string
  size_t max_list_length = 100000;     // elements per list
  size_t max_input_bytes = 64u << 20;  // per input (JSON text, YAML document)
  size_t max_line_bytes = 16u << 20;   // per NDJSON line
  size_t max_values = 16u << 20;       // values decoded per input
};

struct EngineOptions {
  EngineKind engine = EngineKind::Auto;
  bool use_cache = true;                           // the JIT's object cache on disk
  std::string cache_dir;                           // "" = $XDG_CACHE_HOME/proviso, else ~/.cache/proviso
  uint64_t cache_max_bytes = uint64_t{256} << 20;  // least recently used entries out past this
  double compile_budget_ms = 1000;                 // Auto: the longest estimated compile to wait for
  bool cache_notes = false;                        // report Note::Kind::Cache notes
  std::function<void(const Note&)> on_note;        // called as notes happen (may be empty)
  InputLimits limits;                              // for every input of the policies compiled
  // A policy whose native code is not in the cache evaluates at once on quick code while its
  // optimised code compiles on a thread of its own (compiler/jit/README.md, "Tiers"). The
  // program must destroy its policies before it exits: exit() with a policy alive could run
  // static destructors while that thread compiles. `proviso` sets it; off by default.
  bool tiered = false;
};

// A problem in a policy, as `proviso check` prints it.
struct PolicyDiagnostic {
  enum class Severity { Error, Warning, Note };
  Severity severity = Severity::Error;
  std::string file;  // "" when no file is involved
  int line = 0, column = 0;
  std::string code, message, help;
  std::string rendered;  // `file:line:col: error: message [code]`, the source line, a caret, help
};

// A value or why there is none: diagnostics of a policy, or an error of the engine itself.
template <class T>
class Result {
 public:
  bool ok() const { return value_.has_value(); }
  const T& value() const { return *value_; }
  T& value() { return *value_; }
  const std::vector<PolicyDiagnostic>& diagnostics() const { return diagnostics_; }  // warnings too
  const std::string& error() const { return error_; }  // one line when !ok and not a diagnostic

  static Result success(T value, std::vector<PolicyDiagnostic> diagnostics = {}) {
    Result r;
    r.value_ = std::move(value);
    r.diagnostics_ = std::move(diagnostics);
    return r;
  }
  static Result failure(std::string error, std::vector<PolicyDiagnostic> diagnostics = {}) {
    Result r;
    r.error_ = std::move(error);
    r.diagnostics_ = std::move(diagnostics);
    return r;
  }

 private:
  std::optional<T> value_;
  std::vector<PolicyDiagnostic> diagnostics_;
  std::string error_;
};

// What a policy declares: its header, inputs and decisions.
struct PolicyInfo {
  struct Input {
    std::string name, type;  // type as a user writes it: "case", "list of Contact"
    bool optional = false;
  };
  struct Decision {
    std::string name, type, clause;
  };
  // Every field a Record can set, by path ("case.severity"), with its type ("integer 1..3").
  struct Field {
    std::string path, type;
    bool optional = false;
  };
  std::string path, name, title, source, version, effective;  // effective: "2024-01-01" or ""
  // "sha256:" and the hex SHA-256 of the policy's source text (with the files it includes, in
  // order): which revision of a policy answered, for audit logs and caches.
  std::string content_hash;
  std::vector<Input> inputs;
  std::vector<Decision> decisions;  // in declaration order
  std::vector<Field> fields;        // inputs first, each followed by its fields, depth first
};

struct EvalOptions {
  bool explain = false;                // add "explain" to each line and a text explanation
  std::vector<std::string> decisions;  // only these (by name); empty = every decision
  bool json = true;                    // write Evaluation::json
  bool values = false;                 // fill Evaluation::values
};

// A decision's value, typed. The text forms are those of the JSON line (README, "JSON forms
// of values"), so a value read here and one read from `proviso eval` agree.
struct Value {
  enum class Kind : uint8_t {
    None,  // an optional decision without a value
    Bool,
    Integer,
    Decimal,
    Percent,
    Money,
    Date,
    DateTime,
    Duration,
    BusinessDuration,
    Period,
    Text,
    Enum,
    Zone,
    Calendar,
    Holidays,
    List,
    Record,
  };
  Kind kind = Kind::None;
  bool boolean = false;  // Bool
  // Integer: the integer; Date: days since 1970-01-01; DateTime: seconds since
  // 1970-01-01T00:00:00Z; Duration: seconds; Period: months; BusinessDuration: business days.
  int64_t integer = 0;
  // DateTime: the home zone's offset from UTC at that instant, in seconds east;
  // BusinessDuration: business seconds beyond the days.
  int64_t extra = 0;
  // Decimal: its exact digits ("0.125"); Percent: the fraction ("0.25" for 25%); Money: the
  // amount rounded to the currency's minor unit ("12.50"); Text: the text; Enum: the member;
  // Date "2026-11-27"; DateTime "2026-11-27T09:00:00-05:00" (in the home zone); Duration
  // "PT4H"; Period "P12M"; BusinessDuration "2 business days"; Zone, Calendar, Holidays: the name.
  std::string text;
  std::string unit;                // Money: the currency code; DateTime: the home zone's name
  std::vector<Value> items;        // List: the elements; Record: the fields, in declaration order
  std::vector<std::string> names;  // Record: the field names
};

// One evaluation. With EvalOptions::json, the JSON line `proviso eval` prints (without the
// newline): {"decisions": {...}} (with "explain" when asked) or {"error": {"path", "message"}}.
// A decision that failed while the others evaluated (division by zero, a calendar with no
// working time, a datetime that cannot be written, ...).
struct DecisionError {
  std::string decision;  // its name
  std::string path;      // the path involved: the decision, or an input ("case.reported_at")
  std::string message;
  std::string location;  // "file:line:col" in the policy
};

// One input's answer. Three outcomes:
// - ok: every decision evaluated;
// - !ok with `errors`: the input was read, and the decisions in `errors` failed; the others
//   are in `values` and in the line's "decisions", the failures in its "errors" key;
// - !ok without `errors`: the input could not be read or evaluated at all
//   (`{"error": {...}}`).
struct Evaluation {
  bool ok = false;
  std::string json;
  std::string explanation;  // with EvalOptions::explain, the readable text; else ""
  // With EvalOptions::values, unless the whole input failed: one per Session::decisions(), in
  // order; a decision listed in `errors` has a Value of Kind::None there.
  std::vector<Value> values;
  std::vector<DecisionError> errors;  // the decisions that failed, in declaration order
  // When !ok: the field path ("case.severity"), "" for the whole input, and what is wrong;
  // with `errors`, those of the first decision that failed.
  std::string error_path;
  std::string error_message;
};

// The tests written in a policy, run on one engine or both.
struct TestReport {
  struct Outcome {
    std::string name, location;  // location: "file:line:col" of the test
    bool passed = true;
    std::string problem;  // why it failed other than by values
    struct Diff {
      std::string decision, expected, actual;
    };
    std::vector<Diff> diffs;
  };
  std::vector<Outcome> outcomes;
  int passed = 0, failed = 0;
  std::string failures_text() const;  // each failure with its location and values, as `proviso test` prints
};
enum class TestEngines { Both, Interpreter, Jit };

class Session;
class Record;

// How the line Session::append_json_line appended went: every decision evaluated
// (Evaluation::ok); some failed, listed under "errors" (Evaluation::errors not empty); or the
// input could not be evaluated at all, {"error": ...}.
enum class LineOutcome { Ok, DecisionError, InputError };

// One JSON input of Session::append_json_lines: its text and the bytes readable from
// json.data(), as append_json_line takes them.
struct JsonLine {
  std::string_view json;
  size_t capacity = 0;
};

// A field of a policy's inputs named by its path ("case.severity", "contract.centre.zone"),
// resolved once with Policy::field and used to set that field of the policy's Records.
class Field {
 public:
  Field() = default;
  bool valid() const { return owner_ != nullptr; }

 private:
  friend class Policy;
  friend class Record;
  const void* owner_ = nullptr;
  int32_t slot_ = -1;
};

class Policy {
 public:
  const PolicyInfo& info() const;
  // The field at `path`; fails, saying why, for a path that names no field of an input
  // ("no field `sevrity` in `case` (its fields are: ...)") or one inside a list.
  Result<Field> field(std::string_view path) const;
  // An empty input for this policy, to be filled with Record's setters.
  Record record() const;
  // The engine that evaluates it (never Auto).
  EngineKind engine() const;
  // The JSON Schema (draft 2020-12) of one input object, as JSON text: the schema
  // `proviso schema FILE` prints, for callers that generate client types or check a record
  // before they send it.
  std::string input_schema() const;
  // A session for one thread; fails (listing the decisions) when a decision name is unknown.
  Result<Session> session(const EvalOptions& options = {}) const;
  // Runs the policy's tests. Both: each test on the interpreter and on the JIT, which must
  // agree (a test whose outcome differs fails, naming both answers); a policy the JIT cannot
  // compile is tested by the interpreter with a note (as EngineKind::Auto would). Jit: a
  // policy the JIT cannot compile fails every test.
  TestReport run_tests(TestEngines engines, const EngineOptions& jit_options = {}) const;

  struct Impl;
  explicit Policy(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

 private:
  friend class Session;
  std::shared_ptr<const Impl> impl_;
};

// One evaluation input built field by field, for callers that do not want JSON. A value is
// given as its JSON form would be (a number, a string such as "2026-11-27T09:00:00Z", "PT4H",
// "12.50 EUR", "25%" or an enum member), and is checked when evaluated exactly as that JSON
// input would be, with the same messages and paths. A record is present when one of its fields
// is set; set_null on an optional record or input makes it absent. Reusable with clear(); not
// thread-safe (one Record per thread, or per input).
class Record {
 public:
  // Each setter gives false, setting nothing, when `field` is not of this record's policy.
  bool set_null(Field field);
  bool set_bool(Field field, bool value);
  bool set_int(Field field, int64_t value);
  bool set_number(Field field, std::string_view number);  // a JSON number's text: "12.50"
  bool set_text(Field field, std::string_view text);      // a JSON string's content
  void clear();                                           // nothing set, buffers kept

  struct Impl;
  explicit Record(std::unique_ptr<Impl> impl);
  Record(Record&&) noexcept;
  Record& operator=(Record&&) noexcept;
  ~Record();

 private:
  friend class Session;
  std::unique_ptr<Impl> impl_;
};

// One thread's evaluations of a Policy (decoders, JIT buffers). Not thread-safe; cheap to make.
class Session {
 public:
  // The decisions each evaluation gives, in order (EvalOptions::decisions or all).
  const std::vector<std::string>& decisions() const;
  // One input built with Record's setters (of this session's policy).
  Evaluation evaluate(const Record& record);
  // Many inputs, results in input order: one per non-blank line of NDJSON text, or one per record.
  // `first_line`: the line number of the text's first line, for messages about a line.
  std::vector<Evaluation> evaluate_batch(std::string_view ndjson, size_t first_line = 1);
  std::vector<Evaluation> evaluate_batch(std::span<const Record> records);
  // NDJSON in, NDJSON out: each non-blank line's JSON line (EvalOptions::json), each ending
  // with a newline, in order; as `proviso eval` prints them.
  std::string evaluate_ndjson(std::string_view ndjson, size_t first_line = 1);
  // The same, giving each output line (without its newline) to `write`, in order: for callers
  // that write the output where it goes, without holding all of it.
  void evaluate_ndjson(std::string_view ndjson, const std::function<void(std::string_view line)>& write,
                       size_t first_line = 1);
  // One input object as JSON text.
  Evaluation evaluate_json(std::string_view json);
  // The same, decoding in place: [json.data(), json.data() + capacity) must be readable and
  // capacity >= json.size() + 64 (the padding of the JSON parser). For streams read in chunks.
  Evaluation evaluate_json_padded(std::string_view json, size_t capacity);
  // The same, for callers that collect the output lines: appends the input's JSON line
  // (Evaluation::json, without a newline) to `out` and says how it went (LineOutcome). In the
  // common case (every decision evaluated by the JIT) the line is written straight into `out`,
  // with no Evaluation made. Decodes in place when capacity >= json.size() + 64, as above; any
  // explanation (EvalOptions::explain) is not given.
  LineOutcome append_json_line(std::string& out, std::string_view json, size_t capacity);
  // append_json_line for each of `lines`, in order, each line followed by a newline: the same
  // bytes, in less time for many inputs, since they are taken in groups whose inputs are all
  // decoded first, then each evaluated and written, so that the decoder's and the evaluator's
  // code and tables stay in the CPU's caches. Gives how many lines were not LineOutcome::Ok,
  // and, when `outcomes` is given, each line's outcome in outcomes[0, lines.size()).
  size_t append_json_lines(std::string& out, std::span<const JsonLine> lines, LineOutcome* outcomes = nullptr);
  // One YAML document; `first_line` is its line in the stream (for messages).
  Evaluation evaluate_yaml(std::string_view document, size_t first_line = 1);
  // The error line for an input that could not even be read as one (`path` may be "").
  Evaluation input_error(std::string_view path, std::string_view message) const;
  // The limits an input must respect (bytes per input and per NDJSON line).
  size_t max_input_bytes() const;
  size_t max_line_bytes() const;

  struct Impl;
  explicit Session(std::unique_ptr<Impl> impl);
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  ~Session();

 private:
  std::unique_ptr<Impl> impl_;
};

class Engine {
 public:
  explicit Engine(EngineOptions options = {});
  // Reads, checks and prepares a policy for evaluation. Diagnostics (warnings too) come with
  // the result; a file that cannot be read is an error diagnostic without a location. A file's
  // module imports (`import "lib/x.policy"`) are read relative to its directory; text has none,
  // so it may import the standard modules only, and no file is read for it.
  Result<Policy> compile_file(const std::string& path) const;
  Result<Policy> compile_text(std::string_view text, const std::string& name) const;
  const EngineOptions& options() const { return options_; }

 private:
  EngineOptions options_;
};

}  // namespace proviso
