// Test coverage of a policy (`proviso test --coverage`, and the language server's faded code):
// runs the policy's tests on the reference interpreter with ir::CoverageMarks set and lists
// what no test reached: table rows, match arms, exclusion entries, `if` branches and cited
// clauses, each with its place in the source.
// Takes: a checked Program (no command line, no files read: its files[0] is parsed again from
// memory for the places of clauses and match patterns). Gives: the items, counts per kind, the
// tests' report, and the text and JSON forms `proviso test` prints.
// Only the policy's own file (Program::files[0]) is measured: what imported modules declare is
// covered by the tests of every policy that imports them, so it is left out here.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "compiler/ast/source.h"
#include "compiler/driver/test_runner.h"
#include "compiler/ir/program.h"

namespace proviso::driver {

struct CoverageItem {
  // What counts as reached (a test reaches what evaluating the decisions it expects reaches,
  // every decision when it expects an error):
  enum class Kind {
    TableRow,   // the row a table chose (under `hit first`, the first that matched)
    MatchArm,   // the arm a `match` took
    Exclusion,  // an entry of `exclusions`, or an item of `collect`, whose condition was true;
                // an aggregation's `excluding` entry that left some item out
    Branch,     // an `if`'s `then` or `else` taken (each is an item)
    Clause,     // the `clause "..."` of a const, let, decision, exclusions, table, calendar or
                // schedule, when the declaration was evaluated (a schedule: a calendar took its
                // hours); holiday sets are constants computed when the policy compiles, and table
                // rows cite no clause of their own, so neither has an item
  };
  static constexpr size_t kKinds = 5;

  Kind kind = Kind::TableRow;
  int32_t file = 0;  // index into Program::files: always 0 (the policy's own file)
  Span span;         // the row; the arm (pattern to body); the entry (clause to condition);
                     // the branch's expression; the `clause "..."` citation
  std::string what;  // "table `response` row 3", "`else` branch of `if case.severity == 1` in `fee`"
  bool reached = false;
};

struct CoverageCount {
  int reached = 0;
  int total = 0;
  // Rounded down to a tenth, so only a complete count reads 100; 100 when total is 0.
  double percent() const;
};

struct Coverage {
  std::vector<CoverageItem> items;  // in source order
  std::array<CoverageCount, CoverageItem::kKinds> counts;
  TestReport tests;  // the outcomes of the tests on the interpreter (coverage counts failed tests too)

  const CoverageCount& count(CoverageItem::Kind kind) const { return counts[static_cast<size_t>(kind)]; }
};

// Runs `program`'s tests on the interpreter and measures what they reach.
Coverage measure_coverage(const ir::Program& program);

// The key of a kind in the JSON form, and its words in the text: "table_rows", "table rows".
const char* coverage_key(CoverageItem::Kind kind);
const char* coverage_words(CoverageItem::Kind kind);

// The text form: a summary line, then one line per unreached item, GNU style:
//   policies/x.policy: coverage: table rows 11/12 (91.6%), match arms 3/3 (100%), ...
//   policies/x.policy:41:3: table `response` row 3 is reached by no test
std::string coverage_text(const ir::Program& program, const Coverage& coverage);

// The JSON form, one object on one line (docs: README.md, `proviso test`):
//   {"policy": PATH, "tests": {"passed": N, "failed": M},
//    "table_rows": {"reached": N, "total": M, "percent": P,
//                   "unreached": [{"line", "column", "end_line", "end_column", "what"}]},
//    "match_arms": ..., "exclusions": ..., "branches": ..., "clauses": ...}
// Lines and columns are 1-based, columns in bytes; end_column is just past the item's last byte.
std::string coverage_json(const ir::Program& program, const Coverage& coverage);

}  // namespace proviso::driver
