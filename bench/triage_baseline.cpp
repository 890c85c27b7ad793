// The triage decision written by hand, as a C++ programmer would: exclusions in order, then
// the Enterprise/Basic response table. See triage_baseline.h.
#include "bench/triage_baseline.h"

namespace proviso::bench {

namespace {

struct Row {
  int64_t initial;
  bool hours_only;
  int64_t every;  // 0 = none
};

// [tier][severity - 1]
constexpr Row kRows[2][3] = {
    {{30, false, 4}, {60, true, 24}, {240, true, 48}},
    {{120, true, 24}, {240, true, 0}, {540, true, 0}},
};

template <class Case>
void evaluate(const Case& c, TriageResult& out) {
  const char* exclusion = nullptr;
  uint64_t size = 0;
  if (!c.reproducible)
    exclusion = "7.2(ii)", size = 7;
  else if (!c.region_matches)
    exclusion = "7.2(iii)", size = 8;
  else if (!c.version_supported)
    exclusion = "7.2(iv)(e)", size = 10;
  else if (c.evaluation_license || !c.fees_paid)
    exclusion = "7.2(iv)(f)", size = 10;
  out.exclusion = exclusion;
  out.exclusion_size = size;
  out.covered = exclusion == nullptr;
  if (!out.covered) {
    out.has_initial_response = false;
    out.business_hours_only = false;
    out.has_comm_frequency = false;
    out.initial_response_minutes = 0;
    out.comm_frequency_hours = 0;
    return;
  }
  // 5.2(a): Enterprise Severity 1 counts only by telephone.
  int64_t severity = c.severity;
  if (c.tier == 0 && severity == 1 && c.channel != 0) severity = 2;
  const Row& r = kRows[c.tier][severity - 1];
  out.has_initial_response = true;
  out.initial_response_minutes = r.initial;
  out.business_hours_only = r.hours_only;
  out.has_comm_frequency = r.every != 0;
  out.comm_frequency_hours = r.every;
}

}  // namespace

void triage_baseline(const TriageCase& c, TriageResult& out) { evaluate(c, out); }
void triage_baseline(const CompactTriageCase& c, TriageResult& out) { evaluate(c, out); }

}  // namespace proviso::bench
