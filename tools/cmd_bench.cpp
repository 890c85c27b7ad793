// `proviso bench POLICY --input FILE [--engine jit|interp]`: time the evaluation of every input
// record (decoded once, in memory), the decoding per record, evaluation with decoding included,
// the policy's compile time (cold, and from the compiled-object cache) and peak memory, as
// bench/README.md describes. Figures are for comparing runs on one machine, not absolutes.
//
// JIT: records are decoded and flattened once; the timed loop is one call of the JIT-compiled
// batch entry point over all of them (`ns_per_eval_median`), and, for comparison, one call per
// record through a Session (`single_ns_per_eval_median`).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <sys/resource.h>

#include "compiler/interp/interpreter.h"
#if PROVISO_ENABLE_JIT
#include "compiler/jit/jit.h"
#endif
#include "compiler/records/encode.h"
#include "tools/cli.h"
#include "tools/engine.h"
#include "tools/inputs.h"
#include "tools/output.h"

namespace proviso::cli {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

long peak_rss_kb() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;  // kilobytes on Linux
}

// The median over `runs` timed calls of `once` (after one untimed warm-up call), in
// nanoseconds per record.
double median_ns(int runs, size_t records, const std::function<void()>& once) {
  once();
  std::vector<double> ns;
  for (int run = 0; run < runs; ++run) {
    auto t = Clock::now();
    once();
    ns.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t).count() / static_cast<double>(records));
  }
  std::sort(ns.begin(), ns.end());
  size_t n = ns.size();
  return n % 2 ? ns[n / 2] : (ns[n / 2 - 1] + ns[n / 2]) / 2;
}

double round1(double x) { return std::round(x * 10) / 10; }
double round3(double x) { return std::round(x * 1000) / 1000; }

struct Figures {
  double ns_per_eval = 0;
  double single_ns = -1;      // JIT: one call per record
  double with_decode_ns = 0;  // decoding (and flattening) included
  double compile_ms = 0;      // front end + code generation (JIT: of the quick tier)
  double optimised_ms = -1;   // JIT: front end + until the optimised code is in use
  double cache_load_ms = -1;  // JIT: from the object cache; -1 = not measured
  size_t eval_errors = 0;
};

bool bench_interp(const ir::Program& p, InputSet& inputs, const std::vector<std::vector<ir::Value>>& records,
                  int repeat, Figures* f) {
  interp::Interpreter interp(p);
  ir::EvalOptions options;
  for (const auto& rec : records) f->eval_errors += interp.evaluate(rec, options).ok ? 0 : 1;
  size_t sink = 0;
  f->ns_per_eval = median_ns(repeat, records.size(), [&] {
    for (const auto& rec : records) sink += interp.evaluate(rec, options).decisions.size();
  });
  f->with_decode_ns = median_ns(std::min(repeat, 3), inputs.count(), [&] {
    for (size_t i = 0; i < inputs.count(); ++i) {
      records::DecodeResult r = inputs.decode(i);
      if (r.ok()) sink += interp.evaluate(r.values, options).decisions.size();
    }
  });
  if (sink == static_cast<size_t>(-1)) std::cerr << "";
  return true;
}

#if PROVISO_ENABLE_JIT
bool bench_jit(const ir::Program& p, InputSet& inputs, const std::vector<std::vector<ir::Value>>& records, int repeat,
               bool use_cache, bool verbose, Figures* f) {
  // Cold: compiled afresh, the cache neither read nor written.
  jit::JitOptions cold;
  if (!cache_max_bytes_from_environment(&cold.cache_max_bytes)) return false;
  jit::JitOptions cached = cold;
  cold.use_cache = false;
  cold.tiering = jit::JitOptions::Tiering::Tiered;  // as `proviso eval` compiles
  auto created = jit::CompiledPolicy::create(p, cold);
  if (!created.ok()) {
    print_error(created.status.message);
    return false;
  }
  // Evaluation is timed on the optimised code.
  jit::CompileInfo compiled = created.policy->wait_optimised();
  if (!compiled.optimised_error.empty()) {
    print_error("the optimised code could not be used: " + compiled.optimised_error);
    return false;
  }
  f->optimised_ms = f->compile_ms + (compiled.tiered ? compiled.optimised_ms : compiled.compile_ms);
  f->compile_ms += compiled.compile_ms;
  if (use_cache) {
    // Once to make sure the entry exists, once more to time loading it.
    for (int i = 0; i < 2; ++i) {
      auto c = jit::CompiledPolicy::create(p, cached);
      if (!c.ok()) {
        print_error(c.status.message);
        return false;
      }
      report_cache(c.policy->info(), verbose);
      if (c.policy->info().cache_hit) f->cache_load_ms = c.policy->info().cache_load_ms;
    }
  }
  const jit::CompiledPolicy& policy = *created.policy;

  std::vector<jit::FlatRecord> flat(records.size());
  std::vector<const uint8_t* const*> pointers;
  pointers.reserve(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    std::string why;
    if (!policy.flatten(records[i], &flat[i], &why)) {
      print_error(fmt::format("record {}: {}", i + 1, why));
      return false;
    }
    pointers.push_back(flat[i].pointers());
  }
  jit::Session session(policy);
  f->eval_errors = session.run_batch(pointers.data(), pointers.size());
  size_t failed = 0;
  f->ns_per_eval =
      median_ns(repeat, records.size(), [&] { failed += session.run_batch(pointers.data(), pointers.size()); });
  f->single_ns = median_ns(repeat, records.size(), [&] {
    for (const jit::FlatRecord& r : flat) failed += session.run(r) ? 0 : 1;
  });
  jit::FlatRecord one;
  f->with_decode_ns = median_ns(std::min(repeat, 3), inputs.count(), [&] {
    std::string why;
    for (size_t i = 0; i < inputs.count(); ++i) {
      records::DecodeResult r = inputs.decode(i);
      if (r.ok() && policy.flatten(r.values, &one, &why)) failed += session.run(one) ? 0 : 1;
    }
  });
  if (failed == static_cast<size_t>(-1)) std::cerr << "";
  return true;
}
#endif

}  // namespace

Command add_bench(CLI::App& app) {
  struct Options {
    std::string policy;
    std::string input;
    std::string engine = PROVISO_ENABLE_JIT ? "jit" : "interp";  // the default
    bool json = false;
    bool no_cache = false;
    bool verbose = false;
    int repeat = 5;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("bench", "Measure evaluation speed of a policy on NDJSON inputs");
  sub->add_option("POLICY", o->policy, "Policy file")->required();
  sub->add_option("-i,--input", o->input, "NDJSON input file (one evaluation input per line)")->required();
  sub->add_option(
         "--engine", o->engine,
         PROVISO_ENABLE_JIT ? "Evaluator: jit (default) or interp" : "Evaluator: interp (this build has no JIT)")
      ->check(CLI::IsMember({"interp", "jit"}));
  sub->add_flag("--json", o->json, "Print the results as one JSON object on the last line");
  sub->add_flag("--no-cache", o->no_cache, "With --engine jit: do not measure loading from the object cache");
  sub->add_flag("-v,--verbose", o->verbose, "Say on stderr what the object cache did, and why an entry was not used");
  sub->add_option("--repeat", o->repeat, "Timed runs over all records (the median is reported)")
      ->check(CLI::Range(1, 1000));
  sub->footer(
      "Reports ns_per_eval_median (decoded records, decoding excluded), decode_ns_per_eval,\n"
      "ns_per_eval_with_decode, compile_ms (cold: until the policy evaluates),\n"
      "optimised_compile_ms (JIT: until its optimised code is in use), cache_load_ms (JIT; null for the\n"
      "interpreter or with --no-cache) and peak_rss_kb.");
  return {sub, [o] {
            std::string error;
#if !PROVISO_ENABLE_JIT
            if (o->engine == "jit") {
              print_error(kNoJit);
              return kUsage;
            }
#endif
            if (!readable(o->policy, &error)) {
              print_error(error);
              return kFailed;
            }
            auto t0 = Clock::now();
            auto program = compile_or_report(o->policy, false);
            double front_ms = ms_since(t0);
            if (!program) return kFailed;
            const ir::Program& p = *program;

            InputSet inputs;
            if (!load_inputs(p, o->input, "auto", &inputs)) return kFailed;
            std::vector<std::vector<ir::Value>> records;
            records.reserve(inputs.count());
            size_t decode_errors = 0;
            for (size_t i = 0; i < inputs.count(); ++i) {
              records::DecodeResult r = inputs.decode(i);
              if (r.ok())
                records.push_back(std::move(r.values));
              else
                ++decode_errors;
            }
            if (records.empty()) {
              print_error("no input record could be decoded" +
                          std::string(inputs.count() ? " (" + std::to_string(decode_errors) + " failed)" : ""));
              return kFailed;
            }

            Figures f;
            f.compile_ms = front_ms;
#if PROVISO_ENABLE_JIT
            bool ok = o->engine == "jit" ? bench_jit(p, inputs, records, o->repeat, !o->no_cache, o->verbose, &f)
                                         : bench_interp(p, inputs, records, o->repeat, &f);
#else
            bool ok = bench_interp(p, inputs, records, o->repeat, &f);
#endif
            if (!ok) return kFailed;
            // Decoding alone, measured as ns_per_eval_with_decode is (warm, median of runs): the
            // first pass above also grew the record store and is not comparable.
            size_t decoded_ok = 0;
            double decode_ns = median_ns(std::min(o->repeat, 3), inputs.count(), [&] {
              for (size_t i = 0; i < inputs.count(); ++i) decoded_ok += inputs.decode(i).ok() ? 1 : 0;
            });
            if (decoded_ok == static_cast<size_t>(-1)) std::cerr << "";

            records::Json j = records::Json::object();
            j["engine"] = o->engine;
            j["evals"] = records.size();
            j["runs"] = o->repeat;
            j["ns_per_eval_median"] = round1(f.ns_per_eval);
            if (f.single_ns >= 0) j["single_ns_per_eval_median"] = round1(f.single_ns);
            j["decode_ns_per_eval"] = round1(decode_ns);
            j["ns_per_eval_with_decode"] = round1(f.with_decode_ns);
            j["compile_ms"] = round3(f.compile_ms);
            if (f.optimised_ms >= 0) j["optimised_compile_ms"] = round3(f.optimised_ms);
            j["cache_load_ms"] = f.cache_load_ms >= 0 ? records::Json(round3(f.cache_load_ms)) : records::Json(nullptr);
            j["peak_rss_kb"] = peak_rss_kb();
            j["decode_errors"] = decode_errors;
            j["eval_errors"] = f.eval_errors;
            std::ostringstream text;
            if (o->json) {
              Output::standard().write(j.dump() + "\n");
              return kOk;
            }
            text << fmt::format("engine          {}\n", o->engine)
                 << fmt::format("evaluations     {} records x {} runs\n", records.size(), o->repeat)
                 << fmt::format("per evaluation  {:.1f} ns (median; decoding excluded{})\n", f.ns_per_eval,
                                o->engine == "jit" ? "; batch entry point" : "");
            if (f.single_ns >= 0) text << fmt::format("  one per call  {:.1f} ns\n", f.single_ns);
            text << fmt::format("decoding        {:.1f} ns per record\n", decode_ns)
                 << fmt::format("with decoding   {:.1f} ns per record\n", f.with_decode_ns)
                 << fmt::format("compile         {:.3f} ms (cold){}\n", f.compile_ms,
                                f.optimised_ms >= 0
                                    ? fmt::format("; optimised code in use after {:.3f} ms", f.optimised_ms)
                                    : "");
            if (f.cache_load_ms >= 0) text << fmt::format("cache load      {:.3f} ms\n", f.cache_load_ms);
            text << fmt::format("peak memory     {} KiB\n", peak_rss_kb());
            if (decode_errors || f.eval_errors)
              text << fmt::format("errors          {} inputs not decoded, {} evaluations failed\n", decode_errors,
                                  f.eval_errors);
            Output::standard().write(text.str());
            return kOk;
          }};
}

}  // namespace proviso::cli
