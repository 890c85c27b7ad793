// The symbolic executor: IR to Z3 terms. Each operation follows the interpreter
// (compiler/interp/evaluation.cpp, scalar.cpp) case by case, errors included; anything else
// throws Unmodelled with the operation's name from the operation table.
#include "compiler/diff/symbolic.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>

#include <fmt/format.h>

#include <proviso/rt/money.h>
#include <proviso/rt/text.h>
#include <proviso/rt/time.h>

#include "compiler/ir/ops.h"

namespace proviso::diff {

using ir::NodeId;
using ir::Op;
using ir::TypeKind;
using K = Sym::Kind;

namespace {

constexpr int64_t kMinDate = -719162;  // 0001-01-01
constexpr int64_t kMaxDate = 2932896;  // 9999-12-31

std::string int128_text(__int128 v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  unsigned __int128 u = neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string s;
  while (u > 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  return neg ? "-" + s : s;
}

z3::expr real_of(z3::context& c, const rt::Decimal& d) {
  std::string den = "1";
  den.append(static_cast<size_t>(d.scale()), '0');
  std::string text = int128_text(d.coefficient()) + "/" + den;
  return c.real_val(text.c_str());
}

// floor(x) for a real x, as an integer.
z3::expr to_int(const z3::expr& x) { return z3::expr(x.ctx(), Z3_mk_real2int(x.ctx(), x)); }

z3::expr in_int64(const z3::expr& x) {
  z3::context& c = x.ctx();
  return x >= c.int_val(INT64_MIN) && x <= c.int_val(INT64_MAX);
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Universe

Universe::Universe(int list_bound) : list_bound_(list_bound) {
  texts_.push_back("");
  text_ids_[""] = 0;
  zone_id("UTC");
  hours_ids_["24x7"] = 0;
  hours_.emplace_back();
  z3::sort I = ctx_.int_sort(), R = ctx_.real_sort(), B = ctx_.bool_sort();
  auto fn = [&](const char* name, const std::vector<z3::sort>& args, const z3::sort& result) {
    z3::sort_vector d(ctx_);
    for (const auto& s : args) d.push_back(s);
    fns_.push_back(ctx_.function(name, d, result));
    ok_fns_.push_back(ctx_.function((std::string(name) + "_ok").c_str(), d, B));
  };
  fn("cal_add", {I, I, I, I, I}, I);
  fn("working_time", {I, I, I, I, I}, I);
  fn("is_open", {I, I, I, I}, B);
  fn("next_opening", {I, I, I, I}, I);
  fn("date_of", {I, I}, I);
  fn("add_months", {I, I}, I);
  fn("dec_div", {R, R}, R);
  fn("blank", {I}, B);
  fn("minor_unit", {I}, I);
}

z3::expr Universe::var(const std::string& name, Sym::Kind kind) {
  auto it = vars_.find(name);
  if (it != vars_.end()) return it->second;
  z3::expr v = kind == K::Bool   ? ctx_.bool_const(name.c_str())
               : kind == K::Real ? ctx_.real_const(name.c_str())
                                 : ctx_.int_const(name.c_str());
  vars_.emplace(name, v);
  return v;
}

int Universe::text_id(const std::string& text) {
  auto [it, added] = text_ids_.emplace(text, static_cast<int>(texts_.size()));
  if (added) texts_.push_back(text);
  return it->second;
}

std::string Universe::text_of(int id) const {
  if (id >= 0 && static_cast<size_t>(id) < texts_.size()) return texts_[static_cast<size_t>(id)];
  return fmt::format("text {}", id);
}

int Universe::zone_id(const std::string& name) {
  auto [it, added] = zone_ids_.emplace(name, static_cast<int>(zones_.size()));
  if (added) zones_.push_back(name);
  return it->second;
}

std::string Universe::zone_name(int id) const {
  if (id >= 0 && static_cast<size_t>(id) < zones_.size()) return zones_[static_cast<size_t>(id)];
  // A zone no policy names: any real zone other than those will do.
  static const char* const spare[] = {"Asia/Tokyo", "Australia/Sydney", "America/Sao_Paulo", "Africa/Nairobi"};
  for (const char* z : spare)
    if (!zone_ids_.contains(z)) return z;
  return "Pacific/Auckland";
}

int Universe::holidays_id(const std::shared_ptr<const rt::HolidaySet>& set) {
  // Sets with the same dates and partial days over the same valid range are one set, however
  // they were built.
  std::string key = set->key();
  if (set->valid_to() - set->valid_from() <= 1000) {
    key = fmt::format("{}..{}:", set->valid_from(), set->valid_to());
    for (int y = set->valid_from(); y <= set->valid_to(); ++y) {
      auto dates = set->dates_in_year(y);
      auto partial = set->partial_days_in_year(y);
      if (!dates || !partial) {
        key = set->key();
        break;
      }
      for (rt::Date d : *dates) key += fmt::format("{},", d);
      for (const rt::PartialDay& p : *partial) {
        key += fmt::format("{}@", p.date);
        for (const rt::TimeRange& r : p.open) key += fmt::format("{}-{};", r.start, r.end);
      }
    }
  }
  auto [it, added] = holiday_ids_.emplace(key, static_cast<int>(holiday_sets_.size()));
  if (added) holiday_sets_.push_back(set);
  return it->second;
}

int Universe::hours_id(const rt::WeeklyHours& hours) {
  rt::WeeklyHours merged;
  std::string key;
  for (size_t d = 0; d < hours.days.size(); ++d) {
    for (const auto& r : hours.days[d]) {
      auto& day = merged.days[d];
      if (!day.empty() && day.back().end == r.start)
        day.back().end = r.end;
      else
        day.push_back(r);
    }
    for (const auto& r : merged.days[d]) key += fmt::format("{}:{}-{} ", d, r.start, r.end);
  }
  auto [it, added] = hours_ids_.emplace(key, static_cast<int>(hours_.size()));
  if (added) hours_.push_back(merged);
  return it->second;
}

int Universe::schedule_id(const std::string& name) {
  auto it = schedule_ids_.emplace(name, static_cast<int>(schedule_ids_.size())).first;
  return it->second;
}

bool Universe::numerals(const z3::expr& e, std::vector<int64_t>* out) {
  if (e.is_numeral()) {
    int64_t v = e.get_numeral_int64();
    if (std::find(out->begin(), out->end(), v) == out->end()) out->push_back(v);
    return true;
  }
  if (e.is_app() && e.decl().decl_kind() == Z3_OP_ITE) return numerals(e.arg(1), out) && numerals(e.arg(2), out);
  return false;
}

namespace {

// The hours each date of years from..to is left open by `set` where it cuts them: none on a
// holiday, the open hours on a partial day (dates it leaves whole are absent); nullopt when a
// year is outside the set's range.
std::optional<std::map<rt::Date, std::vector<rt::TimeRange>>> cuts_between(const rt::HolidaySet& set, int from,
                                                                           int to) {
  std::map<rt::Date, std::vector<rt::TimeRange>> out;
  for (int y = from; y <= to; ++y) {
    auto dates = set.dates_in_year(y);
    auto partial = set.partial_days_in_year(y);
    if (!dates || !partial) return std::nullopt;
    for (rt::Date d : *dates) out[d] = {};
    for (const rt::PartialDay& p : *partial) out[p.date] = p.open;
  }
  return out;
}

// Whether `a` leaves open every hour `b` does, over the years both are valid for (id -1: no
// holidays): each holiday of `a` is one of `b`, and each partial day of `a` is a holiday of
// `b` or a partial day of `b` open no longer.
bool holidays_within(const std::shared_ptr<const rt::HolidaySet>& a, const std::shared_ptr<const rt::HolidaySet>& b) {
  if (!a) return true;
  if (!b) return false;
  int from = std::max(a->valid_from(), b->valid_from()), to = std::min(a->valid_to(), b->valid_to());
  if (to - from > 1000) return false;
  auto ca = cuts_between(*a, from, to), cb = cuts_between(*b, from, to);
  if (!ca || !cb) return false;
  for (const auto& [d, open_a] : *ca) {
    auto it = cb->find(d);
    if (it == cb->end()) return false;  // b leaves the whole day open
    if (rt::common_ranges(open_a, it->second) != it->second) return false;
  }
  return true;
}

// Whether every working interval of `inner` lies inside one of `outer` (id 0: always open).
bool contains(const rt::WeeklyHours& outer, bool outer_always, const rt::WeeklyHours& inner) {
  if (outer_always) return true;
  for (size_t d = 0; d < inner.days.size(); ++d)
    for (const auto& r : inner.days[d]) {
      bool in = false;
      for (const auto& o : outer.days[d]) in |= o.start <= r.start && r.end <= o.end;
      if (!in) return false;
    }
  return true;
}

}  // namespace

int Universe::member_id(const std::string& member) {
  auto [it, added] = member_ids_.emplace(member, static_cast<int>(members_.size()));
  if (added) members_.push_back(member);
  return it->second;
}

z3::expr Universe::apply(Fn fn, const std::vector<z3::expr>& args, z3::expr* ok) {
  z3::expr_vector v(ctx_);
  for (const auto& a : args) v.push_back(a);
  z3::expr r = fns_[fn](v);
  if (ok) *ok = ok_fns_[fn](v);
  apps_.push_back({fn, args, r});
  return r;
}

z3::expr Universe::cal_add(const z3::expr& hours, const z3::expr& zone, const z3::expr& hol, const z3::expr& t,
                           const z3::expr& secs, z3::expr* ok) {
  return apply(CalAdd, {hours, zone, hol, t, secs}, ok);
}
z3::expr Universe::working(const z3::expr& hours, const z3::expr& zone, const z3::expr& hol, const z3::expr& a,
                           const z3::expr& b, z3::expr* ok) {
  return apply(Working, {hours, zone, hol, a, b}, ok);
}
z3::expr Universe::is_open(const z3::expr& hours, const z3::expr& zone, const z3::expr& hol, const z3::expr& t,
                           z3::expr* ok) {
  return apply(IsOpen, {hours, zone, hol, t}, ok);
}
z3::expr Universe::next_opening(const z3::expr& hours, const z3::expr& zone, const z3::expr& hol, const z3::expr& t,
                                z3::expr* ok) {
  return apply(NextOpening, {hours, zone, hol, t}, ok);
}
z3::expr Universe::date_of(const z3::expr& zone, const z3::expr& t, z3::expr* ok) {
  return apply(DateOf, {zone, t}, ok);
}
z3::expr Universe::add_months(const z3::expr& date, const z3::expr& months, z3::expr* ok) {
  return apply(AddMonths, {date, months}, ok);
}
z3::expr Universe::dec_div(const z3::expr& a, const z3::expr& b) { return apply(DecDiv, {a, b}, nullptr); }
z3::expr Universe::blank(const z3::expr& text) { return apply(Blank, {text}, nullptr); }

z3::expr Universe::minor_unit(const z3::expr& currency) {
  if (currency.is_numeral())
    return ctx_.int_val(rt::currency(static_cast<uint16_t>(currency.get_numeral_int())).minor_unit);
  // Defined for every currency an input may have by facts().
  return apply(MinorUnit, {currency}, nullptr);
}

z3::expr Universe::minor_unit_scale(const z3::expr& currency) {
  // Minor units are 0 to 4 decimals (ISO 4217).
  z3::expr mu = minor_unit(currency);
  z3::expr scale = ctx_.real_val(1);
  for (int k = 1; k <= 4; ++k)
    scale = z3::ite(mu == k, ctx_.real_val(fmt::format("{}", static_cast<int64_t>(std::pow(10, k))).c_str()), scale);
  return scale;
}

std::vector<z3::expr> Universe::facts() {
  // The same applications, domain and interned values give the same facts: computed once
  // until any of them grows.
  std::vector<size_t> key = {apps_.size(),      domain_.size(),       currency_vars_.size(),
                             zone_vars_.size(), currencies_.size(),   texts_.size(),
                             zones_.size(),     holiday_sets_.size(), hours_.size()};
  if (facts_ && facts_key_ == key) return *facts_;
  facts_.reset();
  facts_key_ = key;
  std::vector<z3::expr> out = domain_;
  // Currencies: those the policies name plus one representative of each minor unit (all other
  // currencies behave like their representative).
  for (const char* code : {"USD", "JPY", "KWD", "CLF"}) {
    auto id = rt::currency_index(code);
    if (!id) continue;
    bool have = false;
    for (int c : currencies_) have |= rt::currency(static_cast<uint16_t>(c)).minor_unit == rt::currency(*id).minor_unit;
    if (!have) currencies_.insert(*id);
  }
  for (const auto& cv : currency_vars_) {
    z3::expr any = ctx_.bool_val(false);
    for (int id : currencies_) any = any || cv == ctx_.int_val(id);
    out.push_back(any);
  }
  for (const auto& zv : zone_vars_) out.push_back(zv >= 0 && zv <= ctx_.int_val(static_cast<int>(zones_.size())));
  auto same = [&](const App& a, const App& b, size_t n) {
    z3::expr r = ctx_.bool_val(true);
    for (size_t i = 0; i < n; ++i) r = r && a.args[i] == b.args[i];
    return r;
  };
  // Pairs of (hours, holidays) where the first calendar is open whenever the second is.
  std::vector<std::pair<std::pair<int, int>, std::pair<int, int>>> wider;
  {
    std::vector<int> hols{-1};
    for (size_t h = 0; h < holiday_sets_.size(); ++h) hols.push_back(static_cast<int>(h));
    auto set_of = [&](int h) { return h < 0 ? nullptr : holiday_sets_[static_cast<size_t>(h)]; };
    for (size_t ho = 0; ho < hours_.size(); ++ho)
      for (size_t hi = 1; hi < hours_.size(); ++hi) {
        if (!contains(hours_[ho], ho == 0, hours_[hi])) continue;
        if (ho == 0) {
          if (hi != 0) wider.push_back({{0, -1}, {static_cast<int>(hi), -1}});
          continue;
        }
        for (int xo : hols)
          for (int xi : hols) {
            if (ho == hi && xo == xi) continue;
            if (holidays_within(set_of(xo), set_of(xi)))
              wider.push_back({{static_cast<int>(ho), xo}, {static_cast<int>(hi), xi}});
          }
      }
  }
  for (size_t i = 0; i < apps_.size(); ++i) {
    const App& a = apps_[i];
    switch (a.fn) {
      case CalAdd:
        // Adding s >= 0 of working time takes at least s of wall time; 24x7 exactly s.
        out.push_back(z3::implies(a.args[4] >= 0, a.result >= a.args[3] + a.args[4]));
        out.push_back(z3::implies(a.args[0] == 0, a.result == a.args[3] + a.args[4]));
        break;
      case NextOpening:
        out.push_back(a.result >= a.args[3]);
        out.push_back(z3::implies(a.args[0] == 0, a.result == a.args[3]));
        break;
      case IsOpen: out.push_back(z3::implies(a.args[0] == 0, a.result)); break;
      case AddMonths: {
        // A month is 28 to 31 days; twelve months are 365 or 366 days (29 February clamps).
        const z3::expr &d = a.args[0], &m = a.args[1], &r = a.result;
        out.push_back(z3::implies(m == 0, r == d));
        out.push_back(z3::implies(m > 0, r - d >= 28 * m && r - d <= 31 * m));
        out.push_back(z3::implies(m < 0, d - r >= -28 * m && d - r <= -31 * m));
        out.push_back(z3::implies(m == 12, r - d >= 365 && r - d <= 366));
        out.push_back(z3::implies(m == -12, d - r >= 365 && d - r <= 366));
        break;
      }
      case MinorUnit:
        for (int id : currencies_)
          out.push_back(z3::implies(a.args[0] == ctx_.int_val(id),
                                    a.result == ctx_.int_val(rt::currency(static_cast<uint16_t>(id)).minor_unit)));
        break;
      case Working:
        out.push_back(a.result >= 0);
        out.push_back(z3::implies(a.args[4] <= a.args[3], a.result == 0));
        out.push_back(z3::implies(a.args[4] > a.args[3], a.result <= a.args[4] - a.args[3]));
        break;
      case Blank: {
        z3::expr known = a.args[0] == 0;
        for (size_t t = 1; t < texts_.size(); ++t)
          if (rt::is_blank(texts_[t])) known = known || a.args[0] == ctx_.int_val(static_cast<int>(t));
        out.push_back(a.result == known);
        break;
      }
      default: break;
    }
    for (size_t j = 0; j < apps_.size(); ++j) {
      const App& b = apps_[j];
      if (i == j || a.fn != b.fn) continue;
      switch (a.fn) {
        case CalAdd: {
          z3::expr cal = same(a, b, 3);
          out.push_back(z3::implies(cal && a.args[3] <= b.args[3] && a.args[4] <= b.args[4], a.result <= b.result));
          out.push_back(z3::implies(cal && a.args[3] == b.args[3] && a.args[4] < b.args[4] && a.args[4] >= 0,
                                    a.result < b.result));
          break;
        }
        case NextOpening:
          out.push_back(z3::implies(same(a, b, 3) && a.args[3] <= b.args[3], a.result <= b.result));
          break;
        case DateOf:
          out.push_back(z3::implies(a.args[0] == b.args[0] && a.args[1] <= b.args[1], a.result <= b.result));
          break;
        case AddMonths:
          out.push_back(z3::implies(a.args[1] == b.args[1] && a.args[0] <= b.args[0], a.result <= b.result));
          out.push_back(z3::implies(a.args[0] == b.args[0] && a.args[1] <= b.args[1], a.result <= b.result));
          break;
        default: break;
      }
      // A calendar open whenever another is (in the same zone: hours that contain the other's,
      // holidays among the other's; or 24x7) reaches an amount of working time no later, and
      // opens no later.
      if (a.fn != CalAdd && a.fn != NextOpening && a.fn != IsOpen) continue;
      for (const auto& [outer, inner] : wider) {
        z3::expr cal = a.args[0] == ctx_.int_val(outer.first) && b.args[0] == ctx_.int_val(inner.first);
        if (outer.first != 0)
          cal = cal && a.args[1] == b.args[1] && a.args[2] == ctx_.int_val(outer.second) &&
                b.args[2] == ctx_.int_val(inner.second);
        if (a.fn == CalAdd)
          out.push_back(z3::implies(cal && a.args[3] <= b.args[3] && a.args[4] <= b.args[4], a.result <= b.result));
        else if (a.fn == NextOpening)
          out.push_back(z3::implies(cal && a.args[3] <= b.args[3], a.result <= b.result));
        else
          out.push_back(z3::implies(cal && a.args[3] == b.args[3] && b.result, a.result));
      }
    }
  }
  facts_ = out;
  return out;
}

std::vector<int64_t> Universe::anchors() {
  std::vector<int64_t> out;
  for (size_t x = 0; x < holiday_sets_.size(); ++x)
    for (size_t y = x + 1; y < holiday_sets_.size(); ++y) {
      const auto &a = *holiday_sets_[x], &b = *holiday_sets_[y];
      int from = std::max({a.valid_from(), b.valid_from(), 2025}), to = std::min(a.valid_to(), b.valid_to());
      int found = 0;
      for (int year = from; year <= to && year < from + 30 && found < 3; ++year) {
        auto da = cuts_between(a, year, year), db = cuts_between(b, year, year);
        if (!da || !db) break;
        // The dates whose hours the two sets cut differently.
        std::vector<rt::Date> diff;
        for (const auto& [d, open] : *da)
          if (auto it = db->find(d); it == db->end() || it->second != open) diff.push_back(d);
        for (const auto& [d, open] : *db)
          if (!da->contains(d)) diff.push_back(d);
        std::sort(diff.begin(), diff.end());
        for (rt::Date d : diff) {
          if (found++ >= 3) break;
          out.push_back(int64_t{d} * 86400 - 86400);
        }
      }
    }
  return out;
}

// ---------------------------------------------------------------------------------------
// Encoder

Encoder::Encoder(Universe& u, const ir::Program& p)
    : u_(u), c_(u.ctx()), p_(p), memo_(p.nodes.size()), values_(p.values.size()), value_state_(p.values.size(), 0),
      inputs_(p.inputs.size()), table_rows_(p.tables.size()), table_ok_(p.tables.size()),
      calendars_(p.calendars.size()) {}

Sym Encoder::none() {
  Sym s(c_);
  s.present = c_.bool_val(false);
  return s;
}

Sym Encoder::boolean(const z3::expr& b) {
  Sym s(c_);
  s.kind = K::Bool;
  s.v = b;
  return s;
}

Sym Encoder::integer(const z3::expr& v) {
  Sym s(c_);
  s.kind = K::Int;
  s.v = v;
  return s;
}

void Encoder::unmodelled(NodeId id, const std::string& what) {
  std::string where;
  std::string_view text = p_.node_text(id);
  if (!text.empty() && text.size() < 60) where = fmt::format(" (`{}`)", text);
  throw Unmodelled{what + where};
}

std::string Encoder::var_name(const std::string& path, Sym::Kind kind) {
  static const char* const names[] = {"none", "bool", "int",      "real", "money", "bdur",
                                      "text", "zone", "holidays", "cal",  "rec",   "list"};
  return path + "#" + names[static_cast<int>(kind)];
}

Sym::Kind Encoder::kind_of(const ir::Type& t) {
  switch (t.kind) {
    case TypeKind::Bool: return K::Bool;
    case TypeKind::Integer:
    case TypeKind::Enum:
    case TypeKind::Schedule:
    case TypeKind::Date:
    case TypeKind::DateTime:
    case TypeKind::Duration:
    case TypeKind::Period: return K::Int;
    case TypeKind::Decimal:
    case TypeKind::Percent: return K::Real;
    case TypeKind::Money: return K::Money;
    case TypeKind::BusinessDuration: return K::BDur;
    case TypeKind::Text: return K::Text;
    case TypeKind::Zone: return K::Zone;
    case TypeKind::Holidays: return K::Holidays;
    case TypeKind::Calendar: return K::Calendar;
    case TypeKind::Record: return K::Record;
    case TypeKind::List: return K::List;
    default: return K::None;
  }
}

Sym Encoder::make_input(const ir::Type& type, const std::string& path, bool optional) {
  Sym s(c_);
  s.kind = kind_of(type);
  // One presence bit per path, shared: a field required by either version is present in every
  // input both versions accept.
  s.present = u_.var(presence_name(path), K::Bool);
  if (!optional) u_.require(s.present);
  switch (type.kind) {
    case TypeKind::Record: {
      const ir::RecordDef& rec = p_.schema.records[static_cast<size_t>(type.id)];
      for (const ir::FieldDef& f : rec.fields)
        s.fields.push_back(make_input(f.type, path + "." + f.name, f.type.optional));
      return s;
    }
    case TypeKind::List: {
      z3::expr len = u_.var(length_name(path), K::Int);
      u_.require(len >= 0 && len <= u_.list_bound());
      for (int i = 0; i < u_.list_bound(); ++i)
        s.items.emplace_back(len > i, make_input(*type.elem, fmt::format("{}[{}]", path, i), type.elem->optional));
      return s;
    }
    case TypeKind::Money: {
      s.v = u_.var(var_name(path, K::Real), K::Real);
      s.v2 = u_.var(var_name(path, K::Money), K::Int);
      u_.money_currency(s.v2);
      u_.prefer(z3::is_int(s.v * 100) && s.v >= -1000000000 && s.v <= 1000000000);
      u_.decimal(z3::is_int(s.v * 10000));
      return s;
    }
    case TypeKind::BusinessDuration: {
      s.v = u_.var(var_name(path, K::Int) + "d", K::Int);
      s.v2 = u_.var(var_name(path, K::Int) + "s", K::Int);
      u_.require(in_int64(s.v) && in_int64(s.v2));
      return s;
    }
    case TypeKind::Holidays:
    case TypeKind::Calendar:
    case TypeKind::Schedule:
      throw Unmodelled{fmt::format("an input of type {} (`{}`)", ir::to_string(type, p_.schema), path)};
    default: break;
  }
  s.v = u_.var(var_name(path, s.kind), s.kind);
  switch (type.kind) {
    case TypeKind::Decimal:
    case TypeKind::Percent:
      u_.prefer(z3::is_int(s.v * 100));
      u_.decimal(z3::is_int(s.v * 10000));
      break;
    default: break;
  }
  switch (type.kind) {
    case TypeKind::Integer:
      u_.require(s.v >= c_.int_val(type.lo.value_or(INT64_MIN)) && s.v <= c_.int_val(type.hi.value_or(INT64_MAX)));
      u_.prefer(s.v >= -100000 && s.v <= 100000);
      break;
    case TypeKind::Enum: {
      z3::expr any = c_.bool_val(false);
      for (const auto& m : p_.schema.enums[static_cast<size_t>(type.id)].members) any = any || s.v == u_.member_id(m);
      u_.require(any);
      break;
    }
    case TypeKind::Date:
      u_.require(s.v >= c_.int_val(kMinDate) && s.v <= c_.int_val(kMaxDate));
      u_.prefer(s.v >= 20089 && s.v <= 20819);  // 2025-01-01 .. 2026-12-31
      break;
    case TypeKind::DateTime:
      u_.require(s.v >= c_.int_val(rt::kFirstInstant) && s.v <= c_.int_val(rt::kLastInstant));
      u_.prefer(s.v >= c_.int_val(int64_t{1735689600}) && s.v <= c_.int_val(int64_t{1798761600}) &&
                z3::mod(s.v, 60) == 0);
      break;
    case TypeKind::Duration:
      u_.require(in_int64(s.v));
      u_.prefer(z3::mod(s.v, 60) == 0 && s.v >= -100000000 && s.v <= 100000000);
      break;
    case TypeKind::Period: u_.require(in_int64(s.v)); break;
    case TypeKind::Text: u_.require(s.v >= 0); break;
    case TypeKind::Zone: u_.zone_var(s.v); break;
    default: break;
  }
  return s;
}

Sym Encoder::constant(const ir::Value& v, const ir::Type& t) {
  using VK = ir::Value::Kind;
  Sym s(c_);
  s.kind = kind_of(t);
  switch (v.kind()) {
    case VK::None: return none();
    case VK::Bool:
      s.kind = K::Bool;
      s.v = c_.bool_val(v.as_bool());
      return s;
    case VK::Int:
      s.kind = K::Int;
      s.v = t.kind == TypeKind::Schedule
                ? c_.int_val(u_.schedule_id(p_.schedules.at(static_cast<size_t>(v.as_int())).name))
                : c_.int_val(v.as_int());
      return s;
    case VK::Decimal:
      s.kind = K::Real;
      s.v = real_of(c_, v.as_decimal());
      return s;
    case VK::Money:
      s.kind = K::Money;
      s.v = real_of(c_, v.as_money().amount);
      s.v2 = c_.int_val(v.as_money().currency);
      u_.note_currency(v.as_money().currency);
      return s;
    case VK::Date:
      s.kind = K::Int;
      s.v = c_.int_val(v.as_date());
      return s;
    case VK::DateTime:
      s.kind = K::Int;
      s.v = c_.int_val(v.as_datetime());
      return s;
    case VK::Duration:
      s.kind = K::Int;
      s.v = c_.int_val(v.as_duration());
      return s;
    case VK::Period:
      s.kind = K::Int;
      s.v = c_.int_val(v.as_period());
      return s;
    case VK::BusinessDuration:
      s.kind = K::BDur;
      s.v = c_.int_val(v.as_business_duration().days);
      s.v2 = c_.int_val(v.as_business_duration().seconds);
      return s;
    case VK::Text:
      s.kind = K::Text;
      s.v = c_.int_val(u_.text_id(v.as_text()));
      return s;
    case VK::Enum: {
      if (t.kind != TypeKind::Enum || t.id < 0) throw Unmodelled{"an enum constant without its enum type"};
      const auto& members = p_.schema.enums[static_cast<size_t>(t.id)].members;
      s.kind = K::Int;
      s.v = c_.int_val(u_.member_id(members[static_cast<size_t>(v.as_enum())]));
      return s;
    }
    case VK::Zone:
      s.kind = K::Zone;
      s.v = c_.int_val(u_.zone_id(std::string(v.as_zone()->name())));
      return s;
    case VK::Holidays:
      s.kind = K::Holidays;
      s.v = c_.int_val(u_.holidays_id(v.as_holidays()));
      return s;
    case VK::Calendar: {
      const auto& cal = v.as_calendar();
      if (!cal->is_always()) throw Unmodelled{"a calendar constant other than 24x7"};
      s.kind = K::Calendar;
      s.v = c_.int_val(u_.always_hours());
      s.v2 = c_.int_val(u_.zone_id("UTC"));
      s.v3 = c_.int_val(-1);
      s.v4 = c_.int_val(86400);
      return s;
    }
    case VK::List: {
      s.kind = K::List;
      const ir::Type elem = t.kind == TypeKind::List && t.elem ? *t.elem : ir::Type::error();
      for (const auto& item : v.as_list()) s.items.emplace_back(c_.bool_val(true), constant(item, elem));
      return s;
    }
    case VK::Record: {
      s.kind = K::Record;
      if (t.kind != TypeKind::Record) throw Unmodelled{"a record constant without its record type"};
      const auto& rec = p_.schema.records[static_cast<size_t>(t.id)];
      const auto& fields = v.as_record();
      for (size_t i = 0; i < fields.size(); ++i) s.fields.push_back(constant(fields[i], rec.fields[i].type));
      return s;
    }
  }
  throw Unmodelled{"a constant of an unknown kind"};
}

Sym Encoder::ite(const z3::expr& c, const Sym& a, const Sym& b) {
  if (a.kind == K::None && b.kind != K::None) {
    Sym r = b;
    r.ok = z3::ite(c, a.ok, b.ok);
    r.present = z3::ite(c, a.present, b.present);
    return r;
  }
  if (b.kind == K::None && a.kind != K::None) {
    Sym r = a;
    r.ok = z3::ite(c, a.ok, b.ok);
    r.present = z3::ite(c, a.present, b.present);
    return r;
  }
  Sym r(c_);
  r.kind = a.kind;
  r.ok = z3::ite(c, a.ok, b.ok);
  r.present = z3::ite(c, a.present, b.present);
  if (a.v.get_sort().sort_kind() == b.v.get_sort().sort_kind())
    r.v = z3::ite(c, a.v, b.v);
  else
    throw Unmodelled{"values of two sorts in one conditional"};
  r.v2 = z3::ite(c, a.v2, b.v2);
  r.v3 = z3::ite(c, a.v3, b.v3);
  r.v4 = z3::ite(c, a.v4, b.v4);
  if (a.kind == K::Record) {
    if (a.fields.size() != b.fields.size()) throw Unmodelled{"records of two shapes in one conditional"};
    for (size_t i = 0; i < a.fields.size(); ++i) r.fields.push_back(ite(c, a.fields[i], b.fields[i]));
  }
  if (a.kind == K::List) {
    for (const auto& [g, item] : a.items) r.items.emplace_back(c && g, item);
    for (const auto& [g, item] : b.items) r.items.emplace_back(!c && g, item);
  }
  return r;
}

Sym Encoder::value(int32_t index) {
  auto& slot = values_[static_cast<size_t>(index)];
  if (slot) return *slot;
  if (value_state_[static_cast<size_t>(index)] == 1) throw Unmodelled{"a value that depends on itself"};
  value_state_[static_cast<size_t>(index)] = 1;
  Sym s = node(p_.values[static_cast<size_t>(index)].body);
  // A value outside its declared integer range is an evaluation error (outside_its_type).
  const ir::Type& t = p_.values[static_cast<size_t>(index)].type;
  if (t.kind == TypeKind::Integer && t.has_range()) {
    z3::expr in = c_.bool_val(true);
    if (t.lo) in = in && s.v >= c_.int_val(*t.lo);
    if (t.hi) in = in && s.v <= c_.int_val(*t.hi);
    s.ok = s.ok && z3::implies(s.present, in);
  }
  value_state_[static_cast<size_t>(index)] = 2;
  slot = s;
  return s;
}

Sym Encoder::node(NodeId id) {
  if (id < 0) return none();
  bool cacheable = locals_.empty();
  auto& slot = memo_[static_cast<size_t>(id)];
  if (cacheable && slot) return *slot;
  Sym s = translate(id, p_.nodes[static_cast<size_t>(id)]);
  if (cacheable) slot = s;
  return s;
}

z3::expr Encoder::pattern_value(int64_t v, const ir::Type& type) {
  if (type.kind == TypeKind::Enum) {
    const auto& members = p_.schema.enums[static_cast<size_t>(type.id)].members;
    if (v < 0 || static_cast<size_t>(v) >= members.size()) return c_.int_val(-1);
    return c_.int_val(u_.member_id(members[static_cast<size_t>(v)]));
  }
  return c_.int_val(v);
}

z3::expr Encoder::pattern(const ir::Pattern& p, const Sym& key, const ir::Type& type) {
  // The interpreter's pattern key: a bool is 0/1, an enum its member, an integer itself.
  z3::expr k = key.kind == K::Bool ? z3::ite(key.v, c_.int_val(1), c_.int_val(0)) : key.v;
  switch (p.kind) {
    case ir::Pattern::Kind::Any: return c_.bool_val(true);
    case ir::Pattern::Kind::OneOf:
    case ir::Pattern::Kind::NoneOf: {
      z3::expr any = c_.bool_val(false);
      for (int64_t v : p.values) any = any || k == pattern_value(v, type);
      return p.kind == ir::Pattern::Kind::OneOf ? any : !any;
    }
    case ir::Pattern::Kind::Range: {
      if (type.kind == TypeKind::Enum) throw Unmodelled{"a range pattern over an enum"};
      z3::expr r = c_.bool_val(true);
      if (p.lo) r = r && k >= c_.int_val(*p.lo);
      if (p.hi) r = r && k <= c_.int_val(*p.hi);
      return r;
    }
  }
  return c_.bool_val(false);
}

z3::expr Encoder::compare(ir::CmpOp op, const Sym& a, const Sym& b, const ir::Type& type, z3::expr* ok) {
  // As Evaluation::compare: integers, decimals, money, dates, datetimes and durations are
  // ordered; other values are only equal (0) or not (1).
  *ok = c_.bool_val(true);
  bool ordered = false;
  switch (type.kind) {
    case TypeKind::Integer:
    case TypeKind::Decimal:
    case TypeKind::Percent:
    case TypeKind::Date:
    case TypeKind::DateTime:
    case TypeKind::Duration: ordered = true; break;
    case TypeKind::Money:
      ordered = true;
      *ok = a.v2 == b.v2;
      break;
    default: break;
  }
  if (ordered && !type.optional) {
    switch (op) {
      case ir::CmpOp::Eq: return a.v == b.v;
      case ir::CmpOp::Ne: return a.v != b.v;
      case ir::CmpOp::Lt: return a.v < b.v;
      case ir::CmpOp::Le: return a.v <= b.v;
      case ir::CmpOp::Gt: return a.v > b.v;
      case ir::CmpOp::Ge: return a.v >= b.v;
    }
  }
  if (ordered) throw Unmodelled{"an ordering comparison of optional values"};
  z3::expr eq = same_outcome(u_, a, b, type);
  switch (op) {
    case ir::CmpOp::Eq:
    case ir::CmpOp::Le:
    case ir::CmpOp::Ge: return eq;
    case ir::CmpOp::Ne:
    case ir::CmpOp::Gt: return !eq;
    case ir::CmpOp::Lt: return c_.bool_val(false);
  }
  return eq;
}

Sym Encoder::translate(NodeId id, const ir::Node& n) {
  auto sub = [&](NodeId x) { return node(x); };
  switch (n.op) {
    case Op::Const: return constant(p_.consts[static_cast<size_t>(n.aux)], n.type);
    case Op::Input: {
      auto& slot = inputs_[static_cast<size_t>(n.aux)];
      if (!slot) {
        const ir::InputDef& def = p_.inputs[static_cast<size_t>(n.aux)];
        slot = make_input(def.type, def.name, def.optional);
      }
      return *slot;
    }
    case Op::Local: {
      auto it = locals_.find(n.aux);
      if (it == locals_.end()) unmodelled(id, "an aggregate variable outside its aggregate");
      return it->second;
    }
    case Op::ValueRef: return value(n.aux);
    case Op::TableGet: return table_get(n);
    case Op::CalendarRef: return calendar(n.aux);
    case Op::ScheduleRef: return integer(c_.int_val(u_.schedule_id(p_.schedules.at(static_cast<size_t>(n.aux)).name)));
    case Op::Field: {
      Sym rec = sub(n.a);
      if (rec.kind != K::Record) unmodelled(id, "a field of a value that is not a record");
      Sym f = rec.fields.at(static_cast<size_t>(n.aux));
      f.ok = rec.ok && rec.present && f.ok;
      f.present = rec.present && f.present;
      return f;
    }
    case Op::Unwrap: {
      Sym a = sub(n.a);
      a.ok = a.ok && a.present;
      a.present = c_.bool_val(true);
      return a;
    }
    case Op::IsPresent: {
      Sym a = sub(n.a);
      Sym r = boolean(a.present);
      r.ok = a.ok;
      return r;
    }
    case Op::Coalesce: {
      Sym a = sub(n.a), b = sub(n.b);
      Sym r = ite(a.present, a, b);
      r.ok = a.ok && (a.present || b.ok);
      return r;
    }
    case Op::MakeRecord: {
      Sym r(c_);
      r.kind = K::Record;
      for (NodeId f : n.args) {
        Sym s = sub(f);
        r.ok = r.ok && s.ok;
        r.fields.push_back(s);
      }
      return r;
    }
    case Op::WithRecord: {
      Sym r = sub(n.a);
      for (size_t i = 0; i < n.args.size(); ++i) {
        Sym s = sub(n.args[i]);
        r.ok = r.ok && s.ok;
        r.fields.at(static_cast<size_t>(n.ints[i])) = s;
      }
      return r;
    }
    case Op::Not: {
      Sym a = sub(n.a);
      Sym r = boolean(!a.v);
      r.ok = a.ok;
      return r;
    }
    case Op::And:
    case Op::Or: {
      Sym a = sub(n.a), b = sub(n.b);
      bool is_and = n.op == Op::And;
      Sym r = boolean(is_and ? (a.v && b.v) : (a.v || b.v));
      r.ok = a.ok && z3::implies(is_and ? a.v : !a.v, b.ok);
      return r;
    }
    case Op::If: {
      Sym c = sub(n.a), a = sub(n.b), b = sub(n.c);
      Sym r = ite(c.v, a, b);
      r.ok = c.ok && r.ok;
      return r;
    }
    case Op::Switch: {
      Sym key = sub(n.a);
      const ir::Type& kt = p_.nodes[static_cast<size_t>(n.a)].type;
      Sym r = none();
      r.ok = c_.bool_val(false);  // no arm applies
      for (size_t i = n.pats.size(); i-- > 0;) r = ite(pattern(n.pats[i], key, kt), sub(n.args[i]), r);
      r.ok = key.ok && r.ok;
      return r;
    }
    case Op::Cmp: {
      Sym a = sub(n.a), b = sub(n.b);
      z3::expr ok = c_.bool_val(true);
      z3::expr v = compare(static_cast<ir::CmpOp>(n.aux), a, b, p_.nodes[static_cast<size_t>(n.a)].type, &ok);
      Sym r = boolean(v);
      r.ok = a.ok && b.ok && ok;
      return r;
    }
    case Op::In:
    case Op::MakeList:
    case Op::Collect:
    case Op::ListCount:
    case Op::ListIsEmpty:
    case Op::ListFirst:
    case Op::ListLast: return lists(n);
    case Op::AggAny:
    case Op::AggAll:
    case Op::AggCount:
    case Op::AggSum:
    case Op::AggMin:
    case Op::AggMax: return aggregate(n);
    case Op::CalAdd:
    case Op::WorkingTime:
    case Op::IsOpen:
    case Op::NextOpening: return calendar_op(n);
    case Op::Rank: {
      Sym v = node(n.a);
      const ir::Type& t = p_.nodes[static_cast<size_t>(n.a)].type;
      Sym r(c_);
      r.kind = K::Int;
      r.v = c_.int_val(0);
      r.ok = v.ok;
      for (NodeId boundary : n.args) {
        Sym b = node(boundary);
        z3::expr ok_gt = c_.bool_val(true), ok_eq = c_.bool_val(true);
        z3::expr above = compare(ir::CmpOp::Gt, v, b, t, &ok_gt);
        z3::expr equal = compare(ir::CmpOp::Eq, v, b, t, &ok_eq);
        r.v = r.v + z3::ite(above, c_.int_val(2), z3::ite(equal, c_.int_val(1), c_.int_val(0)));
        r.ok = r.ok && b.ok && ok_gt && ok_eq;
      }
      return r;
    }
    case Op::BDurLength: {
      Sym bd = node(n.a), cal = node(n.c);
      Sym r(c_);
      r.kind = K::Int;
      r.v = bd.v * cal.v4 + bd.v2;
      r.ok = bd.ok && cal.ok && in_int64(bd.v * cal.v4) && in_int64(r.v);
      return r;
    }
    default: return arithmetic(id, n);
  }
}

Sym Encoder::table_get(const ir::Node& n) {
  const ir::TableDef& def = p_.tables[static_cast<size_t>(n.aux)];
  auto& rows = table_rows_[static_cast<size_t>(n.aux)];
  if (!rows) {
    z3::expr ok = c_.bool_val(true);
    std::vector<Sym> keys;
    for (NodeId g : def.given) {
      keys.push_back(node(g));
      ok = ok && keys.back().ok;
    }
    std::vector<z3::expr> chosen;
    z3::expr earlier = c_.bool_val(false);
    for (const ir::TableRow& row : def.rows) {
      z3::expr m = c_.bool_val(true);
      for (size_t c = 0; c < keys.size(); ++c)
        m = m && pattern(row.conds[c], keys[c], p_.nodes[static_cast<size_t>(def.given[c])].type);
      chosen.push_back(m && !earlier);
      earlier = earlier || m;
    }
    rows = chosen;
    table_ok_[static_cast<size_t>(n.aux)] = ok && earlier;
  }
  Sym r = none();
  for (size_t i = def.rows.size(); i-- > 0;)
    r = ite((*rows)[i], node(def.rows[i].outputs[static_cast<size_t>(n.aux2)]), r);
  r.ok = *table_ok_[static_cast<size_t>(n.aux)] && r.ok;
  return r;
}

Sym Encoder::calendar(int32_t index) {
  auto& slot = calendars_[static_cast<size_t>(index)];
  if (slot) return *slot;
  const ir::CalendarDef& def = p_.calendars[static_cast<size_t>(index)];
  Sym s(c_);
  s.kind = K::Calendar;
  s.v = c_.int_val(u_.hours_id(def.hours));
  if (def.schedule >= 0) {  // evaluated first, as the engines do
    Sym schedule = node(def.schedule);
    s.v = schedule_hours(schedule);
    s.ok = schedule.ok;
  }
  Sym zone = node(def.zone);
  s.v2 = zone.v;
  s.ok = s.ok && zone.ok;
  if (def.holidays >= 0) {
    Sym hol = node(def.holidays);
    s.v3 = hol.v;
    s.ok = s.ok && hol.ok;
  }
  s.v4 = c_.int_val(def.business_day);
  slot = s;
  return s;
}

z3::expr Encoder::schedule_hours(const Sym& schedule) {
  if (p_.schedules.empty()) throw Unmodelled{"a schedule in a program without schedules"};
  // A schedule named outright gives its hours as a numeral, so that the calendar's changes
  // can be shown day by day (first differences); else a choice over this program's schedules.
  if (schedule.v.is_numeral()) {
    for (const ir::ScheduleDef& def : p_.schedules)
      if (u_.schedule_id(def.name) == schedule.v.get_numeral_int()) return c_.int_val(u_.hours_id(def.hours));
  }
  z3::expr hours = c_.int_val(u_.hours_id(p_.schedules.back().hours));
  for (size_t i = p_.schedules.size() - 1; i-- > 0;)
    hours = z3::ite(schedule.v == c_.int_val(u_.schedule_id(p_.schedules[i].name)),
                    c_.int_val(u_.hours_id(p_.schedules[i].hours)), hours);
  return hours;
}

Sym Encoder::calendar_op(const ir::Node& n) {
  Sym a = node(n.a), cal = node(n.c);
  z3::expr always = cal.v == c_.int_val(u_.always_hours());
  z3::expr ok = c_.bool_val(true);
  Sym r(c_);
  r.kind = n.op == Op::IsOpen ? K::Bool : K::Int;
  switch (n.op) {
    case Op::CalAdd: {
      Sym bd = node(n.b);
      z3::expr secs = bd.v * cal.v4 + bd.v2;
      z3::expr exact = a.v + secs;
      z3::expr f = u_.cal_add(cal.v, cal.v2, cal.v3, a.v, secs, &ok);
      r.v = z3::ite(always, exact, f);
      z3::expr in_range = exact >= c_.int_val(rt::kFirstInstant) && exact <= c_.int_val(rt::kLastInstant);
      r.ok = a.ok && bd.ok && cal.ok && secs >= 0 && in_int64(bd.v * cal.v4) && in_int64(secs) &&
             z3::ite(always, in_range, ok);
      return r;
    }
    case Op::WorkingTime: {
      Sym b = node(n.b);
      z3::expr f = u_.working(cal.v, cal.v2, cal.v3, a.v, b.v, &ok);
      r.v = z3::ite(always, z3::ite(b.v > a.v, b.v - a.v, c_.int_val(0)), f);
      r.ok = a.ok && b.ok && cal.ok && z3::ite(always, c_.bool_val(true), ok);
      return r;
    }
    case Op::IsOpen: {
      z3::expr f = u_.is_open(cal.v, cal.v2, cal.v3, a.v, &ok);
      r.v = z3::ite(always, c_.bool_val(true), f);
      r.ok = a.ok && cal.ok && z3::ite(always, c_.bool_val(true), ok);
      return r;
    }
    default: {
      z3::expr f = u_.next_opening(cal.v, cal.v2, cal.v3, a.v, &ok);
      r.v = z3::ite(always, a.v, f);
      r.ok = a.ok && cal.ok && z3::ite(always, c_.bool_val(true), ok);
      return r;
    }
  }
}

Sym Encoder::lists(const ir::Node& n) {
  switch (n.op) {
    case Op::In: {
      Sym x = node(n.a), list = node(n.b);
      z3::expr found = c_.bool_val(false), ok = x.ok && list.ok;
      const ir::Type& xt = p_.nodes[static_cast<size_t>(n.a)].type;
      for (const auto& [g, item] : list.items) {
        if (x.kind == K::Money) ok = ok && z3::implies(g && !found, x.v2 == item.v2);
        found = found || (g && same_outcome(u_, x, item, xt));
      }
      Sym r = boolean(found);
      r.ok = ok;
      return r;
    }
    case Op::MakeList: {
      Sym r(c_);
      r.kind = K::List;
      for (NodeId a : n.args) {
        Sym s = node(a);
        r.ok = r.ok && s.ok;
        r.items.emplace_back(c_.bool_val(true), s);
      }
      return r;
    }
    case Op::Collect: {
      Sym r(c_);
      r.kind = K::List;
      for (size_t i = 0; i + 1 < n.args.size(); i += 2) {
        Sym cond = node(n.args[i + 1]);
        Sym v = node(n.args[i]);
        r.ok = r.ok && cond.ok && z3::implies(cond.v, v.ok);
        r.items.emplace_back(cond.v, v);
      }
      return r;
    }
    default: break;
  }
  Sym list = node(n.a);
  z3::expr count = c_.int_val(0), any = c_.bool_val(false);
  for (const auto& [g, item] : list.items) {
    count = count + z3::ite(g, c_.int_val(1), c_.int_val(0));
    any = any || g;
  }
  if (n.op == Op::ListCount) {
    Sym r = integer(count);
    r.ok = list.ok;
    return r;
  }
  if (n.op == Op::ListIsEmpty) {
    Sym r = boolean(!any);
    r.ok = list.ok;
    return r;
  }
  Sym r = none();
  if (n.op == Op::ListLast) {  // the last element present: later ones override earlier ones
    for (size_t i = 0; i < list.items.size(); ++i) r = ite(list.items[i].first, list.items[i].second, r);
  } else {
    for (size_t i = list.items.size(); i-- > 0;) r = ite(list.items[i].first, list.items[i].second, r);
  }
  r.ok = list.ok;
  return r;
}

Sym Encoder::aggregate(const ir::Node& n) {
  Sym list = node(n.a);
  z3::expr ok = list.ok, done = c_.bool_val(false), count = c_.int_val(0), have = c_.bool_val(false);
  Sym acc = none();
  ir::Type type = n.type.as_required();
  for (const auto& [guard, item] : list.items) {
    z3::expr g = guard;
    auto saved = locals_.find(n.aux) != locals_.end() ? std::optional<Sym>(locals_.at(n.aux)) : std::nullopt;
    locals_.erase(n.aux);
    locals_.emplace(n.aux, item);
    // The exclusions in order: each is evaluated while none before it held; an item one of
    // them holds for is skipped, as if it were not in the list.
    z3::expr reached = g && !done;
    for (size_t i = 0; i + 1 < n.args.size(); i += 2) {
      Sym excluded = node(n.args[i + 1]);
      ok = ok && z3::implies(reached, excluded.ok);
      g = g && !excluded.v;
      reached = reached && !excluded.v;
    }
    Sym body = node(n.b);
    locals_.erase(n.aux);
    if (saved) locals_.emplace(n.aux, *saved);
    ok = ok && z3::implies(reached, body.ok);
    switch (n.op) {
      case Op::AggAny: done = done || (g && body.v); break;
      case Op::AggAll: done = done || (g && !body.v); break;
      case Op::AggCount: count = count + z3::ite(g && body.v, c_.int_val(1), c_.int_val(0)); break;
      case Op::AggSum: {
        Sym next = body;
        if (acc.kind != K::None) {
          next.v = acc.v + body.v;
          if (type.kind == TypeKind::Integer || type.kind == TypeKind::Duration)
            ok = ok && z3::implies(g && have, in_int64(next.v));
        }
        acc = acc.kind == K::None ? ite(g, body, acc) : ite(g, ite(have, next, body), acc);
        have = have || g;
        break;
      }
      default: {
        z3::expr cmp_ok = c_.bool_val(true);
        z3::expr better = acc.kind == K::None
                              ? c_.bool_val(true)
                              : compare(n.op == Op::AggMin ? ir::CmpOp::Lt : ir::CmpOp::Gt, body, acc, type, &cmp_ok);
        ok = ok && z3::implies(g && have, cmp_ok);
        acc = acc.kind == K::None ? ite(g, body, acc) : ite(g && (!have || better), body, acc);
        have = have || g;
        break;
      }
    }
  }
  Sym r(c_);
  switch (n.op) {
    case Op::AggAny: r = boolean(done); break;
    case Op::AggAll: r = boolean(!done); break;
    case Op::AggCount: r = integer(count); break;
    case Op::AggSum: {
      Sym zero(c_);
      zero.kind = kind_of(type);
      zero.v = type.kind == TypeKind::Integer || type.kind == TypeKind::Duration ? c_.int_val(0) : c_.real_val(0);
      if (acc.kind == K::None)
        r = zero;
      else
        r = ite(have, acc, zero);
      break;
    }
    default:
      r = acc;
      if (acc.kind != K::None) r.present = have && acc.present;
      break;
  }
  r.ok = ok;
  return r;
}

Sym Encoder::round(const ir::Node& n, const Sym& a) {
  auto mode = static_cast<rt::RoundingMode>(n.aux2);
  z3::expr x = a.v;
  z3::expr scale = c_.real_val(1);
  if (a.kind == K::Money && n.aux < 0) {
    scale = u_.minor_unit_scale(a.v2);
  } else if (n.aux > 0) {
    scale = c_.real_val(fmt::format("1{}", std::string(static_cast<size_t>(n.aux), '0')).c_str());
  }
  z3::expr y = x * scale;
  z3::expr fl = z3::to_real(to_int(y));
  z3::expr ce = -z3::to_real(to_int(-y));
  z3::expr half = c_.real_val(1, 2);
  z3::expr r = fl;
  switch (mode) {
    case rt::RoundingMode::Floor: r = fl; break;
    case rt::RoundingMode::Ceiling: r = ce; break;
    case rt::RoundingMode::Down: r = z3::ite(y >= 0, fl, ce); break;
    case rt::RoundingMode::Up: r = z3::ite(y >= 0, ce, fl); break;
    case rt::RoundingMode::HalfAwayFromZero:
      r = z3::ite(y >= 0, z3::to_real(to_int(y + half)), -z3::to_real(to_int(-y + half)));
      break;
    case rt::RoundingMode::HalfEven: {
      z3::expr d = y - fl;
      z3::expr even = z3::mod(to_int(y), 2) == 0;
      r = z3::ite(d < half, fl, z3::ite(d > half, fl + 1, z3::ite(even, fl, fl + 1)));
      break;
    }
  }
  Sym out = a;
  if (n.type.kind == TypeKind::Integer) {
    out.kind = K::Int;
    out.v = to_int(r);
  } else {
    out.v = r / scale;
  }
  return out;
}

Sym Encoder::arithmetic(NodeId id, const ir::Node& n) {
  Sym a = n.a >= 0 ? node(n.a) : none();
  Sym b = n.b >= 0 ? node(n.b) : none();
  Sym r = a;
  r.kind = kind_of(n.type);
  r.present = c_.bool_val(true);
  r.ok = a.ok && b.ok;
  auto int_result = [&](const z3::expr& v, bool check) {
    r.kind = K::Int;
    r.v = v;
    if (check) r.ok = r.ok && in_int64(v);
    return r;
  };
  auto instant = [&](const z3::expr& v) {
    r.kind = K::Int;
    r.v = v;
    r.ok = r.ok && v >= c_.int_val(rt::kFirstInstant) && v <= c_.int_val(rt::kLastInstant);
    return r;
  };
  switch (n.op) {
    case Op::IntAdd:
    case Op::DurAdd: return int_result(a.v + b.v, true);
    case Op::IntSub:
    case Op::DurSub:
    case Op::DateTimeDiff: return int_result(a.v - b.v, true);
    case Op::IntMul:
    case Op::DurMul:
    case Op::PeriodMul: return int_result(a.v * b.v, true);
    case Op::IntNeg:
    case Op::DurNeg: return int_result(-a.v, true);
    case Op::IntToDec:
      r.kind = K::Real;
      r.v = z3::to_real(a.v);
      return r;
    case Op::DecAdd: r.v = a.v + b.v; return r;
    case Op::DecSub: r.v = a.v - b.v; return r;
    case Op::DecMul: r.v = a.v * b.v; return r;
    case Op::DecDiv:
      r.v = u_.dec_div(a.v, b.v);
      r.ok = r.ok && b.v != 0;
      return r;
    case Op::DecNeg: r.v = -a.v; return r;
    case Op::MoneyAdd:
    case Op::MoneySub:
      r.v = n.op == Op::MoneyAdd ? a.v + b.v : a.v - b.v;
      r.ok = r.ok && a.v2 == b.v2;
      return r;
    case Op::MoneyMul: r.v = a.v * b.v; return r;
    case Op::MoneyDiv:
      r.v = u_.dec_div(a.v, b.v);
      r.ok = r.ok && b.v != 0;
      return r;
    case Op::MoneyRatio:
      r.kind = K::Real;
      r.v = u_.dec_div(a.v, b.v);
      r.ok = r.ok && b.v != 0 && a.v2 == b.v2;
      return r;
    case Op::MoneyNeg: r.v = -a.v; return r;
    case Op::DurSeconds: r.kind = K::Int; return r;
    case Op::AsPercent: return r;
    case Op::DurToBDur:
      r.kind = K::BDur;
      r.v = c_.int_val(0);
      r.v2 = a.v;
      return r;
    case Op::BDurAdd:
      r.v = a.v + b.v;
      r.v2 = a.v2 + b.v2;
      r.ok = r.ok && in_int64(r.v) && in_int64(r.v2);
      return r;
    case Op::BDurMul:
      r.v = a.v * b.v;
      r.v2 = a.v2 * b.v;
      r.ok = r.ok && in_int64(r.v) && in_int64(r.v2);
      return r;
    case Op::DateTimeAdd: return instant(a.v + b.v);
    case Op::DateTimeSub: return instant(a.v - b.v);
    case Op::DateAddPeriod:
    case Op::DateSubPeriod: {
      z3::expr ok = c_.bool_val(true);
      z3::expr months = n.op == Op::DateAddPeriod ? b.v : -b.v;
      r.kind = K::Int;
      r.v = u_.add_months(a.v, months, &ok);
      r.ok = r.ok && ok && z3::implies(b.v == 0, r.v == a.v);
      if (n.op == Op::DateSubPeriod) r.ok = r.ok && b.v != c_.int_val(INT64_MIN);
      return r;
    }
    case Op::DateAddDur:
    case Op::DateSubDur: {
      z3::expr days = z3::ite(b.v >= 0, b.v / 86400, -((-b.v) / 86400));
      z3::expr v = n.op == Op::DateAddDur ? a.v + days : a.v - days;
      r.kind = K::Int;
      r.v = v;
      r.ok = r.ok && z3::rem(b.v, 86400) == 0 && v >= c_.int_val(kMinDate) && v <= c_.int_val(kMaxDate);
      return r;
    }
    case Op::DateDiff: return int_result((a.v - b.v) * 86400, false);
    case Op::MinOf:
    case Op::MaxOf: {
      Sym best = node(n.args[0]);
      z3::expr ok = best.ok;
      const ir::Type& t = p_.nodes[static_cast<size_t>(n.args[0])].type;
      for (size_t i = 1; i < n.args.size(); ++i) {
        Sym v = node(n.args[i]);
        z3::expr cmp_ok = c_.bool_val(true);
        z3::expr better = compare(n.op == Op::MinOf ? ir::CmpOp::Lt : ir::CmpOp::Gt, v, best, t, &cmp_ok);
        ok = ok && v.ok && cmp_ok;
        best = ite(better, v, best);
      }
      best.ok = ok;
      return best;
    }
    case Op::Abs:
      r.v = z3::ite(a.v < 0, -a.v, a.v);
      if (a.kind == K::Int) r.ok = r.ok && a.v != c_.int_val(INT64_MIN);
      return r;
    case Op::Ceil:
    case Op::Floor: {
      z3::expr v = n.op == Op::Floor ? to_int(a.v) : -to_int(-a.v);
      return int_result(v, true);
    }
    case Op::Round: {
      Sym out = round(n, a);
      out.ok = a.ok && (out.kind == K::Int ? in_int64(out.v) : c_.bool_val(true));
      return out;
    }
    case Op::Blank: {
      Sym out = boolean(!a.present || u_.blank(a.v));
      out.ok = a.ok;
      return out;
    }
    case Op::DateOf: {
      z3::expr ok = c_.bool_val(true);
      r.kind = K::Int;
      r.v = u_.date_of(b.v, a.v, &ok);
      r.ok = r.ok && ok;
      return r;
    }
    case Op::HolidaysUnion:
    case Op::HolidaysAdd:
    case Op::HolidaysRemove: {
      // Computed here, for each holiday set the operands can be (sets are few and known).
      std::vector<int64_t> xs, ys{-1};
      if (!Universe::numerals(a.v, &xs)) unmodelled(id, "holiday sets that depend on the input in this way");
      std::vector<rt::Date> dates;
      if (n.op == Op::HolidaysUnion) {
        ys.clear();
        if (!Universe::numerals(b.v, &ys)) unmodelled(id, "holiday sets that depend on the input in this way");
      } else {
        for (const auto& [g, item] : b.items) {
          if (!g.is_true() || !item.v.is_numeral()) unmodelled(id, "holiday dates that depend on the input");
          dates.push_back(static_cast<rt::Date>(item.v.get_numeral_int64()));
        }
      }
      z3::expr result = c_.int_val(-1);
      for (int64_t x : xs)
        for (int64_t y : ys) {
          auto set = n.op == Op::HolidaysUnion
                         ? rt::HolidaySet::unite(
                               {u_.holiday_set(static_cast<int>(x)), u_.holiday_set(static_cast<int>(y))}, {}, {})
                     : n.op == Op::HolidaysAdd
                         ? rt::HolidaySet::unite({u_.holiday_set(static_cast<int>(x))}, dates, {})
                         : rt::HolidaySet::unite({u_.holiday_set(static_cast<int>(x))}, {}, dates);
          z3::expr when = a.v == c_.int_val(x);
          if (n.op == Op::HolidaysUnion) when = when && b.v == c_.int_val(y);
          result = z3::ite(when, c_.int_val(u_.holidays_id(set)), result);
        }
      r.kind = K::Holidays;
      r.v = result;
      return r;
    }
    case Op::ToText:
    default: break;
  }
  // Fail closed: an operation added to the IR later is unknown here until it is modelled.
  std::string_view name = ir::op_name(n.op);
  unmodelled(id, name == "?" ? fmt::format("the IR operation #{}", static_cast<int>(n.op))
                             : fmt::format("the operation `{}`", name));
}

// ---------------------------------------------------------------------------------------
// Comparing outcomes

z3::expr Encoder::same_outcome(Universe& u, const Sym& a, const Sym& b, const ir::Type& type) {
  z3::context& c = u.ctx();
  z3::expr eq = c.bool_val(true);
  switch (a.kind == K::None ? b.kind : a.kind) {
    case K::None: eq = c.bool_val(true); break;
    case K::Money: {
      // As `eval` writes money: rounded half away from zero to the currency's minor unit.
      z3::expr s = u.minor_unit_scale(a.v2);
      auto shown = [&](const z3::expr& x) {
        z3::expr y = x * s, half = c.real_val(1, 2);
        return z3::ite(y >= 0, to_int(y + half), -to_int(-y + half));
      };
      eq = a.v2 == b.v2 && shown(a.v) == shown(b.v);
      break;
    }
    case K::BDur:
    case K::Calendar: eq = a.v == b.v && a.v2 == b.v2 && a.v3 == b.v3 && a.v4 == b.v4; break;
    case K::Record: {
      if (a.fields.size() != b.fields.size()) return c.bool_val(false);
      for (size_t i = 0; i < a.fields.size(); ++i) {
        const ir::Type ft = ir::Type::error();
        eq = eq && same_outcome(u, a.fields[i], b.fields[i], ft);
      }
      break;
    }
    case K::List: {
      // Equal lists: as many items, and the k-th item of each is equal. Positions are counts
      // of earlier items whose guard holds.
      ir::Type elem = type.kind == TypeKind::List && type.elem ? *type.elem : ir::Type::error();
      auto positions = [&](const Sym& l) {
        std::vector<z3::expr> pos;
        z3::expr k = c.int_val(0);
        for (const auto& item : l.items) {
          pos.push_back(k);
          k = k + z3::ite(item.first, c.int_val(1), c.int_val(0));
        }
        pos.push_back(k);
        return pos;
      };
      auto pa = positions(a), pb = positions(b);
      eq = pa.back() == pb.back();
      for (size_t i = 0; i < a.items.size(); ++i)
        for (size_t j = 0; j < b.items.size(); ++j)
          eq = eq && z3::implies(a.items[i].first && b.items[j].first && pa[i] == pb[j],
                                 same_outcome(u, a.items[i].second, b.items[j].second, elem));
      break;
    }
    default:
      if (a.v.get_sort().sort_kind() != b.v.get_sort().sort_kind()) return c.bool_val(false);
      eq = a.v == b.v;
      break;
  }
  z3::expr present = a.present == b.present && z3::implies(a.present, eq);
  return a.ok == b.ok && z3::implies(a.ok, present);
}

z3::expr Encoder::less(Universe& u, const Sym& a, const Sym& b, const ir::Type& type, z3::expr* comparable) {
  *comparable = u.ctx().bool_val(true);
  if (type.kind == TypeKind::Money) *comparable = a.v2 == b.v2;
  return a.v < b.v;
}

}  // namespace proviso::diff
