// A hand-written C++ evaluator of the triage workload (bench/README.md), the baseline the JIT
// is measured against. It reads the same flat `case` records the JIT reads (the layout is
// checked against compiler/jit/layout.h at start-up) and is compiled at -O2.
#pragma once
#include <cstddef>
#include <cstdint>

namespace proviso::bench {

// The JIT's flat layout of `input case` in policies/bench/triage.policy: the integer first (the
// largest alignment), then the one-byte enums and booleans in declaration order.
struct TriageCase {
  int64_t severity;  // 1..3
  uint8_t tier;      // 0 Enterprise, 1 Basic
  uint8_t channel;   // 0 Phone, 1 Portal, 2 Email
  uint8_t region_matches;
  uint8_t version_supported;
  uint8_t evaluation_license;
  uint8_t fees_paid;
  uint8_t reproducible;
};

// The same case as a C++ programmer would store a large batch of them: one byte per field, in
// one contiguous array (the baseline the JIT's layout is measured against at 1,000,000 records).
struct CompactTriageCase {
  uint8_t tier;  // 0 Enterprise, 1 Basic
  uint8_t severity;
  uint8_t channel;
  uint8_t region_matches;
  uint8_t version_supported;
  uint8_t evaluation_license;
  uint8_t fees_paid;
  uint8_t reproducible;
};

struct TriageResult {
  const char* exclusion;  // null when none
  uint64_t exclusion_size;
  int64_t initial_response_minutes;
  int64_t comm_frequency_hours;
  bool covered;
  bool has_initial_response;
  bool business_hours_only;
  bool has_comm_frequency;
};

// Evaluates every decision of one case.
void triage_baseline(const TriageCase& c, TriageResult& out);
void triage_baseline(const CompactTriageCase& c, TriageResult& out);

}  // namespace proviso::bench
