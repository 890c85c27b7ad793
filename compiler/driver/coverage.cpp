// Test coverage: the policy's tests run on the interpreter with ir::CoverageMarks, then the
// items of the policy's own file are listed with what the marks say of them. The evaluation
// itself is the interpreter's, unchanged: this file only names what it marked.
#include "compiler/driver/coverage.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "compiler/ir/evaluation.h"
#include "grammar/parser.h"

namespace proviso::driver {

double CoverageCount::percent() const {
  if (total == 0) return 100.0;
  return std::floor(1000.0 * reached / total) / 10.0;
}

const char* coverage_key(CoverageItem::Kind kind) {
  switch (kind) {
    case CoverageItem::Kind::TableRow: return "table_rows";
    case CoverageItem::Kind::MatchArm: return "match_arms";
    case CoverageItem::Kind::Exclusion: return "exclusions";
    case CoverageItem::Kind::Branch: return "branches";
    case CoverageItem::Kind::Clause: return "clauses";
  }
  return "";
}

const char* coverage_words(CoverageItem::Kind kind) {
  switch (kind) {
    case CoverageItem::Kind::TableRow: return "table rows";
    case CoverageItem::Kind::MatchArm: return "match arms";
    case CoverageItem::Kind::Exclusion: return "exclusions";
    case CoverageItem::Kind::Branch: return "branches";
    case CoverageItem::Kind::Clause: return "clauses";
  }
  return "";
}

namespace {

using Kind = CoverageItem::Kind;

bool is_aggregate(ir::Op op) {
  switch (op) {
    case ir::Op::AggAny:
    case ir::Op::AggAll:
    case ir::Op::AggCount:
    case ir::Op::AggSum:
    case ir::Op::AggMin:
    case ir::Op::AggMax:
    case ir::Op::AggFilter:
    case ir::Op::AggMinBy:
    case ir::Op::AggMaxBy: return true;
    default: return false;
  }
}

const char* aggregate_name(ir::Op op) {
  switch (op) {
    case ir::Op::AggAny: return "any";
    case ir::Op::AggAll: return "all";
    case ir::Op::AggCount: return "count";
    case ir::Op::AggSum: return "sum";
    case ir::Op::AggMin: return "min";
    case ir::Op::AggMax: return "max";
    case ir::Op::AggFilter: return "filter";
    case ir::Op::AggMinBy: return "min_by";
    case ir::Op::AggMaxBy: return "max_by";
    default: return "";
  }
}

// Source text on one line, shortened: a condition or pattern named in a message.
std::string short_text(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  constexpr size_t kMax = 48;
  if (out.size() > kMax) out = out.substr(0, kMax - 3) + "...";
  return out;
}

// Where a match arm's pattern starts and ends, read from the text between the end of what
// precedes it (the subject, or the previous arm's body) and the start of its body: past white
// space, `--` comments, `{`, `(`, `)` and `,` to the pattern, which ends before its `=>`. The IR
// keeps only the bodies' places; patterns hold no comma, brace or `=>` of their own.
bool pattern_span(std::string_view text, uint32_t from, uint32_t body, Span& out) {
  if (from > body || body > text.size()) return false;
  uint32_t i = from;
  while (i < body) {
    char c = text[i];
    if (c == '-' && i + 1 < body && text[i + 1] == '-') {
      while (i < body && text[i] != '\n') ++i;
    } else if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '{' || c == '(' || c == ')' || c == ',') {
      ++i;
    } else {
      break;
    }
  }
  uint32_t start = i;
  while (i + 1 < body) {
    if (text[i] == '-' && text[i + 1] == '-') {
      while (i < body && text[i] != '\n') ++i;
      continue;
    }
    if (text[i] == '=' && text[i + 1] == '>') break;
    ++i;
  }
  if (i + 1 >= body || i <= start) return false;
  uint32_t end = i;
  while (end > start &&
         (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\n' || text[end - 1] == '\r'))
    --end;
  out = {start, end};
  return true;
}

// The `clause "..."` citations of the declarations of the policy's own file, by kind and
// name: the IR keeps a clause's text, not its place.
struct Citations {
  std::map<std::string, Span> values, tables, calendars, schedules;
};

Citations citations(const SourcePtr& source) {
  Citations c;
  syntax::ParseResult parsed = syntax::parse(source);
  for (const ast::Decl& d : parsed.module.decls) {
    if (const auto* v = d.value_decl(); v && v->clause) c.values[v->name.text] = v->clause->span;
    if (const auto* x = d.exclusions_decl(); x && x->clause) c.values[x->name.text] = x->clause->span;
    if (const auto* t = d.table_decl(); t && t->clause) c.tables[t->name.text] = t->clause->span;
    if (const auto* k = d.calendar_decl(); k && k->clause) c.calendars[k->name.text] = k->clause->span;
    if (const auto* s = d.schedule_decl(); s && s->clause) c.schedules[s->name.text] = s->clause->span;
  }
  return c;
}

const char* value_kind_word(const ir::ValueDef& v) {
  if (v.is_exclusions) return "exclusions";
  switch (v.kind) {
    case ir::ValueKind::Const: return "const";
    case ir::ValueKind::Let: return "let";
    case ir::ValueKind::Decision: return "decision";
  }
  return "";
}

class Collector {
 public:
  Collector(const ir::Program& p, const ir::CoverageMarks& marks, Coverage& out)
      : p_(p), marks_(marks), out_(out), owner_(p.nodes.size(), -1) {}

  void run() {
    if (p_.files.empty() || !p_.files[0]) return;
    text_ = p_.files[0]->text();
    find_owners();
    for (size_t id = 0; id < p_.nodes.size(); ++id)
      if (owner_[id] >= 0) node(static_cast<ir::NodeId>(id));
    rows();
    clauses();
  }

 private:
  // Each node reachable from a declaration, with the declaration it belongs to (its name in
  // owners_). Nodes of tests and fixtures are reached from none and are not measured.
  void find_owners() {
    auto walk = [&](ir::NodeId root, int owner) {
      std::vector<ir::NodeId> stack{root};
      while (!stack.empty()) {
        ir::NodeId id = stack.back();
        stack.pop_back();
        if (id < 0 || static_cast<size_t>(id) >= p_.nodes.size() || owner_[id] >= 0) continue;
        owner_[id] = owner;
        const ir::Node& n = p_.nodes[id];
        for (ir::NodeId child : {n.a, n.b, n.c}) stack.push_back(child);
        for (ir::NodeId child : n.args) stack.push_back(child);
      }
    };
    auto add_owner = [&](std::string name) {
      owners_.push_back(std::move(name));
      return static_cast<int>(owners_.size() - 1);
    };
    for (const ir::ValueDef& v : p_.values) walk(v.body, add_owner(v.name));
    for (const ir::TableDef& t : p_.tables) {
      int owner = add_owner(t.name);
      for (ir::NodeId g : t.given) walk(g, owner);
      for (const ir::TableRow& row : t.rows)
        for (ir::NodeId o : row.outputs) walk(o, owner);
    }
    for (const ir::CalendarDef& c : p_.calendars) {
      int owner = add_owner(c.name);
      for (ir::NodeId id : {c.schedule, c.zone, c.holidays}) walk(id, owner);
    }
    if (p_.home_zone >= 0) walk(p_.home_zone, add_owner("home zone"));
  }

  // The place of node `id` in the policy's own file, or null.
  const ir::Loc* own_loc(ir::NodeId id) const {
    const ir::Loc* loc = id >= 0 ? p_.node_loc(id) : nullptr;
    return loc && loc->file == 0 ? loc : nullptr;
  }

  void add(Kind kind, Span span, std::string what, bool reached) {
    out_.items.push_back({kind, 0, span, std::move(what), reached});
  }

  void node(ir::NodeId id) {
    const ir::Node& n = p_.nodes[id];
    const ir::Loc* loc = own_loc(id);
    if (!loc) return;
    const std::string& owner = owners_[static_cast<size_t>(owner_[id])];
    if (n.op == ir::Op::If) {
      std::string cond = short_text(p_.node_text(n.a));
      for (int part = 0; part < 2; ++part) {
        const ir::Loc* branch = own_loc(part == 0 ? n.b : n.c);
        add(Kind::Branch, branch ? branch->span : loc->span,
            fmt::format("`{}` branch of `if {}` in `{}`", part == 0 ? "then" : "else", cond, owner),
            marks_.reached(id, static_cast<size_t>(part)));
      }
    } else if (n.op == ir::Op::Switch) {
      const ir::Loc* subject = own_loc(n.a);
      uint32_t from = subject ? subject->span.end : loc->span.begin;
      std::string subject_text = short_text(p_.node_text(n.a));
      for (size_t i = 0; i < n.args.size(); ++i) {
        const ir::Loc* body = own_loc(n.args[i]);
        Span pattern{};
        bool found = body && body->span.begin >= loc->span.begin && body->span.end <= loc->span.end &&
                     pattern_span(text_, from, body->span.begin, pattern);
        Span span = found ? Span{pattern.begin, body->span.end} : body ? body->span : loc->span;
        std::string what =
            found ? fmt::format("match arm `{}` of `match {}` in `{}`",
                                short_text(text_.substr(pattern.begin, pattern.size())), subject_text, owner)
                  : fmt::format("match arm {} of `match {}` in `{}`", i + 1, subject_text, owner);
        add(Kind::MatchArm, span, std::move(what), marks_.reached(id, i));
        if (body && body->span.end > from) from = body->span.end;
      }
    } else if (n.op == ir::Op::Collect || (is_aggregate(n.op) && !n.args.empty())) {
      // `exclusions` and `collect`: value, condition, ...; an aggregation: clause, condition, ...
      const ir::ValueDef* exclusions = nullptr;
      for (const ir::ValueDef& v : p_.values)
        if (v.is_exclusions && v.body == id) exclusions = &v;
      for (size_t i = 0; i + 1 < n.args.size(); i += 2) {
        const ir::Loc* value = own_loc(n.args[i]);
        const ir::Loc* cond = own_loc(n.args[i + 1]);
        Span span = value && cond ? Span::cover(value->span, cond->span) : value ? value->span : loc->span;
        std::string entry = short_text(p_.node_text(n.args[i]));
        std::string what = exclusions ? fmt::format("exclusion {} of `{}`", entry, exclusions->name)
                           : n.op == ir::Op::Collect
                               ? fmt::format("`collect` entry {} in `{}`", entry, owner)
                               : fmt::format("exclusion {} of the `{}` over `{}` in `{}`", entry, aggregate_name(n.op),
                                             short_text(p_.node_text(n.a)), owner);
        add(Kind::Exclusion, span, std::move(what), marks_.reached(id, i / 2));
      }
    }
  }

  void rows() {
    for (size_t t = 0; t < p_.tables.size(); ++t) {
      const ir::TableDef& def = p_.tables[t];
      for (size_t r = 0; r < def.rows.size(); ++r) {
        const ir::Loc* loc = p_.row_loc(static_cast<int>(t), static_cast<int>(r));
        if (!loc || loc->file != 0) continue;
        add(Kind::TableRow, loc->span, fmt::format("table `{}` row {}", def.name, r + 1), marks_.table_rows[t][r]);
      }
    }
  }

  void clauses() {
    Citations cited = citations(p_.files[0]);
    for (size_t v = 0; v < p_.values.size(); ++v) {
      const ir::ValueDef& def = p_.values[v];
      if (def.clause.empty() || v >= p_.value_locs.size()) continue;
      int32_t loc = p_.value_locs[v];
      if (loc < 0 || p_.locs[static_cast<size_t>(loc)].file != 0) continue;
      auto it = cited.values.find(def.name);
      Span span = it != cited.values.end() ? it->second : p_.locs[static_cast<size_t>(loc)].span;
      add(Kind::Clause, span, fmt::format("clause \"{}\" of {} `{}`", def.clause, value_kind_word(def), def.name),
          marks_.values[v]);
    }
    // Tables, calendars and schedules have no place of their own in the IR: those declared in
    // this file are the ones its syntax tree has, by name.
    for (size_t t = 0; t < p_.tables.size(); ++t) {
      const ir::TableDef& def = p_.tables[t];
      const ir::Loc* row = def.rows.empty() ? nullptr : p_.row_loc(static_cast<int>(t), 0);
      auto it = cited.tables.find(def.name);
      if (def.clause.empty() || (row && row->file != 0) || it == cited.tables.end()) continue;
      add(Kind::Clause, it->second, fmt::format("clause \"{}\" of table `{}`", def.clause, def.name), marks_.tables[t]);
    }
    for (size_t c = 0; c < p_.calendars.size(); ++c) {
      const ir::CalendarDef& def = p_.calendars[c];
      const ir::Loc* zone = p_.node_loc(def.zone);
      auto it = cited.calendars.find(def.name);
      if (def.clause.empty() || (zone && zone->file != 0) || it == cited.calendars.end()) continue;
      add(Kind::Clause, it->second, fmt::format("clause \"{}\" of calendar `{}`", def.clause, def.name),
          marks_.calendars[c]);
    }
    for (size_t s = 0; s < p_.schedules.size(); ++s) {
      const ir::ScheduleDef& def = p_.schedules[s];
      auto it = cited.schedules.find(def.name);
      // A schedule of the same name in a module is shadowed by, or clashes with, this file's.
      if (def.clause.empty() || it == cited.schedules.end()) continue;
      add(Kind::Clause, it->second, fmt::format("clause \"{}\" of schedule `{}`", def.clause, def.name),
          marks_.schedules[s]);
    }
  }

  const ir::Program& p_;
  const ir::CoverageMarks& marks_;
  Coverage& out_;
  std::string_view text_;
  std::vector<int> owner_;  // per node: index into owners_, or -1
  std::vector<std::string> owners_;
};

std::string percent_text(const CoverageCount& c) {
  if (c.total == 0) return "0/0";
  double pc = c.percent();
  return fmt::format("{}/{} ({}%)", c.reached, c.total,
                     pc == std::floor(pc) ? fmt::format("{}", static_cast<int>(pc)) : fmt::format("{:.1f}", pc));
}

const char* unreached_verb(Kind kind) {
  switch (kind) {
    case Kind::Branch: return "is taken by no test";
    case Kind::Exclusion: return "applies in no test";
    default: return "is reached by no test";
  }
}

std::string path_of(const ir::Program& p) {
  return p.files.empty() || !p.files[0] ? std::string("<policy>") : p.files[0]->path();
}

}  // namespace

Coverage measure_coverage(const ir::Program& program) {
  Coverage coverage;
  ir::CoverageMarks marks(program);
  coverage.tests = run_tests(program, {}, &marks);
  Collector(program, marks, coverage).run();
  std::stable_sort(coverage.items.begin(), coverage.items.end(), [](const CoverageItem& a, const CoverageItem& b) {
    return a.span.begin != b.span.begin ? a.span.begin < b.span.begin : a.span.end > b.span.end;
  });
  for (const CoverageItem& item : coverage.items) {
    CoverageCount& c = coverage.counts[static_cast<size_t>(item.kind)];
    ++c.total;
    if (item.reached) ++c.reached;
  }
  return coverage;
}

std::string coverage_text(const ir::Program& program, const Coverage& coverage) {
  std::string path = path_of(program);
  std::string out = path + ": coverage:";
  for (size_t k = 0; k < CoverageItem::kKinds; ++k)
    out += fmt::format("{} {} {}", k == 0 ? "" : ",", coverage_words(static_cast<Kind>(k)),
                       percent_text(coverage.counts[k]));
  out += "\n";
  const SourceFile* file = program.files.empty() ? nullptr : program.files[0].get();
  for (const CoverageItem& item : coverage.items) {
    if (item.reached) continue;
    LineCol lc = file ? file->line_col(item.span.begin) : LineCol{};
    out += fmt::format("{}:{}:{}: {} {}\n", path, lc.line, lc.column, item.what, unreached_verb(item.kind));
  }
  return out;
}

std::string coverage_json(const ir::Program& program, const Coverage& coverage) {
  nlohmann::ordered_json j;
  j["policy"] = path_of(program);
  j["tests"] = {{"passed", coverage.tests.passed}, {"failed", coverage.tests.failed}};
  const SourceFile* file = program.files.empty() ? nullptr : program.files[0].get();
  for (size_t k = 0; k < CoverageItem::kKinds; ++k) {
    const CoverageCount& c = coverage.counts[k];
    nlohmann::ordered_json unreached = nlohmann::ordered_json::array();
    for (const CoverageItem& item : coverage.items) {
      if (item.reached || static_cast<size_t>(item.kind) != k) continue;
      LineCol from = file ? file->line_col(item.span.begin) : LineCol{};
      LineCol to = file ? file->line_col(item.span.end) : LineCol{};
      unreached.push_back({{"line", from.line},
                           {"column", from.column},
                           {"end_line", to.line},
                           {"end_column", to.column},
                           {"what", item.what}});
    }
    j[coverage_key(static_cast<Kind>(k))] = {
        {"reached", c.reached}, {"total", c.total}, {"percent", c.percent()}, {"unreached", std::move(unreached)}};
  }
  return j.dump();
}

}  // namespace proviso::driver
