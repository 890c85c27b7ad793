// Decision tables and match patterns: conditions on enums, bools and integers (and, in table
// columns, on decimals, percents, money, durations, dates and datetimes, ranked into integer
// keys), and the coverage analysis that finds gaps, overlaps and unreachable rows with an
// example input.
#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include <proviso/rt/money.h>

#include "compiler/ir/eval_rules.h"
#include "compiler/sema/checker.h"

namespace proviso::sema {

using ir::Pattern;
using ir::Type;
using ir::TypeKind;

void Checker::suggest_member(Diagnostic& d, const ir::EnumDef& en, std::string_view name, Span span) const {
  std::string best = closest_name(std::string(name), en.members);
  d.help = best.empty() ? fmt::format("the members are {}", fmt::join(en.members, ", "))
                        : fmt::format("did you mean `{}`?", best);
  if (!best.empty()) d.fixes.push_back({span, best});
}

namespace {

// The edit that declares `hit first`: it replaces a written `hit unique`, or goes on a line of
// its own before the first row, indented as that row is.
// Null when the first row does not start its own line (the edit's place is then unclear).
std::optional<Fix> hit_first_fix(const ast::TableDecl& t, std::string_view text) {
  if (t.hit_written) return Fix{t.hit_span, "hit first"};
  uint32_t row = t.rows.front().span.begin, line = row;
  while (line > 0 && (text[line - 1] == ' ' || text[line - 1] == '\t')) --line;
  if (line > 0 && text[line - 1] != '\n') return std::nullopt;
  return Fix{{row, row}, fmt::format("hit first\n{}", text.substr(line, row - line))};
}

constexpr size_t kMaxCoverageCells = 200000;
// Combinations times rows: beyond this the coverage walk takes more than about a second.
constexpr size_t kMaxCoverageWork = 50000000;

// One column's domain cut into pieces on which every pattern of the column is constant.
struct Domain {
  std::vector<int64_t> reps;        // a representative value per piece
  std::vector<std::string> labels;  // how a person reads the piece
};

Domain domain_of(const Type& t, const std::vector<const Pattern*>& pats, const ir::Schema& schema) {
  Domain d;
  if (t.kind == TypeKind::Enum) {
    const auto& members = schema.enums[t.id].members;
    for (size_t i = 0; i < members.size(); ++i) {
      d.reps.push_back(static_cast<int64_t>(i));
      d.labels.push_back(members[i]);
    }
    return d;
  }
  if (t.kind == TypeKind::Bool) {
    d.reps = {0, 1};
    d.labels = {"false", "true"};
    return d;
  }
  // integers: cut at every boundary a pattern uses
  constexpr int64_t kMin = INT64_MIN / 4, kMax = INT64_MAX / 4;
  int64_t lo = t.lo.value_or(kMin), hi = t.hi.value_or(kMax);
  std::vector<int64_t> cuts = {lo};
  auto cut = [&](int64_t v) {
    if (v > lo && v <= hi) cuts.push_back(v);
  };
  for (const Pattern* p : pats) {
    for (int64_t v : p->values) {
      cut(v);
      if (v < kMax) cut(v + 1);
    }
    if (p->lo) cut(*p->lo);
    if (p->hi && *p->hi < kMax) cut(*p->hi + 1);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  for (size_t i = 0; i < cuts.size(); ++i) {
    int64_t a = cuts[i];
    int64_t b = i + 1 < cuts.size() ? cuts[i + 1] - 1 : hi;
    // pick a readable representative: the boundary next to a finite neighbour
    int64_t rep = a == kMin ? b : a;
    d.reps.push_back(rep);
    d.labels.push_back(std::to_string(rep));
  }
  return d;
}

bool is_ranked(TypeKind k) {
  switch (k) {
    case TypeKind::Decimal:
    case TypeKind::Percent:
    case TypeKind::Money:
    case TypeKind::Duration:
    case TypeKind::Date:
    case TypeKind::DateTime: return true;
    default: return false;
  }
}

// -1, 0 or 1 as evaluation compares two constants of one ordered type; none for amounts in two
// currencies.
std::optional<int> order(const ir::Value& a, const ir::Value& b) {
  auto three = [](auto x, auto y) { return x < y ? -1 : x > y ? 1 : 0; };
  switch (a.kind()) {
    case ir::Value::Kind::Decimal: return rt::compare(a.as_decimal(), b.as_decimal());
    case ir::Value::Kind::Money: {
      auto c = rt::compare(a.as_money(), b.as_money());
      if (!c) return std::nullopt;
      return *c;
    }
    case ir::Value::Kind::Duration: return three(a.as_duration(), b.as_duration());
    case ir::Value::Kind::Date: return three(a.as_date(), b.as_date());
    case ir::Value::Kind::DateTime: return three(a.as_datetime(), b.as_datetime());
    default: return three(a.as_int(), b.as_int());
  }
}

// A cell of a ranked column before its values are ranked: a condition on values.
struct ValueCell {
  Pattern::Kind kind = Pattern::Kind::Any;
  std::vector<ir::Value> values;  // OneOf, NoneOf
  std::optional<ir::Value> lo, hi;
  bool lo_open = false, hi_open = false;  // `> x`, `< x`, `a ..< b`
  Span span;
};

}  // namespace

ir::Pattern Checker::check_pattern(const ast::Condition& c, const Type& type, Scope& scope, bool in_table) {
  Pattern p;
  auto value_of = [&](const ast::Expr& e0) -> std::optional<int64_t> {
    const ast::Expr* e = &e0;
    while (e->kind == ast::ExprKind::Paren && e->operand) e = e->operand.get();
    if (type.kind == TypeKind::Enum) {
      const ir::EnumDef& en = program_->schema.enums[type.id];
      std::string member;
      Span span = e->span;
      if (e->kind == ast::ExprKind::Name) {
        member = e->name.text;
      } else if (e->kind == ast::ExprKind::Field && e->operand && e->operand->kind == ast::ExprKind::Name &&
                 e->operand->name.text == en.name) {
        member = e->name.text;
        span = e->name.span;
      } else {
        error(scope.file, e->span, Code::InvalidPattern, fmt::format("expected a member of `{}` here", en.name));
        return std::nullopt;
      }
      int m = en.find(member);
      if (m < 0) {
        auto& d =
            error(scope.file, span, Code::UnknownMember, fmt::format("`{}` is not a member of `{}`", member, en.name));
        suggest_member(d, en, member, span);
        return std::nullopt;
      }
      if (indexing()) {
        note_use(Entity{EntityKind::Member, member, en.name}, scope.file, span);
        if (e->kind == ast::ExprKind::Field) {
          if (Symbol* sym = find_symbol(en.name, scope.file)) note_use(*sym, scope.file, e->operand->name.span);
        }
      }
      return m;
    }
    if (type.kind == TypeKind::Bool) {
      if (e->kind == ast::ExprKind::Literal && e->lit == ast::LitKind::Bool) return e->text == "true" ? 1 : 0;
      error(scope.file, e->span, Code::InvalidPattern, "expected `true` or `false` here");
      return std::nullopt;
    }
    bool neg = false;
    if (e->kind == ast::ExprKind::Unary && e->unary_op == ast::UnaryOp::Neg && e->operand) {
      neg = true;
      e = e->operand.get();
    }
    if (e->kind == ast::ExprKind::Literal && e->lit == ast::LitKind::Integer) {
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(e->text.data(), e->text.data() + e->text.size(), v);
      if (ec == std::errc() && ptr == e->text.data() + e->text.size()) return neg ? -v : v;
    }
    std::string what;  // what the cell is instead, when it is another kind of literal
    if (e->kind == ast::ExprKind::Literal) {
      switch (e->lit) {
        case ast::LitKind::Decimal: what = "a decimal"; break;
        case ast::LitKind::Percent: what = "a percent"; break;
        case ast::LitKind::Money: what = "an amount of money"; break;
        case ast::LitKind::Text: what = "a text"; break;
        default: break;
      }
    }
    const char* holder = in_table ? "column" : "matched value";
    error(scope.file, e0.span, Code::InvalidPattern,
          what.empty() ? fmt::format("expected an integer literal here: the {} is an integer", holder)
                       : fmt::format("this is {}, but the {} is an integer: write a whole number", what, holder));
    return std::nullopt;
  };
  using K = ast::Condition::Kind;
  switch (c.kind) {
    case K::Any: p.kind = Pattern::Kind::Any; break;
    case K::OneOf:
    case K::Not: {
      p.kind = c.kind == K::OneOf ? Pattern::Kind::OneOf : Pattern::Kind::NoneOf;
      for (const auto& v : c.values) {
        // `not A` may arrive as a unary `not` inside a one-value cell
        if (c.kind == K::OneOf && c.values.size() == 1 && v->kind == ast::ExprKind::Unary &&
            v->unary_op == ast::UnaryOp::Not && v->operand) {
          p.kind = Pattern::Kind::NoneOf;
          if (auto x = value_of(*v->operand)) p.values.push_back(*x);
          continue;
        }
        if (auto x = value_of(*v)) p.values.push_back(*x);
      }
      break;
    }
    case K::Range: {
      if (type.kind != TypeKind::Integer) {
        error(scope.file, c.span, Code::InvalidPattern,
              fmt::format("a range applies to integers, not `{}`", show(type)));
        break;
      }
      p.kind = Pattern::Kind::Range;
      if (c.values.size() == 2) {
        p.lo = value_of(*c.values[0]);
        p.hi = value_of(*c.values[1]);
        if (p.lo && p.hi && *p.lo > *p.hi) error(scope.file, c.span, Code::EmptyRange, "this range is empty");
      }
      break;
    }
    case K::Compare: {
      if (c.values.size() != 1) break;
      auto v = value_of(*c.values[0]);
      if (!v) break;
      if (type.kind != TypeKind::Integer && c.op != ast::BinaryOp::Eq && c.op != ast::BinaryOp::Ne) {
        error(scope.file, c.span, Code::InvalidPattern,
              fmt::format("`<` and `>` apply to integers, not `{}`", show(type)));
        break;
      }
      switch (c.op) {
        case ast::BinaryOp::Eq:
          p.kind = Pattern::Kind::OneOf;
          p.values = {*v};
          break;
        case ast::BinaryOp::Ne:
          p.kind = Pattern::Kind::NoneOf;
          p.values = {*v};
          break;
        case ast::BinaryOp::Lt:
          p.kind = Pattern::Kind::Range;
          p.hi = *v - 1;
          break;
        case ast::BinaryOp::Le:
          p.kind = Pattern::Kind::Range;
          p.hi = *v;
          break;
        case ast::BinaryOp::Gt:
          p.kind = Pattern::Kind::Range;
          p.lo = *v + 1;
          break;
        case ast::BinaryOp::Ge:
          p.kind = Pattern::Kind::Range;
          p.lo = *v;
          break;
        default: break;
      }
      break;
    }
  }
  return p;
}

// The edit that adds an arm `LABEL => VALUE,` per missing label before the closing `}`, indented
// as the last arm; VALUE is a placeholder. Only for labels that are patterns as they stand (enum
// members, `true`, `false`): ranges of integers are left to the author.
void Checker::add_arms_fix(Diagnostic& d, int file, Span match_span, const std::vector<Span>& arms,
                           const std::vector<std::string>& missing) const {
  std::string_view text = program_->files[file]->text();
  if (arms.empty() || match_span.end == 0 || match_span.end > text.size() || text[match_span.end - 1] != '}') return;
  for (const std::string& label : missing)
    if (label.empty() || !std::all_of(label.begin(), label.end(),
                                      [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }))
      return;
  uint32_t line = arms.back().begin;
  while (line > 0 && text[line - 1] != '\n') --line;
  std::string indent(text.substr(line, arms.back().begin - line));
  if (indent.find_first_not_of(" \t") != std::string::npos) return;  // arms on one line: left as they are
  uint32_t brace = match_span.end - 1;
  uint32_t brace_line = brace;
  while (brace_line > 0 && text[brace_line - 1] != '\n') --brace_line;
  if (text.substr(brace_line, brace - brace_line).find_first_not_of(" \t") != std::string_view::npos) return;
  std::string arms_text;
  for (const std::string& label : missing) arms_text += fmt::format("{}{} => VALUE,\n", indent, label);
  d.fixes.push_back({{brace_line, brace_line}, arms_text, Applicability::HasPlaceholders});
}

void Checker::check_match_coverage(const std::vector<Pattern>& pats, const std::vector<Span>& spans, const Type& type,
                                   int file, Span match_span) {
  std::vector<const Pattern*> ptrs;
  for (const auto& p : pats) ptrs.push_back(&p);
  Domain d = domain_of(type, ptrs, program_->schema);
  std::vector<bool> chosen(pats.size(), false);
  std::vector<std::string> missing;
  for (size_t i = 0; i < d.reps.size(); ++i) {
    bool hit = false;
    for (size_t a = 0; a < pats.size(); ++a) {
      if (pats[a].matches(d.reps[i])) {
        chosen[a] = true;
        hit = true;
        break;
      }
    }
    if (!hit) missing.push_back(d.labels[i]);
  }
  if (!missing.empty()) {
    bool all_listed = missing.size() <= 5;
    if (missing.size() > 5) missing.resize(5), missing.push_back("...");
    auto& diag = error(file, match_span, Code::MatchNotExhaustive,
                       fmt::format("this `match` does not cover {}", fmt::join(missing, ", ")));
    diag.help = "add arms for them, or an `else` arm";
    if (all_listed) add_arms_fix(diag, file, match_span, spans, missing);
  }
  for (size_t a = 0; a < pats.size(); ++a) {
    if (!chosen[a]) error(file, spans[a], Code::UnreachableArm, "this arm can never be chosen: earlier arms cover it");
  }
}

void Checker::ensure_table(Symbol& sym) {
  if (sym.state == Symbol::State::Done) return;
  const ast::TableDecl& t = *sym.decl->table_decl();
  if (sym.state == Symbol::State::Checking) {
    error(sym.file, sym.span, Code::Cycle, fmt::format("the table `{}` depends on itself", t.name.text));
    return;
  }
  sym.state = Symbol::State::Checking;
  ++depth_;
  ir::TableDef def;
  def.name = t.name.text;
  def.clause = t.clause ? t.clause->text : "";
  def.hit_first = t.hit == ast::TableDecl::Hit::First;
  Scope scope;
  scope.file = sym.file;
  std::vector<Type> col_types;
  for (const ast::TableColumn& col : t.given) {
    ir::NodeId id = check_expr(*col.expr, scope);
    id = require_present(id, sym.file, col.expr->span, *col.expr);
    Type ct = type_of(id);
    if (!ct.is_error() && ct.kind != TypeKind::Enum && ct.kind != TypeKind::Bool && ct.kind != TypeKind::Integer &&
        !is_ranked(ct.kind)) {
      error(sym.file, col.expr->span, Code::NotMatchable,
            fmt::format("a table column must be an enum, a bool, an integer, a decimal, a percent, money, a "
                        "duration, a date or a datetime, not `{}`",
                        show(ct)));
      ct = Type::error();
    }
    def.given.push_back(id);
    col_types.push_back(ct);
    def.given_names.push_back(col.alias ? col.alias->text
                                        : std::string(program_->files[sym.file]->slice(col.expr->span)));
  }
  for (const ast::FieldDecl& g : t.gives) {
    def.outputs.push_back(
        {g.name.text, g.type ? resolve_type(*g.type, sym.file, t.name.text + "." + g.name.text) : Type::error()});
    if (indexing()) {
      Entity column{EntityKind::Column, g.name.text, t.name.text, sym.file, g.name.span, show(def.outputs.back().type)};
      column.decl_span = g.span;
      note_declaration(column);
    }
  }
  std::vector<int32_t> row_locs;
  size_t ncols = def.given.size() + def.outputs.size();
  bool rows_ok = true;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const ast::TableRow& row = t.rows[r];
    row_locs.push_back(add_loc(sym.file, row.span));
    if (row.cells.size() != ncols) {
      error(sym.file, row.span, Code::WrongCellCount,
            fmt::format("this row has {} cell{}, but `{}` has {} columns ({} given, {} given back)", row.cells.size(),
                        row.cells.size() == 1 ? "" : "s", t.name.text, ncols, def.given.size(), def.outputs.size()));
      rows_ok = false;
      continue;
    }
    ir::TableRow ir_row;
    for (size_t c = 0; c < def.given.size(); ++c) {
      if (col_types[c].is_error() || is_ranked(col_types[c].kind)) {  // ranked columns: below
        ir_row.conds.push_back(Pattern{});
        continue;
      }
      // A cell that is not a pattern of its column leaves a placeholder that matches anything;
      // gaps, overlaps and unreachable rows computed from it would be noise after the real error.
      size_t errors_before = diags_.error_count();
      ir_row.conds.push_back(check_pattern(row.cells[c], col_types[c], scope, true));
      if (diags_.error_count() != errors_before) rows_ok = false;
    }
    for (size_t o = 0; o < def.outputs.size(); ++o) {
      const ast::Condition& cell = row.cells[def.given.size() + o];
      if (cell.kind != ast::Condition::Kind::OneOf || cell.values.size() != 1) {
        error(sym.file, cell.span, Code::InvalidOutputCell,
              fmt::format("the `{}` cell needs one value", def.outputs[o].name))
            .help = "write the value, or `none` when there is none";
        ir_row.outputs.push_back(ir::kNoNode);
        continue;
      }
      ir_row.outputs.push_back(check_as(*cell.values[0], scope, def.outputs[o].type,
                                        fmt::format("the `{}` cell", def.outputs[o].name), Code::TypeMismatch));
    }
    def.rows.push_back(std::move(ir_row));
  }
  // Ranked columns: their cells become patterns over the Rank node that replaces `given`.
  std::vector<std::vector<std::string>> boundaries(def.given.size());
  if (rows_ok) {
    for (size_t c = 0; c < def.given.size(); ++c)
      if (!col_types[c].is_error() && is_ranked(col_types[c].kind))
        rows_ok = rank_column(t, c, col_types[c], scope, def, boundaries[c]) && rows_ok;
  }
  // Coverage: walk every combination of the columns' pieces (an empty table is reported as
  // such below, not as a gap as well).
  bool types_ok = std::none_of(col_types.begin(), col_types.end(), [](const Type& x) { return x.is_error(); });
  if (rows_ok && types_ok && !def.given.empty() && !def.rows.empty()) {
    std::vector<Domain> doms;
    size_t cells = 1;
    for (size_t c = 0; c < def.given.size(); ++c) {
      std::vector<const Pattern*> ptrs;
      for (const auto& row : def.rows) ptrs.push_back(&row.conds[c]);
      doms.push_back(domain_of(type_of(def.given[c]), ptrs, program_->schema));
      cells = cells > kMaxCoverageCells ? cells : cells * std::max<size_t>(1, doms.back().reps.size());
    }
    if (cells > kMaxCoverageCells || cells * def.rows.size() > kMaxCoverageWork) {
      warning(sym.file, t.name.span, Code::TableNotChecked,
              fmt::format("the table `{}` has too many combinations to check for gaps and overlaps", t.name.text));
    } else {
      std::vector<size_t> at(doms.size(), 0);
      std::vector<bool> chosen(def.rows.size(), false);
      std::vector<bool> matches_some(def.rows.size(), false);  // matches at least one combination
      bool gap_reported = false, overlap_reported = false;
      auto describe = [&]() {
        std::vector<std::string> parts;
        for (size_t c = 0; c < doms.size(); ++c) {
          const std::vector<std::string>& b = boundaries[c];
          if (b.empty()) {
            parts.push_back(fmt::format("{} = {}", def.given_names[c], doms[c].labels[at[c]]));
            continue;
          }
          // A ranked key: 2i+1 is boundary i, 2i lies between boundaries i-1 and i.
          auto k = static_cast<size_t>(doms[c].reps[at[c]]);
          const std::string& name = def.given_names[c];
          if (k % 2 == 1)
            parts.push_back(fmt::format("{} = {}", name, b[k / 2]));
          else if (k == 0)
            parts.push_back(fmt::format("{} < {}", name, b.front()));
          else if (k / 2 == b.size())
            parts.push_back(fmt::format("{} > {}", name, b.back()));
          else
            parts.push_back(fmt::format("{} > {} and < {}", name, b[k / 2 - 1], b[k / 2]));
        }
        return fmt::format("{}", fmt::join(parts, ", "));
      };
      while (true) {
        std::vector<size_t> matching;
        for (size_t r = 0; r < def.rows.size(); ++r) {
          bool m = true;
          for (size_t c = 0; c < doms.size() && m; ++c) m = def.rows[r].conds[c].matches(doms[c].reps[at[c]]);
          if (m) matching.push_back(r);
        }
        if (matching.empty() && !gap_reported) {
          gap_reported = true;
          error(sym.file, t.name.span, Code::TableGap,
                fmt::format("no row of `{}` matches {}", t.name.text, describe()))
              .help = "add a row for it (use `-` for columns that do not matter)";
        }
        if (!matching.empty()) chosen[matching[0]] = true;
        for (size_t r : matching) matches_some[r] = true;
        if (matching.size() > 1 && !def.hit_first && !overlap_reported) {
          overlap_reported = true;
          auto& d = error(sym.file, t.rows[matching[1]].span, Code::TableOverlap,
                          fmt::format("rows {} and {} of `{}` both match {}", matching[0] + 1, matching[1] + 1,
                                      t.name.text, describe()));
          d.related.push_back({t.rows[matching[0]].span, fmt::format("row {} is here", matching[0] + 1)});
          d.help = "make the rows exclusive, or declare `hit first` so the first matching row wins";
          if (auto fix = hit_first_fix(t, program_->files[sym.file]->text())) d.fixes.push_back(*fix);
        }
        size_t c = 0;
        while (c < at.size() && ++at[c] == doms[c].reps.size()) at[c++] = 0;
        if (c == at.size()) break;
      }
      // Under `hit unique` a row that earlier rows cover overlaps them, and the overlap error
      // already says so; it is unreachable on its own only when it matches nothing at all.
      for (size_t r = 0; r < def.rows.size(); ++r) {
        bool covered_by_overlap = !def.hit_first && matches_some[r];
        if (!chosen[r] && !gap_reported && !covered_by_overlap)
          error(sym.file, t.rows[r].span, Code::UnreachableRow,
                fmt::format("row {} of `{}` can never be chosen: earlier rows cover it", r + 1, t.name.text));
      }
    }
  }
  if (t.rows.empty())
    error(sym.file, t.name.span, Code::EmptyTable, fmt::format("the table `{}` has no rows", t.name.text));
  sym.index = static_cast<int>(program_->tables.size());
  program_->tables.push_back(std::move(def));
  program_->table_row_locs.push_back(std::move(row_locs));
  sym.state = Symbol::State::Done;
  --depth_;
}

// ---- ordered columns ----

std::optional<ir::Value> Checker::literal_value(ir::NodeId id) const {
  if (id < 0) return std::nullopt;
  const ir::Node& n = program_->nodes[static_cast<size_t>(id)];
  switch (n.op) {
    case ir::Op::Const: return program_->consts[static_cast<size_t>(n.aux)];
    case ir::Op::IntToDec:
      if (auto v = literal_value(n.a)) return ir::Value(rt::Decimal::from_int(v->as_int()));
      return std::nullopt;
    case ir::Op::DecNeg:
      if (auto v = literal_value(n.a)) return ir::Value(rt::negate(v->as_decimal()));
      return std::nullopt;
    case ir::Op::MoneyNeg:
      if (auto v = literal_value(n.a)) return ir::Value(rt::negate(v->as_money()));
      return std::nullopt;
    // A negated literal cannot overflow: the smallest integer has no positive literal.
    case ir::Op::IntNeg:
      if (auto v = literal_value(n.a)) return ir::Value(-v->as_int());
      return std::nullopt;
    case ir::Op::DurNeg:
      if (auto v = literal_value(n.a)) return ir::Value(ir::DurationValue{-v->as_duration()});
      return std::nullopt;
    default: return std::nullopt;
  }
}

bool Checker::rank_column(const ast::TableDecl& t, size_t column, const Type& type, Scope& scope, ir::TableDef& def,
                          std::vector<std::string>& boundary_texts) {
  bool ok = true;
  auto value_of = [&](const ast::Expr& e) -> std::optional<ir::Value> {
    ir::NodeId id = check_as(e, scope, type, "a cell of this column", Code::TypeMismatch);
    if (type_of(id).is_error()) {
      ok = false;
      return std::nullopt;
    }
    auto v = literal_value(id);
    if (!v) {
      error(scope.file, e.span, Code::InvalidPattern,
            fmt::format("a cell of a `{}` column is a literal, such as {}", show(type),
                        type.kind == TypeKind::Money      ? "`1000.00 USD`"
                        : type.kind == TypeKind::Duration ? "`4 hours`"
                        : type.kind == TypeKind::Date     ? "`2026-01-01`"
                        : type.kind == TypeKind::DateTime ? "`2026-01-01T00:00:00Z`"
                        : type.kind == TypeKind::Percent  ? "`99.9%`"
                                                          : "`2.5`"));
      ok = false;
    }
    return v;
  };
  // The cells as conditions on values.
  std::vector<ValueCell> cells;
  for (const ast::TableRow& row : t.rows) {
    const ast::Condition& c = row.cells[column];
    ValueCell v;
    v.span = c.span;
    using K = ast::Condition::Kind;
    switch (c.kind) {
      case K::Any: break;
      case K::OneOf:
      case K::Not:
        v.kind = c.kind == K::OneOf ? Pattern::Kind::OneOf : Pattern::Kind::NoneOf;
        for (const auto& e : c.values) {
          const ast::Expr* x = e.get();
          if (c.kind == K::OneOf && c.values.size() == 1 && x->kind == ast::ExprKind::Unary &&
              x->unary_op == ast::UnaryOp::Not && x->operand) {
            v.kind = Pattern::Kind::NoneOf;
            x = x->operand.get();
          }
          if (auto val = value_of(*x)) v.values.push_back(*val);
        }
        break;
      case K::Range:
        v.kind = Pattern::Kind::Range;
        if (c.values.size() == 2) {
          v.lo = value_of(*c.values[0]);
          v.hi = value_of(*c.values[1]);
          v.hi_open = c.half_open;
        }
        break;
      case K::Compare: {
        if (c.values.size() != 1) break;
        auto val = value_of(*c.values[0]);
        if (!val) break;
        switch (c.op) {
          case ast::BinaryOp::Eq: v.kind = Pattern::Kind::OneOf, v.values = {*val}; break;
          case ast::BinaryOp::Ne: v.kind = Pattern::Kind::NoneOf, v.values = {*val}; break;
          case ast::BinaryOp::Lt: v.kind = Pattern::Kind::Range, v.hi = val, v.hi_open = true; break;
          case ast::BinaryOp::Le: v.kind = Pattern::Kind::Range, v.hi = val; break;
          case ast::BinaryOp::Gt: v.kind = Pattern::Kind::Range, v.lo = val, v.lo_open = true; break;
          case ast::BinaryOp::Ge: v.kind = Pattern::Kind::Range, v.lo = val; break;
          default: break;
        }
        break;
      }
    }
    cells.push_back(std::move(v));
  }
  if (!ok) return false;
  // The distinct values the cells name, in increasing order.
  std::vector<ir::Value> bounds;
  for (const ValueCell& v : cells) {
    std::vector<ir::Value> named = v.values;
    if (v.lo) named.push_back(*v.lo);
    if (v.hi) named.push_back(*v.hi);
    for (const ir::Value& x : named) {
      if (!bounds.empty() && !order(x, bounds.front())) {
        error(scope.file, v.span, Code::CurrencyMismatch,
              fmt::format("the cells of the `{}` column name amounts in two currencies: {} and {}",
                          def.given_names[column], rt::currency(x.as_money().currency).code,
                          rt::currency(bounds.front().as_money().currency).code));
        return false;
      }
      bounds.push_back(x);
    }
  }
  std::sort(bounds.begin(), bounds.end(), [](const ir::Value& a, const ir::Value& b) { return *order(a, b) < 0; });
  bounds.erase(std::unique(bounds.begin(), bounds.end(),
                           [](const ir::Value& a, const ir::Value& b) { return *order(a, b) == 0; }),
               bounds.end());
  // Boundary i is the key 2i+1; a value between boundaries i-1 and i is the key 2i.
  auto key = [&](const ir::Value& x) {
    auto it = std::lower_bound(bounds.begin(), bounds.end(), x,
                               [](const ir::Value& a, const ir::Value& b) { return *order(a, b) < 0; });
    return 2 * static_cast<int64_t>(it - bounds.begin()) + 1;
  };
  for (size_t r = 0; r < cells.size(); ++r) {
    const ValueCell& v = cells[r];
    Pattern p;
    p.kind = v.kind;
    for (const ir::Value& x : v.values) p.values.push_back(key(x));
    if (v.lo) p.lo = key(*v.lo) + (v.lo_open ? 1 : 0);
    if (v.hi) p.hi = key(*v.hi) - (v.hi_open ? 1 : 0);
    if (p.kind == Pattern::Kind::Range && p.lo && p.hi && *p.lo > *p.hi) {
      error(scope.file, v.span, Code::EmptyRange, "this range is empty");
      ok = false;
    }
    def.rows[r].conds[column] = std::move(p);
  }
  // The column's value becomes its key.
  Span span = t.given[column].expr->span;
  ir::Node rank;
  rank.op = ir::Op::Rank;
  rank.type = Type::integer_range(0, 2 * static_cast<int64_t>(bounds.size()));
  rank.a = def.given[column];
  for (const ir::Value& b : bounds) {
    rank.args.push_back(emit_const(b, type.as_required(), scope.file, span));
    boundary_texts.push_back(b.kind() == ir::Value::Kind::Duration ? ir::duration_words(b.as_duration())
                                                                   : ir::plain_text(b, type, program_->schema));
  }
  def.given[column] = emit(std::move(rank), scope.file, span);
  return ok;
}

}  // namespace proviso::sema
