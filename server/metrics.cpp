// Prometheus text exposition format 0.0.4 (metrics.h).
#include "server/metrics.h"

#include <chrono>

#include <fmt/format.h>

namespace proviso::server {

namespace {

// Latency buckets, in seconds: 50 µs to 10 s.
const std::vector<double> kBuckets = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                      0.05,    0.1,    0.25,    0.5,    1,     2.5,    5,     10};

// A label value with `\`, `"` and newlines escaped.
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

Metrics::Metrics() : started_(now_seconds()) {}

void Metrics::request(const std::string& endpoint, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{endpoint, status}];
  Histogram& h = latency_[endpoint];
  if (h.buckets.empty()) h.buckets.assign(kBuckets.size(), 0);
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) {
      ++h.buckets[i];
      break;
    }
  ++h.count;
  h.sum += seconds;
}

void Metrics::evaluation(std::string_view policy, Outcome outcome, uint64_t count) {
  std::lock_guard lock(mu_);
  auto it = evaluations_.find(policy);
  if (it == evaluations_.end()) it = evaluations_.emplace(std::string(policy), std::array<uint64_t, 3>{}).first;
  it->second[outcome] += count;
}

void Metrics::rejected(const char* reason) {
  std::lock_guard lock(mu_);
  ++rejected_[reason];
}

void Metrics::in_flight(int delta) { in_flight_.fetch_add(delta, std::memory_order_relaxed); }

void Metrics::reload(bool ok) {
  std::lock_guard lock(mu_);
  ++(ok ? reloads_ok_ : reloads_failed_);
}

void Metrics::loaded(const std::string& policy, const std::string& hash, double compile_seconds) {
  std::lock_guard lock(mu_);
  loaded_[policy] = {hash, compile_seconds};
}

void Metrics::gone(const std::string& policy) {
  std::lock_guard lock(mu_);
  loaded_.erase(policy);
}

void Metrics::log_error() {
  std::lock_guard lock(mu_);
  ++log_errors_;
}

std::string Metrics::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  auto header = [&](const char* name, const char* type, const char* help) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  };
  header("proviso_http_requests_total", "counter", "HTTP requests answered, by endpoint and status.");
  for (const auto& [key, n] : requests_)
    out +=
        fmt::format("proviso_http_requests_total{{endpoint=\"{}\",code=\"{}\"}} {}\n", label(key.first), key.second, n);
  header("proviso_http_request_duration_seconds", "histogram",
         "Time from a request's headers to its last byte written, by endpoint.");
  for (const auto& [endpoint, h] : latency_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      out += fmt::format("proviso_http_request_duration_seconds_bucket{{endpoint=\"{}\",le=\"{}\"}} {}\n",
                         label(endpoint), kBuckets[i], cumulative);
    }
    out += fmt::format("proviso_http_request_duration_seconds_bucket{{endpoint=\"{}\",le=\"+Inf\"}} {}\n",
                       label(endpoint), h.count);
    out += fmt::format("proviso_http_request_duration_seconds_sum{{endpoint=\"{}\"}} {}\n", label(endpoint), h.sum);
    out += fmt::format("proviso_http_request_duration_seconds_count{{endpoint=\"{}\"}} {}\n", label(endpoint), h.count);
  }
  header("proviso_evaluations_total", "counter",
         "Inputs evaluated, by policy and outcome (ok, decision_error, input_error).");
  static const char* const outcomes[] = {"ok", "decision_error", "input_error"};
  for (const auto& [policy, counts] : evaluations_)
    for (size_t k = 0; k < counts.size(); ++k)
      if (counts[k] > 0)
        out += fmt::format("proviso_evaluations_total{{policy=\"{}\",outcome=\"{}\"}} {}\n", label(policy), outcomes[k],
                           counts[k]);
  header("proviso_rejected_requests_total", "counter",
         "Requests turned away: overload (503), too_large (413), bad_request (400).");
  for (const auto& [reason, n] : rejected_)
    out += fmt::format("proviso_rejected_requests_total{{reason=\"{}\"}} {}\n", label(reason), n);
  header("proviso_http_requests_in_flight", "gauge", "Requests being answered now.");
  out += fmt::format("proviso_http_requests_in_flight {}\n", in_flight_.load(std::memory_order_relaxed));
  header("proviso_reloads_total", "counter", "Reloads of the policy directory, by result (ok, failed).");
  out += fmt::format("proviso_reloads_total{{result=\"ok\"}} {}\nproviso_reloads_total{{result=\"failed\"}} {}\n",
                     reloads_ok_, reloads_failed_);
  header("proviso_policy_loaded_info", "gauge", "The version of each policy serving: 1 with its content hash.");
  for (const auto& [policy, v] : loaded_)
    out += fmt::format("proviso_policy_loaded_info{{policy=\"{}\",hash=\"{}\"}} 1\n", label(policy), label(v.first));
  header("proviso_policy_compile_seconds", "gauge", "How long the serving version of each policy took to compile.");
  for (const auto& [policy, v] : loaded_)
    out += fmt::format("proviso_policy_compile_seconds{{policy=\"{}\"}} {}\n", label(policy), v.second);
  header("proviso_decision_log_errors_total", "counter", "Decision-log lines that could not be written.");
  out += fmt::format("proviso_decision_log_errors_total {}\n", log_errors_);
  header("proviso_start_time_seconds", "gauge", "When the server started, in seconds since 1970-01-01T00:00:00Z.");
  out += fmt::format("proviso_start_time_seconds {:.3f}\n", started_);
  return out;
}

}  // namespace proviso::server
