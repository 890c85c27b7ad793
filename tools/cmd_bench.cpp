// `proviso bench POLICY --input FILE`: time the evaluation of every input record (decoded
// once, in memory), the decoding per record, the policy's compile time and peak memory, as
// shared/BENCH.md describes. Figures are for comparing runs on one machine, not absolutes.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>

#include <fmt/format.h>
#include <sys/resource.h>

#include "compiler/interp/interpreter.h"
#include "compiler/records/encode.h"
#include "tools/cli.h"
#include "tools/inputs.h"

namespace proviso::cli {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

long peak_rss_kb() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;  // kilobytes on Linux
}

}  // namespace

Command add_bench(CLI::App& app) {
  struct Options {
    std::string policy;
    std::string input;
    std::string engine = "interp";
    bool json = false;
    int repeat = 5;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("bench", "Measure evaluation speed of a policy on NDJSON inputs");
  sub->add_option("POLICY", o->policy, "Policy file")->required();
  sub->add_option("-i,--input", o->input, "NDJSON input file (one evaluation input per line)")->required();
  sub->add_option("--engine", o->engine, "Evaluator: interp or jit")->check(CLI::IsMember({"interp", "jit"}));
  sub->add_flag("--json", o->json, "Print the results as one JSON object on the last line");
  sub->add_option("--repeat", o->repeat, "Timed runs over all records (the median is reported)")
      ->check(CLI::Range(1, 1000));
  sub->footer("Reports ns_per_eval_median (decoded records, decoding excluded), decode_ns_per_eval,\n"
              "compile_ms, cache_load_ms (null for the interpreter) and peak_rss_kb.");
  return {sub, [o] {
            if (o->engine == "jit") {
              print_error("the JIT engine is not built yet; use --engine interp");
              return kUsage;
            }
            std::string error;
            if (!readable(o->policy, &error)) {
              print_error(error);
              return kFailed;
            }
            auto t0 = Clock::now();
            auto program = compile_or_report(o->policy, false);
            double compile_ms = ms_since(t0);
            if (!program) return kFailed;
            const ir::Program& p = *program;

            InputSet inputs;
            if (!load_inputs(p, o->input, "auto", &inputs)) return kFailed;
            std::vector<std::vector<ir::Value>> records;
            records.reserve(inputs.count());
            size_t decode_errors = 0;
            auto t1 = Clock::now();
            for (size_t i = 0; i < inputs.count(); ++i) {
              records::DecodeResult r = inputs.decode(i);
              if (r.ok()) records.push_back(std::move(r.values));
              else ++decode_errors;
            }
            double decode_ms = ms_since(t1);
            if (records.empty()) {
              print_error("no input record could be decoded" +
                          std::string(inputs.count() ? " (" + std::to_string(decode_errors) + " failed)" : ""));
              return kFailed;
            }

            interp::Interpreter interp(p);
            interp::EvalOptions options;
            size_t eval_errors = 0;
            // One untimed warm-up run (calendar caches, allocator), then the timed runs.
            for (const auto& rec : records) eval_errors += interp.evaluate(rec, options).ok ? 0 : 1;
            std::vector<double> ns_per_eval;
            for (int run = 0; run < o->repeat; ++run) {
              auto t = Clock::now();
              size_t sink = 0;
              for (const auto& rec : records) sink += interp.evaluate(rec, options).decisions.size();
              double ns = std::chrono::duration<double, std::nano>(Clock::now() - t).count();
              ns_per_eval.push_back(ns / static_cast<double>(records.size()));
              if (sink == static_cast<size_t>(-1)) std::cerr << "";
            }
            std::sort(ns_per_eval.begin(), ns_per_eval.end());
            double median = ns_per_eval[ns_per_eval.size() / 2];
            if (ns_per_eval.size() % 2 == 0)
              median = (ns_per_eval[ns_per_eval.size() / 2 - 1] + ns_per_eval[ns_per_eval.size() / 2]) / 2;
            double decode_ns = decode_ms * 1e6 / static_cast<double>(inputs.count());

            records::Json j = records::Json::object();
            j["engine"] = o->engine;
            j["evals"] = records.size();
            j["runs"] = o->repeat;
            j["ns_per_eval_median"] = std::round(median * 10) / 10;
            j["decode_ns_per_eval"] = std::round(decode_ns * 10) / 10;
            j["compile_ms"] = std::round(compile_ms * 1000) / 1000;
            j["cache_load_ms"] = nullptr;
            j["peak_rss_kb"] = peak_rss_kb();
            j["decode_errors"] = decode_errors;
            j["eval_errors"] = eval_errors;
            if (o->json) {
              std::cout << j.dump() << "\n";
            } else {
              std::cout << fmt::format("engine          {}\n", o->engine)
                        << fmt::format("evaluations     {} records x {} runs\n", records.size(), o->repeat)
                        << fmt::format("per evaluation  {:.1f} ns (median; decoding excluded)\n", median)
                        << fmt::format("decoding        {:.1f} ns per record\n", decode_ns)
                        << fmt::format("compile         {:.3f} ms\n", compile_ms)
                        << fmt::format("peak memory     {} KiB\n", peak_rss_kb());
              if (decode_errors || eval_errors)
                std::cout << fmt::format("errors          {} inputs not decoded, {} evaluations failed\n",
                                         decode_errors, eval_errors);
            }
            return kOk;
          }};
}

}  // namespace proviso::cli
