// `proviso diff`: what an edit of a policy does to its decisions. Compares two checked
// programs decision by decision with the symbolic executor (symbolic.h) and Z3: a proof that
// a decision is unchanged, or a witness input on which it changed, replayed through the
// reference interpreter before it is reported; plus the input schema changes and summaries
// of the declarations a reviewer reads (tables, calendars, exclusions, clauses).
// docs/DIFF.md describes the method and its limits.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/ir/program.h"

namespace proviso::diff {

using Json = nlohmann::ordered_json;

struct Options {
  std::vector<std::string> decisions;  // only these (empty: all)
  double timeout_seconds = 10;         // for the whole comparison
  int list_bound = 3;                  // items per input list the solver considers
};

// An input on which the versions differ, and the old and new values in eval's JSON form (or
// its error object). (clang-tidy sees nlohmann::json's move, which checks an invariant, as
// throwing; it does not throw.)
struct Witness {   // NOLINT(bugprone-exception-escape)
  Json input;      // a complete input record for the old version
  Json input_new;  // the same case for the new version (null when the schemas agree)
  Json old_value, new_value;
  std::vector<std::string> shown;  // the input paths the text report names (those that matter)
};

struct DecisionDiff {
  std::string name;
  std::string status;  // unchanged | changed | unknown | added | removed
  std::string how;     // unchanged: proved | exhaustive
  std::string bound;   // unchanged and reading an input list: the list length the proof covers
  std::string reason;  // unknown: why
  std::string clause_old, clause_new;
  std::string type_old, type_new;  // set when the type changed
  std::optional<Witness> witness;
  std::string direction;                     // changed, ordered types: later|earlier|higher|lower|mixed|unknown
  std::string direction_reason;              // unknown or money in two currencies
  std::vector<Witness> direction_witnesses;  // mixed: one each way
  std::vector<std::string> reads;            // input paths the decision reads (either version), for the text report
};

struct SchemaChange {
  std::string path;
  std::string change;              // added | removed | changed
  std::string old_type, new_type;  // "" for none
  bool breaking = false;
};

struct DeclarationChange {
  std::string kind;  // table | calendar | holidays | exclusions | clause | decision
  std::string name;
  std::string summary;
  Json details;  // rows added/removed, entries, ...
};

struct Side {
  std::string path, policy, version;
};

struct Report {
  Side old_side, new_side;
  bool equivalent = true;
  std::vector<SchemaChange> schema;
  std::vector<DecisionDiff> decisions;
  std::vector<DeclarationChange> declarations;
  std::optional<Json> cases;  // --cases: impact on recorded cases
  double seconds = 0;
};

// Compares the two versions. Never throws for a valid pair of checked programs.
Report compare(const ir::Program& old_program, const ir::Program& new_program, const Options& options);
// compare() for a program that does not link Z3 (the `proviso` command, which links
// module_loader.cpp instead of compare.cpp): it runs in the module libproviso-diff.so, loaded
// next to the program on the first call (rt::load_module), so that no other command loads Z3.
// False, with `error` set, when the module cannot be loaded.
bool compare_in_module(const ir::Program& old_program, const ir::Program& new_program, const Options& options,
                       Report* out, std::string* error);

// Renderings: the JSON contract, a short text for a terminal, markdown for a pull request.
Json to_json(const Report& r);
std::string to_text(const Report& r, bool color);
std::string to_markdown(const Report& r);

}  // namespace proviso::diff
