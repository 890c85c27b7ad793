// The operation table of the IR: for every ir::Op, its name, which of a node's fields it uses
// and what each means, the kinds of its operands and of its result. The printer
// (ir/printer.h), the verifier (ir/verifier.h) and docs/ARCHITECTURE.md read it; a new
// operation starts with a row here.
#pragma once
#include <cstdint>
#include <string_view>

#include "compiler/ir/program.h"

namespace proviso::ir {

// What an operand slot (a, b or c) must hold.
enum class Slot : uint8_t {
  Unused,    // must be kNoNode
  Required,  // a node
  Optional,  // a node or kNoNode
};

// What a node's `aux` means.
enum class Aux : uint8_t {
  Unused,
  ConstIndex,     // Program::consts
  InputIndex,     // Program::inputs
  LocalSlot,      // 0 .. Program::local_slots - 1: an aggregate's variable
  ValueIndex,     // Program::values
  TableIndex,     // Program::tables (aux2: the output column)
  CalendarIndex,  // Program::calendars
  ScheduleIndex,  // Program::schedules
  FieldIndex,     // a field of operand a's record type
  RecordIndex,    // Schema::records
  CmpOp,          // ir::CmpOp
  RoundPlaces,    // decimal places; -1 = the currency's minor unit (money) or 0 (decimals)
  DatePart,       // rt::DatePart
};

// What a node's `aux2` means.
enum class Aux2 : uint8_t { Unused, TableColumn, RoundingMode };

// What a node's `args` (with `ints` and `pats`) hold.
enum class Args : uint8_t {
  Unused,
  RecordFields,  // MakeRecord: one per field of the record, kNoNode for an absent optional
  Updates,       // WithRecord: args[i] is the new value of field ints[i]
  Arms,          // Switch: args[i] is taken when pats[i] matches operand a (first match)
  Items,         // MakeList: the elements
  Pairs,         // Collect: value0, condition0, value1, condition1, ...
  Operands,      // MinOf, MaxOf: two or more operands of one type
  PauseFields,   // CalPause: ints = {the `from` field, the `until` field} of list b's records
  Boundaries,    // Rank: constants of a's type, in increasing order
  Exclusions,    // aggregations: clause0, condition0, clause1, ...: a text constant and a condition
                 // on the variable; an item is skipped when a condition holds (the first names it)
};

// The kind an operand or result must have. Any: not checked here (the checker typed it).
enum class Kind : uint8_t {
  Any,
  Bool,
  Integer,
  Decimal,  // a decimal or a percent (a percent is a decimal fraction)
  Money,
  Duration,
  BusinessDuration,
  Period,
  Date,
  DateTime,
  Text,
  Zone,
  Calendar,
  Schedule,
  Holidays,
  Record,
  List,
  ListOfDates,
  SameAsA,  // result only: the kind of operand a
};

struct OpInfo {
  Op op;
  std::string_view name;  // as printed by `proviso ir`: "int_add"
  Slot a, b, c;
  std::string_view a_role, b_role, c_role;  // "condition", "then", ... ("" when unused)
  Kind a_kind, b_kind, c_kind;
  Kind result;
  Aux aux;
  Aux2 aux2;
  Args args;
  std::string_view summary;  // one line: what it computes
};

// Every operation, in the order of ir::Op.
const std::vector<OpInfo>& op_table();
const OpInfo& op_info(Op op);
std::string_view op_name(Op op);
std::string_view cmp_name(CmpOp op);  // "==", "<", ...

}  // namespace proviso::ir
