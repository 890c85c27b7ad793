// Markdown reference of a policy, for reading beside the contract. The IR gives the meaning
// (types, hit policies, working hours, the dates of holiday sets); the source text, parsed
// again, gives the author's words: expressions and cells as written, and the comments that
// quote the contract.
#include "compiler/driver/doc.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <proviso/rt/holidays.h>

#include "compiler/ast/ast.h"
#include "compiler/explain/render.h"
#include "grammar/parser.h"
#include "stdlib/stdlib.h"

namespace proviso::driver {
namespace {

constexpr const char* kDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

// ---- Markdown text ----

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_blank(std::string_view s) { return std::all_of(s.begin(), s.end(), is_space); }

std::string_view trim_end(std::string_view s) {
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

size_t indent_of(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && (line[n] == ' ' || line[n] == '\t')) ++n;
  return n;
}

std::string cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string code(std::string_view s) { return s.empty() ? std::string() : "`" + cell(s) + "`"; }

// Where a line (without its indentation) starts a Markdown block: a heading, quote, list
// item, rule or code fence. Gives the offset of the character to escape, or npos.
size_t block_marker(std::string_view s) {
  auto at = [&](size_t k) { return k < s.size() ? s[k] : ' '; };
  char c = at(0);
  if (c == '#' || c == '>' || c == '=') return 0;
  bool bullet = (c == '-' || c == '+' || c == '*') && (at(1) == ' ' || at(1) == c);
  bool fence = (c == '`' || c == '~' || c == '_') && at(1) == c && at(2) == c;
  if (bullet || fence) return 0;
  size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  bool numbered = digits > 0 && (at(digits) == '.' || at(digits) == ')') && at(digits + 1) == ' ';
  return numbered ? digits : std::string_view::npos;
}

// A line of comment text as Markdown that shows it as written: a backslash goes before what
// would make the line a heading, list item, quote, rule or code fence.
std::string markdown_line(std::string_view line) {
  size_t indent = indent_of(line);
  if (indent == line.size()) return std::string(line);
  size_t marker = block_marker(line.substr(indent));
  if (marker == std::string_view::npos) return std::string(line);
  size_t at = indent + marker;
  return std::string(line.substr(0, at)) + "\\" + std::string(line.substr(at));
}

// Comment lines as a block quote, then a blank line; nothing for no lines.
std::string quote(const std::vector<std::string>& lines) {
  if (lines.empty()) return {};
  std::string out;
  for (const auto& l : lines) out += l.empty() ? ">\n" : "> " + markdown_line(l) + "\n";
  return out + "\n";
}

// A fenced code block, its fence longer than any run of backticks inside, then a blank line.
std::string code_block(std::string_view text) {
  size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string fence(std::max<size_t>(3, longest + 1), '`');
  return fence + "\n" + std::string(text) + "\n" + fence + "\n\n";
}

// ---- comments ----

// "-- 2.1 \"...\"" -> "2.1 \"...\"": the comment without `--` and the space after it.
std::string comment_body(std::string_view comment) {
  std::string_view s = trim_end(comment);
  if (s.substr(0, 2) == "--") s.remove_prefix(2);
  if (!s.empty() && s[0] == ' ') s.remove_prefix(1);
  return std::string(s);
}

// A divider such as "-------" or "-- Calendars -----": a section heading, not a note on the
// declaration below it.
bool is_divider(std::string_view body) {
  bool all_dashes = !body.empty() && body.find_first_not_of('-') == std::string_view::npos;
  return all_dashes || (body.size() >= 4 && body.substr(body.size() - 4) == "----");
}

std::string joined(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

// Whether any of `notes` says something (a `note` column is shown only then).
bool any_text(const std::vector<std::string>& notes) {
  return std::any_of(notes.begin(), notes.end(), [](const std::string& n) { return !n.empty(); });
}

// ---- the source of one file, parsed again ----

// One file of the program with its syntax tree (absent when the file does not parse, as for a
// program built by hand) and its comments by line.
class SourceText {
 public:
  explicit SourceText(SourcePtr file) : file_(std::move(file)) {
    if (!file_) return;
    auto parsed = std::make_unique<syntax::ParseResult>(syntax::parse(file_));
    if (parsed->diagnostics.has_errors()) return;
    parsed_ = std::move(parsed);
    for (const ast::Comment& c : parsed_->module.comments) {
      LineCol lc = file_->line_col(c.span.begin);
      bool alone = is_blank(file_->line_text(lc.line).substr(0, lc.column - 1));
      (alone ? own_line_ : trailing_)[lc.line] = &c;
    }
  }

  const ast::Module* module() const { return parsed_ ? &parsed_->module : nullptr; }

  // The comment lines directly above the line of `offset`, up to a blank line, code or a divider.
  std::vector<std::string> comments_above(uint32_t offset) const {
    std::vector<std::string> lines;
    if (!parsed_) return lines;
    for (uint32_t line = file_->line_col(offset).line - 1; line >= 1; --line) {
      auto it = own_line_.find(line);
      if (it == own_line_.end()) break;
      std::string body = comment_body(it->second->text);
      if (is_divider(body)) break;
      lines.push_back(std::move(body));
    }
    std::reverse(lines.begin(), lines.end());
    return lines;
  }

  // The comment after the code that ends at `end`, on the same line; null when none.
  const ast::Comment* comment_after(uint32_t end) const {
    if (!parsed_) return nullptr;
    auto it = trailing_.find(file_->line_col(end > 0 ? end - 1 : 0).line);
    return it != trailing_.end() && it->second->span.begin >= end ? it->second : nullptr;
  }

  // What the author noted on one line of a declaration (a field, row or entry): the comment
  // lines above it and the comment after it, joined.
  // Only an item on a line of its own has notes: on `record R { a: T, b: T }` the comments
  // around the line are the record's.
  std::string note(Span item) const {
    if (!file_) return {};
    LineCol start = file_->line_col(item.begin);
    if (!is_blank(file_->line_text(start.line).substr(0, start.column - 1))) return {};
    std::vector<std::string> parts = comments_above(item.begin);
    if (const ast::Comment* c = comment_after(item.end)) {
      std::string_view between = file_->slice({item.end, c->span.begin});
      if (between.find_first_not_of(" \t,") == std::string_view::npos) parts.push_back(comment_body(c->text));
    }
    return joined(parts, " ");
  }

  // The text of `span` on one line, comments inside it left out.
  std::string inline_text(Span span) const {
    if (!parsed_) return explain::one_line(file_ ? file_->slice(span) : std::string_view());
    const auto& comments = parsed_->module.comments;  // in source order
    auto c = std::lower_bound(comments.begin(), comments.end(), span.begin,
                              [](const ast::Comment& k, uint32_t at) { return k.span.end <= at; });
    std::string text;
    uint32_t at = span.begin;
    for (; c != comments.end() && c->span.begin < span.end; ++c) {
      text += file_->slice({at, c->span.begin});
      at = c->span.end;
    }
    text += file_->slice({at, span.end});
    return explain::one_line(text);
  }

  // The text of `span` as the author laid it out: the lines after the first lose the common
  // indentation, and a comment that ends the last line stays.
  std::string block_text(Span span) const {
    if (const ast::Comment* c = comment_after(span.end)) span.end = c->span.end;
    LineCol start = file_->line_col(span.begin);
    uint32_t column = start.column - 1;
    bool first_alone = is_blank(file_->line_text(start.line).substr(0, column));
    std::vector<std::string_view> lines;
    std::string_view rest = file_->slice(span);
    for (size_t nl; (nl = rest.find('\n')) != std::string_view::npos; rest.remove_prefix(nl + 1))
      lines.push_back(trim_end(rest.substr(0, nl)));
    lines.push_back(trim_end(rest));
    size_t common = first_alone ? column : std::string_view::npos;
    for (size_t i = 1; i < lines.size(); ++i)
      if (!lines[i].empty()) common = std::min(common, indent_of(lines[i]));
    if (common == std::string_view::npos) common = 0;
    std::string out = first_alone ? std::string(column - common, ' ') : std::string();
    out += lines[0];
    for (size_t i = 1; i < lines.size(); ++i)
      out += "\n" + std::string(lines[i].substr(std::min(common, lines[i].size())));
    return out;
  }

 private:
  SourcePtr file_;
  std::unique_ptr<syntax::ParseResult> parsed_;
  std::map<uint32_t, const ast::Comment*> own_line_;  // comments alone on their line
  std::map<uint32_t, const ast::Comment*> trailing_;  // comments after code
};

// The named declarations of a module by kind and name (inputs have a namespace of their own).
using DeclIndex = std::map<std::pair<ast::DeclKind, std::string>, const ast::Decl*>;

DeclIndex index_decls(const ast::Module* module) {
  DeclIndex index;
  if (!module) return index;
  for (const ast::Decl& d : module->decls)
    if (const ast::Ident* n = ast::decl_name(d)) index.emplace(std::make_pair(d.kind(), n->text), &d);
  return index;
}

// ---- meaning from the IR ----

std::string ranges_text(const std::vector<rt::TimeRange>& ranges) {
  std::string out;
  for (const auto& r : ranges) {
    if (!out.empty()) out += ", ";
    out += ast::clock_text(r.start) + "-" + ast::clock_text(r.end);
  }
  return out;
}

bool same_ranges(const std::vector<rt::TimeRange>& a, const std::vector<rt::TimeRange>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].start != b[i].start || a[i].end != b[i].end) return false;
  return true;
}

// "Monday to Friday 08:00-17:00; Saturday 10:00-14:00".
std::string weekly_text(const rt::WeeklyHours& h) {
  std::vector<std::string> parts;
  int d = 0;
  while (d < 7) {
    if (h.days[d].empty()) {
      ++d;
      continue;
    }
    int e = d;
    while (e + 1 < 7 && same_ranges(h.days[e + 1], h.days[d])) ++e;
    std::string days = d == 0 && e == 6 ? "every day" : e == d ? kDays[d] : fmt::format("{} to {}", kDays[d], kDays[e]);
    parts.push_back(days + " " + ranges_text(h.days[d]));
    d = e + 1;
  }
  if (parts.empty()) return "no working time";
  return joined(parts, "; ");
}

std::string duration_text(int64_t s) {
  if (s % 3600 == 0) return fmt::format("{} hour{}", s / 3600, s == 3600 ? "" : "s");
  if (s % 60 == 0) return fmt::format("{} minutes", s / 60);
  return fmt::format("{} seconds", s);
}

// The source text of a node on one line; a text constant or "(expression)" without one.
std::string node_text(const ir::Program& p, ir::NodeId id) {
  if (id == ir::kNoNode) return {};
  std::string_view t = p.node_text(id);
  if (!t.empty()) return explain::one_line(t);
  const ir::Node& n = p.nodes[static_cast<size_t>(id)];
  if (n.op == ir::Op::Const && n.aux >= 0 && static_cast<size_t>(n.aux) < p.consts.size() &&
      p.consts[n.aux].kind() == ir::Value::Kind::Text)
    return "\"" + p.consts[n.aux].as_text() + "\"";
  return "(expression)";
}

std::string value_name(const ir::Type& t, const ir::Schema& schema, int64_t v) {
  if (t.kind == ir::TypeKind::Enum && t.id >= 0 && static_cast<size_t>(t.id) < schema.enums.size()) {
    const auto& m = schema.enums[t.id].members;
    if (v >= 0 && static_cast<size_t>(v) < m.size()) return m[v];
  }
  if (t.kind == ir::TypeKind::Bool) return v ? "true" : "false";
  return std::to_string(v);
}

// A table condition from the IR, for a program without its source text.
std::string pattern_text(const ir::Pattern& pat, const ir::Type& t, const ir::Schema& schema) {
  auto list = [&] {
    std::string out;
    for (int64_t v : pat.values) out += (out.empty() ? "" : ", ") + value_name(t, schema, v);
    return out;
  };
  switch (pat.kind) {
    case ir::Pattern::Kind::Any: return "-";
    case ir::Pattern::Kind::OneOf: return list();
    case ir::Pattern::Kind::NoneOf: return "not " + list();
    case ir::Pattern::Kind::Range:
      if (pat.lo && pat.hi)
        return *pat.lo == *pat.hi ? std::to_string(*pat.lo) : fmt::format("{}..{}", *pat.lo, *pat.hi);
      if (pat.lo) return fmt::format(">= {}", *pat.lo);
      if (pat.hi) return fmt::format("<= {}", *pat.hi);
      return "-";
  }
  return "?";
}

void collect_records(const ir::Type& t, std::set<int32_t>& ids, const ir::Schema& schema) {
  if (t.kind == ir::TypeKind::List && t.elem) collect_records(*t.elem, ids, schema);
  if (t.kind == ir::TypeKind::Record && t.id >= 0 && static_cast<size_t>(t.id) < schema.records.size() &&
      ids.insert(t.id).second) {
    for (const auto& f : schema.records[t.id].fields) collect_records(f.type, ids, schema);
  }
}

// "clause 2.1" after a heading, when there is one.
std::string clause_suffix(const std::string& clause) {
  return clause.empty() ? std::string() : fmt::format(" (clause {})", clause);
}

// A holiday set to document: its declaration and the set sema built from it.
struct HolidaySetEntry {
  const SourceText* source = nullptr;
  const ast::HolidaysDecl* decl = nullptr;
  Span decl_span;
  const rt::HolidaySet* set = nullptr;
  std::string module;  // the module it is imported from; "" for the policy's own
};

// Writes the reference of one program.
class Doc {
 public:
  explicit Doc(const ir::Program& p) : p_(p), schema_(p.schema) {
    for (const SourcePtr& f : p.files) sources_.emplace_back(f);
    if (sources_.empty()) sources_.emplace_back(nullptr);
    decls_ = index_decls(sources_[0].module());
  }

  std::string render() {
    header();
    inputs();
    enums();
    decisions();
    values();
    tables();
    calendars();
    schedules();
    holiday_sets();
    exclusions();
    while (out_.size() >= 2 && out_[out_.size() - 1] == '\n' && out_[out_.size() - 2] == '\n') out_.pop_back();
    return out_;
  }

 private:
  const SourceText& policy() const { return sources_[0]; }
  // The policy's declaration of `kind` called `name`, or null.
  const ast::Decl* decl(ast::DeclKind kind, const std::string& name) const {
    auto it = decls_.find(std::make_pair(kind, name));
    return it == decls_.end() ? nullptr : it->second;
  }
  // The comment lines above a declaration of the policy, as a block quote.
  std::string quote_of(const ast::Decl* d) const { return d ? quote(policy().comments_above(d->span.begin)) : ""; }

  // Title, the policy's own description (the comment above `policy`) and the header fields.
  void header() {
    out_ += fmt::format("# {}\n\n", p_.title.empty() ? p_.name : p_.title);
    out_ += fmt::format("Policy `{}`", p_.name);
    if (!p_.files.empty() && p_.files[0]) out_ += fmt::format(" (`{}`)", p_.files[0]->path());
    out_ += ".\n\n";
    if (const ast::Module* m = policy().module(); m && !m->header.name.text.empty()) {
      std::vector<std::string> about = policy().comments_above(m->header.span.begin);
      for (const auto& line : about) out_ += markdown_line(line) + "\n";
      if (!about.empty()) out_ += "\n";
    }
    if (!p_.source.empty()) out_ += fmt::format("- Source: {}\n", p_.source);
    if (!p_.version.empty()) out_ += fmt::format("- Version: {}\n", p_.version);
    if (p_.effective) out_ += fmt::format("- Effective: {}\n", rt::format_date(*p_.effective));
    if (p_.home_zone != ir::kNoNode) out_ += fmt::format("- Home zone: `{}`\n", node_text(p_, p_.home_zone));
    if (std::string modules = imported_modules(); !modules.empty()) out_ += "- Imports: " + modules + "\n";
    out_ += "\n";
  }

  // Every module the policy imports, directly or through other modules (their declarations are
  // all in scope): its name, and its file unless it is built in.
  std::string imported_modules() const {
    std::vector<std::string> parts;
    for (size_t f = 1; f < sources_.size() && f < p_.files.size(); ++f) {
      const ast::Module* m = sources_[f].module();
      if (!m || !p_.files[f]) continue;
      const SourceFile& file = *p_.files[f];
      bool built_in = std::any_of(stdlib::modules().begin(), stdlib::modules().end(), [&](const stdlib::Module& s) {
        return s.path == file.path() && s.source == file.text();
      });
      parts.push_back(built_in ? fmt::format("`{}` (built in)", m->header.name.text)
                               : fmt::format("`{}` (`{}`)", m->header.name.text, file.path()));
    }
    return joined(parts, ", ");
  }

  // The fields of `input NAME { ... }` or `record NAME { ... }` as written, or null.
  const std::vector<ast::FieldDecl>* written_fields(const std::string& record) const {
    const ast::Decl* in = decl(ast::DeclKind::Input, record);
    if (in && in->input_decl()->type && in->input_decl()->type->kind == ast::TypeExpr::Kind::Record)
      return &in->input_decl()->type->fields;
    const ast::Decl* rd = decl(ast::DeclKind::Record, record);
    return rd ? &rd->record_decl()->fields : nullptr;
  }

  // The fields of a record with their types, and the author's notes on them when there are any.
  void record_fields(const ir::RecordDef& rd) {
    const std::vector<ast::FieldDecl>* written = written_fields(rd.name);
    std::vector<std::string> notes;
    for (const auto& f : rd.fields) {
      std::string note;
      for (size_t i = 0; written && i < written->size(); ++i)
        if ((*written)[i].name.text == f.name) note = policy().note((*written)[i].span);
      notes.push_back(note);
    }
    bool any = any_text(notes);
    out_ += any ? "| field | type | note |\n|---|---|---|\n" : "| field | type |\n|---|---|\n";
    for (size_t i = 0; i < rd.fields.size(); ++i) {
      out_ += fmt::format("| `{}` | {} |", rd.fields[i].name, cell(ir::to_string(rd.fields[i].type, schema_)));
      out_ += any ? " " + cell(notes[i]) + " |\n" : "\n";
    }
    out_ += "\n";
  }

  // Inputs, with the fields of every record they reach.
  void inputs() {
    if (p_.inputs.empty()) return;
    out_ += "## Inputs\n\n";
    std::set<int32_t> shown;
    for (const auto& in : p_.inputs) {
      out_ += fmt::format("### `{}`{}\n\n", in.name, in.optional ? " (optional)" : "");
      out_ += quote_of(decl(ast::DeclKind::Input, in.name));
      if (in.type.kind == ir::TypeKind::Record && in.type.id >= 0 &&
          static_cast<size_t>(in.type.id) < schema_.records.size()) {
        record_fields(schema_.records[in.type.id]);
        shown.insert(in.type.id);
      } else {
        out_ += fmt::format("Type: {}\n\n", ir::to_string(in.type, schema_));
      }
    }
    std::set<int32_t> reached;
    for (const auto& in : p_.inputs) collect_records(in.type, reached, schema_);
    for (int32_t id : reached) {
      if (shown.contains(id)) continue;
      out_ += fmt::format("### Record `{}`\n\n", schema_.records[id].name);
      out_ += quote_of(decl(ast::DeclKind::Record, schema_.records[id].name));
      record_fields(schema_.records[id]);
      shown.insert(id);
    }
  }

  void enums() {
    if (schema_.enums.empty()) return;
    std::vector<std::string> notes;
    for (const auto& e : schema_.enums) {
      const ast::Decl* d = decl(ast::DeclKind::Enum, e.name);
      notes.push_back(d ? joined(policy().comments_above(d->span.begin), " ") : "");
    }
    bool any = any_text(notes);
    out_ += any ? "## Enumerations\n\n| enum | members | note |\n|---|---|---|\n"
                : "## Enumerations\n\n| enum | members |\n|---|---|\n";
    for (size_t i = 0; i < schema_.enums.size(); ++i) {
      std::string members;
      for (const auto& m : schema_.enums[i].members) members += (members.empty() ? "" : ", ") + ("`" + m + "`");
      out_ += fmt::format("| `{}` | {} |", schema_.enums[i].name, members);
      out_ += any ? " " + cell(notes[i]) + " |\n" : "\n";
    }
    out_ += "\n";
  }

  // The expression of a value as written, in a code block; nothing when the text is unknown.
  std::string value_expression(const ir::ValueDef& v, const ast::Decl* d) const {
    if (d && d->value_decl()->value) return code_block(policy().block_text(d->value_decl()->value->span));
    std::string_view text = v.body == ir::kNoNode ? std::string_view() : p_.node_text(v.body);
    return text.empty() ? std::string() : code_block(text);
  }

  // The summary table of the decisions, then each one (but exclusions, which have their own
  // section) with the comment above it and its expression.
  void decisions() {
    if (p_.decisions.empty()) return;
    out_ += "## Decisions\n\n| decision | type | clause |\n|---|---|---|\n";
    for (int32_t i : p_.decisions) {
      const ir::ValueDef& d = p_.values[static_cast<size_t>(i)];
      out_ += fmt::format("| `{}` | {} | {} |\n", d.name, cell(ir::to_string(d.type, schema_)),
                          d.clause.empty() ? "(none)" : cell(d.clause));
    }
    out_ += "\n";
    for (int32_t i : p_.decisions) {
      const ir::ValueDef& d = p_.values[static_cast<size_t>(i)];
      if (d.is_exclusions) continue;
      const ast::Decl* written = decl(ast::DeclKind::Value, d.name);
      out_ += fmt::format("### `{}`{}\n\n", d.name, clause_suffix(d.clause));
      out_ += quote_of(written);
      out_ += value_expression(d, written);
    }
  }

  // The policy's own constants and lets, in source order.
  std::vector<int32_t> own_values() const {
    std::vector<std::pair<uint32_t, int32_t>> found;
    for (size_t i = 0; i < p_.values.size(); ++i) {
      const ir::ValueDef& v = p_.values[i];
      if (v.kind == ir::ValueKind::Decision || v.is_exclusions) continue;
      int32_t l = i < p_.value_locs.size() ? p_.value_locs[i] : -1;
      const ir::Loc* loc = l >= 0 && static_cast<size_t>(l) < p_.locs.size() ? &p_.locs[l] : nullptr;
      if (loc && loc->file != 0) continue;
      found.push_back({loc ? loc->span.begin : 0, static_cast<int32_t>(i)});
    }
    std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<int32_t> out;
    for (const auto& f : found) out.push_back(f.second);
    return out;
  }

  // Lets and constants: type, clause, the comment above and the expression as written.
  void values() {
    std::vector<int32_t> own = own_values();
    if (own.empty()) return;
    out_ += "## Intermediate values\n\n";
    out_ += "The `let`s and constants that decisions use; they are not part of the output.\n\n";
    for (int32_t i : own) {
      const ir::ValueDef& v = p_.values[static_cast<size_t>(i)];
      const ast::Decl* written = decl(ast::DeclKind::Value, v.name);
      out_ += fmt::format("### `{}`{}\n\n", v.name, clause_suffix(v.clause));
      out_ += quote_of(written);
      out_ += fmt::format("A {} of type {}.\n\n", v.kind == ir::ValueKind::Const ? "constant" : "`let`",
                          cell(ir::to_string(v.type, schema_)));
      out_ += value_expression(v, written);
    }
  }

  // The table as written, when its declaration matches the IR's shape; else null.
  const ast::TableDecl* written_table(const ir::TableDef& t) const {
    const ast::Decl* d = decl(ast::DeclKind::Table, t.name);
    const ast::TableDecl* w = d ? d->table_decl() : nullptr;
    if (!w || w->given.size() != t.given.size() || w->gives.size() != t.outputs.size() ||
        w->rows.size() != t.rows.size())
      return nullptr;
    for (const auto& row : w->rows)
      if (row.cells.size() != t.given.size() + t.outputs.size()) return nullptr;
    return w;
  }

  // Column headings: each `given` expression as written (`case.severity as severity`) and
  // each `gives` column with its type.
  std::vector<std::string> table_columns(const ir::TableDef& t, const ast::TableDecl* w) const {
    std::vector<std::string> cols;
    for (size_t i = 0; i < t.given.size(); ++i) {
      if (w) {
        const ast::TableColumn& c = w->given[i];
        cols.push_back(policy().inline_text({c.expr->span.begin, c.alias ? c.alias->span.end : c.expr->span.end}));
      } else {
        cols.push_back(i < t.given_names.size() ? t.given_names[i] : node_text(p_, t.given[i]));
      }
    }
    for (size_t i = 0; i < t.outputs.size(); ++i)
      cols.push_back(w ? policy().inline_text(w->gives[i].span)
                       : fmt::format("{}: {}", t.outputs[i].name, ir::to_string(t.outputs[i].type, schema_)));
    return cols;
  }

  // The cells of one row: as written when the source is known, else from the IR.
  std::vector<std::string> row_cells(const ir::TableDef& t, size_t r, const ast::TableDecl* w) const {
    std::vector<std::string> cells;
    if (w) {
      for (const ast::Condition& c : w->rows[r].cells) cells.push_back(policy().inline_text(c.span));
      return cells;
    }
    const ir::TableRow& row = t.rows[r];
    for (size_t i = 0; i < row.conds.size(); ++i) {
      const ir::Type& gt = i < t.given.size() ? p_.nodes[static_cast<size_t>(t.given[i])].type : ir::Type::error();
      cells.push_back(pattern_text(row.conds[i], gt, schema_));
    }
    for (ir::NodeId o : row.outputs) cells.push_back(node_text(p_, o));
    return cells;
  }

  void table(const ir::TableDef& t) {
    const ast::TableDecl* w = written_table(t);
    out_ += fmt::format("### `{}`{}\n\n", t.name, clause_suffix(t.clause));
    out_ += quote_of(decl(ast::DeclKind::Table, t.name));
    out_ += fmt::format("Hit policy: {}.\n\n", t.hit_first ? "first" : "unique");
    std::vector<std::string> notes;
    for (size_t r = 0; r < t.rows.size(); ++r) notes.push_back(w ? policy().note(w->rows[r].span) : "");
    bool any = any_text(notes);
    std::vector<std::string> cols = table_columns(t, w);
    if (any) cols.push_back("note");
    out_ += "|";
    for (const auto& c : cols) out_ += " " + cell(c) + " |";
    out_ += "\n|";
    for (size_t i = 0; i < cols.size(); ++i) out_ += "---|";
    out_ += "\n";
    for (size_t r = 0; r < t.rows.size(); ++r) {
      std::vector<std::string> cells = row_cells(t, r, w);
      if (any) cells.push_back(notes[r]);
      out_ += "|";
      for (const auto& c : cells) out_ += " " + cell(c) + " |";
      out_ += "\n";
    }
    out_ += "\n";
  }

  void tables() {
    if (p_.tables.empty()) return;
    out_ += "## Tables\n\n";
    for (const auto& t : p_.tables) table(t);
  }

  void calendars() {
    if (p_.calendars.empty()) return;
    out_ += "## Calendars\n\n";
    for (const auto& c : p_.calendars) {
      out_ += fmt::format("### `{}`{}\n\n", c.name, clause_suffix(c.clause));
      out_ += quote_of(decl(ast::DeclKind::Calendar, c.name));
      if (c.schedule != ir::kNoNode)
        out_ += fmt::format("- Hours: those of the schedule {}\n", code(node_text(p_, c.schedule)));
      else
        out_ += fmt::format("- Hours: {}\n", weekly_text(c.hours));
      out_ += fmt::format("- Zone: `{}`\n", node_text(p_, c.zone));
      out_ += fmt::format("- Holidays: {}\n", c.holidays == ir::kNoNode ? "none" : code(node_text(p_, c.holidays)));
      out_ += fmt::format("- Business day: {}\n\n", duration_text(c.business_day));
    }
  }

  // The weekly hours a calendar's `schedule` line can name.
  void schedules() {
    if (p_.schedules.empty()) return;
    out_ += "## Schedules\n\n";
    for (const auto& s : p_.schedules) {
      out_ += fmt::format("### `{}`{}\n\n", s.name, clause_suffix(s.clause));
      out_ += quote_of(decl(ast::DeclKind::Schedule, s.name));
      out_ += fmt::format("- Hours: {}\n\n", weekly_text(s.hours));
    }
  }

  // The holiday sets sema built, by where their constant stands: a declaration's set is a
  // constant located at the declaration's name, each use a copy located at the use. Also
  // gives the sets the policy itself names.
  void holiday_constants(std::map<std::pair<int32_t, uint32_t>, const rt::HolidaySet*>& at,
                         std::set<const rt::HolidaySet*>& named_by_policy) const {
    for (size_t id = 0; id < p_.nodes.size(); ++id) {
      const ir::Node& n = p_.nodes[id];
      if (n.op != ir::Op::Const || n.aux < 0 || static_cast<size_t>(n.aux) >= p_.consts.size()) continue;
      const ir::Value& v = p_.consts[static_cast<size_t>(n.aux)];
      if (v.kind() != ir::Value::Kind::Holidays || !v.as_holidays()) continue;
      const ir::Loc* loc = p_.node_loc(static_cast<ir::NodeId>(id));
      if (!loc) continue;
      at[{loc->file, loc->span.begin}] = v.as_holidays().get();
      if (loc->file == 0) named_by_policy.insert(v.as_holidays().get());
    }
  }

  // The policy's own holiday sets, then those of imported modules that it names, in source order.
  std::vector<HolidaySetEntry> holiday_entries() const {
    std::map<std::pair<int32_t, uint32_t>, const rt::HolidaySet*> at;
    std::set<const rt::HolidaySet*> named;
    holiday_constants(at, named);
    std::vector<HolidaySetEntry> entries;
    for (size_t f = 0; f < sources_.size(); ++f) {
      const ast::Module* m = sources_[f].module();
      if (!m) continue;
      for (const ast::Decl& d : m->decls) {
        const ast::HolidaysDecl* h = d.holidays_decl();
        if (!h) continue;
        auto it = at.find({static_cast<int32_t>(f), h->name.span.begin});
        if (it == at.end() || (f > 0 && !named.contains(it->second))) continue;
        entries.push_back({&sources_[f], h, d.span, it->second, f > 0 ? m->header.name.text : ""});
      }
    }
    return entries;
  }

  // The rules and one-off changes of a holiday set, as the author wrote them.
  static std::string holiday_rules(const HolidaySetEntry& e) {
    Span span = e.decl->valid_span;
    for (const auto& r : e.decl->rules) span = Span::cover(span, r.span);
    for (const auto& c : e.decl->changes) span = Span::cover(span, c.span);
    return code_block(e.source->block_text(span));
  }

  // The dates of `year` as the runtime computes them (observed and substitute days
  // included), with weekday and name.
  // Partial days are listed among them with the hours the office stays open.
  static std::string holiday_dates(const rt::HolidaySet& set, int year) {
    auto dates = set.dates_in_year(year);
    if (!dates) return fmt::format("Dates in {}: none, {}.\n\n", year, dates.error().message);
    auto partial = set.partial_days_in_year(year);
    if (!partial) return fmt::format("Dates in {}: none, {}.\n\n", year, partial.error().message);
    if (dates->empty() && partial->empty()) return fmt::format("Dates in {}: none.\n\n", year);
    std::vector<std::pair<rt::Date, std::string>> lines;  // date, what it is
    for (rt::Date d : *dates) lines.emplace_back(d, "");
    for (const rt::PartialDay& p : *partial) lines.emplace_back(p.date, "open " + rt::format_ranges(p.open) + " only");
    std::sort(lines.begin(), lines.end());
    std::string out = fmt::format("Dates in {}:\n\n", year);
    for (const auto& [d, hours] : lines) {
      std::string name = set.holiday_name(d);
      std::string what = name.empty() ? hours : hours.empty() ? name : name + ", " + hours;
      out += "- " + explain::long_date(d) + (what.empty() ? "" : ": " + what) + "\n";
    }
    return out + "\n";
  }

  void holiday_set(const HolidaySetEntry& e) {
    std::string clause = e.decl->clause ? e.decl->clause->text : "";
    out_ += fmt::format("### `{}`{}\n\n", e.decl->name.text, clause_suffix(clause));
    out_ += quote(e.source->comments_above(e.decl_span.begin));
    std::string about = e.decl->title.value_or("");
    if (!e.module.empty()) about += (about.empty() ? "From" : ", from") + fmt::format(" `{}`", e.module);
    if (!about.empty()) out_ += about + ".\n\n";
    out_ += "Rules, as written:\n\n" + holiday_rules(e);
    if (!p_.effective) return;
    int year = rt::civil(*p_.effective).year;
    out_ += holiday_dates(*e.set, year) + holiday_dates(*e.set, year + 1);
  }

  void holiday_sets() {
    std::vector<HolidaySetEntry> entries = holiday_entries();
    if (entries.empty()) return;
    out_ += "## Holiday sets\n\n";
    if (p_.effective) {
      int year = rt::civil(*p_.effective).year;
      out_ += fmt::format(
          "Dates are those of {}, the year the policy takes effect, and {}, as evaluations compute them "
          "(a holiday moved off a weekend is listed on the day it is observed).\n\n",
          year, year + 1);
    } else {
      out_ += "The policy has no `effective` date, so the dates of its holiday sets are not listed.\n\n";
    }
    for (const auto& e : entries) holiday_set(e);
  }

  // One exclusions declaration: the entries with their conditions and the author's notes.
  void exclusion(const ir::ValueDef& v) {
    const ast::Decl* d = decl(ast::DeclKind::Exclusions, v.name);
    const ast::ExclusionsDecl* w = d ? d->exclusions_decl() : nullptr;
    const ir::Node* body = v.body == ir::kNoNode ? nullptr : &p_.nodes[static_cast<size_t>(v.body)];
    size_t count = body ? body->args.size() / 2 : 0;
    if (w && w->entries.size() != count) w = nullptr;
    std::vector<std::string> notes;
    for (size_t i = 0; i < count; ++i) notes.push_back(w ? policy().note(w->entries[i].span) : "");
    bool any = any_text(notes);
    out_ += fmt::format("### `{}`{}\n\n", v.name, clause_suffix(v.clause));
    out_ += quote_of(d);
    out_ += any ? "| entry | applies when | note |\n|---|---|---|\n" : "| entry | applies when |\n|---|---|\n";
    for (size_t i = 0; i < count; ++i) {
      std::string entry = w ? policy().inline_text(w->entries[i].clause_span) : node_text(p_, body->args[2 * i]);
      std::string when = w ? policy().inline_text(w->entries[i].when->span) : node_text(p_, body->args[2 * i + 1]);
      out_ += fmt::format("| {} | `{}` |", cell(entry), cell(when));
      out_ += any ? " " + cell(notes[i]) + " |\n" : "\n";
    }
    out_ += "\n";
  }

  void exclusions() {
    bool any = std::any_of(p_.values.begin(), p_.values.end(), [](const ir::ValueDef& v) { return v.is_exclusions; });
    if (!any) return;
    out_ += "## Exclusions\n\n";
    for (const auto& v : p_.values)
      if (v.is_exclusions) exclusion(v);
  }

  const ir::Program& p_;
  const ir::Schema& schema_;
  std::vector<SourceText> sources_;  // one per Program::files
  DeclIndex decls_;                  // of the policy (sources_[0])
  std::string out_;
};

}  // namespace

std::string policy_markdown(const ir::Program& program) { return Doc(program).render(); }

}  // namespace proviso::driver
