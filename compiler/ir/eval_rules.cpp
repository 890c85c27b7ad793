// Shared evaluation rules: text of values and the input path of an error.
#include "compiler/ir/eval_rules.h"

#include <algorithm>

#include <fmt/format.h>

namespace proviso::ir {

rt::Expected<std::shared_ptr<const rt::Calendar>> pause_calendar(std::shared_ptr<const rt::Calendar> base,
                                                                 const std::vector<PauseRecord>& pauses,
                                                                 std::optional<rt::Instant> as_of) {
  std::vector<rt::Pause> spans;
  spans.reserve(pauses.size());
  for (size_t i = 0; i < pauses.size(); ++i) {
    const PauseRecord& p = pauses[i];
    if (!p.until && !as_of)
      return rt::make_error(rt::ErrorCode::InvalidValue,
                            fmt::format("pause {} has no `until` and there is no `as of` instant", i + 1));
    rt::Instant until = p.until ? *p.until : std::max(p.from, *as_of);
    if (until < p.from)
      return rt::make_error(rt::ErrorCode::InvalidValue,
                            fmt::format("pause {} ends ({}) before it starts ({})", i + 1,
                                        rt::format_datetime_utc(until), rt::format_datetime_utc(p.from)));
    spans.push_back({p.from, until});
  }
  return rt::Calendar::pausing(std::move(base), std::move(spans));
}

std::string calendar_text(const rt::Calendar* c) {
  if (!c) return "?";
  if (!c->unpaused()) return std::string(c->name());
  size_t n = c->pauses().size();  // merged: the spans that stop the clock
  return fmt::format("{} pausing {} pause{}", c->name(), n, n == 1 ? "" : "s");
}

std::string business_amount(const BusinessDurationValue& v) {
  std::vector<std::string> parts;
  if (v.days != 0) parts.push_back(fmt::format("{} business day{}", v.days, v.days == 1 ? "" : "s"));
  if (v.seconds != 0) {
    if (v.seconds % 3600 == 0)
      parts.push_back(fmt::format("{} working hour{}", v.seconds / 3600, v.seconds == 3600 ? "" : "s"));
    else if (v.seconds % 60 == 0)
      parts.push_back(fmt::format("{} working minute{}", v.seconds / 60, v.seconds == 60 ? "" : "s"));
    else
      parts.push_back(fmt::format("{} working second{}", v.seconds, v.seconds == 1 ? "" : "s"));
  }
  if (parts.empty()) return "0 working hours";
  return fmt::format("{}", fmt::join(parts, " + "));
}

std::string duration_words(int64_t seconds) {
  if (seconds == 0) return "0 seconds";
  std::string sign = seconds < 0 ? "-" : "";
  uint64_t s = seconds < 0 ? 0 - static_cast<uint64_t>(seconds) : static_cast<uint64_t>(seconds);
  auto part = [](uint64_t n, std::string_view unit) {
    return std::to_string(n) + " " + std::string(unit) + (n == 1 ? "" : "s");
  };
  if (s % 86400 == 0) return sign + part(s / 86400, "day");
  std::string out;
  auto add = [&](uint64_t n, std::string_view unit) {
    if (n == 0) return;
    if (!out.empty()) out += ' ';
    out += part(n, unit);
  };
  add(s / 3600, "hour");
  add(s / 60 % 60, "minute");
  add(s % 60, "second");
  return sign + out;
}

std::string plain_text(const Value& v, const Type& t, const Schema& schema) {
  switch (v.kind()) {
    case Value::Kind::None: return "none";
    case Value::Kind::Bool: return v.as_bool() ? "true" : "false";
    case Value::Kind::Int:
      return t.kind == TypeKind::Schedule ? schedule_name(v.as_int(), schema) : std::to_string(v.as_int());
    case Value::Kind::Decimal:
      if (t.kind == TypeKind::Percent) {
        auto pct = rt::mul(v.as_decimal(), rt::Decimal::from_int(100));
        return (pct ? pct->normalized().to_string() : v.as_decimal().to_string()) + "%";
      }
      return v.as_decimal().to_string();
    case Value::Kind::Money: return rt::format_money(v.as_money());
    case Value::Kind::Date: return rt::format_date(v.as_date());
    case Value::Kind::DateTime: return rt::format_datetime_utc(v.as_datetime());
    case Value::Kind::Duration: return fmt::format("{} seconds", v.as_duration());
    case Value::Kind::BusinessDuration: return business_amount(v.as_business_duration());
    case Value::Kind::Period: return fmt::format("{} months", v.as_period());
    case Value::Kind::Text: return v.as_text();
    case Value::Kind::Enum:
      return t.kind == TypeKind::Enum
                 ? schema.enums[static_cast<size_t>(t.id)].members[static_cast<size_t>(v.as_enum())]
                 : std::to_string(v.as_enum());
    case Value::Kind::Zone: return std::string(v.as_zone()->name());
    case Value::Kind::Calendar: return calendar_text(v.as_calendar().get());
    case Value::Kind::Holidays: return std::string(v.as_holidays()->name());
    case Value::Kind::List: {
      std::vector<std::string> parts;
      for (const Value& x : v.as_list()) parts.push_back(plain_text(x, t.elem ? *t.elem : Type::error(), schema));
      return fmt::format("[{}]", fmt::join(parts, ", "));
    }
    case Value::Kind::Record: return "{...}";
  }
  return "";
}

std::string input_path(const Program& p, NodeId id) {
  const Node& n = p.nodes[static_cast<size_t>(id)];
  switch (n.op) {
    case Op::Input: return p.inputs[static_cast<size_t>(n.aux)].name;
    case Op::Unwrap: return input_path(p, n.a);
    case Op::Field: {
      std::string base = input_path(p, n.a);
      if (base.empty()) return "";
      const Type& record = p.nodes[static_cast<size_t>(n.a)].type;
      if (record.kind != TypeKind::Record) return "";
      return base + "." + p.schema.records[static_cast<size_t>(record.id)].fields[static_cast<size_t>(n.aux)].name;
    }
    default: return "";
  }
}

namespace {

void collect_paths(const Program& p, NodeId id, std::vector<std::string>& out, int depth) {
  if (id < 0 || depth > 12 || out.size() > 8) return;
  std::string path = input_path(p, id);
  if (!path.empty()) {
    out.push_back(path);
    return;
  }
  const Node& n = p.nodes[static_cast<size_t>(id)];
  if (n.op == Op::ValueRef || n.op == Op::TableGet) return;
  for (NodeId c : {n.a, n.b, n.c}) collect_paths(p, c, out, depth + 1);
  for (NodeId c : n.args) collect_paths(p, c, out, depth + 1);
}

}  // namespace

std::string error_input_path(const Program& p, NodeId failing) {
  std::vector<std::string> paths;
  if (failing >= 0) collect_paths(p, failing, paths, 0);
  if (paths.empty()) return "";
  std::string prefix = paths[0];
  for (const auto& path : paths) {
    size_t n = 0;
    while (n < prefix.size() && n < path.size() && prefix[n] == path[n]) ++n;
    prefix.resize(n);
  }
  // Cut back to a whole path component.
  bool whole = std::all_of(paths.begin(), paths.end(), [&](const std::string& x) {
    return x.size() == prefix.size() || (x.size() > prefix.size() && x[prefix.size()] == '.');
  });
  if (!whole) {
    size_t dot = prefix.rfind('.');
    prefix = dot == std::string::npos ? "" : prefix.substr(0, dot);
  }
  while (!prefix.empty() && (prefix.back() == '.' || prefix.back() == '[')) prefix.pop_back();
  return prefix;
}

}  // namespace proviso::ir
