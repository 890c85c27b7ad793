#include "api/jit_lines.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include <proviso/rt/money.h>
#include <proviso/rt/time.h>

namespace proviso::api {

namespace {

static_assert(sizeof(rt::Decimal) == 32, "jit::Layout stores a Decimal's 32 bytes as they are");

constexpr std::string_view kHead = "{\"decisions\":{";
constexpr std::string_view kTail = "}}";

// The text in a text slot (a pointer, then a size), as jit::FlatSource::text reads it.
std::string_view text_at(const uint8_t* slot) {
  const char* data;
  uint64_t size;
  std::memcpy(static_cast<void*>(&data), slot, sizeof data);
  std::memcpy(&size, slot + 8, sizeof size);
  return data ? std::string_view(data, size) : std::string_view();
}

// Copies `s` to `p` and gives the end.
char* put(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

}  // namespace

JitLineWriter::JitLineWriter(const jit::Layout& layout, const records::LinePlan& plan) : layout_(layout), plan_(plan) {
  const ir::Program& program = layout.program();
  for (int32_t v : program.decisions) {
    Decision d;
    d.value = v;
    d.type = &program.values[static_cast<size_t>(v)].type;
    d.key = plan.key(v);
    const ir::Type& t = *d.type;
    d.tagged = jit::Layout::has_tag(t);
    d.value_offset = d.tagged ? layout.value_offset(t) : 0;
    switch (t.kind) {
      case ir::TypeKind::Bool: d.form = Form::Bool; break;
      case ir::TypeKind::Integer: d.form = Form::Integer; break;
      case ir::TypeKind::Enum:
        if (t.id < 0 || static_cast<size_t>(t.id) >= program.schema.enums.size()) break;
        d.form = Form::Enum;
        d.enum_bytes = static_cast<uint8_t>(layout.enum_bytes(t));
        break;
      case ir::TypeKind::Text: d.form = Form::Text; break;
      case ir::TypeKind::List:
        // A list of required texts: its elements are text slots of 16 bytes (pointer, size).
        if (t.elem && t.elem->kind == ir::TypeKind::Text && !jit::Layout::has_tag(*t.elem) &&
            layout.slot(*t.elem).size == 16)
          d.form = Form::TextList;
        break;
      case ir::TypeKind::Date: d.form = Form::Date; break;
      case ir::TypeKind::DateTime: d.form = Form::DateTime; break;
      case ir::TypeKind::Money: d.form = Form::Money; break;
      default: d.form = Form::Other;
    }
    if (!d.key) d.form = Form::Other;  // never: every decision has its key in the plan
    if (d.key) d.key_at = add_piece(*d.key);
    if (d.form == Form::Enum) {
      d.members_at = static_cast<uint32_t>(pieces_.size());
      const size_t members = program.schema.enums[static_cast<size_t>(t.id)].members.size();
      for (size_t m = 0; m < members; ++m) {
        const std::string* s = plan.member(t.id, static_cast<int32_t>(m));
        if (s) {
          add_piece(*s);
        } else {
          pieces_.push_back({0, kNoPiece});  // written by the encoder
        }
      }
      d.members = static_cast<uint32_t>(members);
    }
    decisions_.push_back(d);
  }
  texts_.append(kPad, '\0');
  // What each decision may take when written here: a comma, its key, and its value's longest
  // form ("null" for an absent one); summed from the last decision back.
  size_t rest = kTail.size();
  for (size_t i = decisions_.size(); i-- > 0;) {
    Decision& d = decisions_[i];
    size_t value = 4;  // null
    switch (d.form) {
      case Form::Bool: value = 5; break;
      case Form::Integer: value = 20; break;  // -9223372036854775808
      case Form::Enum: {
        const std::vector<std::string>& members =
            layout.program().schema.enums[static_cast<size_t>(d.type->id)].members;
        for (size_t m = 0; m < members.size(); ++m)
          if (const std::string* s = plan.member(d.type->id, static_cast<int32_t>(m)))
            value = std::max(value, s->size());
        break;
      }
      case Form::Text: value = kShortText + 2; break;
      case Form::TextList: value = kListRoom; break;
      case Form::Date:
      case Form::DateTime: value = rt::kDateTimeChars + 2; break;
      case Form::Money: value = rt::kMoneyChars + 2; break;
      case Form::Other: break;
    }
    rest += 1 + (d.key ? d.key->size() : 0) + value;
    d.rest = rest;
  }
}

uint32_t JitLineWriter::add_piece(std::string_view text) {
  pieces_.push_back({static_cast<uint32_t>(texts_.size()), static_cast<uint32_t>(text.size())});
  texts_.append(text);
  return static_cast<uint32_t>(pieces_.size() - 1);
}

std::optional<std::pair<std::string, std::string>> JitLineWriter::write(std::string& out, const ir::ValueSource& source,
                                                                        std::span<const ir::DecisionRef> decisions,
                                                                        const rt::Zone* home_zone) const {
  const ir::Program& program = layout_.program();
  if (decisions.size() != decisions_.size() || decisions_.empty())
    return records::write_decisions_line(out, program, source, decisions, home_zone, &plan_);
  const rt::Zone& zone = home_zone ? *home_zone : *rt::utc_zone();
  const size_t start = out.size();
  // The line is written through `p` into room made for everything this writer writes itself;
  // a value written by the encoder first gives back what is unused, then makes room again.
  out.resize(start + kHead.size() + decisions_.front().rest + kPad);
  char* p = put(out.data() + start, kHead);
  for (size_t i = 0; i < decisions_.size(); ++i) {
    const Decision& d = decisions_[i];
    if (decisions[i].value != d.value) {  // not every decision in order: the general writer
      out.resize(start);
      return records::write_decisions_line(out, program, source, decisions, home_zone, &plan_);
    }
    if (i) *p++ = ',';
    p = put_piece(p, d.key_at);
    const auto* slot = static_cast<const uint8_t*>(decisions[i].ref);
    if (d.tagged && slot[0] == 0) {
      p = put(p, "null");
      continue;
    }
    const uint8_t* v = slot + d.value_offset;
    switch (d.form) {
      case Form::Bool: p = v[0] ? put(p, "true") : put(p, "false"); continue;
      case Form::Integer: {
        int64_t n;
        std::memcpy(&n, v, sizeof n);
        p = std::to_chars(p, p + 20, n).ptr;
        continue;
      }
      case Form::Enum: {
        int32_t m = 0;
        if (d.enum_bytes == 1) {
          m = v[0];
        } else if (d.enum_bytes == 2) {
          uint16_t w;
          std::memcpy(&w, v, sizeof w);
          m = w;
        } else {
          std::memcpy(&m, v, sizeof m);
        }
        if (m >= 0 && static_cast<uint32_t>(m) < d.members) {
          const uint32_t piece = d.members_at + static_cast<uint32_t>(m);
          if (pieces_[piece].size != kNoPiece) {
            p = put_piece(p, piece);
            continue;
          }
        }
        break;
      }
      case Form::Text: {
        const std::string_view text = text_at(v);
        if (text.size() <= kShortText && records::plain_json_text(text)) {
          *p++ = '"';
          p = put(p, text);
          *p++ = '"';
          continue;
        }
        break;
      }
      case Form::TextList: {
        const uint8_t* elements;
        uint64_t count;
        std::memcpy(static_cast<void*>(&elements), v, sizeof elements);
        std::memcpy(&count, v + 8, sizeof count);
        size_t need = 2;  // [ ]
        bool here = true;
        for (uint64_t k = 0; k < count && here; ++k) {
          const std::string_view text = text_at(elements + 16 * k);
          here = text.size() <= kShortText && records::plain_json_text(text);
          need += text.size() + 3;  // quotes and a comma
        }
        if (!here) break;
        // The room made for this list may be too small: make more, for the rest of the line too.
        const size_t at = static_cast<size_t>(p - out.data());
        const size_t after = i + 1 < decisions_.size() ? decisions_[i + 1].rest : kTail.size();
        if (at + need + after + kPad > out.size()) {
          out.resize(at + need + after + kPad);
          p = out.data() + at;
        }
        *p++ = '[';
        for (uint64_t k = 0; k < count; ++k) {
          if (k) *p++ = ',';
          *p++ = '"';
          p = put(p, text_at(elements + 16 * k));
          *p++ = '"';
        }
        *p++ = ']';
        continue;
      }
      case Form::Date: {
        int32_t days;
        std::memcpy(&days, v, sizeof days);
        *p++ = '"';
        p = rt::write_date(p, days);
        *p++ = '"';
        continue;
      }
      case Form::DateTime: {
        int64_t seconds;
        std::memcpy(&seconds, v, sizeof seconds);
        if (char* end = rt::write_datetime(p + 1, seconds, zone)) {  // else unwritable: the encoder says why
          *p = '"';
          p = end;
          *p++ = '"';
          continue;
        }
        break;
      }
      case Form::Money: {
        rt::Money m;  // as jit::Layout lays it out: the Decimal's bytes, then the currency at 32
        std::memcpy(static_cast<void*>(&m.amount), v, sizeof m.amount);
        std::memcpy(&m.currency, v + 32, sizeof m.currency);
        *p++ = '"';
        p = rt::write_money(p, m);
        *p++ = '"';
        continue;
      }
      case Form::Other: break;
    }
    // The encoder writes this value: `out` is cut to what is written, and room made again.
    out.resize(static_cast<size_t>(p - out.data()));
    if (auto bad = records::write_value_json(out, source, slot, *d.type, program.schema, zone, &plan_))
      return std::pair{program.values[static_cast<size_t>(d.value)].name + bad->first, std::move(bad->second)};
    const size_t at = out.size();
    out.resize(at + (i + 1 < decisions_.size() ? decisions_[i + 1].rest : kTail.size()) + kPad);
    p = out.data() + at;
  }
  p = put(p, kTail);
  out.resize(static_cast<size_t>(p - out.data()));
  return std::nullopt;
}

}  // namespace proviso::api
