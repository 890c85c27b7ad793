// `proviso eval FILE --input PATH|-`: evaluate a policy on each input (one JSON object, NDJSON,
// or a YAML stream) and print one JSON line per input, in order. A bad input or a failed
// evaluation gives an {"error": ...} line; the other inputs are still evaluated.
#include <iostream>

#include <fmt/format.h>

#include "compiler/driver/test_runner.h"
#include "compiler/explain/render.h"
#include "compiler/interp/interpreter.h"
#include "compiler/jit/jit.h"
#include "compiler/records/decode.h"
#include "compiler/records/encode.h"
#include "tools/cli.h"
#include "tools/inputs.h"

namespace proviso::cli {

Command add_eval(CLI::App& app) {
  struct Options {
    std::string policy;
    std::string input;
    std::vector<std::string> decisions;
    bool explain = false;
    std::string engine = "jit";
    bool no_cache = false;
    std::string format = "auto";
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
  CLI::Option* engine = sub->add_option("--engine", o->engine,
                                        "Evaluator: jit (native code, the default) or interp (the reference "
                                        "interpreter); explanations always come from the interpreter, checked "
                                        "against the JIT's decisions")
                            ->check(CLI::IsMember({"interp", "jit"}));
  sub->add_option("--format", o->format, "Input format: auto (by extension; JSON for -), json or yaml")
      ->check(CLI::IsMember({"auto", "json", "yaml"}));
  sub->footer(
      "Each output line is {\"decisions\": {NAME: VALUE, ...}} (plus \"explain\" with --explain) or\n"
      "{\"error\": {\"path\": ..., \"message\": ...}}. Exit status: 0 when every input evaluated, 1 when\n"
      "any failed or the policy has errors, 2 for a bad command line.");
  return {sub, [o, engine] {
            auto program = compile_or_report(o->policy, false);
            if (!program) return kFailed;
            const ir::Program& p = *program;

            interp::EvalOptions options;
            options.explain = o->explain;
            if (!resolve_decisions(p, o->decisions, &options.decisions)) return kUsage;

            InputSet inputs;
            if (!load_inputs(p, o->input, o->format, &inputs)) return kFailed;
            if (inputs.count() == 0) {
              print_error((o->input == "-" ? std::string("standard input") : o->input) + " holds no input");
              return kFailed;
            }

            interp::Interpreter interp(p);
            // --engine jit: decisions come from the native evaluator (explanations, when asked,
            // from the interpreter, as the JIT's contract says).
            std::unique_ptr<const jit::CompiledPolicy> compiled;
            // Past kDefaultJitMaxValues, the default engine is the interpreter (--engine jit still compiles).
            bool chosen = engine->count() > 0;
            if (!chosen && o->engine == "jit" && p.values.size() > kDefaultJitMaxValues) {
              std::cerr << "proviso: note: " << p.values.size() << " lets and decisions (more than "
                        << kDefaultJitMaxValues << "): evaluating with the interpreter; --engine jit compiles them\n";
              o->engine = "interp";
            }
            if (o->engine == "jit") {
              jit::JitOptions jit_options;
              jit_options.use_cache = !o->no_cache;
              auto created = jit::CompiledPolicy::create(p, jit_options);
              if (created.ok()) {
                compiled = std::move(created.policy);
              } else if (chosen) {
                print_error(created.status.message);
                return kFailed;
              } else {
                // The default engine: the reference interpreter answers what the JIT cannot.
                std::cerr << "proviso: note: " << created.status.message << "; evaluating with the interpreter\n";
              }
            }
            bool any_failed = false;
            std::string line, explanation;
            int explained = 0;
            for (size_t i = 0; i < inputs.count(); ++i) {
              records::DecodeResult decoded = inputs.decode(i);
              records::Json out;
              if (!decoded.ok()) {
                out = records::encode_error(decoded.error->path, decoded.error->message);
                any_failed = true;
              } else {
                interp::EvalResult r =
                    compiled ? compiled->evaluate(decoded.values, options) : interp.evaluate(decoded.values, options);
                if (!r.ok) {
                  out = records::encode_error(r.error.path, r.error.message);
                  if (r.error.loc >= 0) out["error"]["location"] = driver::location_of(p, r.error.loc);
                  any_failed = true;
                } else {
                  out = records::encode_decisions(p, r.decisions, r.home_zone);
                  if (o->explain) {
                    out["explain"] = explain::render_json(p, r);
                    explanation = explain::render_text(p, r);
                    if (inputs.count() > 1)
                      explanation =
                          fmt::format("{}-- input {} (line {})\n", explained++ ? "\n" : "", i + 1, inputs.line(i)) +
                          explanation;
                  }
                }
              }
              line = out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
              line += '\n';
              std::cout << line;
              if (!explanation.empty()) {
                // The explanation follows its line, also when both streams go to a terminal.
                std::cout.flush();
                std::cerr << explanation << std::flush;
                explanation.clear();
              }
            }
            std::cout.flush();
            return any_failed ? kFailed : kOk;
          }};
}

}  // namespace proviso::cli
