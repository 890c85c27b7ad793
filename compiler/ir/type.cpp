// Type construction, comparison and printing.
#include "compiler/ir/type.h"

#include <fmt/format.h>

namespace proviso::ir {

Type Type::list_of(Type elem) {
  Type t;
  t.kind = TypeKind::List;
  t.elem = std::make_shared<const Type>(std::move(elem));
  return t;
}

Type Type::integer_range(std::optional<int64_t> lo, std::optional<int64_t> hi) {
  Type t = of(TypeKind::Integer);
  t.lo = lo;
  t.hi = hi;
  return t;
}

bool same_shape(const Type& a, const Type& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == TypeKind::Enum || a.kind == TypeKind::Record) return a.id == b.id;
  if (a.kind == TypeKind::List) {
    if (!a.elem || !b.elem) return a.elem == b.elem;
    return same_shape(*a.elem, *b.elem) && a.elem->optional == b.elem->optional;
  }
  return true;
}

bool operator==(const Type& a, const Type& b) {
  return same_shape(a, b) && a.optional == b.optional && a.lo == b.lo && a.hi == b.hi && a.currency == b.currency;
}

int EnumDef::find(std::string_view member) const {
  for (size_t i = 0; i < members.size(); ++i)
    if (members[i] == member) return static_cast<int>(i);
  return -1;
}

int RecordDef::find(std::string_view field) const {
  for (size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == field) return static_cast<int>(i);
  return -1;
}

std::string integer_expected(const Type& t) {
  if (t.lo && t.hi) return fmt::format("an integer from {} to {}", *t.lo, *t.hi);
  if (t.lo) return fmt::format("an integer of at least {}", *t.lo);
  if (t.hi) return fmt::format("an integer of at most {}", *t.hi);
  return "an integer";
}

std::string schedule_name(int64_t index, const Schema& schema) {
  return index >= 0 && static_cast<uint64_t>(index) < schema.schedules.size() ? schema.schedules[index] : "?";
}

std::string to_string(const Type& t, const Schema& schema) {
  std::string base;
  switch (t.kind) {
    case TypeKind::Error: base = "<error>"; break;
    case TypeKind::None: return "none";
    case TypeKind::Bool: base = "bool"; break;
    case TypeKind::Integer:
      base = "integer";
      if (t.has_range()) {
        base += " ";
        if (t.lo) base += std::to_string(*t.lo);
        base += "..";
        if (t.hi) base += std::to_string(*t.hi);
      }
      break;
    case TypeKind::Decimal: base = "decimal"; break;
    case TypeKind::Money: base = "money"; break;
    case TypeKind::Percent: base = "percent"; break;
    case TypeKind::Date: base = "date"; break;
    case TypeKind::DateTime: base = "datetime"; break;
    case TypeKind::Duration: base = "duration"; break;
    case TypeKind::BusinessDuration: base = "business duration"; break;
    case TypeKind::Period: base = "period"; break;
    case TypeKind::Text: base = "text"; break;
    case TypeKind::Zone: base = "zone"; break;
    case TypeKind::Calendar: base = "calendar"; break;
    case TypeKind::Schedule: base = "schedule"; break;
    case TypeKind::Holidays: base = "holidays"; break;
    case TypeKind::Enum:
      base = t.id >= 0 && static_cast<size_t>(t.id) < schema.enums.size() ? schema.enums[t.id].name : "<enum>";
      break;
    case TypeKind::Record:
      base = t.id >= 0 && static_cast<size_t>(t.id) < schema.records.size() ? schema.records[t.id].name : "<record>";
      break;
    case TypeKind::List: base = "list of " + (t.elem ? to_string(*t.elem, schema) : std::string("?")); break;
  }
  if (t.optional) {
    if (t.kind == TypeKind::List || (t.kind == TypeKind::Integer && t.has_range()) ||
        t.kind == TypeKind::BusinessDuration)
      return "(" + base + ")?";
    return base + "?";
  }
  return base;
}

}  // namespace proviso::ir
