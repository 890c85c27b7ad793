// Types of the typed IR: the value types of the language with their units, integer ranges,
// optionality and the schema (enums, records) they refer to.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace proviso::ir {

enum class TypeKind : uint8_t {
  Error,  // poison: an expression that already has a diagnostic; suppresses follow-on errors
  None,   // the type of the literal `none`, assignable to any optional
  Bool,
  Integer,
  Decimal,
  Money,
  Percent,
  Date,
  DateTime,
  Duration,
  BusinessDuration,
  Period,
  Text,
  Zone,
  Calendar,
  Schedule,  // weekly hours by name: the index of one of the program's schedules
  Holidays,
  Enum,
  Record,
  List,
};

struct Type {
  TypeKind kind = TypeKind::Error;
  bool optional = false;
  int32_t id = -1;                   // Enum and Record: index into the program's tables
  std::shared_ptr<const Type> elem;  // List
  std::optional<int64_t> lo, hi;     // Integer range, inclusive; unset = open
  std::string currency;              // Money: known at compile time from literals, else ""

  static Type of(TypeKind k) {
    Type t;
    t.kind = k;
    return t;
  }
  static Type error() { return of(TypeKind::Error); }
  static Type enum_type(int32_t id) {
    Type t;
    t.kind = TypeKind::Enum;
    t.id = id;
    return t;
  }
  static Type record(int32_t id) {
    Type t;
    t.kind = TypeKind::Record;
    t.id = id;
    return t;
  }
  static Type list_of(Type elem);
  static Type integer_range(std::optional<int64_t> lo, std::optional<int64_t> hi);

  Type as_optional() const {
    Type t = *this;
    if (t.kind != TypeKind::None) t.optional = true;
    return t;
  }
  Type as_required() const {
    Type t = *this;
    t.optional = false;
    return t;
  }
  Type without_range() const {
    Type t = *this;
    t.lo.reset();
    t.hi.reset();
    return t;
  }

  bool is_error() const { return kind == TypeKind::Error; }
  bool is_numeric() const { return kind == TypeKind::Integer || kind == TypeKind::Decimal; }
  bool has_range() const { return lo.has_value() || hi.has_value(); }
};

// Same kind, same enum/record, same element type; ranges, currency and optionality ignored.
bool same_shape(const Type& a, const Type& b);
// Exactly equal, ranges and currency included.
bool operator==(const Type& a, const Type& b);

struct EnumDef {
  std::string name;
  std::vector<std::string> members;
  int find(std::string_view member) const;  // -1 when absent
};

struct FieldDef {
  std::string name;
  Type type;
};

struct RecordDef {
  std::string name;
  std::vector<FieldDef> fields;
  int find(std::string_view field) const;  // -1 when absent
};

// The schema a type refers to; both the checker's program and decoders hold one.
struct Schema {
  std::vector<EnumDef> enums;
  std::vector<RecordDef> records;
  // The names of the program's schedules (Program::schedules), so that a value of type
  // `schedule`, which is a schedule's index, prints as its name wherever values are written.
  std::vector<std::string> schedules;
};

// How a user reads the type: `integer 1..3`, `list of Contact`, `date?`, `money`.
std::string to_string(const Type& t, const Schema& schema);
// The name of the schedule whose index is `index`; "?" when there is none.
std::string schedule_name(int64_t index, const Schema& schema);
// What an integer of type t may be, for input errors: "an integer from 1 to 3", "an integer of
// at least 0", "an integer". The decoder and the JIT's input check both say it this way.
std::string integer_expected(const Type& t);

}  // namespace proviso::ir
