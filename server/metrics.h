// The metrics of `proviso serve` in the Prometheus text format (GET /metrics): counters and
// gauges by label values, and latency histograms. Every metric is named `proviso_*`.
// Thread-safe; a request touches a few counters under one mutex.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace proviso::server {

class Metrics {
 public:
  Metrics();

  // A request answered: its endpoint ("evaluate", "policies", ...), status and latency.
  void request(const std::string& endpoint, int status, double seconds);
  // Inputs evaluated by `policy`, by outcome.
  enum Outcome { kOk, kDecisionError, kInputError };
  void evaluation(std::string_view policy, Outcome outcome, uint64_t count = 1);
  // A request turned away: "overload" (503), "too_large" (413), "timeout".
  void rejected(const char* reason);
  void in_flight(int delta);
  // A reload finished: "ok" when every policy compiled, else "failed".
  void reload(bool ok);
  // A policy's version now serving, and how long it took to compile; gone() when it stops.
  void loaded(const std::string& policy, const std::string& hash, double compile_seconds);
  void gone(const std::string& policy);
  void log_error();

  std::string render() const;

 private:
  struct Histogram {
    std::vector<uint64_t> buckets;  // cumulative on render, per bucket here
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;                 // (endpoint, status)
  std::map<std::string, Histogram> latency_;                                 // by endpoint
  std::map<std::string, std::array<uint64_t, 3>, std::less<>> evaluations_;  // by policy, by Outcome
  std::map<std::string, uint64_t> rejected_;
  std::map<std::string, std::pair<std::string, double>> loaded_;  // policy -> (hash, compile s)
  std::atomic<int64_t> in_flight_{0};
  uint64_t reloads_ok_ = 0, reloads_failed_ = 0, log_errors_ = 0;
  double started_;  // seconds since the epoch
};

}  // namespace proviso::server
