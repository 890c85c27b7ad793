// `proviso eval FILE --input PATH|-`: evaluate a policy on each input (one JSON object, NDJSON,
// or a YAML stream) and print one JSON line per input, in order. Inputs are read as a stream:
// each is decoded, evaluated and written as soon as it is complete, in memory independent of
// the input's size. A bad input gives an {"error": ...} line, a failed decision its entry
// under "errors" beside the others; the other inputs are still evaluated. Output that cannot be written stops the run
// (exit 1). With
// `--jobs N` (default: the CPUs available) inputs are evaluated in chunks on N threads and
// written in input order (tools/eval_pipeline.h). Compiling and evaluating go through the
// library (include/proviso/proviso.hpp).
#include <iostream>

#include <fmt/format.h>

#include "compiler/records/decode.h"
#include "tools/cli.h"
#include "tools/engine.h"
#include "tools/eval_pipeline.h"
#include "tools/input_stream.h"
#include "tools/output.h"

namespace proviso::cli {

namespace {

// One thread: each input is decoded, evaluated and written in turn, with its explanation on
// stderr after its line (`explain`). Stops when writing fails or reading fails (in.read_error()).
PipelineResult run_serial(InputStream& in, bool yaml, bool explain, Session& evaluator, Output& out) {
  // A reader downstream of a pipe sees each line as soon as its input is complete.
  if (out.interactive()) in.on_idle([&out] { out.flush(); });

  PipelineResult r;
  size_t explained = 0;
  // The first explanation waits for the second input: its header ("-- input 1
  // (line 1)") is printed only when there is more than one input.
  std::string first_explanation;
  size_t first_line = 0;
  auto write_line = [&](const Evaluation& e, size_t line) {
    ++r.count;
    if (r.count == 2 && !first_explanation.empty()) {
      out.flush();
      std::cerr << fmt::format("-- input 1 (line {})\n", first_line) << first_explanation << std::flush;
      first_explanation.clear();
    }
    out.write(e.json);
    out.write("\n");
    if (e.explanation.empty()) return;
    ++explained;
    if (r.count == 1) {
      first_explanation = e.explanation;
      first_line = line;
      return;
    }
    // The explanation follows its line, also when both streams go to a terminal.
    out.flush();
    std::cerr << fmt::format("{}-- input {} (line {})\n", explained > 1 ? "\n" : "", r.count, line) << e.explanation
              << std::flush;
  };

  auto evaluate_one = [&](const InputStream::Item& item) {
    Evaluation e = evaluate_item(evaluator, yaml, item.error, yaml ? item.yaml : item.json, item.line, item.capacity);
    r.any_failed |= !e.ok;
    write_line(e, item.line);
  };
  if (yaml || explain) {
    InputStream::Item item;
    while (!out.failed() && in.next(&item)) evaluate_one(item);
  } else {
    // The common case: the lines the input buffer holds, written in place in groups
    // (Session::append_json_lines), each line that cannot be read at all on its own.
    constexpr size_t kLines = 256;
    std::vector<InputStream::Item> items;
    std::vector<JsonLine> lines;
    while (!out.failed() && in.next_lines(&items, kLines) != 0) {
      for (size_t i = 0; i < items.size();) {
        lines.clear();
        for (; i < items.size() && !items[i].error; ++i) lines.push_back({items[i].json, items[i].capacity});
        if (!lines.empty()) {
          r.any_failed |= evaluator.append_json_lines(out.buffer(), lines) != 0;
          r.count += lines.size();
          out.wrote();
        }
        if (i < items.size()) evaluate_one(items[i++]);
      }
    }
  }
  in.on_idle({});
  if (!first_explanation.empty() && in.read_error().empty()) {
    out.flush();
    std::cerr << first_explanation << std::flush;
  }
  return r;
}

}  // namespace

Command add_eval(CLI::App& app) {
  struct Options {
    std::string policy;
    std::string input;
    std::vector<std::string> decisions;
    bool explain = false;
    std::string engine = "jit";
    bool no_cache = false;
    bool verbose = false;
    std::string format = "auto";
    size_t jobs = 0;  // 0: the CPUs available
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("eval", "Evaluate a policy on inputs and print its decisions as JSON lines");
  sub->add_option("FILE", o->policy, "Policy file")->required();
  sub->add_option("-i,--input", o->input,
                  "Input file: one JSON object, NDJSON (one object per line), or YAML (.yaml/.yml); - reads "
                  "standard input")
      ->required();
  sub->add_option("-d,--decision", o->decisions, "Only this decision (repeatable; default: every decision)");
  sub->add_flag("--explain", o->explain,
                "Add an \"explain\" key to each output line and print a readable explanation on stderr");
  sub->add_flag("--no-cache", o->no_cache,
                "JIT: compile afresh, neither reading nor writing the object cache ($XDG_CACHE_HOME/proviso)");
  sub->add_flag("-v,--verbose", o->verbose, "Say on stderr what the object cache did, and why an entry was not used");
  CLI::Option* engine =
      sub->add_option("--engine", o->engine,
                      PROVISO_ENABLE_JIT ? "Evaluator: jit (native code, the default) or interp (the reference "
                                           "interpreter); explanations always come from the interpreter, checked "
                                           "against the JIT's decisions"
                                         : "Evaluator: interp (the reference interpreter; this build has no JIT)")
          ->check(CLI::IsMember({"interp", "jit"}));
  sub->add_option("-j,--jobs", o->jobs,
                  "Threads that decode, evaluate and encode (default: the CPUs available); output stays in "
                  "input order. --explain uses one")
      ->check(CLI::Range(size_t{1}, size_t{256}));
  sub->add_option("--format", o->format, "Input format: auto (by extension; JSON for -), json or yaml")
      ->check(CLI::IsMember({"auto", "json", "yaml"}));
  sub->footer(
      "Each output line is {\"decisions\": {NAME: VALUE, ...}} (plus \"explain\" with --explain); with\n"
      "\"errors\": {NAME: {\"path\", \"message\", \"location\"}} beside it when some decisions failed; or\n"
      "{\"error\": {\"path\": ..., \"message\": ...}} when the input cannot be read. Inputs are read as a\n"
      "stream: each line is written as soon as its input is complete. Exit status: 0 when every input\n"
      "evaluated, 1 when any input or decision failed, the policy has errors or output could not be\n"
      "written, 2 for a bad command line.");
  return {sub, [o, engine] {
            std::string error;
            if (!readable(o->policy, &error)) {
              print_error(error);
              return kFailed;
            }
            EngineFlags flags;
            flags.engine = o->engine;
            flags.chosen = engine->count() > 0;
            flags.use_cache = !o->no_cache;
            flags.verbose = o->verbose;
            EngineOptions options;
            if (!engine_options(flags, &options)) return kUsage;
            auto compiled = Engine(options).compile_file(o->policy);
            if (!report_diagnostics(compiled, false)) return kFailed;
            auto session = compiled.value().session({o->explain, o->decisions});
            if (!session.ok()) {
              print_error(session.error());
              return kUsage;
            }
            Session& evaluator = session.value();

            auto ends_with = [&](std::string_view suffix) {
              return o->input.size() >= suffix.size() &&
                     o->input.compare(o->input.size() - suffix.size(), suffix.size(), suffix) == 0;
            };
            bool yaml = o->format == "yaml" || (o->format == "auto" && (ends_with(".yaml") || ends_with(".yml")));
            records::Limits limits;
            limits.max_input_bytes = evaluator.max_input_bytes();
            limits.max_line_bytes = evaluator.max_line_bytes();
            InputStream in;
            if (!in.open(o->input, yaml, limits, &error)) {
              print_error(error);
              return kFailed;
            }

            Output& out = Output::standard();
            const size_t jobs = o->explain ? 1 : o->jobs > 0 ? o->jobs : available_cpus();
            std::string fatal;
            PipelineResult r;
            if (jobs > 1) {
              const Policy& policy = compiled.value();
              const EvalOptions eval_options{false, o->decisions};
              r = run_pipeline(
                  in, yaml, jobs, [&] { return std::move(policy.session(eval_options).value()); }, out, &fatal);
            } else {
              r = run_serial(in, yaml, o->explain, evaluator, out);
            }
            if (fatal.empty()) fatal = in.read_error();
            if (!fatal.empty()) {
              out.flush();
              print_error(fatal);
              return kFailed;
            }
            // A write error is reported once, by main(), after the last flush.
            if (!out.flush()) return kFailed;
            if (r.count == 0) {
              print_error((o->input == "-" ? std::string("standard input") : o->input) + " holds no input");
              return kFailed;
            }
            return r.any_failed ? kFailed : kOk;
          }};
}

}  // namespace proviso::cli
