// The scalar operations of an evaluation: integer, decimal, money, duration and date
// arithmetic with their overflow checks, comparisons, rounding, text, zones and calendars.
#include <proviso/rt/text.h>

#include "compiler/interp/evaluation.h"
#include "compiler/ir/eval_messages.h"
#include "compiler/ir/eval_rules.h"

namespace proviso::interp::detail {

using ir::NodeId;
using ir::Op;
using ir::Value;

namespace {

template <class T>
bool take(rt::Expected<T> r, T& out, std::string& err) {
  if (!r) {
    err = r.error().message;
    return false;
  }
  out = std::move(r.value());
  return true;
}

bool checked_add(int64_t a, int64_t b, int64_t& out) { return !__builtin_add_overflow(a, b, &out); }
bool checked_sub(int64_t a, int64_t b, int64_t& out) { return !__builtin_sub_overflow(a, b, &out); }
bool checked_mul(int64_t a, int64_t b, int64_t& out) { return !__builtin_mul_overflow(a, b, &out); }

}  // namespace

bool Evaluation::binary(Op op, const ir::Type& type, const Value& a, const Value& b, NodeId id, Value& out) {
  std::string err;
  int64_t i = 0;
  rt::Decimal d;
  rt::Money m;
  switch (op) {
    case Op::IntAdd:
      if (!checked_add(a.as_int(), b.as_int(), i)) return fail(id, ir::msg::kIntegerAdditionOverflows);
      out = Value(i);
      return true;
    case Op::IntSub:
      if (!checked_sub(a.as_int(), b.as_int(), i)) return fail(id, ir::msg::kIntegerSubtractionOverflows);
      out = Value(i);
      return true;
    case Op::IntMul:
      if (!checked_mul(a.as_int(), b.as_int(), i)) return fail(id, ir::msg::kIntegerMultiplicationOverflows);
      out = Value(i);
      return true;
    case Op::DecAdd:
      if (!take(rt::add(a.as_decimal(), b.as_decimal()), d, err)) return fail(id, err);
      out = Value(d);
      return true;
    case Op::DecSub:
      if (!take(rt::sub(a.as_decimal(), b.as_decimal()), d, err)) return fail(id, err);
      out = Value(d);
      return true;
    case Op::DecMul:
      if (!take(rt::mul(a.as_decimal(), b.as_decimal()), d, err)) return fail(id, err);
      out = Value(d);
      return true;
    case Op::DecDiv:
      if (!take(rt::div(a.as_decimal(), b.as_decimal()), d, err)) return fail(id, err);
      out = Value(d);
      return true;
    case Op::MoneyAdd:
      if (!take(rt::add(a.as_money(), b.as_money()), m, err)) return fail(id, err);
      out = Value(m);
      return true;
    case Op::MoneySub:
      if (!take(rt::sub(a.as_money(), b.as_money()), m, err)) return fail(id, err);
      out = Value(m);
      return true;
    case Op::MoneyMul:
      if (!take(rt::mul(a.as_money(), b.as_decimal()), m, err)) return fail(id, err);
      out = Value(m);
      return true;
    case Op::MoneyDiv:
      if (!take(rt::div(a.as_money(), b.as_decimal()), m, err)) return fail(id, err);
      out = Value(m);
      return true;
    case Op::MoneyRatio:
      if (!take(rt::div(a.as_money(), b.as_money()), d, err)) return fail(id, err);
      out = Value(d);
      return true;
    case Op::DurAdd:
      if (!checked_add(a.as_duration(), b.as_duration(), i)) return fail(id, ir::msg::kDurationOverflows);
      out = Value(ir::DurationValue{i});
      return true;
    case Op::DurSub:
      if (!checked_sub(a.as_duration(), b.as_duration(), i)) return fail(id, ir::msg::kDurationOverflows);
      out = Value(ir::DurationValue{i});
      return true;
    case Op::DurMul:
      if (!checked_mul(a.as_duration(), b.as_int(), i)) return fail(id, ir::msg::kDurationOverflows);
      out = Value(ir::DurationValue{i});
      return true;
    case Op::BDurAdd: {
      ir::BusinessDurationValue r;
      if (!checked_add(a.as_business_duration().days, b.as_business_duration().days, r.days) ||
          !checked_add(a.as_business_duration().seconds, b.as_business_duration().seconds, r.seconds))
        return fail(id, ir::msg::kBusinessDurationOverflows);
      out = Value(r);
      return true;
    }
    case Op::BDurMul: {
      ir::BusinessDurationValue r;
      if (!checked_mul(a.as_business_duration().days, b.as_int(), r.days) ||
          !checked_mul(a.as_business_duration().seconds, b.as_int(), r.seconds))
        return fail(id, ir::msg::kBusinessDurationOverflows);
      out = Value(r);
      return true;
    }
    case Op::PeriodMul:
      if (!checked_mul(a.as_period(), b.as_int(), i)) return fail(id, ir::msg::kPeriodOverflows);
      out = Value(ir::PeriodValue{i});
      return true;
    case Op::DateTimeAdd: {
      rt::Instant t;
      if (!take(rt::add_seconds(a.as_datetime(), b.as_duration()), t, err)) return fail(id, err);
      out = Value(ir::DateTimeValue{t});
      return true;
    }
    case Op::DateTimeSub: {
      rt::Instant t;
      if (b.as_duration() == INT64_MIN) return fail(id, ir::msg::kDatetimeOverflows);
      if (!take(rt::add_seconds(a.as_datetime(), -b.as_duration()), t, err)) return fail(id, err);
      out = Value(ir::DateTimeValue{t});
      return true;
    }
    case Op::DateTimeDiff:
      if (!checked_sub(a.as_datetime(), b.as_datetime(), i)) return fail(id, ir::msg::kDurationOverflows);
      out = Value(ir::DurationValue{i});
      return true;
    case Op::DateAddPeriod:
    case Op::DateSubPeriod: {
      int64_t months = b.as_period();
      if (op == Op::DateSubPeriod) {
        if (months == INT64_MIN) return fail(id, ir::msg::kPeriodOverflows);
        months = -months;
      }
      rt::Date r;
      if (!take(rt::add_months(a.as_date(), months), r, err)) return fail(id, err);
      out = Value(ir::DateValue{r});
      return true;
    }
    case Op::DateAddDur:
    case Op::DateSubDur: {
      int64_t secs = b.as_duration();
      if (secs % 86400 != 0) return fail(id, ir::msg::kWholeDaysOnly);
      int64_t days = secs / 86400;
      if (op == Op::DateSubDur) days = -days;
      rt::Date r;
      if (!take(rt::add_days(a.as_date(), days), r, err)) return fail(id, err);
      out = Value(ir::DateValue{r});
      return true;
    }
    case Op::DateDiff:
      out = Value(ir::DurationValue{(static_cast<int64_t>(a.as_date()) - b.as_date()) * 86400});
      return true;
    case Op::HolidaysUnion:
      out = Value(ir::HolidaysValue{rt::HolidaySet::unite({a.as_holidays(), b.as_holidays()}, {}, {})});
      return true;
    case Op::HolidaysAdd:
    case Op::HolidaysRemove: {
      std::vector<rt::Date> dates;
      for (const Value& x : b.as_list()) dates.push_back(x.as_date());
      out = Value(ir::HolidaysValue{op == Op::HolidaysAdd ? rt::HolidaySet::unite({a.as_holidays()}, dates, {})
                                                          : rt::HolidaySet::unite({a.as_holidays()}, {}, dates)});
      return true;
    }
    default: break;
  }
  (void)type;
  return fail(id, "internal error: unknown binary operation");
}

bool Evaluation::compare(ir::CmpOp op, const Value& a, const Value& b, NodeId id, bool& out) {
  int c = 0;
  switch (a.kind()) {
    case Value::Kind::Int: c = a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int(); break;
    case Value::Kind::Decimal: c = rt::compare(a.as_decimal(), b.as_decimal()); break;
    case Value::Kind::Money: {
      auto r = rt::compare(a.as_money(), b.as_money());
      if (!r) return fail(id, r.error());
      c = *r;
      break;
    }
    case Value::Kind::Date: c = a.as_date() < b.as_date() ? -1 : a.as_date() > b.as_date(); break;
    case Value::Kind::DateTime: c = a.as_datetime() < b.as_datetime() ? -1 : a.as_datetime() > b.as_datetime(); break;
    case Value::Kind::Duration: c = a.as_duration() < b.as_duration() ? -1 : a.as_duration() > b.as_duration(); break;
    default: c = ir::equal(a, b) ? 0 : 1; break;
  }
  switch (op) {
    case ir::CmpOp::Eq: out = c == 0; break;
    case ir::CmpOp::Ne: out = c != 0; break;
    case ir::CmpOp::Lt: out = c < 0; break;
    case ir::CmpOp::Le: out = c <= 0; break;
    case ir::CmpOp::Gt: out = c > 0; break;
    case ir::CmpOp::Ge: out = c >= 0; break;
  }
  return true;
}

bool Evaluation::calendar_add(const ir::Node& n, NodeId id, Value& out) {
  Value start, amount, cal;
  if (!eval(n.a, start) || !eval(n.b, amount) || !eval(n.c, cal)) return false;
  const auto& calendar = cal.as_calendar();
  const ir::BusinessDurationValue& bd = amount.as_business_duration();
  auto r = calendar->add_business(start.as_datetime(), bd.days, bd.seconds);
  if (!r) return fail(id, r.error());
  out = Value(ir::DateTimeValue{*r});
  if (tracer_) tracer_->calendar_add(id, *calendar, schedule_of(*calendar), start, out, bd);
  return true;
}

bool Evaluation::operate(const ir::Node& n, NodeId id, Value& out) {
  std::string err;
  Value a, b, c;
  if (n.a >= 0 && !eval(n.a, a)) return false;
  switch (n.op) {
    case Op::IntNeg:
      if (a.as_int() == INT64_MIN) return fail(id, ir::msg::kNegationOverflows);
      out = Value(-a.as_int());
      return true;
    case Op::IntToDec: out = Value(rt::Decimal::from_int(a.as_int())); return true;
    case Op::DecNeg: out = Value(rt::negate(a.as_decimal())); return true;
    case Op::MoneyNeg: out = Value(rt::negate(a.as_money())); return true;
    case Op::DurNeg:
      if (a.as_duration() == INT64_MIN) return fail(id, ir::msg::kNegationOverflows);
      out = Value(ir::DurationValue{-a.as_duration()});
      return true;
    case Op::DurToBDur: out = Value(ir::BusinessDurationValue{0, a.as_duration()}); return true;
    case Op::DurSeconds: out = Value(a.as_duration()); return true;
    case Op::AsPercent: out = a; return true;
    case Op::Rank: {
      int64_t key = 0;
      for (NodeId boundary : n.args) {
        Value bv;
        bool above = false, equal = false;
        if (!eval(boundary, bv) || !compare(ir::CmpOp::Gt, a, bv, id, above)) return false;
        if (above) {
          key += 2;
          continue;
        }
        if (!compare(ir::CmpOp::Eq, a, bv, id, equal)) return false;
        key += equal ? 1 : 0;
        break;  // the boundaries increase: none further is below the value
      }
      out = Value(key);
      return true;
    }
    case Op::DatePart: {
      int64_t part = rt::date_part(a.as_date(), static_cast<rt::DatePart>(n.aux));
      if (n.type.kind == ir::TypeKind::Date)
        out = Value(ir::DateValue{static_cast<rt::Date>(part)});
      else
        out = Value(part);
      return true;
    }
    case Op::BDurLength: {
      if (!eval(n.c, c)) return false;
      const ir::BusinessDurationValue& bd = a.as_business_duration();
      rt::Duration d = 0;
      if (!take(c.as_calendar()->business_length(bd.days, bd.seconds), d, err)) return fail(id, err);
      out = Value(ir::DurationValue{d});
      if (tracer_)
        tracer_->calendar_query(id, *c.as_calendar(), schedule_of(*c.as_calendar()), "business_length", Value::none(),
                                Value::none(), out, &bd);
      return true;
    }
    case Op::MinOf:
    case Op::MaxOf: {
      Value best;
      for (size_t i = 0; i < n.args.size(); ++i) {
        Value v;
        if (!eval(n.args[i], v)) return false;
        if (i == 0) {
          best = std::move(v);
          continue;
        }
        bool better = false;
        if (!compare(n.op == Op::MinOf ? ir::CmpOp::Lt : ir::CmpOp::Gt, v, best, id, better)) return false;
        if (better) best = std::move(v);
      }
      out = std::move(best);
      return true;
    }
    case Op::Abs:
      switch (a.kind()) {
        case Value::Kind::Int:
          if (a.as_int() == INT64_MIN) return fail(id, ir::msg::kAbsoluteValueOverflows);
          out = Value(a.as_int() < 0 ? -a.as_int() : a.as_int());
          return true;
        case Value::Kind::Decimal: out = Value(rt::abs(a.as_decimal())); return true;
        case Value::Kind::Money: {
          rt::Money m = a.as_money();
          m.amount = rt::abs(m.amount);
          out = Value(m);
          return true;
        }
        case Value::Kind::Duration:
          if (a.as_duration() == INT64_MIN) return fail(id, ir::msg::kAbsoluteValueOverflows);
          out = Value(ir::DurationValue{a.as_duration() < 0 ? -a.as_duration() : a.as_duration()});
          return true;
        default: return fail(id, "internal error: abs");
      }
    case Op::Ceil:
    case Op::Floor: {
      int64_t v = 0;
      if (!take(n.op == Op::Ceil ? rt::ceil_to_int(a.as_decimal()) : rt::floor_to_int(a.as_decimal()), v, err))
        return fail(id, err);
      out = Value(v);
      return true;
    }
    case Op::Round: {
      auto mode = static_cast<rt::RoundingMode>(n.aux2);
      if (a.kind() == Value::Kind::Money) {
        rt::Money m;
        if (!take(n.aux < 0 ? rt::round_to_minor_unit(a.as_money(), mode) : rt::round(a.as_money(), n.aux, mode), m,
                  err))
          return fail(id, err);
        out = Value(m);
        return true;
      }
      if (n.type.kind == ir::TypeKind::Integer) {
        int64_t v = 0;
        if (!take(rt::round_to_int(a.as_decimal(), mode), v, err)) return fail(id, err);
        out = Value(v);
        return true;
      }
      rt::Decimal d;
      if (!take(rt::round(a.as_decimal(), n.aux < 0 ? 0 : n.aux, mode), d, err)) return fail(id, err);
      out = Value(d);
      return true;
    }
    case Op::Blank: out = Value(a.is_none() || rt::is_blank(a.as_text())); return true;
    case Op::DateOf: {
      if (!eval(n.b, b)) return false;
      rt::Date d = 0;
      if (!take(rt::local_date_of(a.as_datetime(), *b.as_zone()), d, err)) return fail(id, err);
      out = Value(ir::DateValue{d});
      return true;
    }
    case Op::WorkingTime: {
      if (!eval(n.b, b) || !eval(n.c, c)) return false;
      rt::Duration d = 0;
      if (!take(c.as_calendar()->working_between(a.as_datetime(), b.as_datetime()), d, err)) return fail(id, err);
      out = Value(ir::DurationValue{d});
      if (tracer_)
        tracer_->calendar_query(id, *c.as_calendar(), schedule_of(*c.as_calendar()), "working_time", a, b, out,
                                nullptr);
      return true;
    }
    case Op::IsOpen: {
      if (!eval(n.c, c)) return false;
      bool open = false;
      if (!take(c.as_calendar()->is_open(a.as_datetime()), open, err)) return fail(id, err);
      out = Value(open);
      if (tracer_)
        tracer_->calendar_query(id, *c.as_calendar(), schedule_of(*c.as_calendar()), "is_open", a, Value::none(), out,
                                nullptr);
      return true;
    }
    case Op::NextOpening: {
      if (!eval(n.c, c)) return false;
      rt::Instant t = 0;
      if (!take(c.as_calendar()->next_opening(a.as_datetime()), t, err)) return fail(id, err);
      out = Value(ir::DateTimeValue{t});
      if (tracer_)
        tracer_->calendar_query(id, *c.as_calendar(), schedule_of(*c.as_calendar()), "next_opening", a, Value::none(),
                                out, nullptr);
      return true;
    }
    case Op::CalPause: {
      Value list, as_of;
      if (!eval(n.b, list)) return false;
      if (n.c >= 0 && !eval(n.c, as_of)) return false;
      std::vector<ir::PauseRecord> pauses;
      pauses.reserve(list.as_list().size());
      for (const Value& item : list.as_list()) {
        const ir::ValueList& fields = item.as_record();
        const Value& until = fields[static_cast<size_t>(n.ints[1])];
        pauses.push_back({fields[static_cast<size_t>(n.ints[0])].as_datetime(),
                          until.is_none() ? std::nullopt : std::optional<rt::Instant>(until.as_datetime())});
      }
      std::shared_ptr<const rt::Calendar> cal;
      std::optional<rt::Instant> instant;
      if (n.c >= 0) instant = as_of.as_datetime();
      // A pause that cannot be read is the list's error: its path and place are the pauses'.
      if (!take(ir::pause_calendar(a.as_calendar(), pauses, instant), cal, err)) return fail(n.b, err);
      out = Value(ir::CalendarValue{std::move(cal)});
      return true;
    }
    case Op::ToText: out = Value(ir::plain_text(a, program_.nodes[n.a].type, program_.schema)); return true;
    default: break;
  }
  if (n.b >= 0 && !eval(n.b, b)) return false;
  return binary(n.op, n.type, a, b, id, out);
}

}  // namespace proviso::interp::detail
