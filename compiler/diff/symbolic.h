// The symbolic executor of the IR for `proviso diff`: translates a program's values into Z3
// terms over input variables shared by the two versions being compared. It is a third
// executor of the IR beside the interpreter and the JIT. Where it cannot follow the language
// exactly it says so (Unmodelled) instead of guessing: the decisions that use such an
// operation are reported `unknown`, never `unchanged`.
//
// The model (docs/DIFF.md has the whole story):
//   bool -> Bool; integer, enum (a member id, by member name), date (days), datetime and
//   duration (seconds), period (months), text (an id) -> Int; decimal, percent and money
//   amounts -> Real (exact); money = amount + currency; business duration = days + seconds;
//   optional = presence bit + value; every value carries `ok`, false when its evaluation
//   raises an error (all errors count as one outcome).
//   A schedule is an id of its name (what a value shows), and a calendar that takes one
//   looks its hours up by that id in its own program.
//   A calendar is (hours id, zone id, holidays id, business day). Arithmetic in the 24x7
//   calendar is exact; in other calendars, local dates, month arithmetic and decimal division
//   are uninterpreted functions shared by both versions, with the monotonicity facts that
//   hold for them. Lists of input records have at most `list_bound` items.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <z3++.h>

#include "compiler/ir/program.h"

namespace proviso::diff {

// Thrown when the translation meets something it does not model exactly.
struct Unmodelled {
  std::string reason;
};

// A symbolic value. What the members mean depends on `kind`.
struct Sym {
  enum class Kind { None, Bool, Int, Real, Money, BDur, Text, Zone, Holidays, Calendar, Record, List };
  Kind kind = Kind::None;
  z3::expr ok;                                  // Bool: evaluated without error
  z3::expr present;                             // Bool: not none
  z3::expr v;                                   // the value (Money: amount; BDur: days; Calendar: hours id)
  z3::expr v2;                                  // Money: currency; BDur: seconds; Calendar: zone id
  z3::expr v3;                                  // Calendar: holidays id (-1: none)
  z3::expr v4;                                  // Calendar: business day in seconds
  std::vector<Sym> fields;                      // Record, in schema order
  std::vector<std::pair<z3::expr, Sym>> items;  // List: (guard, item); the items whose guard holds

  explicit Sym(z3::context& c)
      : ok(c.bool_val(true)), present(c.bool_val(true)), v(c.int_val(0)), v2(c.int_val(0)), v3(c.int_val(-1)),
        v4(c.int_val(0)) {}
};

// An input variable and what reading it back from a model needs.
struct InputVar {
  std::string name;
  Sym::Kind kind;
};

// What both versions share: the solver context, the input variables, the interned ids of
// texts, zones, holiday sets, calendar hours and enum members, and the uninterpreted
// functions with their applications.
class Universe {
 public:
  explicit Universe(int list_bound = 3);
  Universe(const Universe&) = delete;
  Universe& operator=(const Universe&) = delete;

  z3::context& ctx() { return ctx_; }
  int list_bound() const { return list_bound_; }

  // The variable named `name`, made on first use.
  z3::expr var(const std::string& name, Sym::Kind kind);
  bool has_var(const std::string& name) const { return vars_.contains(name); }
  z3::expr get_var(const std::string& name) const { return vars_.at(name); }
  // Facts every valid input satisfies (ranges, members, list lengths).
  void require(const z3::expr& fact) { domain_.push_back(fact); }
  const std::vector<z3::expr>& domain() const { return domain_; }
  // Each money input's currency, constrained once every policy constant has been seen.
  void money_currency(const z3::expr& currency) { currency_vars_.push_back(currency); }
  void zone_var(const z3::expr& zone) { zone_vars_.push_back(zone); }
  // Preferences for readable witnesses (datetimes in 2026 on whole minutes, amounts in cents):
  // asked for first, dropped when they cannot hold.
  void prefer(const z3::expr& fact) { preferences_.push_back(fact); }
  const std::vector<z3::expr>& preferences() const { return preferences_; }
  // Decimal inputs with at most 4 decimals: asked for after the preferences, so that a witness
  // has exact decimal values.
  void decimal(const z3::expr& fact) { decimals_.push_back(fact); }
  const std::vector<z3::expr>& decimals() const { return decimals_; }
  // Every input variable, for blocking a model that did not reproduce.
  std::vector<z3::expr> variables() const {
    std::vector<z3::expr> out;
    for (const auto& [name, v] : vars_) out.push_back(v);
    return out;
  }

  int text_id(const std::string& text);
  std::string text_of(int id) const;  // the text, or a made-up text for ids no constant has
  int zone_id(const std::string& name);
  std::string zone_name(int id) const;
  int holidays_id(const std::shared_ptr<const rt::HolidaySet>& set);
  // Weekly hours, touching ranges merged (08:00-12:00 + 12:00-17:00 is 08:00-17:00).
  int hours_id(const rt::WeeklyHours& hours);
  int always_hours() const { return 0; }
  const rt::WeeklyHours& hours(int id) const { return hours_.at(static_cast<size_t>(id)); }
  std::shared_ptr<const rt::HolidaySet> holiday_set(int id) const { return holiday_sets_.at(static_cast<size_t>(id)); }
  // Instants near the first dates on which two of the holiday sets differ (from 2025 on):
  // where a witness for two calendars that differ in holidays is looked for.
  std::vector<int64_t> anchors();
  // Every value `e` can take when it is a tree of if-then-else over numerals; false otherwise.
  static bool numerals(const z3::expr& e, std::vector<int64_t>* out);
  int member_id(const std::string& member);
  // A schedule by its name: two versions' schedules of one name are one value, whatever
  // their hours (each version's calendars look up their own).
  int schedule_id(const std::string& name);
  std::string member_name(int id) const { return members_.at(static_cast<size_t>(id)); }
  void note_currency(int id) { currencies_.insert(id); }

  // Uninterpreted functions. `ok` receives whether the operation succeeds.
  z3::expr cal_add(const z3::expr& hours, const z3::expr& zone, const z3::expr& hol, const z3::expr& t,
                   const z3::expr& secs, z3::expr* ok);
  z3::expr working(const z3::expr& hours, const z3::expr& zone, const z3::expr& hol, const z3::expr& a,
                   const z3::expr& b, z3::expr* ok);
  z3::expr is_open(const z3::expr& hours, const z3::expr& zone, const z3::expr& hol, const z3::expr& t, z3::expr* ok);
  z3::expr next_opening(const z3::expr& hours, const z3::expr& zone, const z3::expr& hol, const z3::expr& t,
                        z3::expr* ok);
  z3::expr date_of(const z3::expr& zone, const z3::expr& t, z3::expr* ok);
  z3::expr add_months(const z3::expr& date, const z3::expr& months, z3::expr* ok);
  z3::expr dec_div(const z3::expr& a, const z3::expr& b);
  z3::expr blank(const z3::expr& text);
  z3::expr minor_unit(const z3::expr& currency);
  // 10^(minor unit) as a Real: what an amount is multiplied by to count minor units.
  z3::expr minor_unit_scale(const z3::expr& currency);

  // The domain of the inputs and the facts about the functions' applications (equal
  // arguments give equal results is Z3's own): call after both programs are translated.
  std::vector<z3::expr> facts();

 private:
  enum Fn { CalAdd, Working, IsOpen, NextOpening, DateOf, AddMonths, DecDiv, Blank, MinorUnit, kFns };
  struct App {
    Fn fn;
    std::vector<z3::expr> args;
    z3::expr result;
  };
  z3::expr apply(Fn fn, const std::vector<z3::expr>& args, z3::expr* ok);

  z3::context ctx_;
  int list_bound_;
  std::map<std::string, z3::expr> vars_;
  std::vector<z3::expr> domain_;
  std::vector<z3::expr> currency_vars_, zone_vars_, preferences_, decimals_;
  std::map<std::string, int> text_ids_;
  std::vector<std::string> texts_;
  std::map<std::string, int> zone_ids_;
  std::vector<std::string> zones_;
  std::map<std::string, int> holiday_ids_;
  std::map<std::string, int> hours_ids_;
  std::vector<rt::WeeklyHours> hours_;  // hours_[0] is the 24x7 calendar (always open)
  std::vector<std::shared_ptr<const rt::HolidaySet>> holiday_sets_;
  std::map<std::string, int> member_ids_;
  std::map<std::string, int> schedule_ids_;
  std::vector<std::string> members_;
  std::set<int> currencies_;
  std::vector<z3::func_decl> fns_, ok_fns_;
  std::vector<App> apps_;
  std::optional<std::vector<z3::expr>> facts_;  // what facts() gave for facts_key_
  std::vector<size_t> facts_key_;               // the sizes of what facts() reads
};

// Translates one program's values into terms of a Universe. Terms are memoised per node
// while no aggregate variable is bound.
class Encoder {
 public:
  Encoder(Universe& u, const ir::Program& p);

  // A value (decision, let, const): its symbolic value. Throws Unmodelled.
  Sym value(int32_t index);
  // A calendar declaration: (hours id, zone, holidays, business day). Throws Unmodelled.
  Sym calendar_value(int32_t index) { return calendar(index); }

  // Whether two values of the given types give the same observable result: both fail, or
  // both succeed with equal values (money as `eval` writes it: rounded to the minor unit).
  static z3::expr same_outcome(Universe& u, const Sym& a, const Sym& b, const ir::Type& type);
  // a < b for values of an ordered type that are both present (ok is set false when they
  // cannot be compared: money in two currencies).
  static z3::expr less(Universe& u, const Sym& a, const Sym& b, const ir::Type& type, z3::expr* comparable);

  // The variable name of an input path ("case.severity") holding `kind`.
  static std::string var_name(const std::string& path, Sym::Kind kind);
  static std::string presence_name(const std::string& path) { return path + "?"; }
  static std::string length_name(const std::string& path) { return path + "#len"; }
  static Sym::Kind kind_of(const ir::Type& t);

 private:
  Sym node(ir::NodeId id);
  Sym translate(ir::NodeId id, const ir::Node& n);
  Sym make_input(const ir::Type& type, const std::string& path, bool optional);
  Sym constant(const ir::Value& v, const ir::Type& t);
  Sym table_get(const ir::Node& n);
  Sym calendar(int32_t index);
  // The hours id of the schedule `schedule` (a schedule's name id) in this program.
  z3::expr schedule_hours(const Sym& schedule);
  Sym lists(const ir::Node& n);
  Sym aggregate(const ir::Node& n);
  Sym arithmetic(ir::NodeId id, const ir::Node& n);
  Sym calendar_op(const ir::Node& n);
  Sym round(const ir::Node& n, const Sym& a);
  z3::expr pattern(const ir::Pattern& p, const Sym& key, const ir::Type& type);
  z3::expr pattern_value(int64_t v, const ir::Type& type);
  Sym ite(const z3::expr& c, const Sym& a, const Sym& b);
  z3::expr compare(ir::CmpOp op, const Sym& a, const Sym& b, const ir::Type& type, z3::expr* ok);
  Sym none();
  Sym boolean(const z3::expr& b);
  Sym integer(const z3::expr& v);
  [[noreturn]] void unmodelled(ir::NodeId id, const std::string& what);

  Universe& u_;
  z3::context& c_;
  const ir::Program& p_;
  std::vector<std::optional<Sym>> memo_;
  std::vector<std::optional<Sym>> values_;
  std::vector<int> value_state_;
  std::vector<std::optional<Sym>> inputs_;
  std::map<int32_t, Sym> locals_;
  std::vector<std::optional<std::vector<z3::expr>>> table_rows_;  // per table: row i is chosen
  std::vector<std::optional<z3::expr>> table_ok_;
  std::vector<std::optional<Sym>> calendars_;
};

}  // namespace proviso::diff
