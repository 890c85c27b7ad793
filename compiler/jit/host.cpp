// The host side of compiled policies: host shims, error sites, output decoding and the
// program serialisation behind the object cache key.
#include "compiler/jit/host.h"

#include "compiler/ir/eval_messages.h"
#include "compiler/ir/eval_rules.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include <proviso/rt/money.h>

namespace proviso::jit {

using ir::NodeId;
using ir::Op;
using ir::Value;

// ---- binary writer/reader for serialisations ----

namespace {

struct Writer {
  std::string out;
  void u8(uint8_t v) { out.push_back(static_cast<char>(v)); }
  void i32(int32_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void i64(int64_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void str(std::string_view s) {
    i64(static_cast<int64_t>(s.size()));
    out.append(s.data(), s.size());
  }
};

struct Reader {
  std::string_view in;
  bool ok = true;
  template <class T>
  T get() {
    T v{};
    if (in.size() < sizeof v) {
      ok = false;
      return v;
    }
    std::memcpy(&v, in.data(), sizeof v);
    in.remove_prefix(sizeof v);
    return v;
  }
  std::string str() {
    auto n = get<int64_t>();
    if (n < 0 || static_cast<uint64_t>(n) > in.size()) {
      ok = false;
      return {};
    }
    std::string s(in.substr(0, static_cast<size_t>(n)));
    in.remove_prefix(static_cast<size_t>(n));
    return s;
  }
};

void put_type(Writer& w, const ir::Type& t) {
  w.u8(static_cast<uint8_t>(t.kind));
  w.u8(t.optional);
  w.i32(t.id);
  w.u8(t.lo.has_value());
  w.i64(t.lo.value_or(0));
  w.u8(t.hi.has_value());
  w.i64(t.hi.value_or(0));
  w.str(t.currency);
  w.u8(t.elem != nullptr);
  if (t.elem) put_type(w, *t.elem);
}

void put_pattern(Writer& w, const ir::Pattern& p) {
  w.u8(static_cast<uint8_t>(p.kind));
  w.i32(static_cast<int32_t>(p.values.size()));
  for (int64_t v : p.values) w.i64(v);
  w.u8(p.lo.has_value());
  w.i64(p.lo.value_or(0));
  w.u8(p.hi.has_value());
  w.i64(p.hi.value_or(0));
}

void put_hours(Writer& w, const rt::WeeklyHours& h) {
  for (const auto& day : h.days) {
    w.i32(static_cast<int32_t>(day.size()));
    for (const auto& r : day) {
      w.i32(r.start);
      w.i32(r.end);
    }
  }
}

void put_value(Writer& w, const Value& v) {
  w.u8(static_cast<uint8_t>(v.kind()));
  switch (v.kind()) {
    case Value::Kind::None: break;
    case Value::Kind::Bool: w.u8(v.as_bool()); break;
    case Value::Kind::Int: w.i64(v.as_int()); break;
    case Value::Kind::Decimal: w.str(v.as_decimal().to_string()); break;
    case Value::Kind::Money:
      w.str(v.as_money().amount.to_string());
      w.i32(v.as_money().currency);
      break;
    case Value::Kind::Date: w.i32(v.as_date()); break;
    case Value::Kind::DateTime: w.i64(v.as_datetime()); break;
    case Value::Kind::Duration: w.i64(v.as_duration()); break;
    case Value::Kind::BusinessDuration:
      w.i64(v.as_business_duration().days);
      w.i64(v.as_business_duration().seconds);
      break;
    case Value::Kind::Period: w.i64(v.as_period()); break;
    case Value::Kind::Text: w.str(v.as_text()); break;
    case Value::Kind::Enum: w.i32(v.as_enum()); break;
    case Value::Kind::Zone: w.str(v.as_zone() ? v.as_zone()->name() : ""); break;
    case Value::Kind::Calendar: {
      const auto& c = v.as_calendar();
      w.str(c ? c->name() : "");
      if (c) {
        w.u8(c->is_always());
        w.i64(c->business_day());
        w.str(c->zone() ? c->zone()->name() : "");
        w.str(c->holidays() ? c->holidays()->key() : "");
        put_hours(w, c->weekly_hours());
      }
      break;
    }
    case Value::Kind::Holidays: w.str(v.as_holidays() ? v.as_holidays()->key() : ""); break;
    case Value::Kind::List:
    case Value::Kind::Record: {
      const ir::ValueList& items = v.kind() == Value::Kind::List ? v.as_list() : v.as_record();
      w.i32(static_cast<int32_t>(items.size()));
      for (const Value& x : items) put_value(w, x);
      break;
    }
  }
}

}  // namespace

std::string serialize_program(const ir::Program& p) {
  Writer w;
  w.str("proviso-ir-1");
  w.i32(p.home_zone);
  w.i32(p.local_slots);
  for (const auto& e : p.schema.enums) {
    w.str(e.name);
    w.i32(static_cast<int32_t>(e.members.size()));
    for (const auto& m : e.members) w.str(m);
  }
  w.u8(0xff);
  for (const auto& r : p.schema.records) {
    w.str(r.name);
    w.i32(static_cast<int32_t>(r.fields.size()));
    for (const auto& f : r.fields) {
      w.str(f.name);
      put_type(w, f.type);
    }
  }
  w.u8(0xfe);
  for (const auto& in : p.inputs) {
    w.str(in.name);
    w.u8(in.optional);
    put_type(w, in.type);
  }
  w.u8(0xfd);
  for (const auto& v : p.values) {
    w.u8(static_cast<uint8_t>(v.kind));
    w.str(v.name);
    put_type(w, v.type);
    w.i32(v.body);
    w.u8(v.is_exclusions);
  }
  w.u8(0xfc);
  for (int32_t d : p.decisions) w.i32(d);
  w.u8(0xfb);
  for (const auto& t : p.tables) {
    w.str(t.name);
    w.u8(t.hit_first);
    w.i32(static_cast<int32_t>(t.given.size()));
    for (NodeId g : t.given) w.i32(g);
    w.i32(static_cast<int32_t>(t.outputs.size()));
    for (const auto& o : t.outputs) put_type(w, o.type);
    w.i32(static_cast<int32_t>(t.rows.size()));
    for (const auto& r : t.rows) {
      for (const auto& c : r.conds) put_pattern(w, c);
      for (NodeId o : r.outputs) w.i32(o);
    }
  }
  w.u8(0xfa);
  for (const auto& c : p.calendars) {
    w.str(c.name);
    put_hours(w, c.hours);
    w.i32(c.schedule);
    w.i32(c.zone);
    w.i32(c.holidays);
    w.i64(c.business_day);
  }
  w.u8(0xf7);
  for (const auto& s : p.schedules) {
    w.str(s.name);
    put_hours(w, s.hours);
  }
  w.u8(0xf9);
  for (const auto& n : p.nodes) {
    w.i32(static_cast<int32_t>(n.op));
    put_type(w, n.type);
    w.i32(n.a);
    w.i32(n.b);
    w.i32(n.c);
    w.i32(n.aux);
    w.i32(n.aux2);
    w.i32(static_cast<int32_t>(n.args.size()));
    for (NodeId a : n.args) w.i32(a);
    w.i32(static_cast<int32_t>(n.ints.size()));
    for (int32_t x : n.ints) w.i32(x);
    w.i32(static_cast<int32_t>(n.pats.size()));
    for (const auto& pat : n.pats) put_pattern(w, pat);
  }
  w.u8(0xf8);
  for (const Value& v : p.consts) put_value(w, v);
  return std::move(w.out);
}

std::string serialize_sites(const std::vector<ErrorSite>& sites) {
  Writer w;
  w.i32(static_cast<int32_t>(sites.size()));
  for (const auto& s : sites) {
    w.u8(static_cast<uint8_t>(s.kind));
    w.i32(s.node);
    w.i32(s.value);
    w.str(s.message);
  }
  return std::move(w.out);
}

bool deserialize_sites(std::string_view bytes, std::vector<ErrorSite>* out) {
  Reader r{bytes};
  auto n = r.get<int32_t>();
  if (!r.ok || n < 0) return false;
  out->clear();
  for (int32_t i = 0; i < n && r.ok; ++i) {
    ErrorSite s;
    auto kind = r.get<uint8_t>();
    if (kind > static_cast<uint8_t>(ErrorSite::Kind::TooDeep)) return false;
    s.kind = static_cast<ErrorSite::Kind>(kind);
    s.node = r.get<int32_t>();
    s.value = r.get<int32_t>();
    s.message = r.str();
    out->push_back(std::move(s));
  }
  return r.ok && r.in.empty();
}

// ---- Host ----

Host::Host(const ir::Program& program)
    : program_(program), layout_(program), plan_(ConstPlan::of(program, layout_)), pool_(program, layout_, plan_),
      calendars_(std::make_shared<rt::CalendarCache>()) {}

namespace {

std::shared_ptr<const void> find_owner(const void* data, const void* raw) {
  const auto* o = static_cast<const Host::Owners*>(data);
  if (auto p = o->host->pool().owner_of(raw)) return p;
  if (auto p = o->host->calendar_owner(raw)) return p;
  if (o->record)
    if (auto p = o->record->owner_of(raw)) return p;
  return nullptr;
}

}  // namespace

proviso_ctx Host::context(rt::jit::EvalState& state, const Owners* owners) const {
  state.find_owner = &find_owner;
  state.owner_data = owners;
  proviso_ctx ctx{};
  ctx.consts = pool_.data();
  ctx.host = this;
  ctx.state = &state;
  ctx.error_value = -1;
  ctx.error_decision = -1;
  return ctx;
}

bool Host::too_deep(int32_t status) const {
  return status > 0 && static_cast<size_t>(status - 1) < sites_.size() &&
         sites_[static_cast<size_t>(status - 1)].kind == ErrorSite::Kind::TooDeep;
}

ir::EvalError Host::error(int32_t status, const proviso_ctx& ctx) const {
  ir::EvalError e;
  size_t index = static_cast<size_t>(status - 1);
  if (status <= 0 || index >= sites_.size()) {
    e.message = fmt::format("internal error: unknown JIT status {}", status);
    return e;
  }
  const ErrorSite& site = sites_[index];
  switch (site.kind) {
    case ErrorSite::Kind::Static: e.message = site.message; break;
    case ErrorSite::Kind::Shim: e.message = ctx.state->error; break;
    case ErrorSite::Kind::Range: {
      const ir::ValueDef& def = program_.values[site.value];
      e.message = ir::msg::outside_its_type(def.name, ctx.state->error_int, ir::to_string(def.type, program_.schema));
      break;
    }
    case ErrorSite::Kind::TooDeep:
      e.message = "internal error: the evaluation must be repeated by the interpreter";
      break;
  }
  NodeId id = site.node;
  e.loc = id >= 0 && static_cast<size_t>(id) < program_.node_locs.size() ? program_.node_locs[id] : -1;
  // The rule every engine follows (ir/eval_rules.h): the input the node reads, else the value
  // being computed, else the decision asked for.
  if (id >= 0) e.path = ir::error_input_path(program_, id);
  if (e.path.empty() && ctx.error_value >= 0) e.path = program_.values[ctx.error_value].name;
  if (e.path.empty() && ctx.error_decision >= 0 && static_cast<size_t>(ctx.error_decision) < program_.decisions.size())
    e.path = program_.values[program_.decisions[ctx.error_decision]].name;
  return e;
}

void Host::decode(const uint8_t* out, const rt::jit::EvalState& state, const Owners& owners, ir::EvalResult* result,
                  const std::vector<int32_t>* positions) const {
  OwnerLookup lookup = [&](const void* raw) -> std::shared_ptr<const void> {
    if (auto p = state.arena.find(raw)) return p;
    return find_owner(&owners, raw);
  };
  result->ok = true;
  result->decisions.clear();
  result->decisions.reserve(positions ? positions->size() : program_.decisions.size());
  const rt::Zone* zone = nullptr;
  const void* raw = nullptr;
  std::memcpy(static_cast<void*>(&raw), out + layout_.home_zone_offset(), sizeof raw);
  zone = static_cast<const rt::Zone*>(raw);
  result->home_zone = zone ? zone : rt::utc_zone();
  auto one = [&](size_t i) {
    int32_t v = program_.decisions[i];
    result->decisions.push_back(
        {v, read_flat(layout_, program_.values[v].type, out + layout_.decision_offset(i), lookup)});
  };
  if (positions) {
    for (int32_t i : *positions) one(static_cast<size_t>(i));
  } else {
    for (size_t i = 0; i < program_.decisions.size(); ++i) one(i);
  }
}

int32_t Host::calendar(proviso_ctx* ctx, int32_t index, int32_t schedule, const void* zone, const void* holidays,
                       const void** out) const {
  size_t published = memo_count_.load(std::memory_order_acquire);
  for (size_t i = 0; i < published; ++i) {
    const MemoEntry& m = memo_[i];
    if (m.index == index && m.schedule == schedule && m.zone == zone && m.holidays == holidays) {
      *out = m.calendar.get();  // owned by the memo: nothing to keep per evaluation
      return 0;
    }
  }
  std::shared_ptr<const rt::HolidaySet> set;
  bool constant = true;  // built from constants only: safe to remember by pointer
  if (holidays) {
    std::shared_ptr<const void> owner = pool_.owner_of(holidays);
    if (!owner) {
      constant = false;
      owner = ctx->state->arena.find(holidays);
      if (!owner && ctx->state->find_owner) owner = ctx->state->find_owner(ctx->state->owner_data, holidays);
    }
    set = owner ? std::static_pointer_cast<const rt::HolidaySet>(owner)
                : std::shared_ptr<const rt::HolidaySet>(std::shared_ptr<const void>(),
                                                        static_cast<const rt::HolidaySet*>(holidays));
  }
  const ir::CalendarDef& def = program_.calendars[index];
  // `schedule EXPR`: the generated code gives the index of the schedule the hours come from.
  const rt::WeeklyHours& hours = schedule >= 0 && static_cast<size_t>(schedule) < program_.schedules.size()
                                     ? program_.schedules[schedule].hours
                                     : def.hours;
  // A borrowed holiday set (no registered owner) must not enter the process-long cache.
  bool borrowed = set && set.use_count() == 0;
  auto cal = borrowed ? rt::Calendar::make(def.name, hours, static_cast<const rt::Zone*>(zone), set, def.business_day)
                      : calendars_->get(def.name, hours, static_cast<const rt::Zone*>(zone), set, def.business_day);
  if (!cal) {
    ctx->state->error = cal.error().message;
    return 1;
  }
  if (constant) {
    std::lock_guard lock(memo_mu_);
    size_t n = memo_count_.load(std::memory_order_relaxed);
    bool known = false;
    for (size_t i = 0; i < n && !known; ++i)
      known = memo_[i].index == index && memo_[i].schedule == schedule && memo_[i].zone == zone &&
              memo_[i].holidays == holidays;
    if (!known && n < kMemoCapacity) {
      memo_[n] = {index, schedule, zone, holidays, *cal};
      memo_count_.store(n + 1, std::memory_order_release);
      *out = memo_[n].calendar.get();
      return 0;
    }
  }
  *out = ctx->state->arena.keep(*cal);
  return 0;
}

std::shared_ptr<const void> Host::calendar_owner(const void* raw) const {
  size_t published = memo_count_.load(std::memory_order_acquire);
  for (size_t i = 0; i < published; ++i)
    if (memo_[i].calendar.get() == raw) return memo_[i].calendar;
  return nullptr;
}

const std::vector<rt::jit::ShimSymbol>& host_shims() {
  static const std::vector<rt::jit::ShimSymbol> shims = {
      {"proviso_host_calendar", reinterpret_cast<const void*>(&proviso_host_calendar)},
      {"proviso_host_to_text", reinterpret_cast<const void*>(&proviso_host_to_text)},
      {"proviso_host_equal", reinterpret_cast<const void*>(&proviso_host_equal)},
      {"proviso_host_persist", reinterpret_cast<const void*>(&proviso_host_persist)},
      {"proviso_host_pausing", reinterpret_cast<const void*>(&proviso_host_pausing)},
  };
  return shims;
}

}  // namespace proviso::jit

// ---- host shims ----

namespace {

const proviso::jit::Host& host_of(proviso_ctx* ctx) { return *static_cast<const proviso::jit::Host*>(ctx->host); }

proviso::jit::OwnerLookup lookup_of(proviso_ctx* ctx) {
  return [ctx](const void* raw) -> std::shared_ptr<const void> {
    if (auto p = ctx->state->arena.find(raw)) return p;
    return ctx->state->find_owner ? ctx->state->find_owner(ctx->state->owner_data, raw) : nullptr;
  };
}

}  // namespace

extern "C" {

int32_t proviso_host_calendar(proviso_ctx* ctx, int32_t index, int32_t schedule, const void* zone, const void* holidays,
                              const void** out) {
  return host_of(ctx).calendar(ctx, index, schedule, zone, holidays, out);
}

void proviso_host_to_text(proviso_ctx* ctx, int32_t node, const void* value, proviso_span* out) {
  const auto& h = host_of(ctx);
  const proviso::ir::Type& t = h.program().nodes[node].type;
  proviso::ir::Value v = proviso::jit::read_flat(h.layout(), t, static_cast<const uint8_t*>(value), lookup_of(ctx));
  std::string s = proviso::ir::plain_text(v, t, h.program().schema);
  out->data = ctx->state->arena.copy(s.data(), s.size());
  out->size = s.size();
}

int32_t proviso_host_equal(proviso_ctx* ctx, int32_t node, const void* a, const void* b) {
  const auto& h = host_of(ctx);
  proviso::ir::Type t = h.program().nodes[node].type.as_required();
  auto lookup = lookup_of(ctx);
  return proviso::ir::equal(proviso::jit::read_flat(h.layout(), t, static_cast<const uint8_t*>(a), lookup),
                            proviso::jit::read_flat(h.layout(), t, static_cast<const uint8_t*>(b), lookup));
}

// `CALENDAR pausing PAUSES [as of AS_OF]` (node `node`): the pauses are read as the
// interpreter holds them and ir::pause_calendar gives the calendar, kept in the arena.
int32_t proviso_host_pausing(proviso_ctx* ctx, int32_t node, const void* calendar, const uint8_t* pauses,
                             int32_t has_as_of, int64_t as_of, const void** out) {
  const auto& h = host_of(ctx);
  const proviso::ir::Node& n = h.program().nodes[node];
  auto lookup = lookup_of(ctx);
  std::shared_ptr<const void> owner = h.calendar_owner(calendar);
  if (!owner) owner = h.pool().owner_of(calendar);
  if (!owner) owner = lookup(calendar);
  if (!owner) {
    ctx->state->error = "internal error: a calendar without an owner";
    return 1;
  }
  proviso::ir::Value list = proviso::jit::read_flat(h.layout(), h.program().nodes[n.b].type, pauses, lookup);
  std::vector<proviso::ir::PauseRecord> records;
  records.reserve(list.as_list().size());
  for (const proviso::ir::Value& item : list.as_list()) {
    const proviso::ir::ValueList& fields = item.as_record();
    const proviso::ir::Value& until = fields[static_cast<size_t>(n.ints[1])];
    records.push_back({fields[static_cast<size_t>(n.ints[0])].as_datetime(),
                       until.is_none() ? std::nullopt : std::optional<int64_t>(until.as_datetime())});
  }
  auto cal = proviso::ir::pause_calendar(std::static_pointer_cast<const proviso::rt::Calendar>(owner), records,
                                         has_as_of ? std::optional<int64_t>(as_of) : std::nullopt);
  if (!cal) {
    ctx->state->error = cal.error().message;
    return 1;
  }
  *out = ctx->state->arena.keep(std::move(*cal));
  return 0;
}

void proviso_host_persist(proviso_ctx* ctx, int32_t value, uint8_t* slot) {
  const auto& h = host_of(ctx);
  proviso::jit::persist_flat(h.layout(), h.program().values[value].type, slot, ctx->state->arena);
}

}  // extern "C"
