// Witness input records: from a model or at random (inputs.h).
#include "compiler/diff/inputs.h"

#include <fmt/format.h>

#include <proviso/rt/money.h>
#include <proviso/rt/time.h>

#include "compiler/records/forms.h"

namespace proviso::diff {

using ir::TypeKind;
using K = Sym::Kind;

namespace {

constexpr int64_t kDefaultInstant = 1772409600;  // 2026-03-02T00:00:00Z, a Monday
constexpr int64_t kDefaultDate = 20514;          // 2026-03-02

bool parse_int128(const std::string& s, __int128* out) {
  if (s.empty()) return false;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size() || s.size() - i > 37) return false;
  __int128 v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = s[0] == '-' ? -v : v;
  return true;
}

// A rational "n/d" or "n" as exact decimal text, when it has one with at most 18 decimals.
std::optional<rt::Decimal> rational_to_decimal(const std::string& text) {
  std::string num = text, den = "1";
  if (auto slash = text.find('/'); slash != std::string::npos) {
    num = text.substr(0, slash);
    den = text.substr(slash + 1);
  }
  __int128 n = 0, d = 0;
  if (!parse_int128(num, &n) || !parse_int128(den, &d) || d <= 0) return std::nullopt;
  __int128 pow10 = 1;
  for (int scale = 0; scale <= rt::Decimal::kMaxScale; ++scale, pow10 *= 10) {
    if (pow10 % d != 0) continue;
    __int128 factor = pow10 / d;
    __int128 coefficient = n * factor;
    if (factor != 0 && coefficient / factor != n) return std::nullopt;
    auto dec = rt::Decimal::from_parts(coefficient, scale);
    if (!dec) return std::nullopt;
    return *dec;
  }
  return std::nullopt;
}

Json money_json(const rt::Decimal& amount, int currency) {
  return amount.to_string() + " " + std::string(rt::currency(static_cast<uint16_t>(currency)).code);
}

Json scalar_json(const ir::Type& type, const ir::Schema& schema, int64_t i, const rt::Decimal& d, int currency,
                 const Universe& u, int64_t i2) {
  switch (type.kind) {
    case TypeKind::Bool: return i != 0;
    case TypeKind::Integer: return i;
    case TypeKind::Enum: {
      const auto& members = schema.enums[static_cast<size_t>(type.id)].members;
      std::string name = u.member_name(static_cast<int>(i));
      return name.empty() ? Json(members.front()) : Json(name);
    }
    case TypeKind::Decimal: return d.to_string();
    case TypeKind::Percent: return records::format_percent(d);
    case TypeKind::Money: return money_json(d, currency);
    case TypeKind::Date: return rt::format_date(static_cast<rt::Date>(i));
    case TypeKind::DateTime: return rt::format_datetime_utc(i);
    case TypeKind::Duration: return records::format_iso_duration(i);
    case TypeKind::Period: return records::format_iso_period(i);
    case TypeKind::BusinessDuration: return records::format_business_duration({i, i2});
    case TypeKind::Text: return u.text_of(static_cast<int>(i));
    case TypeKind::Zone: return u.zone_name(static_cast<int>(i));
    default: return nullptr;
  }
}

Json build(const ir::Type& type, const ir::Schema& schema, const std::string& path, ValueSource& source) {
  switch (type.kind) {
    case TypeKind::Record: {
      Json obj = Json::object();
      for (const ir::FieldDef& f : schema.records[static_cast<size_t>(type.id)].fields) {
        std::string p = path + "." + f.name;
        if (f.type.optional && !source.present(p)) continue;
        obj[f.name] = build(f.type.as_required(), schema, p, source);
      }
      return obj;
    }
    case TypeKind::List: {
      Json arr = Json::array();
      int n = source.length(path);
      for (int i = 0; i < n; ++i) {
        std::string p = fmt::format("{}[{}]", path, i);
        if (type.elem->optional && !source.present(p)) {
          arr.push_back(nullptr);
          continue;
        }
        arr.push_back(build(type.elem->as_required(), schema, p, source));
      }
      return arr;
    }
    default: return source.leaf(path, type, schema);
  }
}

}  // namespace

Json build_input(const ir::Program& program, ValueSource& source) {
  Json obj = Json::object();
  for (const ir::InputDef& def : program.inputs) {
    if (def.optional && !source.present(def.name)) continue;
    obj[def.name] = build(def.type, program.schema, def.name, source);
  }
  return obj;
}

// ---------------------------------------------------------------------------------------

bool ModelSource::present(const std::string& path) {
  std::string name = Encoder::presence_name(path);
  if (!u_.has_var(name)) return true;
  return m_.eval(u_.get_var(name), true).is_true();
}

int ModelSource::length(const std::string& path) {
  std::string name = Encoder::length_name(path);
  if (!u_.has_var(name)) return 0;
  return m_.eval(u_.get_var(name), true).get_numeral_int();
}

Json ModelSource::leaf(const std::string& path, const ir::Type& type, const ir::Schema& schema) {
  K kind = Encoder::kind_of(type);
  auto value_of = [&](const std::string& name) -> std::optional<z3::expr> {
    if (!u_.has_var(name)) return std::nullopt;
    return m_.eval(u_.get_var(name), true);
  };
  int64_t i = 0, i2 = 0;
  rt::Decimal d;
  int currency = 0;
  switch (type.kind) {
    case TypeKind::Bool:
      if (auto v = value_of(Encoder::var_name(path, K::Bool))) i = v->is_true() ? 1 : 0;
      break;
    case TypeKind::Decimal:
    case TypeKind::Percent:
    case TypeKind::Money: {
      if (auto v = value_of(Encoder::var_name(path, K::Real))) {
        auto dec = rational_to_decimal(Z3_get_numeral_string(u_.ctx(), *v));
        if (!dec) {
          exact = false;
          dec = rational_to_decimal(v->get_decimal_string(6));
        }
        if (dec) d = *dec;
      }
      if (type.kind == TypeKind::Money) {
        auto c = value_of(Encoder::var_name(path, K::Money));
        currency = c ? c->get_numeral_int() : static_cast<int>(*rt::currency_index("USD"));
      }
      break;
    }
    case TypeKind::BusinessDuration: {
      auto a = value_of(Encoder::var_name(path, K::Int) + "d");
      auto b = value_of(Encoder::var_name(path, K::Int) + "s");
      if (a) i = a->get_numeral_int64();
      if (b) i2 = b->get_numeral_int64();
      break;
    }
    default: {
      auto v = value_of(Encoder::var_name(path, kind));
      if (v && v->is_numeral()) {
        i = v->get_numeral_int64();
      } else {
        // Free: a plain default the decoder accepts.
        switch (type.kind) {
          case TypeKind::Integer: i = type.lo ? *type.lo : std::min<int64_t>(0, type.hi.value_or(0)); break;
          case TypeKind::Enum: i = u_.member_id(schema.enums[static_cast<size_t>(type.id)].members.front()); break;
          case TypeKind::Date: i = kDefaultDate; break;
          case TypeKind::DateTime: i = kDefaultInstant; break;
          case TypeKind::Text: i = u_.text_id(""); break;
          default: break;
        }
      }
      break;
    }
  }
  (void)kind;
  return scalar_json(type, schema, i, d, currency, u_, i2);
}

// ---------------------------------------------------------------------------------------

bool RandomSource::present(const std::string&) { return pick(10) < 7; }

int RandomSource::length(const std::string&) { return pick(u_.list_bound() + 1); }

Json RandomSource::leaf(const std::string&, const ir::Type& type, const ir::Schema& schema) {
  int64_t i = 0, i2 = 0;
  rt::Decimal d;
  int currency = static_cast<int>(*rt::currency_index("USD"));
  switch (type.kind) {
    case TypeKind::Bool: i = pick(2); break;
    case TypeKind::Integer: {
      int64_t lo = type.lo.value_or(-2), hi = type.hi.value_or(std::max<int64_t>(lo + 10, 12));
      if (hi - lo > 40) hi = lo + 40;
      i = lo + pick(static_cast<int>(hi - lo + 1));
      break;
    }
    case TypeKind::Enum: {
      const auto& members = schema.enums[static_cast<size_t>(type.id)].members;
      i = u_.member_id(members[static_cast<size_t>(pick(static_cast<int>(members.size())))]);
      break;
    }
    case TypeKind::Decimal: d = *rt::Decimal::from_parts(pick(20001) - 5000, 2); break;
    case TypeKind::Percent: d = *rt::Decimal::from_parts(pick(201), 2); break;
    case TypeKind::Money: d = *rt::Decimal::from_parts(pick(2000001) - (pick(4) == 0 ? 1000000 : 0), 2); break;
    case TypeKind::Date: i = kDefaultDate - 400 + pick(800); break;
    case TypeKind::DateTime:
      i = kDefaultInstant - 86400LL * 30 + 86400LL * pick(90) + 3600LL * pick(24) + 60LL * (pick(4) * 15);
      break;
    case TypeKind::Duration: i = 900LL * pick(400) - 3600; break;
    case TypeKind::Period: i = pick(37); break;
    case TypeKind::BusinessDuration:
      i = pick(4);
      i2 = 1800LL * pick(20);
      break;
    case TypeKind::Text: i = pick(4) == 0 ? 1000 + pick(3) : pick(8); break;
    case TypeKind::Zone: i = pick(6); break;
    default: break;
  }
  return scalar_json(type, schema, i, d, currency, u_, i2);
}

}  // namespace proviso::diff
