// proviso-bench-jit: the JIT against a hand-written C++ baseline and the reference interpreter
// on the triage workload, the deadlines workload for JIT vs interpreter, and the cold compile
// and cache-load times of the Qlik OEM policy (bench/README.md). Inputs are decoded and
// flattened once, outside the timed loops; each figure is the median of several runs, and
// the ratios within one run are what to quote.
//   proviso-bench-jit [--runs N] [--json] [--only triage|deadlines|compile]
// (`--only` runs one part, for profiling: `perf record build/bin/proviso-bench-jit --only
// deadlines --runs 200`.)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include "bench/triage_baseline.h"
#include "compiler/driver/compile.h"
#include "compiler/interp/interpreter.h"
#include "compiler/jit/jit.h"
#include "compiler/records/decode.h"

using namespace proviso;
using Clock = std::chrono::steady_clock;

namespace {

std::string source_dir() {
  if (const char* env = std::getenv("PROVISO_SOURCE_DIR"); env && *env) return env;
  return PROVISO_SOURCE_DIR;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Median over `runs` of the nanoseconds per evaluation of `once` (which evaluates `evals`).
double time_ns(int runs, size_t evals, const std::function<void()>& once) {
  once();  // warm-up: caches, calendars, branch predictors
  std::vector<double> ns;
  for (int r = 0; r < runs; ++r) {
    auto t = Clock::now();
    once();
    ns.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t).count() / static_cast<double>(evals));
  }
  return median(ns);
}

std::shared_ptr<const ir::Program> compile(const std::string& relative) {
  auto r = driver::compile_file(source_dir() + "/" + relative);
  if (!r.ok()) {
    std::fprintf(stderr, "proviso-bench-jit: cannot compile %s\n", relative.c_str());
    std::exit(1);
  }
  return r.program;
}

std::vector<std::vector<ir::Value>> load_text(const ir::Program& p, const std::string& text,
                                              const std::string& relative) {
  records::Decoder decoder(p);
  std::vector<std::vector<ir::Value>> out;
  for (const auto& part : records::split_json_inputs(text)) {
    auto r = decoder.decode_json(part.text);
    if (r.ok()) out.push_back(std::move(r.values));
  }
  if (out.empty()) {
    std::fprintf(stderr, "proviso-bench-jit: no records in %s\n", relative.c_str());
    std::exit(1);
  }
  return out;
}

std::unique_ptr<const jit::CompiledPolicy> jit_compile(const ir::Program& p, const jit::JitOptions& options) {
  auto r = jit::CompiledPolicy::create(p, options);
  if (!r.ok()) {
    std::fprintf(stderr, "proviso-bench-jit: %s\n", r.status.message.c_str());
    std::exit(1);
  }
  return std::move(r.policy);
}

struct Workload {
  std::shared_ptr<const ir::Program> program;
  std::unique_ptr<const jit::CompiledPolicy> jitted;
  std::vector<std::vector<ir::Value>> values;
  std::vector<jit::FlatRecord> flat;
  std::vector<const uint8_t* const*> pointers;
};

std::string read_file(const std::string& relative) {
  std::ifstream in(source_dir() + "/" + relative);
  return {(std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()};
}

// Triage records drawn at random (fixed seed) with the field frequencies of
// policies/bench/triage.ndjson: too many for a branch predictor to learn their order, as in
// a real stream of cases (the 1,000 records of the file, replayed, are partly learnt).
std::string random_triage(size_t n) {
  std::mt19937_64 rng(2026);
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  auto pick = [&](int k) { return static_cast<int>(std::uniform_int_distribution<int>(0, k - 1)(rng)); };
  static const char* tiers[] = {"Enterprise", "Basic"};
  static const char* channels[] = {"Phone", "Portal", "Email"};
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += fmt::format(
        "{{\"case\":{{\"tier\":\"{}\",\"severity\":{},\"channel\":\"{}\",\"region_matches\":{},"
        "\"version_supported\":{},\"evaluation_license\":{},\"fees_paid\":{},\"reproducible\":{}}}}}\n",
        tiers[pick(2)], pick(3) + 1, channels[pick(3)], chance(0.68), chance(0.68), chance(0.32), chance(0.68),
        chance(0.68));
  }
  return out;
}

Workload prepare(const std::string& policy, const std::string& ndjson_text, const std::string& name) {
  Workload w;
  w.program = compile(policy);
  jit::JitOptions options;
  options.use_cache = false;
  w.jitted = jit_compile(*w.program, options);
  w.values = load_text(*w.program, ndjson_text, name);
  w.flat.resize(w.values.size());
  for (size_t i = 0; i < w.values.size(); ++i) {
    std::string why;
    if (!w.jitted->flatten(w.values[i], &w.flat[i], &why)) {
      std::fprintf(stderr, "proviso-bench-jit: %s\n", why.c_str());
      std::exit(1);
    }
    w.pointers.push_back(w.flat[i].pointers());
  }
  return w;
}

// Checks that the baseline reads the JIT's layout of `case` and computes what the JIT does.
void check_baseline(const Workload& w) {
  const ir::Program& p = *w.program;
  const jit::Layout& layout = w.jitted->layout();
  int rec = p.inputs[0].type.id;
  const char* names[] = {"tier",           "severity",          "channel",
                         "region_matches", "version_supported", "evaluation_license",
                         "fees_paid",      "reproducible"};
  size_t offsets[] = {offsetof(bench::TriageCase, tier),
                      offsetof(bench::TriageCase, severity),
                      offsetof(bench::TriageCase, channel),
                      offsetof(bench::TriageCase, region_matches),
                      offsetof(bench::TriageCase, version_supported),
                      offsetof(bench::TriageCase, evaluation_license),
                      offsetof(bench::TriageCase, fees_paid),
                      offsetof(bench::TriageCase, reproducible)};
  for (size_t i = 0; i < 8; ++i) {
    int f = p.schema.records[rec].find(names[i]);
    if (f < 0 || layout.field_offset(rec, f) != offsets[i]) {
      std::fprintf(stderr, "proviso-bench-jit: the baseline's layout of `case.%s` is stale\n", names[i]);
      std::exit(1);
    }
  }
  jit::Session session(*w.jitted);
  for (size_t i = 0; i < w.flat.size(); ++i) {
    bench::TriageResult b{};
    bench::triage_baseline(*reinterpret_cast<const bench::TriageCase*>(w.pointers[i][0]), b);
    session.run(w.flat[i]);
    ir::EvalResult r = session.result(w.flat[i]);
    auto get = [&](const char* name) {
      for (auto& [v, x] : r.decisions)
        if (p.values[v].name == name) return x;
      return ir::Value();
    };
    bool same =
        r.ok && get("covered").as_bool() == b.covered &&
        (get("exclusion").is_none()
             ? b.exclusion == nullptr
             : b.exclusion && get("exclusion").as_text() == std::string(b.exclusion, b.exclusion_size)) &&
        (get("initial_response_minutes").is_none()
             ? !b.has_initial_response
             : get("initial_response_minutes").as_int() == b.initial_response_minutes) &&
        get("business_hours_only").as_bool() == b.business_hours_only &&
        (get("comm_frequency_hours").is_none() ? !b.has_comm_frequency
                                               : get("comm_frequency_hours").as_int() == b.comm_frequency_hours);
    if (!same) {
      std::fprintf(stderr, "proviso-bench-jit: the baseline disagrees with the JIT on record %zu\n", i + 1);
      std::exit(1);
    }
  }
}

struct TriageFigures {
  size_t evals = 0;
  double baseline_ns = 0, compact_ns = 0, single_ns = 0, batch_ns = 0, interp_ns = 0;
};

// The records as CompactTriageCase, contiguous, read from the JIT's flat records.
std::vector<bench::CompactTriageCase> compact_cases(const Workload& w) {
  std::vector<bench::CompactTriageCase> out;
  out.reserve(w.pointers.size());
  for (const auto* record : w.pointers) {
    const auto& c = *reinterpret_cast<const bench::TriageCase*>(record[0]);
    out.push_back({static_cast<uint8_t>(c.tier), static_cast<uint8_t>(c.severity), static_cast<uint8_t>(c.channel),
                   c.region_matches, c.version_supported, c.evaluation_license, c.fees_paid, c.reproducible});
  }
  return out;
}

// `reps` passes over the records per timed run (more for small workloads).
TriageFigures measure_triage(const Workload& w, int runs, int reps, bool with_interpreter) {
  check_baseline(w);
  TriageFigures f;
  const size_t n = w.flat.size();
  f.evals = n;
  volatile uint64_t sink = 0;
  std::vector<bench::TriageResult> base_out(n);
  f.baseline_ns = time_ns(runs, n * reps, [&] {
    for (int r = 0; r < reps; ++r)
      for (size_t i = 0; i < n; ++i)
        bench::triage_baseline(*reinterpret_cast<const bench::TriageCase*>(w.pointers[i][0]), base_out[i]);
    sink = sink + base_out[n - 1].initial_response_minutes;
  });
  const std::vector<bench::CompactTriageCase> compact = compact_cases(w);
  f.compact_ns = time_ns(runs, n * reps, [&] {
    for (int r = 0; r < reps; ++r)
      for (size_t i = 0; i < n; ++i) bench::triage_baseline(compact[i], base_out[i]);
    sink = sink + base_out[n - 1].initial_response_minutes;
  });
  jit::Session session(*w.jitted);
  f.single_ns = time_ns(runs, n * reps, [&] {
    uint64_t ok = 0;
    for (int r = 0; r < reps; ++r)
      for (size_t i = 0; i < n; ++i) ok += session.run(w.flat[i]);
    sink = sink + ok;
  });
  f.batch_ns = time_ns(runs, n * reps, [&] {
    uint64_t failed = 0;
    for (int r = 0; r < reps; ++r) failed += session.run_batch(w.pointers.data(), n);
    sink = sink + failed;
  });
  if (with_interpreter) {
    interp::Interpreter interp(*w.program);
    const int interp_reps = 20;
    f.interp_ns = time_ns(runs, n * interp_reps, [&] {
      size_t k = 0;
      for (int r = 0; r < interp_reps; ++r)
        for (const auto& v : w.values) k += interp.evaluate(v).decisions.size();
      sink = sink + k;
    });
  }
  return f;
}

}  // namespace

int run(int argc, char** argv) {
  int runs = 9;
  bool json = false;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
      runs = std::max(1, std::atoi(argv[++i]));
    else if (std::strcmp(argv[i], "--json") == 0)
      json = true;
    else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc)
      only = argv[++i];
    else {
      std::fprintf(stderr, "usage: proviso-bench-jit [--runs N] [--json] [--only triage|deadlines|compile]\n");
      return 2;
    }
  }
  if (!only.empty() && only != "triage" && only != "deadlines" && only != "compile") {
    std::fprintf(stderr, "proviso-bench-jit: --only takes triage, deadlines or compile, not `%s`\n", only.c_str());
    return 2;
  }
  auto part = [&](const char* name) { return only.empty() || only == name; };

  volatile uint64_t sink = 0;
  std::vector<std::string> json_parts;
  auto print_triage = [&](const char* key, const char* what, const TriageFigures& f) {
    if (json) {
      std::string interp = f.interp_ns > 0 ? fmt::format(",\"interp_ns\":{:.1f}", f.interp_ns) : "";
      json_parts.push_back(fmt::format(
          "\"{}\":{{\"evals\":{},\"baseline_ns\":{:.2f},\"compact_baseline_ns\":{:.2f},\"jit_single_ns\":{:.2f},"
          "\"jit_batch_ns\":{:.2f}{}}}",
          key, f.evals, f.baseline_ns, f.compact_ns, f.single_ns, f.batch_ns, interp));
      return;
    }
    std::printf("triage, %s: %zu records, median of %d runs, ns per evaluation (decoded, flattened)\n", what, f.evals,
                runs);
    std::printf("  baseline (hand-written C++, -O2)  %8.2f ns   1.00x\n", f.baseline_ns);
    std::printf("  the same on compact structs       %8.2f ns   %5.2fx baseline (one byte a field, contiguous)\n",
                f.compact_ns, f.compact_ns / f.baseline_ns);
    std::printf("  JIT, one record per call          %8.2f ns   %5.2fx baseline\n", f.single_ns,
                f.single_ns / f.baseline_ns);
    std::printf("  JIT, batch entry point            %8.2f ns   %5.2fx baseline, %5.2fx compact structs\n", f.batch_ns,
                f.batch_ns / f.baseline_ns, f.batch_ns / f.compact_ns);
    if (f.interp_ns > 0)
      std::printf("  interpreter                       %8.1f ns   %5.1fx baseline, %.1fx JIT single, %.1fx JIT batch\n",
                  f.interp_ns, f.interp_ns / f.baseline_ns, f.interp_ns / f.single_ns, f.interp_ns / f.batch_ns);
  };

  if (part("triage")) {
    Workload triage = prepare("policies/bench/triage.policy", read_file("policies/bench/triage.ndjson"),
                              "policies/bench/triage.ndjson");
    print_triage("triage", "policies/bench/triage.ndjson replayed", measure_triage(triage, runs, 200, true));
    {
      Workload random = prepare("policies/bench/triage.policy", random_triage(50000), "random triage records");
      print_triage("triage_random", "random records (seed 2026)", measure_triage(random, runs, 4, false));
    }
    // A batch too large for the caches (issue 14, item 6): what the frame layout costs in memory.
    Workload large = prepare("policies/bench/triage.policy", random_triage(1000000), "random triage records");
    print_triage("triage_random_1m", "1,000,000 random records (seed 2026)", measure_triage(large, runs, 1, false));
  }

  Workload deadlines;
  if (part("deadlines") || part("compile"))
    deadlines = prepare("policies/qlik/oem_maintenance.policy", read_file("policies/qlik/deadlines.ndjson"),
                        "policies/qlik/deadlines.ndjson");

  // ---- deadlines (calendar arithmetic) ----
  if (part("deadlines")) {
    const size_t dn = deadlines.flat.size();
    jit::Session dsession(*deadlines.jitted);
    double d_single_ns = time_ns(runs, dn * 5, [&] {
      uint64_t ok = 0;
      for (int r = 0; r < 5; ++r)
        for (size_t i = 0; i < dn; ++i) ok += dsession.run(deadlines.flat[i]);
      sink = sink + ok;
    });
    double d_batch_ns = time_ns(runs, dn * 5, [&] {
      uint64_t failed = 0;
      for (int r = 0; r < 5; ++r) failed += dsession.run_batch(deadlines.pointers.data(), dn);
      sink = sink + failed;
    });
    interp::Interpreter dinterp(*deadlines.program);
    double d_interp_ns = time_ns(runs, dn * 2, [&] {
      size_t k = 0;
      for (int r = 0; r < 2; ++r)
        for (const auto& v : deadlines.values) k += dinterp.evaluate(v).decisions.size();
      sink = sink + k;
    });
    if (json) {
      json_parts.push_back(
          fmt::format("\"deadlines\":{{\"evals\":{},\"jit_ns\":{:.1f},\"jit_batch_ns\":{:.1f},\"interp_ns\":{:.1f}}}",
                      dn, d_single_ns, d_batch_ns, d_interp_ns));
    } else {
      std::printf("deadlines (oem_maintenance, %zu records)\n", dn);
      std::printf("  JIT, one record per call          %8.1f ns\n", d_single_ns);
      std::printf("  JIT, batch entry point            %8.1f ns\n", d_batch_ns);
      std::printf("  interpreter                       %8.1f ns   %5.2fx JIT single, %.2fx JIT batch\n", d_interp_ns,
                  d_interp_ns / d_single_ns, d_interp_ns / d_batch_ns);
    }
  }

  // ---- compile and cache load of the Qlik OEM policy ----
  if (part("compile")) {
    std::vector<double> cold, load_ms, hit_total;
    size_t object_bytes = 0;
    for (int r = 0; r < std::max(3, runs / 2); ++r) {
      auto dir = std::filesystem::temp_directory_path() / fmt::format("proviso-bench-jit-{}-{}", ::getpid(), r);
      jit::JitOptions options;
      options.cache_dir = dir.string();
      auto miss = jit_compile(*deadlines.program, options);
      cold.push_back(miss->info().total_ms);
      object_bytes = miss->info().object_bytes;
      auto hit = jit_compile(*deadlines.program, options);
      if (!hit->info().cache_hit) std::fprintf(stderr, "proviso-bench-jit: expected a cache hit\n");
      load_ms.push_back(hit->info().cache_load_ms);
      hit_total.push_back(hit->info().total_ms);
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
    double cold_ms = median(cold), cache_ms = median(load_ms), hit_ms = median(hit_total);
    if (json) {
      json_parts.push_back(fmt::format(
          "\"oem_maintenance\":{{\"cold_compile_ms\":{:.2f},\"cache_load_ms\":{:.3f},\"cache_hit_create_ms\":{:.3f},"
          "\"object_bytes\":{}}}",
          cold_ms, cache_ms, hit_ms, object_bytes));
    } else {
      std::printf(
          "oem_maintenance.policy: cold compile %.2f ms (IR, O2, codegen, link; object %zu bytes), "
          "cache load %.3f ms (create() on a hit: %.3f ms)\n",
          cold_ms, object_bytes, cache_ms, hit_ms);
    }
  }
  if (json) std::printf("{%s}\n", fmt::format("{}", fmt::join(json_parts, ",")).c_str());
  return sink == 42 ? 1 : 0;
}

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "proviso-bench-jit: error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "proviso-bench-jit: error: unexpected failure\n");
  }
  return 1;
}
