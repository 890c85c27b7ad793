// Replaying witnesses through the reference interpreter (replay.h).
#include "compiler/diff/replay.h"

#include <proviso/rt/money.h>

#include "compiler/records/encode.h"

namespace proviso::diff {

Outcome Replayer::run(const Json& input, int index) {
  Outcome o;
  std::string text = input.dump();
  records::DecodeResult d = decoder_.decode_json(text);
  if (!d.ok()) return o;
  return evaluate(d.values, index);
}

Outcome Replayer::evaluate(const std::vector<ir::Value>& inputs, int index) {
  Outcome o;
  o.decoded = true;
  ir::EvalOptions options;
  options.decisions = {index};
  ir::EvalResult r = interp_.evaluate(inputs, options);
  o.home_zone = r.home_zone;
  if (!r.ok) {
    o.error = r.error;
    return o;
  }
  o.ok = true;
  for (const auto& [v, value] : r.decisions)
    if (v == index) o.value = value;
  return o;
}

Json Replayer::json(const Outcome& o, int index) const {
  if (!o.ok) return records::encode_error(o.error.path, o.error.message);
  return records::encode(o.value, p_.values[static_cast<size_t>(index)].type, p_.schema, o.home_zone);
}

bool same_value(const ir::Value& a, const ir::Value& b) {
  using VK = ir::Value::Kind;
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case VK::Money: {
      const rt::Money &x = a.as_money(), &y = b.as_money();
      if (x.currency != y.currency) return false;
      auto rx = rt::round_to_minor_unit(x), ry = rt::round_to_minor_unit(y);
      if (!rx || !ry) return ir::equal(a, b);
      return rx->amount == ry->amount;
    }
    case VK::List: {
      const auto &x = a.as_list(), &y = b.as_list();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i)
        if (!same_value(x[i], y[i])) return false;
      return true;
    }
    case VK::Record: {
      const auto &x = a.as_record(), &y = b.as_record();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i)
        if (!same_value(x[i], y[i])) return false;
      return true;
    }
    default: return ir::equal(a, b);
  }
}

bool same_observable(const Outcome& a, const Outcome& b, const ir::Type&) {
  if (a.ok != b.ok) return false;
  if (!a.ok) return true;
  return same_value(a.value, b.value);
}

}  // namespace proviso::diff
