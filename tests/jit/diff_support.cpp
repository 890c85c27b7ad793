// Random inputs from a program's schema, and comparison of evaluation results.
#include "tests/jit/diff_support.h"

#include <cstdlib>

#include <fmt/format.h>

#include "compiler/interp/interpreter.h"
#include "compiler/records/decode.h"
#include "compiler/records/encode.h"

namespace proviso::jit_test {

using ir::Type;
using ir::TypeKind;
using ir::Value;

InputGenerator::InputGenerator(const ir::Program& program, uint64_t seed) : p_(program), rng_(seed) {}

int64_t InputGenerator::pick(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }

std::vector<Value> InputGenerator::next() {
  std::vector<Value> out;
  for (const auto& in : p_.inputs) {
    if (in.optional && chance(25))
      out.push_back(Value::none());
    else
      out.push_back(value(in.type.as_required()));
  }
  return out;
}

Value InputGenerator::value(const Type& t, int depth) {
  if (t.optional && chance(20)) return Value::none();
  static const rt::Date kFrom = *rt::make_date(2020, 1, 1), kTo = *rt::make_date(2035, 12, 31);
  switch (t.kind) {
    case TypeKind::Bool: return Value(chance(50));
    case TypeKind::Integer: {
      if (t.lo || t.hi) {
        int64_t lo = t.lo.value_or(t.hi ? *t.hi - 100 : 0), hi = t.hi.value_or(lo + 100);
        return Value(pick(lo, hi));
      }
      int r = static_cast<int>(pick(0, 99));
      if (r < 3) return Value(pick(0, 1) ? INT64_MAX - pick(0, 3) : INT64_MIN + pick(0, 3));
      if (r < 10) return Value(pick(-100, -1));
      if (r < 80) return Value(pick(0, 12));
      return Value(pick(0, 1000));
    }
    case TypeKind::Enum: {
      const auto& members = p_.schema.enums[t.id].members;
      return Value(ir::EnumValue{static_cast<int32_t>(pick(0, static_cast<int64_t>(members.size()) - 1))});
    }
    case TypeKind::Date: return Value(ir::DateValue{static_cast<rt::Date>(pick(kFrom, kTo))});
    case TypeKind::DateTime: {
      int64_t s = pick(int64_t{kFrom} * 86400, int64_t{kTo} * 86400 + 86399);
      int r = static_cast<int>(pick(0, 9));
      if (r < 4)
        s -= s % 3600;  // on the hour
      else if (r < 7)
        s -= s % 60;  // on the minute
      return Value(ir::DateTimeValue{s});
    }
    case TypeKind::Duration: {
      int r = static_cast<int>(pick(0, 9));
      if (r < 5) return Value(ir::DurationValue{pick(0, 200) * 3600});
      if (r < 8) return Value(ir::DurationValue{pick(0, 30) * 86400});
      return Value(ir::DurationValue{pick(-100000, 1000000)});
    }
    case TypeKind::BusinessDuration: return Value(ir::BusinessDurationValue{pick(0, 10), pick(0, 20) * 1800});
    case TypeKind::Period: return Value(ir::PeriodValue{pick(-24, 36)});
    case TypeKind::Decimal:
    case TypeKind::Percent: {
      int scale = static_cast<int>(pick(0, 4));
      __int128 c = t.kind == TypeKind::Percent ? pick(0, 150) : pick(-100000, 10000000);
      if (t.kind == TypeKind::Percent) scale = 2;
      return Value(*rt::Decimal::from_parts(c, scale));
    }
    case TypeKind::Money: {
      std::string code = t.currency.empty() ? (chance(95) ? "USD" : "EUR") : (chance(97) ? t.currency : "JPY");
      rt::Money m;
      m.amount = *rt::Decimal::from_parts(pick(-1000, 5000000), static_cast<int>(pick(0, 3)));
      m.currency = *rt::currency_index(code);
      return Value(m);
    }
    case TypeKind::Text: {
      static const char* pool[] = {"", " ", "  \t", "ok", "Regional Support", "7.2(ii)", "x y", "\xc2\xa0"};
      return Value(std::string(pool[pick(0, 7)]));
    }
    case TypeKind::Zone: {
      static const char* zones[] = {"UTC",        "America/New_York",    "Europe/London",
                                    "Asia/Tokyo", "America/Los_Angeles", "Australia/Sydney"};
      return Value(ir::ZoneValue{*rt::Zone::lookup(zones[pick(0, 5)])});
    }
    case TypeKind::Calendar: return Value(ir::CalendarValue{rt::Calendar::always()});
    case TypeKind::Schedule:
      if (p_.schedules.empty()) break;
      return Value(pick(0, static_cast<int64_t>(p_.schedules.size()) - 1));  // a schedule is its index
    case TypeKind::Holidays: {
      rt::HolidaySetDef def;
      def.name = "random";
      for (int i = 0, n = static_cast<int>(pick(0, 3)); i < n; ++i)
        def.added.push_back(static_cast<rt::Date>(pick(kFrom, kTo)));
      return Value(ir::HolidaysValue{*rt::HolidaySet::make(def)});
    }
    case TypeKind::Record: {
      ir::ValueList fields;
      for (const auto& f : p_.schema.records[t.id].fields) fields.push_back(value(f.type, depth + 1));
      return Value::record(std::move(fields));
    }
    case TypeKind::List: {
      ir::ValueList items;
      int n = depth > 3 ? 0 : static_cast<int>(pick(0, 4));
      for (int i = 0; i < n; ++i) items.push_back(value(*t.elem, depth + 1));
      return Value::list(std::move(items));
    }
    default: break;
  }
  return Value::none();
}

namespace {

// ir::equal, except that calendars and holiday sets built by two engines are the same when
// they have the same structure (each engine interns its own).
bool same(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::Calendar: {
      const auto& x = a.as_calendar();
      const auto& y = b.as_calendar();
      if (!x || !y) return x == y;
      return x->name() == y->name() && x->zone() == y->zone() && x->business_day() == y->business_day() &&
             x->is_always() == y->is_always() &&
             (x->holidays() ? x->holidays()->key() : "") == (y->holidays() ? y->holidays()->key() : "");
    }
    case Value::Kind::Holidays: {
      const auto& x = a.as_holidays();
      const auto& y = b.as_holidays();
      if (!x || !y) return x == y;
      return x->key() == y->key();
    }
    case Value::Kind::List:
    case Value::Kind::Record: {
      const ir::ValueList& x = a.kind() == Value::Kind::List ? a.as_list() : a.as_record();
      const ir::ValueList& y = b.kind() == Value::Kind::List ? b.as_list() : b.as_record();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i)
        if (!same(x[i], y[i])) return false;
      return true;
    }
    case Value::Kind::Decimal:
      // exactly: same scale too, so that outputs print the same
      return a.as_decimal() == b.as_decimal() && a.as_decimal().scale() == b.as_decimal().scale();
    case Value::Kind::Money:
      return a.as_money().currency == b.as_money().currency && a.as_money().amount == b.as_money().amount &&
             a.as_money().amount.scale() == b.as_money().amount.scale();
    default: return ir::equal(a, b);
  }
}

std::string show(const ir::Program& p, const Value& v, const Type& t) {
  return records::format_value(v, t, p.schema, nullptr);
}

}  // namespace

std::string difference(const ir::Program& p, const ir::EvalResult& e, const ir::EvalResult& a) {
  if (e.ok != a.ok) {
    return e.ok ? fmt::format("the JIT failed: {} (path `{}`, loc {})", a.error.message, a.error.path, a.error.loc)
                : fmt::format("the JIT succeeded where the interpreter failed: {} (path `{}`, loc {})", e.error.message,
                              e.error.path, e.error.loc);
  }
  if (!e.ok) {
    if (e.error.message != a.error.message || e.error.path != a.error.path || e.error.loc != a.error.loc)
      return fmt::format("errors differ: interpreter `{}` (path `{}`, loc {}), JIT `{}` (path `{}`, loc {})",
                         e.error.message, e.error.path, e.error.loc, a.error.message, a.error.path, a.error.loc);
    if (e.home_zone != a.home_zone) return "home zones of the failed results differ";
    return "";
  }
  if (e.home_zone != a.home_zone) return "home zones differ";
  if (e.decisions.size() != a.decisions.size()) return "numbers of decisions differ";
  for (size_t i = 0; i < e.decisions.size(); ++i) {
    if (e.decisions[i].first != a.decisions[i].first) return "decision order differs";
    if (!same(e.decisions[i].second, a.decisions[i].second)) {
      const ir::ValueDef& def = p.values[e.decisions[i].first];
      return fmt::format("`{}`: interpreter {}, JIT {}", def.name, show(p, e.decisions[i].second, def.type),
                         show(p, a.decisions[i].second, def.type));
    }
  }
  return "";
}

std::vector<std::vector<Value>> test_case_inputs(const ir::Program& program, const interp::Interpreter& interp) {
  std::vector<std::vector<Value>> out;
  for (const auto& tc : program.tests) {
    std::vector<Value> inputs;
    bool ok = true;
    for (ir::NodeId n : tc.inputs) {
      Value v;
      if (n >= 0 && !interp.evaluate_constant(n, &v, nullptr)) ok = false;
      inputs.push_back(n >= 0 ? v : Value::none());
    }
    // An input outside its declared ranges is refused before any engine sees it (by the
    // decoder, and by `proviso test`): no engine is asked to evaluate it.
    for (size_t i = 0; ok && i < inputs.size() && i < program.inputs.size(); ++i)
      if (records::check_ranges(inputs[i], program.inputs[i].type, program.schema, program.inputs[i].name)) ok = false;
    if (ok) out.push_back(std::move(inputs));
  }
  return out;
}

int diff_count(int fallback) {
  if (const char* s = std::getenv("PROVISO_DIFF_COUNT"); s && *s) {
    int n = std::atoi(s);
    if (n > 0) return n;
  }
  return fallback;
}

std::string source_dir() {
  if (const char* env = std::getenv("PROVISO_SOURCE_DIR"); env && *env) return env;
#ifdef PROVISO_SOURCE_DIR
  return PROVISO_SOURCE_DIR;
#else
  return ".";
#endif
}

}  // namespace proviso::jit_test
