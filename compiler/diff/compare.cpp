// The comparison of two versions, decision by decision: ask Z3 for an input on which the
// outcomes differ; `unsat` is a proof, a model is a candidate witness that is replayed
// through the reference interpreter on both versions before it is believed.
#include <cctype>
#include <chrono>
#include <functional>

#include <fmt/format.h>

#include <proviso/rt/money.h>
#include <proviso/rt/time.h>

#include "compiler/diff/diff.h"
#include "compiler/diff/inputs.h"
#include "compiler/diff/replay.h"
#include "compiler/diff/summaries.h"
#include "compiler/diff/symbolic.h"
#include "compiler/ir/eval_rules.h"

namespace proviso::diff {

using ir::TypeKind;
using Clock = std::chrono::steady_clock;

namespace {

// What an ordered type's values moving up is called.
const char* up_word(const ir::Type& t) {
  return t.kind == TypeKind::Date || t.kind == TypeKind::DateTime ? "later" : "higher";
}
const char* down_word(const ir::Type& t) {
  return t.kind == TypeKind::Date || t.kind == TypeKind::DateTime ? "earlier" : "lower";
}

bool ordered(const ir::Type& t) {
  switch (t.kind) {
    case TypeKind::Integer:
    case TypeKind::Decimal:
    case TypeKind::Percent:
    case TypeKind::Money:
    case TypeKind::Date:
    case TypeKind::DateTime:
    case TypeKind::Duration: return true;
    default: return false;
  }
}

// The input paths a value reads, through lets, tables and calendars.
void collect_reads(const ir::Program& p, ir::NodeId id, std::vector<bool>& seen_nodes, std::vector<bool>& seen_values,
                   std::vector<std::string>& out) {
  std::vector<ir::NodeId> stack{id};
  auto push = [&](ir::NodeId n) {
    if (n >= 0 && !seen_nodes[static_cast<size_t>(n)]) stack.push_back(n);
  };
  while (!stack.empty()) {
    ir::NodeId n = stack.back();
    stack.pop_back();
    if (n < 0 || seen_nodes[static_cast<size_t>(n)]) continue;
    seen_nodes[static_cast<size_t>(n)] = true;
    const ir::Node& node = p.nodes[static_cast<size_t>(n)];
    if (node.op == ir::Op::Field || node.op == ir::Op::Input) {
      std::string path = ir::input_path(p, n);
      if (!path.empty()) {
        bool have = false;
        for (const auto& x : out) have |= x == path;
        if (!have) out.push_back(path);
        if (node.op == ir::Op::Field) continue;
      }
    }
    push(node.a);
    push(node.b);
    push(node.c);
    for (ir::NodeId x : node.args) push(x);
    if (node.op == ir::Op::ValueRef && !seen_values[static_cast<size_t>(node.aux)]) {
      seen_values[static_cast<size_t>(node.aux)] = true;
      push(p.values[static_cast<size_t>(node.aux)].body);
    }
    if (node.op == ir::Op::TableGet) {
      const ir::TableDef& t = p.tables[static_cast<size_t>(node.aux)];
      for (ir::NodeId g : t.given) push(g);
      for (const auto& row : t.rows) push(row.outputs[static_cast<size_t>(node.aux2)]);
    }
    if (node.op == ir::Op::CalendarRef) {
      const ir::CalendarDef& c = p.calendars[static_cast<size_t>(node.aux)];
      push(c.schedule);
      push(c.zone);
      push(c.holidays);
    }
  }
}

std::vector<std::string> reads(const ir::Program& p, int value) {
  std::vector<bool> seen_nodes(p.nodes.size()), seen_values(p.values.size());
  std::vector<std::string> out;
  if (value >= 0) collect_reads(p, p.values[static_cast<size_t>(value)].body, seen_nodes, seen_values, out);
  return out;
}

// -1, 0 or 1 for two values of one ordered type (money of two currencies: 0).
int order(const ir::Value& a, const ir::Value& b) {
  using VK = ir::Value::Kind;
  auto sgn = [](auto x, auto y) { return x < y ? -1 : (x > y ? 1 : 0); };
  if (a.kind() != b.kind()) return 0;
  switch (a.kind()) {
    case VK::Int: return sgn(a.as_int(), b.as_int());
    case VK::Decimal: return rt::compare(a.as_decimal(), b.as_decimal());
    case VK::Money:
      return a.as_money().currency == b.as_money().currency ? rt::compare(a.as_money().amount, b.as_money().amount) : 0;
    case VK::Date: return sgn(a.as_date(), b.as_date());
    case VK::DateTime: return sgn(a.as_datetime(), b.as_datetime());
    case VK::Duration: return sgn(a.as_duration(), b.as_duration());
    default: return 0;
  }
}

using Accept = std::function<bool(const Outcome&, const Outcome&)>;

constexpr rt::Date kFrom = 20454;  // 2026-01-01
constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

// A local date's working intervals ("08:00-17:00", "holiday", "closed"), cut by a partial day.
std::string day_hours(const rt::WeeklyHours& hours, const rt::HolidaySet* holidays, rt::Date d) {
  std::vector<rt::TimeRange> ranges = hours.days[static_cast<size_t>(rt::weekday(d))];
  if (holidays) {
    auto h = holidays->is_holiday(d);
    if (h && *h) return "holiday";
    auto partial = holidays->partial_days_in_year(rt::civil(d).year);
    if (partial)
      for (const rt::PartialDay& p : *partial)
        if (p.date == d) ranges = rt::common_ranges(ranges, p.open);
  }
  std::string out = rt::format_ranges(ranges);
  return out.empty() ? "closed" : out;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t i = 0; (i = s.find(from, i)) != std::string::npos; i += to.size()) s.replace(i, from.size(), to);
  return s;
}

// The declared type of an input path ("case.severity"), or null.
const ir::Type* type_at(const ir::Program& p, const std::string& path) {
  size_t dot = path.find('.');
  int in = p.find_input(path.substr(0, dot));
  if (in < 0) return nullptr;
  const ir::Type* t = &p.inputs[static_cast<size_t>(in)].type;
  while (dot != std::string::npos) {
    size_t next = path.find('.', dot + 1);
    std::string field = path.substr(dot + 1, next == std::string::npos ? std::string::npos : next - dot - 1);
    if (t->kind != TypeKind::Record) return nullptr;
    const auto& rec = p.schema.records[static_cast<size_t>(t->id)];
    int f = rec.find(field);
    if (f < 0) return nullptr;
    t = &rec.fields[static_cast<size_t>(f)].type;
    dot = next;
  }
  return t;
}

class Comparison {
 public:
  Comparison(const ir::Program& a, const ir::Program& b, const Options& o)
      : a_(a), b_(b), o_(o), u_(o.list_bound), ea_(u_, a), eb_(u_, b), ra_(a), rb_(b) {
    deadline_ = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(o.timeout_seconds * 1000));
    same_schema_ = schema_changes(a, b).empty();
  }

  DecisionDiff decision(const std::string& name, size_t left) {
    DecisionDiff d;
    d.name = name;
    int ia = a_.find_value(name), ib = b_.find_value(name);
    if (ia >= 0) d.clause_old = a_.values[static_cast<size_t>(ia)].clause;
    if (ib >= 0) d.clause_new = b_.values[static_cast<size_t>(ib)].clause;
    d.reads = reads(a_, ia);
    for (const auto& r : reads(b_, ib))
      if (std::find(d.reads.begin(), d.reads.end(), r) == d.reads.end()) d.reads.push_back(r);
    reads_ = d.reads;
    if (ia < 0 || ib < 0) {
      d.status = ia < 0 ? "added" : "removed";
      return d;
    }
    const ir::Type& ta = a_.values[static_cast<size_t>(ia)].type;
    const ir::Type& tb = b_.values[static_cast<size_t>(ib)].type;
    std::string sa = ir::to_string(ta, a_.schema), sb = ir::to_string(tb, b_.schema);
    bool type_changed = sa != sb;
    if (type_changed) {
      d.type_old = sa;
      d.type_new = sb;
    }
    ia_ = ia;
    ib_ = ib;
    bool comparable_shapes = ir::same_shape(ta, tb);
    std::optional<Sym> xa, xb;
    std::string unmodelled;
    try {
      xa = ea_.value(ia);
      xb = eb_.value(ib);
    } catch (const Unmodelled& e) {
      unmodelled = e.reason;
    } catch (const z3::exception& e) {
      unmodelled = std::string("the solver could not take this decision: ") + e.msg();
    }
    if (!unmodelled.empty() || !comparable_shapes) {
      // No proof is possible: look for a witness at random, replayed like any other.
      if (auto w = random_witness(1500, left)) {
        d.status = "changed";
        d.witness = std::move(w);
        return d;
      }
      if (type_changed) {
        d.status = "changed";
        d.witness = any_witness();
        return d;
      }
      d.status = "unknown";
      d.reason = "the diff does not model " + unmodelled;
      return d;
    }
    // The question first: comparing money may apply functions the facts must cover.
    z3::expr differ = !Encoder::same_outcome(u_, *xa, *xb, ta);
    z3::solver s(u_.ctx());
    for (const auto& f : u_.facts()) s.add(f);
    s.add(differ);
    z3::check_result r = check(s, left);
    if (r == z3::unsat) {
      if (type_changed) {
        d.status = "changed";
        d.witness = any_witness();
        return d;
      }
      d.status = "unchanged";
      d.how = "proved";
      // Input lists are modelled up to a length: the proof says so.
      for (const auto& path : d.reads) {
        const ir::Type* t = type_at(a_, path);
        if (!t) t = type_at(b_, path);
        if (t && t->kind == TypeKind::List) d.bound = fmt::format("input lists of at most {} items", o_.list_bound);
      }
      return d;
    }
    if (r == z3::sat) {
      if (auto w = model_witness(s, left)) {
        d.status = "changed";
        d.witness = shrink(std::move(*w), d.reads);
        d.witness->shown = relevant(*d.witness, d.reads);
        if (ordered(ta) && ordered(tb) && ta.kind == tb.kind) direction(d, *xa, *xb, ta, left);
        return d;
      }
    }
    if (auto w = random_witness(1500, left)) {
      d.status = "changed";
      d.witness = shrink(std::move(*w), d.reads);
      d.witness->shown = relevant(*d.witness, d.reads);
      if (ordered(ta) && ordered(tb) && ta.kind == tb.kind) direction(d, *xa, *xb, ta, left);
      return d;
    }
    d.status = "unknown";
    d.reason = r == z3::sat ? "the solver's counterexample depends on calendar or division results it does not "
                              "compute, and no input found reproduces a difference"
                            : "the solver could not decide within the time budget (--timeout)";
    return d;
  }

  bool expired() const { return Clock::now() >= deadline_; }

  // For a calendar whose hours or holidays changed: for each zone and pair of holiday sets
  // the two versions can use together (asked of the solver), the first local dates from
  // 2026-01-01 on which the working intervals differ.
  void first_differences(DeclarationChange& change) {
    auto find = [&](const ir::Program& p) {
      for (size_t i = 0; i < p.calendars.size(); ++i)
        if (p.calendars[i].name == change.name) return static_cast<int>(i);
      return -1;
    };
    int ia = find(a_), ib = find(b_);
    if (ia < 0 || ib < 0) return;
    try {
      Sym ca = ea_.calendar_value(ia), cb = eb_.calendar_value(ib);
      std::vector<int64_t> za, ha, zb, hb;
      if (!Universe::numerals(ca.v2, &za) || !Universe::numerals(ca.v3, &ha) || !Universe::numerals(cb.v2, &zb) ||
          !Universe::numerals(cb.v3, &hb) || !ca.v.is_numeral() || !cb.v.is_numeral())
        return;
      const rt::WeeklyHours &hours_a = u_.hours(ca.v.get_numeral_int()), &hours_b = u_.hours(cb.v.get_numeral_int());
      Json found = Json::array();
      std::string first;
      for (int64_t z : za)
        for (int64_t x : ha)
          for (int64_t y : hb) {
            if (std::find(zb.begin(), zb.end(), z) == zb.end()) continue;
            z3::solver s(u_.ctx());
            for (const auto& f : u_.domain()) s.add(f);
            s.add(ca.v2 == u_.ctx().int_val(z) && cb.v2 == u_.ctx().int_val(z) && ca.v3 == u_.ctx().int_val(x) &&
                  cb.v3 == u_.ctx().int_val(y));
            if (check(s, 20) != z3::sat) continue;
            auto set_a = x < 0 ? nullptr : u_.holiday_set(static_cast<int>(x));
            auto set_b = y < 0 ? nullptr : u_.holiday_set(static_cast<int>(y));
            Json dates = Json::array();
            for (rt::Date d = kFrom; d < kFrom + 730 && dates.size() < 3; ++d) {
              std::string da = day_hours(hours_a, set_a.get(), d), db = day_hours(hours_b, set_b.get(), d);
              if (da == db) continue;
              dates.push_back(fmt::format("{} {}: {} -> {}", rt::format_date(d), kDays[rt::weekday(d)], da, db));
            }
            if (dates.empty()) continue;
            std::string zone = u_.zone_name(static_cast<int>(z));
            if (first.empty()) first = fmt::format("first differs on {} ({})", dates[0].get<std::string>(), zone);
            found.push_back(Json{{"zone", zone}, {"dates", dates}});
          }
      if (found.empty()) return;
      change.details["first_differences"] = found;
      change.summary += "; " + first;
    } catch (const Unmodelled&) {
    } catch (const z3::exception&) {
    }
  }

  // A smaller witness where one exists: each field the decision reads is set to a plainer
  // value (a flag flipped, an integer towards its lower bound, the first enum member) when the
  // versions still differ and the two values printed get shorter (an exclusion list with one
  // entry rather than ten).
  Witness shrink(Witness w, const std::vector<std::string>& reads) {
    auto size = [](const Witness& x) { return x.old_value.dump().size() + x.new_value.dump().size(); };
    for (const auto& path : reads) {
      const ir::Type* type = type_at(a_, path);
      if (!type || expired()) continue;
      Json::json_pointer ptr("/" + replace_all(path, ".", "/"));
      if (!w.input.contains(ptr)) continue;
      std::vector<Json> candidates;
      const Json& v = w.input[ptr];
      switch (type->kind) {
        case TypeKind::Bool: candidates.push_back(!v.get<bool>()); break;
        case TypeKind::Integer: {
          int64_t lo = type->lo.value_or(0);
          if (v.get<int64_t>() != lo) candidates.push_back(lo);
          break;
        }
        case TypeKind::Enum: {
          const auto& first = a_.schema.enums[static_cast<size_t>(type->id)].members.front();
          if (v.get<std::string>() != first) candidates.push_back(first);
          break;
        }
        default: break;
      }
      for (const Json& c : candidates) {
        Json a = w.input, b = w.input_new.is_null() ? w.input : w.input_new;
        a[ptr] = c;
        if (b.contains(ptr)) b[ptr] = c;
        auto smaller = replay(a, b, {});
        if (smaller && size(*smaller) < size(w)) w = std::move(*smaller);
      }
    }
    return w;
  }

  // The facts of a witness a reader needs: the input fields it reads whose change (another
  // enum member, the opposite bool, a number one up, an instant a day later) makes the
  // difference go away; the others only fill the record in.
  std::vector<std::string> relevant(const Witness& w, const std::vector<std::string>& reads) {
    std::vector<std::string> out;
    for (const auto& path : reads) {
      const ir::Type* type = type_at(a_, path);
      if (!type) continue;
      Json::json_pointer ptr("/" + replace_all(path, ".", "/"));
      if (!w.input.contains(ptr)) {
        out.push_back(path);  // absent: say so
        continue;
      }
      Json a = w.input, b = w.input_new.is_null() ? w.input : w.input_new;
      Json v = a[ptr];
      Json changed = v;
      switch (type->kind) {
        case TypeKind::Bool: changed = !v.get<bool>(); break;
        case TypeKind::Integer:
          changed = v.get<int64_t>() + (type->hi && v.get<int64_t>() >= *type->hi ? -1 : 1);
          break;
        case TypeKind::Enum: {
          const auto& members = a_.schema.enums[static_cast<size_t>(type->id)].members;
          for (const auto& m : members)
            if (m != v.get<std::string>()) {
              changed = m;
              break;
            }
          break;
        }
        case TypeKind::DateTime: {
          auto t = rt::parse_datetime(v.get<std::string>());
          if (t) changed = rt::format_datetime_utc(*t + 86400);
          break;
        }
        default: out.push_back(path); continue;
      }
      a[ptr] = changed;
      if (b.contains(ptr)) b[ptr] = changed;
      if (!replay(a, b, {})) out.push_back(path);
    }
    return out;
  }

 private:
  z3::check_result check(z3::solver& s, size_t left) {
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
    int64_t share = std::max<int64_t>(50, remaining / static_cast<int64_t>(std::max<size_t>(left, 1)));
    z3::params p(u_.ctx());
    p.set("timeout", static_cast<unsigned>(std::min<int64_t>(share, 600000)));
    s.set(p);
    try {
      return s.check();
    } catch (const z3::exception&) {
      return z3::unknown;
    }
  }

  // Runs both versions on the input(s); the witness when `accept` holds of the outcomes
  // (by default: they differ).
  std::optional<Witness> replay(const Json& input_a, const Json& input_b, const Accept& accept) {
    Outcome oa = ra_.run(input_a, ia_), ob = rb_.run(input_b, ib_);
    if (!oa.decoded || !ob.decoded) return std::nullopt;
    if (accept ? !accept(oa, ob) : same_observable(oa, ob, a_.values[static_cast<size_t>(ia_)].type))
      return std::nullopt;
    Witness w;
    w.input = local_times(input_a, a_, oa.home_zone);
    if (!same_schema_) w.input_new = local_times(input_b, b_, oa.home_zone);
    w.old_value = ra_.json(oa, ia_);
    w.new_value = rb_.json(ob, ib_);
    return w;
  }

  // The record with its datetimes written in the policy's home zone, as the decisions are.
  static Json local_times(Json input, const ir::Program& p, const rt::Zone* zone) {
    if (!zone) return input;
    std::function<void(Json&, const ir::Type&)> walk = [&](Json& j, const ir::Type& t) {
      if (t.kind == TypeKind::Record && j.is_object()) {
        for (const auto& f : p.schema.records[static_cast<size_t>(t.id)].fields)
          if (j.contains(f.name)) walk(j[f.name], f.type);
      } else if (t.kind == TypeKind::List && j.is_array()) {
        for (auto& x : j) walk(x, *t.elem);
      } else if (t.kind == TypeKind::DateTime && j.is_string()) {
        auto x = rt::parse_datetime(j.get<std::string>());
        if (x && rt::local_year_supported(*x, *zone)) j = rt::format_datetime(*x, *zone);
      }
    };
    for (const auto& in : p.inputs)
      if (input.contains(in.name)) walk(input[in.name], in.type);
    return input;
  }

  // Searches near a candidate input: each datetime (and date) of the record moved in steps of
  // 15 minutes (a day) up to two weeks (a year) either way, alone and then all together. This
  // is how a difference between two calendars is found: the solver does not compute calendar
  // results, but a real difference shows at some nearby instant.
  std::optional<Witness> near(const Json& input_a, const Json& input_b, const Accept& accept) {
    std::vector<std::vector<std::string>> paths;  // JSON pointer tokens of datetime/date leaves
    std::vector<bool> is_date;
    std::vector<std::string> trail;
    std::function<void(const Json&)> walk = [&](const Json& j) {
      if (j.is_object()) {
        for (auto it = j.begin(); it != j.end(); ++it) {
          trail.push_back(it.key());
          walk(it.value());
          trail.pop_back();
        }
      } else if (j.is_array()) {
        for (size_t i = 0; i < j.size(); ++i) {
          trail.push_back(std::to_string(i));
          walk(j[i]);
          trail.pop_back();
        }
      } else if (j.is_string()) {
        // Only the fields the decision reads (and anything inside lists).
        std::string dotted;
        bool in_list = false;
        for (const auto& t : trail) {
          in_list |= !t.empty() && std::isdigit(static_cast<unsigned char>(t[0]));
          dotted += (dotted.empty() ? "" : ".") + t;
        }
        if (!in_list && !reads_.empty() && std::find(reads_.begin(), reads_.end(), dotted) == reads_.end()) return;
        const std::string& t = j.get_ref<const std::string&>();
        if (t.size() >= 20 && rt::parse_datetime(t)) {
          paths.push_back(trail);
          is_date.push_back(false);
        } else if (t.size() == 10 && rt::parse_date(t)) {
          paths.push_back(trail);
          is_date.push_back(true);
        }
      }
    };
    walk(input_a);
    if (paths.empty()) return std::nullopt;
    auto pointer = [](const std::vector<std::string>& tokens) {
      std::string p;
      for (const auto& t : tokens) p += "/" + t;
      return Json::json_pointer(p);
    };
    auto shifted = [&](Json j, size_t i, int64_t steps) {
      auto ptr = pointer(paths[i]);
      if (!j.contains(ptr)) return j;
      const std::string t = j[ptr].get<std::string>();
      if (is_date[i]) {
        auto d = rt::parse_date(t);
        if (d) j[ptr] = rt::format_date(static_cast<rt::Date>(*d + steps));
      } else {
        auto x = rt::parse_datetime(t);
        if (x) j[ptr] = rt::format_datetime_utc(*x + steps * 900);
      }
      return j;
    };
    auto limit = [&](size_t i) { return is_date[i] ? int64_t{366} : int64_t{14 * 96}; };
    // Next to the dates where two holiday sets differ.
    for (int64_t anchor : u_.anchors())
      for (size_t i = 0; i < paths.size(); ++i) {
        if (is_date[i]) continue;
        for (int64_t k = 0; k < 3 * 48; ++k) {
          if (expired_soft()) return std::nullopt;
          Json a = input_a, b = input_b;
          auto ptr = pointer(paths[i]);
          a[ptr] = rt::format_datetime_utc(anchor + k * 1800);
          if (b.contains(ptr)) b[ptr] = a[ptr];
          if (auto w = replay(a, b, accept)) return w;
        }
      }
    for (int pass = 0; pass < 2; ++pass) {
      for (size_t i = 0; i < (pass == 0 ? paths.size() : 1); ++i) {
        for (int64_t k = 1; k <= limit(i); ++k) {
          if (expired_soft()) return std::nullopt;
          for (int64_t sign : {1, -1}) {
            Json a = input_a, b = input_b;
            if (pass == 0) {
              a = shifted(a, i, sign * k);
              b = shifted(b, i, sign * k);
            } else {
              for (size_t x = 0; x < paths.size(); ++x) {
                int64_t steps = is_date[x] ? sign * (k / 96 + 1) : sign * k;
                a = shifted(a, x, steps);
                b = shifted(b, x, steps);
              }
            }
            if (auto w = replay(a, b, accept)) return w;
          }
        }
      }
    }
    return std::nullopt;
  }

  std::optional<Witness> from_model(const z3::model& m, const Accept& accept) {
    ModelSource sa(u_, m), sb(u_, m);
    Json ia = build_input(a_, sa), ib = build_input(b_, sb);
    if (auto w = replay(ia, ib, accept)) return w;
    return near(ia, ib, accept);
  }

  std::optional<Witness> model_witness(z3::solver& s, size_t left, const Accept& accept = {}) {
    soft_deadline_ = Clock::now() + (deadline_ - Clock::now()) / static_cast<int64_t>(std::max<size_t>(left, 1) * 2);
    for (int attempt = 0; attempt < 6; ++attempt) {
      z3::model m = s.get_model();
      // Readable values first (datetimes in 2025-2026 on whole minutes, amounts in cents),
      // then exact decimals only.
      for (int tier = 0; tier < 2; ++tier) {
        s.push();
        if (tier == 0)
          for (const auto& p : u_.preferences()) s.add(p);
        for (const auto& p : u_.decimals()) s.add(p);
        if (check(s, left * 4) == z3::sat) {
          z3::model nice = s.get_model();
          s.pop();
          if (auto w = from_model(nice, accept)) return w;
        } else {
          s.pop();
        }
        if (expired_soft()) return std::nullopt;
      }
      if (auto w = from_model(m, accept)) return w;
      if (expired_soft()) break;
      // Block this model and ask for another.
      z3::expr other = u_.ctx().bool_val(false);
      for (const auto& v : u_.variables()) other = other || v != m.eval(v, true);
      s.add(other);
      if (check(s, left * 2) != z3::sat) break;
    }
    return std::nullopt;
  }

  std::optional<Witness> random_witness(int tries, size_t left, const Accept& accept = {}) {
    RandomSource sa(u_, 42), sb(u_, 42);
    auto stop = Clock::now() + (deadline_ - Clock::now()) / static_cast<int64_t>(std::max<size_t>(left, 1) * 2);
    for (int i = 0; i < tries && Clock::now() < stop; ++i) {
      Json ia = build_input(a_, sa), ib = build_input(b_, sb);
      if (auto w = replay(ia, ib, accept)) return w;
    }
    return std::nullopt;
  }

  // Any valid input (for a decision whose type changed): shows the two values.
  std::optional<Witness> any_witness() {
    RandomSource sa(u_, 7), sb(u_, 7);
    for (int i = 0; i < 200; ++i) {
      Json ia = build_input(a_, sa), ib = build_input(b_, sb);
      Outcome oa = ra_.run(ia, ia_), ob = rb_.run(ib, ib_);
      if (!oa.decoded || !ob.decoded) continue;
      Witness w;
      w.input = ia;
      if (!same_schema_) w.input_new = ib;
      w.old_value = ra_.json(oa, ia_);
      w.new_value = rb_.json(ob, ib_);
      return w;
    }
    return std::nullopt;
  }

  void direction(DecisionDiff& d, const Sym& xa, const Sym& xb, const ir::Type& t, size_t left) {
    z3::context& c = u_.ctx();
    z3::expr both = xa.ok && xb.ok && xa.present && xb.present;
    if (t.kind == TypeKind::Money) {
      z3::solver s(c);
      for (const auto& f : u_.facts()) s.add(f);
      s.add(both && xa.v2 != xb.v2);
      if (check(s, left) != z3::unsat) {
        d.direction = "unknown";
        d.direction_reason = "the two versions can give amounts in different currencies, which are not ordered";
        return;
      }
    }
    // The witness of a direction must show it when replayed: both values present, the new one
    // above (below) the old one.
    auto moved = [&](bool up) -> Accept {
      return [up](const Outcome& x, const Outcome& y) {
        if (!x.ok || !y.ok || x.value.is_none() || y.value.is_none()) return false;
        int c = order(y.value, x.value);
        return up ? c > 0 : c < 0;
      };
    };
    auto ask = [&](bool up, std::optional<Witness>* w) {
      z3::solver s(c);
      for (const auto& f : u_.facts()) s.add(f);
      s.add(both && (up ? xb.v > xa.v : xb.v < xa.v));
      z3::check_result r = check(s, left);
      if (r == z3::sat) *w = model_witness(s, left, moved(up));
      return r;
    };
    std::optional<Witness> w_up, w_down;
    z3::check_result up = ask(true, &w_up), down = ask(false, &w_down);
    // Where the solver gave no witness, random inputs may still show the direction.
    if (!w_up && up != z3::unsat) w_up = random_witness(1500, left, moved(true));
    if (!w_down && down != z3::unsat) w_down = random_witness(1500, left, moved(false));
    // A direction is claimed when the other one is proved impossible and this one is shown.
    if (w_up && w_down) {
      d.direction = "mixed";
      d.direction_witnesses = {*w_up, *w_down};
    } else if (w_up && down == z3::unsat) {
      d.direction = up_word(t);
    } else if (w_down && up == z3::unsat) {
      d.direction = down_word(t);
    } else if (up == z3::unsat && down == z3::unsat) {
      d.direction = "unknown";
      d.direction_reason = "the values differ only where one side is absent or fails";
    } else {
      d.direction = "unknown";
      d.direction_reason = up == z3::unknown || down == z3::unknown
                               ? "the solver could not decide the direction within the time budget"
                               : "one direction is neither proved impossible nor shown on an input";
    }
  }

  bool expired_soft() const { return Clock::now() >= soft_deadline_ || Clock::now() >= deadline_; }

  const ir::Program& a_;
  const ir::Program& b_;
  const Options& o_;
  Universe u_;
  Encoder ea_, eb_;
  Replayer ra_, rb_;
  Clock::time_point deadline_, soft_deadline_;
  bool same_schema_ = true;
  int ia_ = -1, ib_ = -1;
  std::vector<std::string> reads_;  // of the decision being compared
};

}  // namespace

Report compare(const ir::Program& old_program, const ir::Program& new_program, const Options& options) {
  auto start = Clock::now();
  Report r;
  r.old_side = {old_program.files.empty() ? "" : old_program.files[0]->path(), old_program.name, old_program.version};
  r.new_side = {new_program.files.empty() ? "" : new_program.files[0]->path(), new_program.name, new_program.version};
  r.schema = schema_changes(old_program, new_program);
  r.declarations = declaration_changes(old_program, new_program);

  std::vector<std::string> names;
  auto add = [&](const ir::Program& p) {
    for (int32_t v : p.decisions) {
      const std::string& n = p.values[static_cast<size_t>(v)].name;
      if (std::find(names.begin(), names.end(), n) != names.end()) continue;
      if (!options.decisions.empty() &&
          std::find(options.decisions.begin(), options.decisions.end(), n) == options.decisions.end())
        continue;
      names.push_back(n);
    }
  };
  add(old_program);
  add(new_program);

  Comparison cmp(old_program, new_program, options);
  for (auto& change : r.declarations)
    if (change.kind == "calendar" && (change.details.contains("hours") || change.details.contains("holidays")))
      cmp.first_differences(change);
  for (size_t i = 0; i < names.size(); ++i) r.decisions.push_back(cmp.decision(names[i], names.size() - i));
  r.equivalent = r.schema.empty();
  for (const auto& d : r.decisions) r.equivalent = r.equivalent && d.status == "unchanged";
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return r;
}

}  // namespace proviso::diff
