// `proviso eval FILE --input PATH|-`: evaluate a policy on each input (one JSON object, NDJSON,
// or a YAML stream) and print one JSON line per input, in order. Inputs are read as a stream:
// each is decoded, evaluated and written as soon as it is complete, in memory independent of
// the input's size. A bad input or a failed evaluation gives an {"error": ...} line; the other
// inputs are still evaluated. Output that cannot be written stops the run (exit 1).
#include <iostream>

#include <fmt/format.h>

#include "compiler/driver/test_runner.h"
#include "compiler/explain/render.h"
#include "compiler/interp/interpreter.h"
#include "compiler/jit/jit.h"
#include "compiler/records/decode.h"
#include "compiler/records/encode.h"
#include "tools/cli.h"
#include "tools/engine.h"
#include "tools/input_stream.h"
#include "tools/inputs.h"
#include "tools/output.h"

namespace proviso::cli {

namespace {

// One output line (and the explanation that follows it on stderr) per input.
class Evaluator {
 public:
  Evaluator(const ir::Program& p, const jit::CompiledPolicy* compiled, ir::EvalOptions options)
      : p_(p), compiled_(compiled), interp_(p), options_(std::move(options)) {}

  // Gives the JSON line; an explanation goes to `explanation`.
  records::Json evaluate(const records::DecodeResult& decoded, std::string* explanation, bool* failed) {
    if (!decoded.ok()) {
      *failed = true;
      return records::encode_error(decoded.error->path, decoded.error->message);
    }
    ir::EvalResult r =
        compiled_ ? compiled_->evaluate(decoded.values, options_) : interp_.evaluate(decoded.values, options_);
    if (!r.ok) {
      *failed = true;
      records::Json out = records::encode_error(r.error.path, r.error.message);
      if (r.error.loc >= 0) out["error"]["location"] = driver::location_of(p_, r.error.loc);
      return out;
    }
    records::Json out = records::encode_decisions(p_, r.decisions, r.home_zone);
    if (out.contains("error")) {
      *failed = true;  // a value that cannot be written (a year outside 0001..9999)
      return out;
    }
    if (options_.explain) {
      out["explain"] = explain::render_json(p_, r);
      *explanation = explain::render_text(p_, r);
    }
    return out;
  }

 private:
  const ir::Program& p_;
  const jit::CompiledPolicy* compiled_;
  interp::Interpreter interp_;
  ir::EvalOptions options_;
};

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
  CLI::Option* engine = sub->add_option("--engine", o->engine,
                                        "Evaluator: jit (native code, the default) or interp (the reference "
                                        "interpreter); explanations always come from the interpreter, checked "
                                        "against the JIT's decisions")
                            ->check(CLI::IsMember({"interp", "jit"}));
  sub->add_option("--format", o->format, "Input format: auto (by extension; JSON for -), json or yaml")
      ->check(CLI::IsMember({"auto", "json", "yaml"}));
  sub->footer(
      "Each output line is {\"decisions\": {NAME: VALUE, ...}} (plus \"explain\" with --explain) or\n"
      "{\"error\": {\"path\": ..., \"message\": ...}}. Inputs are read as a stream: each line is written\n"
      "as soon as its input is complete. Exit status: 0 when every input evaluated, 1 when any failed,\n"
      "the policy has errors or output could not be written, 2 for a bad command line.");
  return {sub, [o, engine] {
            auto program = compile_or_report(o->policy, false);
            if (!program) return kFailed;
            const ir::Program& p = *program;

            ir::EvalOptions options;
            options.explain = o->explain;
            if (!resolve_decisions(p, o->decisions, &options.decisions)) return kUsage;

            auto ends_with = [&](std::string_view suffix) {
              return o->input.size() >= suffix.size() &&
                     o->input.compare(o->input.size() - suffix.size(), suffix.size(), suffix) == 0;
            };
            bool yaml = o->format == "yaml" || (o->format == "auto" && (ends_with(".yaml") || ends_with(".yml")));
            records::Decoder decoder(p);
            InputStream in;
            std::string error;
            if (!in.open(o->input, yaml, decoder.limits(), &error)) {
              print_error(error);
              return kFailed;
            }

            EngineRequest request;
            request.engine = o->engine;
            request.chosen = engine->count() > 0;
            request.required = request.chosen;
            request.use_cache = !o->no_cache;
            request.verbose = o->verbose;
            PreparedEngine prepared = prepare_engine(p, request);
            if (prepared.exit_code != 0) return prepared.exit_code;

            Output& out = Output::standard();
            // A reader downstream of a pipe sees each line as soon as its input is complete.
            if (out.interactive()) in.on_idle([&out] { out.flush(); });
            Evaluator evaluator(p, prepared.jit.get(), options);

            bool any_failed = false;
            size_t count = 0, explained = 0;
            // The first explanation waits for the second input: its header ("-- input 1
            // (line 1)") is printed only when there is more than one input.
            std::string first_explanation;
            size_t first_line = 0;
            auto write_line = [&](const records::Json& json, std::string explanation, size_t line) {
              ++count;
              if (count == 2 && !first_explanation.empty()) {
                out.flush();
                std::cerr << fmt::format("-- input 1 (line {})\n", first_line) << first_explanation << std::flush;
                first_explanation.clear();
              }
              if (!explanation.empty()) ++explained;
              std::string text = json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
              text += '\n';
              out.write(text);
              if (explanation.empty()) return;
              if (count == 1) {
                first_explanation = std::move(explanation);
                first_line = line;
                return;
              }
              // The explanation follows its line, also when both streams go to a terminal.
              out.flush();
              std::cerr << fmt::format("{}-- input {} (line {})\n", explained > 1 ? "\n" : "", count, line)
                        << explanation << std::flush;
            };

            InputStream::Item item;
            while (!out.failed() && in.next(&item)) {
              records::DecodeResult decoded;
              if (item.error)
                decoded.error = item.error;
              else if (yaml)
                decoded = decoder.decode_yaml_document(item.yaml, item.line);
              else
                decoded = decoder.decode_json(item.json, item.capacity);
              bool failed = false;
              std::string explanation;
              records::Json json = evaluator.evaluate(decoded, &explanation, &failed);
              any_failed |= failed;
              write_line(json, std::move(explanation), item.line);
            }
            if (!in.read_error().empty()) {
              out.flush();
              print_error(in.read_error());
              return kFailed;
            }
            if (!first_explanation.empty()) {
              out.flush();
              std::cerr << first_explanation << std::flush;
            }
            // A write error is reported once, by main(), after the last flush.
            if (!out.flush()) return kFailed;
            if (count == 0) {
              print_error((o->input == "-" ? std::string("standard input") : o->input) + " holds no input");
              return kFailed;
            }
            return any_failed ? kFailed : kOk;
          }};
}

}  // namespace proviso::cli
