// Flat memory layout of IR values for JIT-compiled code (no LLVM here): fixed offsets with
// natural alignment, and conversion between interpreter values and flat bytes.
// Takes: a checked ir::Program. Gives: the size, alignment and field offsets of every type,
// the output struct (one slot per decision, then the home zone), the constant pool plan, and
// flatten/read functions. INVARIANT: the layout is a pure function of the program, so code
// compiled for one program (and cached on disk) agrees with a layout rebuilt later.
//
//   bool u8 | integer i64 | enum u8 (u16 past 256 members, i32 past 65,536) | date i32
//   datetime, duration, period i64
//   business duration {i64 days, i64 seconds} | decimal, percent {i128 coefficient, i32 scale}
//   money {decimal, u16 currency} | text {const char*, u64 bytes} | zone, calendar, holidays ptr
//   list {ptr, u64 count} of flat elements | record: inline, its fields by decreasing alignment
//   (in declaration order among equals), so that small fields share words with no padding
//   optional T: u8 tag (1 = present) at 0, the value at alignof(T)
#pragma once
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <proviso/rt/jit_abi.h>

#include "compiler/ir/program.h"
#include "compiler/ir/value_sink.h"
#include "compiler/ir/value_source.h"

namespace proviso::jit {

struct Slot {
  uint32_t size = 0;
  uint32_t align = 1;
};

inline uint32_t align_up(uint32_t n, uint32_t a) { return (n + a - 1) / a * a; }

// Types whose constants generated code holds as immediates (everything else is read from the
// constant pool, which holds process-specific pointers).
bool is_immediate_kind(ir::TypeKind k);
// True when a value of this type may hold a list (which must be copied out of a frame).
bool contains_list(const ir::Type& t, const ir::Schema& schema);

class Layout {
 public:
  explicit Layout(const ir::Program& program);

  const ir::Program& program() const { return program_; }
  // The whole slot, optional tag included.
  Slot slot(const ir::Type& t) const;
  // The value alone, as if the type were required.
  Slot value_slot(const ir::Type& t) const;
  // Offset of the value inside its slot: 0 when required, alignof(value) when optional.
  // Inline for the scalars a decoder writes most (value_slot's alignments), the rest out of line.
  uint32_t value_offset(const ir::Type& t) const {
    if (!has_tag(t)) return 0;
    switch (t.kind) {
      case ir::TypeKind::Bool: return 1;
      case ir::TypeKind::Date: return 4;
      case ir::TypeKind::Integer:
      case ir::TypeKind::DateTime: return 8;
      default: return tagged_value_offset(t);
    }
  }
  static bool has_tag(const ir::Type& t) { return t.optional || t.kind == ir::TypeKind::None; }
  // The bytes of an enum value: 1, 2 or 4, by its number of members.
  uint32_t enum_bytes(const ir::Type& t) const {
    return t.id >= 0 && static_cast<size_t>(t.id) < enum_bytes_.size() ? enum_bytes_[static_cast<size_t>(t.id)] : 4;
  }

  Slot record_slot(int record) const { return records_[record].slot; }
  uint32_t field_offset(int record, int field) const { return records_[record].offsets[field]; }
  const uint32_t* field_offsets(int record) const { return records_[record].offsets.data(); }

  // The output struct of one evaluation.
  Slot output_slot() const { return output_; }
  uint32_t decision_offset(size_t position) const { return decision_offsets_[position]; }
  uint32_t home_zone_offset() const { return home_zone_offset_; }

  // A description of the first type the layout cannot represent, or "" when none.
  const std::string& unsupported() const { return unsupported_; }

 private:
  struct RecordLayout {
    Slot slot;
    std::vector<uint32_t> offsets;
    int state = 0;  // 0 not built, 1 building, 2 built
  };
  void build_record(int id);
  uint32_t tagged_value_offset(const ir::Type& t) const;

  const ir::Program& program_;
  mutable std::vector<RecordLayout> records_;
  std::vector<uint8_t> enum_bytes_;  // by enum id
  Slot output_;
  std::vector<uint32_t> decision_offsets_;
  uint32_t home_zone_offset_ = 0;
  std::string unsupported_;
};

// Finds the owner of a calendar or holiday set pointer met in flat memory.
using OwnerLookup = std::function<std::shared_ptr<const void>(const void* raw)>;

// Writes `v` (of static type `t`) at `dst` in flat form; texts, list elements, calendars and
// holiday sets go to (or are kept alive by) `arena`. False, with a message, when the value
// does not have the type's shape; `where` (if given) then gets the place inside `v` that is
// wrong, as a path suffix (".severity", "[2].amount"; "" for `v` itself).
bool write_flat(const Layout& layout, const ir::Type& t, const ir::Value& v, uint8_t* dst, rt::jit::Arena& arena,
                std::string* error, std::string* where = nullptr);
// Reads a flat value back into an interpreter value.
ir::Value read_flat(const Layout& layout, const ir::Type& t, const uint8_t* src, const OwnerLookup& owners);
// Flat values read in place, for an encoder (compiler/ir/value_source.h): a Ref is the address
// of a slot. Valid while the memory it reads (the output struct, its arena, the record) is.
class FlatSource final : public ir::ValueSource {
 public:
  explicit FlatSource(const Layout& layout) : layout_(layout) {}
  Ref present(Ref ref, const ir::Type& type) const override;
  ir::Value scalar(Ref ref, const ir::Type& type) const override;
  bool boolean(Ref ref, const ir::Type& type) const override;
  int64_t integer(Ref ref, const ir::Type& type) const override;
  int32_t member(Ref ref, const ir::Type& type) const override;
  std::string_view text(Ref ref) const override;
  size_t length(Ref list) const override;
  Ref element(Ref list, const ir::Type& type, size_t index) const override;
  Ref field(Ref record, const ir::Type& type, size_t index) const override;

 private:
  const Layout& layout_;
};
// Copies the lists inside a flat value into `arena` (they may point into a dead frame).
void persist_flat(const Layout& layout, const ir::Type& t, uint8_t* dst, rt::jit::Arena& arena);

class FlatSink;

// One evaluation input in flat form: one pointer per InputDef (null for an absent optional
// input) into memory owned by this object. Built by flatten_inputs from ir::Values, or by a
// decoder through a FlatSink.
class FlatRecord {
 public:
  const uint8_t* const* pointers() const { return pointers_.data(); }
  size_t size() const { return pointers_.size(); }
  std::shared_ptr<const void> owner_of(const void* raw) const { return arena_.find(raw); }
  // The bytes its texts and lists take (FlatSink's or flatten_inputs' last record).
  size_t bytes_used() const { return arena_.bytes_used(); }

 private:
  friend bool flatten_inputs(const Layout&, const std::vector<ir::Value>&, FlatRecord*, std::string*, std::string*);
  friend class FlatSink;
  // Sized for one small record, so that a batch of many flattened records stays close in
  // memory (a record with lists or texts grows it).
  rt::jit::Arena arena_{64};
  std::vector<const uint8_t*> pointers_;
};

// False when an input does not fit its declared type. With `path`, `error` is the message and
// `path` the input path of the wrong value ("case.severity"); without, `error` names the path.
bool flatten_inputs(const Layout& layout, const std::vector<ir::Value>& inputs, FlatRecord* out, std::string* error,
                    std::string* path = nullptr);

// A decoder's sink (compiler/ir/value_sink.h) that writes the inputs straight into a
// FlatRecord, as flatten_inputs would write the same values, with no ir::Value tree between:
// records in place, list elements gathered per nesting level and then copied into the
// record's arena, texts copied into it. Reuses its buffers between documents.
class FlatSink final : public ir::ValueSink {
 public:
  FlatSink(const Layout& layout, FlatRecord& record) : layout_(layout), record_(record) {}

  void begin(size_t inputs) override;
  Slot input(size_t index, const ir::Type& type) override;
  // The calls a decoder makes for each value are defined here, so that a decoder bound to this
  // class (records::Decoder::decode_json_as) inlines them.
  void none(Slot slot, const ir::Type& type) override {
    if (Layout::has_tag(type)) static_cast<uint8_t*>(slot)[0] = 0;
  }
  bool scalar(Slot slot, const ir::Type& type, ir::Value&& value, std::string* error) override;
  bool boolean(Slot slot, const ir::Type& type, bool value, std::string*) override {
    present_value(type, slot)[0] = value ? 1 : 0;
    return true;
  }
  bool integer(Slot slot, const ir::Type& type, int64_t value, std::string*) override {
    std::memcpy(present_value(type, slot), &value, sizeof value);
    return true;
  }
  bool enumeration(Slot slot, const ir::Type& type, int32_t member, std::string*) override {
    uint8_t* dst = present_value(type, slot);
    switch (layout_.enum_bytes(type)) {  // as Layout::enum_bytes gives the width
      case 1: dst[0] = static_cast<uint8_t>(member); break;
      case 2: {
        auto m = static_cast<uint16_t>(member);
        std::memcpy(dst, &m, sizeof m);
        break;
      }
      default: std::memcpy(dst, &member, sizeof member);
    }
    return true;
  }
  bool date(Slot slot, const ir::Type& type, rt::Date days, std::string*) override {
    std::memcpy(present_value(type, slot), &days, sizeof days);
    return true;
  }
  bool datetime(Slot slot, const ir::Type& type, rt::Instant seconds, std::string*) override {
    std::memcpy(present_value(type, slot), &seconds, sizeof seconds);
    return true;
  }
  bool money(Slot slot, const ir::Type& type, const rt::Money& amount, std::string*) override {
    uint8_t* dst = present_value(type, slot);  // as write_flat lays it out
    std::memcpy(dst, &amount.amount, 32);
    std::memcpy(dst + 32, &amount.currency, sizeof amount.currency);
    return true;
  }
  // Slots handed out are zeroed (input(), element(), or inside a zeroed record), so a record's
  // absent optional fields already read as none.
  Nested begin_record(Slot slot, const ir::Type& type) override {
    return {present_value(type, slot), 0, layout_.field_offsets(type.id)};
  }
  Slot field(Nested& record, const ir::Type&, size_t index) override {
    return static_cast<uint8_t*>(record.at) + static_cast<const uint32_t*>(record.plan)[index];
  }
  void end_record(Slot, const ir::Type&, Nested&, bool) override {}
  Nested begin_list(Slot slot, const ir::Type& type) override;
  Slot element(Nested& list, const ir::Type& type) override;
  void end_list(Slot slot, const ir::Type& type, Nested& list, bool ok) override;

 private:
  // Where a present value of `type` goes in its slot: the slot itself, or, for an optional
  // type, after its tag, which is set to 1 (present), as write_flat does.
  [[gnu::always_inline]] uint8_t* present_value(const ir::Type& type, Slot slot) const {
    auto* p = static_cast<uint8_t*>(slot);
    if (!Layout::has_tag(type)) return p;
    p[0] = 1;
    return p + layout_.value_offset(type);
  }

  const Layout& layout_;
  FlatRecord& record_;
  std::vector<std::vector<uint8_t>> elements_;  // per list nesting level, the elements so far
  std::vector<uint64_t> counts_;                // and how many there are
  size_t level_ = 0;
};

// Where constants that are not immediates live in the constant pool.
struct ConstPlan {
  std::vector<int32_t> node_offset;  // per node: offset of a pooled Const node's value, else -1
  uint32_t size = 0;
  static ConstPlan of(const ir::Program& program, const Layout& layout);
};

// The constant pool of a program: built per process (it holds pointers).
class ConstPool {
 public:
  ConstPool(const ir::Program& program, const Layout& layout, const ConstPlan& plan);
  const uint8_t* data() const { return data_; }
  std::shared_ptr<const void> owner_of(const void* raw) const { return arena_.find(raw); }
  const std::string& error() const { return error_; }

 private:
  rt::jit::Arena arena_;
  uint8_t* data_ = nullptr;
  std::string error_;
};

}  // namespace proviso::jit
