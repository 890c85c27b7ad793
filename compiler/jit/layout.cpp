// Flat layout of IR types, and conversion of interpreter values to and from flat memory.
#include "compiler/jit/layout.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include <fmt/format.h>

namespace proviso::jit {

using ir::Type;
using ir::TypeKind;
using ir::Value;

bool is_immediate_kind(TypeKind k) {
  switch (k) {
    case TypeKind::None:
    case TypeKind::Bool:
    case TypeKind::Integer:
    case TypeKind::Enum:
    case TypeKind::Date:
    case TypeKind::DateTime:
    case TypeKind::Duration:
    case TypeKind::Period:
    case TypeKind::BusinessDuration:
    case TypeKind::Decimal:
    case TypeKind::Percent:
    case TypeKind::Money: return true;
    default: return false;
  }
}

bool contains_list(const Type& t, const ir::Schema& schema) {
  std::vector<int> seen;
  std::function<bool(const Type&)> walk = [&](const Type& x) {
    if (x.kind == TypeKind::List) return true;
    if (x.kind != TypeKind::Record || x.id < 0) return false;
    for (int s : seen)
      if (s == x.id) return false;
    seen.push_back(x.id);
    for (const auto& f : schema.records[x.id].fields)
      if (walk(f.type)) return true;
    return false;
  };
  return walk(t);
}

Layout::Layout(const ir::Program& program) : program_(program), records_(program.schema.records.size()) {
  for (const auto& e : program_.schema.enums) {
    size_t members = e.members.size();
    enum_bytes_.push_back(members <= 256 ? 1 : members <= 65536 ? 2 : 4);
  }
  for (size_t i = 0; i < records_.size(); ++i) build_record(static_cast<int>(i));
  uint32_t at = 0, align = 8;
  for (int32_t v : program_.decisions) {
    Slot s = slot(program_.values[v].type);
    at = align_up(at, s.align);
    decision_offsets_.push_back(at);
    at += s.size;
    align = std::max(align, s.align);
  }
  at = align_up(at, 8);
  home_zone_offset_ = at;
  at += 8;
  output_ = {align_up(at, align), align};
}

void Layout::build_record(int id) {
  RecordLayout& r = records_[id];
  if (r.state == 2) return;
  if (r.state == 1) {
    if (unsupported_.empty())
      unsupported_ = fmt::format("the record `{}` contains itself", program_.schema.records[id].name);
    return;
  }
  r.state = 1;
  const auto& fields = program_.schema.records[id].fields;
  std::vector<Slot> slots;
  std::vector<size_t> order;
  for (size_t i = 0; i < fields.size(); ++i) {
    slots.push_back(slot(fields[i].type));
    order.push_back(i);
  }
  // Largest alignment first: every field then starts where the one before it ends.
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return slots[x].align > slots[y].align; });
  uint32_t at = 0, align = 1;
  std::vector<uint32_t> offsets(fields.size());
  for (size_t i : order) {
    at = align_up(at, slots[i].align);
    offsets[i] = at;
    at += slots[i].size;
    align = std::max(align, slots[i].align);
  }
  RecordLayout& done = records_[id];
  done.offsets = std::move(offsets);
  done.slot = {align_up(std::max<uint32_t>(at, 1), align), align};
  done.state = 2;
}

Slot Layout::value_slot(const Type& t) const {
  switch (t.kind) {
    case TypeKind::None: return {0, 1};
    case TypeKind::Bool: return {1, 1};
    case TypeKind::Integer:
    case TypeKind::DateTime:
    case TypeKind::Duration:
    case TypeKind::Period: return {8, 8};
    case TypeKind::Enum: return {enum_bytes(t), enum_bytes(t)};
    case TypeKind::Schedule:  // its index
    case TypeKind::Date: return {4, 4};
    case TypeKind::BusinessDuration: return {16, 8};
    case TypeKind::Decimal:
    case TypeKind::Percent: return {32, 16};
    case TypeKind::Money: return {48, 16};
    case TypeKind::Text:
    case TypeKind::List: return {16, 8};
    case TypeKind::Zone:
    case TypeKind::Calendar:
    case TypeKind::Holidays: return {8, 8};
    case TypeKind::Record:
      if (t.id < 0 || static_cast<size_t>(t.id) >= records_.size()) return {0, 1};
      const_cast<Layout*>(this)->build_record(t.id);
      return records_[t.id].slot;
    case TypeKind::Error: break;
  }
  return {0, 1};
}

uint32_t Layout::tagged_value_offset(const Type& t) const { return std::max<uint32_t>(1, value_slot(t).align); }

Slot Layout::slot(const Type& t) const {
  Slot v = value_slot(t);
  if (!has_tag(t)) return v;
  uint32_t off = value_offset(t);
  return {align_up(off + v.size, v.align), v.align};
}

// ---- values to flat memory ----

namespace {

template <class T>
void store(uint8_t* dst, T v) {
  std::memcpy(dst, &v, sizeof v);
}
template <class T>
T load(const uint8_t* src) {
  if constexpr (std::is_pointer_v<T>) {
    // Every pointer the layout stores points to const data.
    const void* raw = nullptr;
    std::memcpy(static_cast<void*>(&raw), src, sizeof raw);
    return static_cast<T>(raw);
  } else {
    T v;
    std::memcpy(&v, src, sizeof v);
    return v;
  }
}

// An enum member in as many bytes as its type takes (Layout::enum_bytes).
void store_enum(const Layout& layout, const Type& t, uint8_t* dst, int32_t member) {
  switch (layout.enum_bytes(t)) {
    case 1: store<uint8_t>(dst, static_cast<uint8_t>(member)); return;
    case 2: store<uint16_t>(dst, static_cast<uint16_t>(member)); return;
    default: store<int32_t>(dst, member); return;
  }
}

int32_t load_enum(const Layout& layout, const Type& t, const uint8_t* src) {
  switch (layout.enum_bytes(t)) {
    case 1: return load<uint8_t>(src);
    case 2: return load<uint16_t>(src);
    default: return load<int32_t>(src);
  }
}

bool kind_matches(TypeKind k, Value::Kind v) {
  switch (k) {
    case TypeKind::Bool: return v == Value::Kind::Bool;
    case TypeKind::Integer: return v == Value::Kind::Int;
    case TypeKind::Decimal:
    case TypeKind::Percent: return v == Value::Kind::Decimal;
    case TypeKind::Money: return v == Value::Kind::Money;
    case TypeKind::Date: return v == Value::Kind::Date;
    case TypeKind::DateTime: return v == Value::Kind::DateTime;
    case TypeKind::Duration: return v == Value::Kind::Duration;
    case TypeKind::BusinessDuration: return v == Value::Kind::BusinessDuration;
    case TypeKind::Period: return v == Value::Kind::Period;
    case TypeKind::Text: return v == Value::Kind::Text;
    case TypeKind::Zone: return v == Value::Kind::Zone;
    case TypeKind::Calendar: return v == Value::Kind::Calendar;
    case TypeKind::Schedule: return v == Value::Kind::Int;
    case TypeKind::Holidays: return v == Value::Kind::Holidays;
    case TypeKind::Enum: return v == Value::Kind::Enum;
    case TypeKind::Record: return v == Value::Kind::Record;
    case TypeKind::List: return v == Value::Kind::List;
    default: return false;
  }
}

}  // namespace

bool write_flat(const Layout& layout, const Type& t, const Value& v, uint8_t* dst, rt::jit::Arena& arena,
                std::string* error, std::string* where) {
  if (Layout::has_tag(t)) {
    if (v.is_none()) {
      dst[0] = 0;
      return true;
    }
    dst[0] = 1;
    if (t.kind == TypeKind::None) {
      if (error) *error = "a value where only none fits";
      return false;
    }
    dst += layout.value_offset(t);
  }
  if (!kind_matches(t.kind, v.kind())) {
    if (error) *error = fmt::format("a value of the wrong kind for `{}`", ir::to_string(t, layout.program().schema));
    return false;
  }
  switch (t.kind) {
    case TypeKind::Bool: dst[0] = v.as_bool() ? 1 : 0; return true;
    case TypeKind::Integer:
      // Generated code may rely on declared ranges (LLVM range metadata on input fields).
      if ((t.lo && v.as_int() < *t.lo) || (t.hi && v.as_int() > *t.hi)) {
        if (error) *error = fmt::format("expected {}, got {}", ir::integer_expected(t), v.as_int());
        return false;
      }
      store<int64_t>(dst, v.as_int());
      return true;
    case TypeKind::Enum: {
      const auto& enums = layout.program().schema.enums;
      if (t.id < 0 || static_cast<size_t>(t.id) >= enums.size()) {
        if (error) *error = "a value of an unknown enumeration";
        return false;
      }
      if (v.as_enum() < 0 || static_cast<size_t>(v.as_enum()) >= enums[t.id].members.size()) {
        if (error)
          *error = fmt::format("`{}` has no member number {} (it has {})", enums[t.id].name, v.as_enum(),
                               enums[t.id].members.size());
        return false;
      }
      store_enum(layout, t, dst, v.as_enum());
      return true;
    }
    case TypeKind::Schedule:
      if (v.as_int() < 0 || static_cast<uint64_t>(v.as_int()) >= layout.program().schedules.size()) {
        if (error) *error = fmt::format("there is no schedule number {}", v.as_int());
        return false;
      }
      store<int32_t>(dst, static_cast<int32_t>(v.as_int()));
      return true;
    case TypeKind::Date: store<int32_t>(dst, v.as_date()); return true;
    case TypeKind::DateTime: store<int64_t>(dst, v.as_datetime()); return true;
    case TypeKind::Duration: store<int64_t>(dst, v.as_duration()); return true;
    case TypeKind::Period: store<int64_t>(dst, v.as_period()); return true;
    case TypeKind::BusinessDuration:
      store<int64_t>(dst, v.as_business_duration().days);
      store<int64_t>(dst + 8, v.as_business_duration().seconds);
      return true;
    case TypeKind::Decimal:
    case TypeKind::Percent: std::memcpy(dst, &v.as_decimal(), 32); return true;
    case TypeKind::Money:
      std::memcpy(dst, &v.as_money().amount, 32);
      store<uint16_t>(dst + 32, v.as_money().currency);
      return true;
    case TypeKind::Text: {
      const std::string& s = v.as_text();
      store<const char*>(dst, arena.copy(s.data(), s.size()));
      store<uint64_t>(dst + 8, s.size());
      return true;
    }
    case TypeKind::Zone: store<const void*>(dst, v.as_zone()); return true;
    case TypeKind::Calendar: store<const void*>(dst, arena.keep(v.as_calendar())); return true;
    case TypeKind::Holidays: store<const void*>(dst, arena.keep(v.as_holidays())); return true;
    case TypeKind::Record: {
      const ir::RecordDef& def = layout.program().schema.records[t.id];
      const ir::ValueList& fields = v.as_record();
      if (fields.size() != def.fields.size()) {
        if (error) *error = fmt::format("a `{}` record with {} fields", def.name, fields.size());
        return false;
      }
      std::memset(dst, 0, layout.record_slot(t.id).size);
      for (size_t i = 0; i < fields.size(); ++i)
        if (!write_flat(layout, def.fields[i].type, fields[i], dst + layout.field_offset(t.id, static_cast<int>(i)),
                        arena, error, where)) {
          if (where) *where = "." + def.fields[i].name + *where;
          return false;
        }
      return true;
    }
    case TypeKind::List: {
      if (!t.elem) {
        if (error) *error = "a list without an element type";
        return false;
      }
      const ir::ValueList& items = v.as_list();
      Slot es = layout.slot(*t.elem);
      uint8_t* elems = nullptr;
      if (!items.empty()) {
        elems = static_cast<uint8_t*>(arena.allocate(size_t{es.size} * items.size(), es.align));
        std::memset(elems, 0, size_t{es.size} * items.size());
      }
      for (size_t i = 0; i < items.size(); ++i)
        if (!write_flat(layout, *t.elem, items[i], elems + i * es.size, arena, error, where)) {
          if (where) *where = fmt::format("[{}]{}", i, *where);
          return false;
        }
      store<const void*>(dst, elems);
      store<uint64_t>(dst + 8, items.size());
      return true;
    }
    default: break;
  }
  if (error) *error = fmt::format("a value of type `{}`", ir::to_string(t, layout.program().schema));
  return false;
}

namespace {

// The present value at `src` (its optional tag already read).
Value read_present(const Layout& layout, const Type& t, const uint8_t* src, const OwnerLookup& owners) {
  switch (t.kind) {
    case TypeKind::Bool: return Value(src[0] != 0);
    case TypeKind::Integer: return Value(load<int64_t>(src));
    case TypeKind::Enum: return Value(ir::EnumValue{load_enum(layout, t, src)});
    case TypeKind::Schedule: return Value(int64_t{load<int32_t>(src)});
    case TypeKind::Date: return Value(ir::DateValue{load<int32_t>(src)});
    case TypeKind::DateTime: return Value(ir::DateTimeValue{load<int64_t>(src)});
    case TypeKind::Duration: return Value(ir::DurationValue{load<int64_t>(src)});
    case TypeKind::Period: return Value(ir::PeriodValue{load<int64_t>(src)});
    case TypeKind::BusinessDuration:
      return Value(ir::BusinessDurationValue{load<int64_t>(src), load<int64_t>(src + 8)});
    case TypeKind::Decimal:
    case TypeKind::Percent: {
      rt::Decimal d;
      std::memcpy(static_cast<void*>(&d), src, 32);
      return Value(d);
    }
    case TypeKind::Money: {
      rt::Money m;
      std::memcpy(static_cast<void*>(&m.amount), src, 32);
      m.currency = load<uint16_t>(src + 32);
      return Value(m);
    }
    case TypeKind::Text: {
      const char* p = load<const char*>(src);
      uint64_t n = load<uint64_t>(src + 8);
      return Value(std::string(p ? p : "", p ? n : 0));
    }
    case TypeKind::Zone: return Value(ir::ZoneValue{load<const rt::Zone*>(src)});
    case TypeKind::Calendar: {
      const void* raw = load<const void*>(src);
      return Value(ir::CalendarValue{std::static_pointer_cast<const rt::Calendar>(owners ? owners(raw) : nullptr)});
    }
    case TypeKind::Holidays: {
      const void* raw = load<const void*>(src);
      return Value(ir::HolidaysValue{std::static_pointer_cast<const rt::HolidaySet>(owners ? owners(raw) : nullptr)});
    }
    case TypeKind::Record: {
      const ir::RecordDef& def = layout.program().schema.records[t.id];
      ir::ValueList fields;
      fields.reserve(def.fields.size());
      for (size_t i = 0; i < def.fields.size(); ++i)
        fields.push_back(
            read_flat(layout, def.fields[i].type, src + layout.field_offset(t.id, static_cast<int>(i)), owners));
      return Value::record(std::move(fields));
    }
    case TypeKind::List: {
      const uint8_t* elems = load<const uint8_t*>(src);
      uint64_t n = load<uint64_t>(src + 8);
      Slot es = layout.slot(*t.elem);
      ir::ValueList items;
      items.reserve(n);
      for (uint64_t i = 0; i < n; ++i) items.push_back(read_flat(layout, *t.elem, elems + i * es.size, owners));
      return Value::list(std::move(items));
    }
    default: break;
  }
  return Value::none();
}

}  // namespace

Value read_flat(const Layout& layout, const Type& t, const uint8_t* src, const OwnerLookup& owners) {
  if (Layout::has_tag(t)) {
    if (src[0] == 0 || t.kind == TypeKind::None) return Value::none();
    src += layout.value_offset(t);
  }
  return read_present(layout, t, src, owners);
}

// ---- FlatSource ----

ir::ValueSource::Ref FlatSource::present(Ref ref, const Type& type) const {
  const auto* p = static_cast<const uint8_t*>(ref);
  if (!Layout::has_tag(type)) return p;
  if (p[0] == 0 || type.kind == TypeKind::None) return nullptr;
  return p + layout_.value_offset(type);
}

Value FlatSource::scalar(Ref ref, const Type& type) const {
  // A calendar or holiday set is lent, not owned: the writer only reads its name.
  static const OwnerLookup lend = [](const void* raw) {
    return std::shared_ptr<const void>(std::shared_ptr<const void>(), raw);
  };
  return read_present(layout_, type, static_cast<const uint8_t*>(ref), lend);
}

bool FlatSource::boolean(Ref ref, const Type&) const { return static_cast<const uint8_t*>(ref)[0] != 0; }

int64_t FlatSource::integer(Ref ref, const Type&) const { return load<int64_t>(static_cast<const uint8_t*>(ref)); }

int32_t FlatSource::member(Ref ref, const Type& type) const {
  return load_enum(layout_, type, static_cast<const uint8_t*>(ref));
}

std::string_view FlatSource::text(Ref ref) const {
  const auto* p = static_cast<const uint8_t*>(ref);
  const char* data = load<const char*>(p);
  return data ? std::string_view(data, load<uint64_t>(p + 8)) : std::string_view();
}

size_t FlatSource::length(Ref list) const { return load<uint64_t>(static_cast<const uint8_t*>(list) + 8); }

ir::ValueSource::Ref FlatSource::element(Ref list, const Type& type, size_t index) const {
  return load<const uint8_t*>(static_cast<const uint8_t*>(list)) + index * layout_.slot(*type.elem).size;
}

ir::ValueSource::Ref FlatSource::field(Ref record, const Type& type, size_t index) const {
  return static_cast<const uint8_t*>(record) + layout_.field_offset(type.id, static_cast<int>(index));
}

void persist_flat(const Layout& layout, const Type& t, uint8_t* dst, rt::jit::Arena& arena) {
  if (Layout::has_tag(t)) {
    if (dst[0] == 0 || t.kind == TypeKind::None) return;
    dst += layout.value_offset(t);
  }
  if (t.kind == TypeKind::Record) {
    const ir::RecordDef& def = layout.program().schema.records[t.id];
    for (size_t i = 0; i < def.fields.size(); ++i)
      persist_flat(layout, def.fields[i].type, dst + layout.field_offset(t.id, static_cast<int>(i)), arena);
  } else if (t.kind == TypeKind::List) {
    const uint8_t* elems = load<const uint8_t*>(dst);
    uint64_t n = load<uint64_t>(dst + 8);
    if (n == 0) return;
    Slot es = layout.slot(*t.elem);
    auto* copy = static_cast<uint8_t*>(arena.allocate(size_t{es.size} * n, es.align));
    std::memcpy(copy, elems, size_t{es.size} * n);
    if (t.elem->kind == TypeKind::Record || t.elem->kind == TypeKind::List)  // others hold no frame pointers
      for (uint64_t i = 0; i < n; ++i) persist_flat(layout, *t.elem, copy + i * es.size, arena);
    store<const void*>(dst, copy);
  }
}

// A zeroed slot for one input of the (required) type `t`, in `arena`.
static uint8_t* new_input_slot(const Layout& layout, const Type& t, rt::jit::Arena& arena) {
  Slot s = layout.slot(t);
  auto* p = static_cast<uint8_t*>(arena.allocate(std::max<uint32_t>(s.size, 1), std::max<uint32_t>(s.align, 16)));
  std::memset(p, 0, s.size);
  return p;
}

bool flatten_inputs(const Layout& layout, const std::vector<Value>& inputs, FlatRecord* out, std::string* error,
                    std::string* path) {
  const auto& defs = layout.program().inputs;
  if (inputs.size() != defs.size()) {
    if (error) *error = fmt::format("expected {} inputs, got {}", defs.size(), inputs.size());
    return false;
  }
  out->arena_.reset();
  out->pointers_.assign(defs.size(), nullptr);
  for (size_t i = 0; i < defs.size(); ++i) {
    if (inputs[i].is_none()) {
      if (!defs[i].optional) {
        if (path) *path = defs[i].name;
        if (error) *error = path ? "missing required input" : fmt::format("the input `{}` is missing", defs[i].name);
        return false;
      }
      continue;
    }
    Type t = defs[i].type.as_required();
    uint8_t* p = new_input_slot(layout, t, out->arena_);
    std::string why, where;
    if (!write_flat(layout, t, inputs[i], p, out->arena_, &why, &where)) {
      if (path) *path = defs[i].name + where;
      if (error) *error = path ? why : fmt::format("the input `{}{}`: {}", defs[i].name, where, why);
      return false;
    }
    out->pointers_[i] = p;
  }
  return true;
}

// ---- decoding straight into a FlatRecord ----

void FlatSink::begin(size_t inputs) {
  record_.arena_.reset();
  record_.pointers_.assign(inputs, nullptr);
  level_ = 0;
}

ir::ValueSink::Slot FlatSink::input(size_t index, const Type& type) {
  uint8_t* p = new_input_slot(layout_, type, record_.arena_);
  record_.pointers_[index] = p;
  return p;
}

bool FlatSink::scalar(Slot slot, const Type& type, Value&& value, std::string* error) {
  return write_flat(layout_, type, value, static_cast<uint8_t*>(slot), record_.arena_, error);
}

ir::ValueSink::Nested FlatSink::begin_list(Slot, const Type&) {
  if (elements_.size() <= level_) {
    elements_.emplace_back();
    counts_.push_back(0);
  }
  elements_[level_].clear();
  counts_[level_] = 0;
  return {nullptr, level_++};
}

// Elements are gathered in a buffer per nesting level (malloc's alignment suits every slot),
// growing by one zeroed slot at a time; flat values hold no pointers into themselves, so
// moving them when the buffer grows is safe.
ir::ValueSink::Slot FlatSink::element(Nested& list, const Type& type) {
  std::vector<uint8_t>& buffer = elements_[list.level];
  size_t size = layout_.slot(*type.elem).size;
  buffer.resize(buffer.size() + size, 0);
  ++counts_[list.level];
  return buffer.data() + buffer.size() - size;
}

void FlatSink::end_list(Slot slot, const Type& type, Nested& list, bool ok) {
  level_ = list.level;
  if (!ok) return;
  uint8_t* dst = present_value(type, slot);
  const std::vector<uint8_t>& buffer = elements_[list.level];
  jit::Slot es = layout_.slot(*type.elem);
  uint64_t count = counts_[list.level];
  uint8_t* elems = nullptr;
  if (!buffer.empty()) {
    elems = static_cast<uint8_t*>(record_.arena_.allocate(buffer.size(), es.align));
    std::memcpy(elems, buffer.data(), buffer.size());
  }
  store<const void*>(dst, elems);
  store<uint64_t>(dst + 8, count);
}

// ---- constants ----

ConstPlan ConstPlan::of(const ir::Program& program, const Layout& layout) {
  ConstPlan plan;
  plan.node_offset.assign(program.nodes.size(), -1);
  uint32_t at = 0;
  for (size_t i = 0; i < program.nodes.size(); ++i) {
    const ir::Node& n = program.nodes[i];
    if (n.op != ir::Op::Const || is_immediate_kind(n.type.kind)) continue;
    Slot s = layout.slot(n.type);
    at = align_up(at, s.align);
    plan.node_offset[i] = static_cast<int32_t>(at);
    at += s.size;
  }
  plan.size = align_up(at, 16);
  return plan;
}

ConstPool::ConstPool(const ir::Program& program, const Layout& layout, const ConstPlan& plan) {
  data_ = static_cast<uint8_t*>(arena_.allocate(std::max<uint32_t>(plan.size, 16), 16));
  std::memset(data_, 0, std::max<uint32_t>(plan.size, 16));
  for (size_t i = 0; i < program.nodes.size(); ++i) {
    if (plan.node_offset[i] < 0) continue;
    const ir::Node& n = program.nodes[i];
    std::string why;
    if (n.aux < 0 || static_cast<size_t>(n.aux) >= program.consts.size() ||
        !write_flat(layout, n.type, program.consts[n.aux], data_ + plan.node_offset[i], arena_, &why)) {
      if (error_.empty()) error_ = fmt::format("constant node {}: {}", i, why.empty() ? "out of range" : why);
    }
  }
}

}  // namespace proviso::jit
