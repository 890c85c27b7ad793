// The canonical layout of declarations, and the checked `format_source`.
#include "compiler/format/formatter.h"

#include <algorithm>
#include <cstdio>

#include "compiler/ast/ast_equal.h"
#include "compiler/ast/diagnostic.h"
#include "compiler/format/expr_printer.h"
#include "compiler/format/lines.h"
#include "grammar/parser.h"

namespace proviso::format {

namespace {

using ast::Decl;
using ast::DeclKind;

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.resize(width, ' ');
  return s;
}

const char* ordinal(int nth) {
  static const char* const words[] = {"first", "second", "third", "fourth", "fifth"};
  return nth >= 1 && nth <= 5 ? words[nth - 1] : "?";
}

class Formatter {
 public:
  explicit Formatter(const ast::Module& m)
      : module_(m), comments_(m.comments), printer_(&out_, comments_),
        source_(m.source ? std::string_view(m.source->text()) : "") {}

  FormatResult run() {
    Lines all;
    bool any = false;
    if (!module_.header.name.text.empty()) {
      out_.set_block(0);
      header();
      all.append(out_);
      any = true;
    }
    const Decl* prev = nullptr;
    size_t prev_lines = 0;
    for (size_t i = 0; i < module_.decls.size(); ++i) {
      const Decl& d = module_.decls[i];
      out_ = Lines();
      out_.set_block(static_cast<int>(i) + 1);
      decl(d);
      if (any && !(prev && (prev_lines == 1 || out_.size() == 1) && grouped(*prev, d))) all.blank();
      all.append(out_);
      any = true;
      prev = &d;
      prev_lines = out_.size();
    }
    if (printer_.broken()) return {false, "", "cannot format an incomplete syntax tree"};
    return {true, all.render(module_.comments, source_), ""};
  }

 private:
  // Declarations of one kind that touch in the source, one of them a single line, stay together.
  bool grouped(const Decl& a, const Decl& b) const {
    if (a.kind() != b.kind()) return false;
    if (a.kind() == DeclKind::Value && a.value_decl()->kind != b.value_decl()->kind) return false;
    if (source_.empty() || a.span.end > b.span.begin || b.span.begin > source_.size()) return false;
    std::string_view between = source_.substr(a.span.end, b.span.begin - a.span.end);
    bool line_empty = false;
    for (char c : between) {
      if (c == '\n') {
        if (line_empty) return false;
        line_empty = true;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        line_empty = false;
      }
    }
    return true;
  }

  static std::string clause(const std::optional<ast::Clause>& c) {
    return c ? "  clause " + ExprPrinter::quote(c->text) : "";
  }
  static int64_t after(const std::optional<ast::Clause>& c, Span otherwise) { return c ? c->span.end : otherwise.end; }

  void header() {
    const ast::Header& h = module_.header;
    std::string line = std::string(h.is_module ? "module " : "policy ") + h.name.text;
    if (h.title) line += " " + ExprPrinter::quote(*h.title);
    out_.add(0, line, h.span.begin, h.title ? h.title_span.end : h.name.span.end);
    if (h.source) out_.add(2, "source " + ExprPrinter::quote(*h.source), h.source_span.begin, h.source_span.end);
    if (h.version) out_.add(2, "version " + ExprPrinter::quote(*h.version), h.version_span.begin, h.version_span.end);
    if (h.effective) out_.add(2, "effective " + *h.effective, h.effective_span.begin, h.effective_span.end);
    if (h.home_zone) printer_.emit(*h.home_zone, 2, "home zone ", "", h.home_zone->span.begin);
  }

  // `head = value` on one line when it fits, else the value on the following lines.
  void value(int indent, const std::string& head, const ast::ExprPtr& e, int64_t head_first, int64_t head_last,
             Span whole) {
    if (!e) {
      out_.add(indent, head, head_first, head_last);
      missing_ = true;
      return;
    }
    const std::string f = printer_.flat(*e);
    const bool quiet = !printer_.has_comment(whole);
    const bool match = e->kind == ast::ExprKind::Match && !e->arms.empty();
    if (quiet && !match && printer_.fits(indent, head.size() + 1 + f.size())) {
      out_.add(indent, head + " " + f, head_first, e->span.end);
    } else if (ExprPrinter::bracketed(*e) &&
               !printer_.has_comment({static_cast<uint32_t>(head_first), e->span.begin + 1})) {
      printer_.emit(*e, indent, head + " ", "", head_first);
    } else {
      out_.add(indent, head, head_first, head_last);
      printer_.emit(*e, indent + 2, "", "", e->span.begin);
    }
  }

  void fields_block(const std::string& head, const std::vector<ast::FieldDecl>& fields, const Decl& d, Span head_end) {
    std::string one = head + " {";
    for (size_t i = 0; i < fields.size(); ++i) one += (i ? ", " : " ") + field(fields[i]);
    one += fields.empty() ? "}" : " }";
    if (!printer_.has_comment(d.span) && printer_.fits(0, one.size())) {
      out_.add(0, one, d.span.begin, d.span.end);
      return;
    }
    out_.add(0, head + " {", d.span.begin, head_end.end);
    for (const ast::FieldDecl& f : fields) out_.add(2, field(f), f.span.begin, f.span.end);
    out_.add(0, "}", d.span.end - 1, d.span.end);
  }

  std::string field(const ast::FieldDecl& f) { return f.name.text + ": " + type(f.type); }
  std::string type(const ast::TypeExprPtr& t) {
    if (!t) {
      missing_ = true;
      return "";
    }
    return printer_.type(*t);
  }
  std::string flat(const ast::ExprPtr& e) {
    if (!e) {
      missing_ = true;
      return "";
    }
    return printer_.flat(*e);
  }

  // As written: a standard module by its dotted name, a module file by its quoted path.
  void import_decl(const ast::ImportDecl& i, const Decl& d) {
    out_.add(0, "import " + (i.is_file ? ExprPrinter::quote(i.path.text) : i.path.text), d.span.begin, d.span.end);
  }

  void decl(const Decl& d) {
    switch (d.kind()) {
      case DeclKind::Import: return import_decl(*d.import_decl(), d);
      case DeclKind::Enum: return enum_decl(d);
      case DeclKind::Record:
        return fields_block("record " + d.record_decl()->name.text, d.record_decl()->fields, d,
                            d.record_decl()->name.span);
      case DeclKind::Input: return input_decl(d);
      case DeclKind::Value: return value_decl(d);
      case DeclKind::Calendar: return calendar_decl(d);
      case DeclKind::Schedule: return schedule_decl(d);
      case DeclKind::Holidays: return holidays_decl(d);
      case DeclKind::Table: return table_decl(d);
      case DeclKind::Exclusions: return exclusions_decl(d);
      case DeclKind::Fixture:
        return value(0, "fixture " + d.fixture_decl()->name.text + " =", d.fixture_decl()->value, d.span.begin,
                     d.fixture_decl()->name.span.end, d.span);
      case DeclKind::Test: return test_decl(d);
    }
  }

  void enum_decl(const Decl& d) {
    const ast::EnumDecl& e = *d.enum_decl();
    std::string head = "enum " + e.name.text + " =";
    std::string one = head;
    for (size_t i = 0; i < e.members.size(); ++i) one += (i ? " | " : " ") + e.members[i].text;
    if (!printer_.has_comment(d.span) && printer_.fits(0, one.size())) {
      out_.add(0, one, d.span.begin, d.span.end);
      return;
    }
    out_.add(0, head, d.span.begin, e.name.span.end);
    for (const ast::Ident& m : e.members) out_.add(2, "| " + m.text, m.span.begin, m.span.end);
  }

  void input_decl(const Decl& d) {
    const ast::InputDecl& in = *d.input_decl();
    std::string head = std::string(in.optional ? "optional input " : "input ") + in.name.text;
    if (in.type && in.type->kind == ast::TypeExpr::Kind::Record)
      return fields_block(head, in.type->fields, d, in.name.span);
    out_.add(0, head + ": " + type(in.type), d.span.begin, d.span.end);
  }

  void value_decl(const Decl& d) {
    const ast::ValueDecl& v = *d.value_decl();
    static const char* const words[] = {"const", "let", "decision"};
    std::string head = std::string(words[static_cast<int>(v.kind)]) + " " + v.name.text;
    Span last = v.name.span;
    if (v.type) {
      head += ": " + type(v.type);
      last = v.type->span;
    }
    head += clause(v.clause) + " =";
    value(0, head, v.value, d.span.begin, after(v.clause, last), d.span);
  }

  // `Monday to Friday 08:00-12:00, 13:00-17:00`, as a calendar or a schedule has it.
  void hours_line(const ast::HoursLine& h) {
    std::string line = h.every_day ? "every day" : ast::weekday_name(h.from_day);
    if (!h.every_day && h.to_day != h.from_day) line += std::string(" to ") + ast::weekday_name(h.to_day);
    line += open_ranges(h.ranges);
    out_.add(2, line, h.span.begin, h.span.end);
  }

  void schedule_decl(const Decl& d) {
    const ast::ScheduleDecl& s = *d.schedule_decl();
    out_.add(0, "schedule " + s.name.text + clause(s.clause), d.span.begin, after(s.clause, s.name.span));
    for (const ast::HoursLine& h : s.hours) hours_line(h);
  }

  void calendar_decl(const Decl& d) {
    const ast::CalendarDecl& c = *d.calendar_decl();
    out_.add(0, "calendar " + c.name.text + clause(c.clause), d.span.begin, after(c.clause, c.name.span));
    // The `schedule` line where it stands among the day lines (a calendar with both does not
    // compile, but is formatted as written).
    bool schedule_done = !c.schedule;
    for (const ast::HoursLine& h : c.hours) {
      if (!schedule_done && c.schedule_span.begin < h.span.begin) {
        printer_.emit(*c.schedule, 2, "schedule ", "", c.schedule_span.begin);
        schedule_done = true;
      }
      hours_line(h);
    }
    if (!schedule_done) printer_.emit(*c.schedule, 2, "schedule ", "", c.schedule_span.begin);
    if (c.zone) printer_.emit(*c.zone, 2, "in ", "", c.zone->span.begin);
    if (c.holidays) printer_.emit(*c.holidays, 2, "except ", "", c.holidays->span.begin);
    if (c.business_day) printer_.emit(*c.business_day, 2, "business day ", "", c.business_day->span.begin);
    if (!c.zone || !c.business_day) missing_ = true;
  }

  // " 09:00-13:00, 14:00-16:00"
  static std::string open_ranges(const std::vector<std::pair<int32_t, int32_t>>& ranges) {
    std::string out;
    for (size_t i = 0; i < ranges.size(); ++i)
      out += (i ? ", " : " ") + ast::clock_text(ranges[i].first) + "-" + ast::clock_text(ranges[i].second);
    return out;
  }

  void holidays_decl(const Decl& d) {
    const ast::HolidaysDecl& h = *d.holidays_decl();
    std::string head = "holidays " + h.name.text;
    if (h.title) head += " " + ExprPrinter::quote(*h.title);
    out_.add(0, head + clause(h.clause), d.span.begin, after(h.clause, h.name.span));
    out_.add(2, "valid " + std::to_string(h.valid_from) + " to " + std::to_string(h.valid_to), h.valid_span.begin,
             h.valid_span.end);
    using Rule = ast::HolidayRuleDecl;
    for (const Rule& r : h.rules) {
      std::string line = "on ";
      switch (r.kind) {
        case Rule::Kind::Fixed: line += std::string(ast::month_name(r.month)) + " " + std::to_string(r.day); break;
        case Rule::Kind::NthWeekday:
        case Rule::Kind::LastWeekday:
          line += std::string(r.kind == Rule::Kind::LastWeekday ? "last" : ordinal(r.nth)) + " " +
                  ast::weekday_name(r.weekday) + " of " + ast::month_name(r.month);
          break;
        case Rule::Kind::WeekdayBefore:
        case Rule::Kind::WeekdayAfter:
          line += std::string(ast::weekday_name(r.weekday)) + (r.inclusive ? " on or" : "") +
                  (r.kind == Rule::Kind::WeekdayBefore ? " before " : " after ") + ast::month_name(r.month) + " " +
                  std::to_string(r.day);
          break;
        case Rule::Kind::Easter: {
          line += "easter";
          int n = r.easter_offset < 0 ? -r.easter_offset : r.easter_offset;
          if (r.easter_offset != 0) {
            line += std::string(r.easter_offset < 0 ? " - " : " + ") + std::to_string(n) + (n == 1 ? " day" : " days");
          }
          break;
        }
      }
      if (r.observance == Rule::Observance::NearestWeekday) line += " observed nearest weekday";
      if (r.observance == Rule::Observance::SubstituteNextWeekday) line += " substitute next weekday";
      if (r.observance == Rule::Observance::SubstituteSunday) line += " substitute next weekday if Sunday";
      if (!r.open.empty()) line += " open" + open_ranges(r.open);
      if (r.from_year) line += " from " + std::to_string(*r.from_year);
      if (r.until_year) line += " until " + std::to_string(*r.until_year);
      if (r.name) line += " " + ExprPrinter::quote(*r.name);
      out_.add(2, line, r.span.begin, r.span.end);
    }
    for (const ast::DateChange& c : h.changes) {
      std::string line = c.kind == ast::DateChange::Kind::Add      ? "add " + c.date
                         : c.kind == ast::DateChange::Kind::Remove ? "remove " + c.date
                                                                   : "move " + c.date + " to " + c.to_date;
      if (!c.open.empty()) line += " open" + open_ranges(c.open);
      out_.add(2, line, c.span.begin, c.span.end);
    }
  }

  void table_decl(const Decl& d) {
    const ast::TableDecl& t = *d.table_decl();
    out_.add(0, "table " + t.name.text + clause(t.clause), d.span.begin, after(t.clause, t.name.span));
    if (!t.given.empty()) {
      std::string line = "given ";
      int64_t first = kNoAnchor, last = kNoAnchor;
      for (size_t i = 0; i < t.given.size(); ++i) {
        const ast::TableColumn& col = t.given[i];
        line += (i ? ", " : "") + flat(col.expr);
        if (col.alias) line += " as " + col.alias->text;
        if (col.expr && first == kNoAnchor) first = col.expr->span.begin;
        if (col.expr) last = col.alias ? col.alias->span.end : col.expr->span.end;
      }
      out_.add(2, line, first, last);
    }
    std::string gives = "gives ";
    for (size_t i = 0; i < t.gives.size(); ++i) gives += (i ? ", " : "") + field(t.gives[i]);
    out_.add(2, gives, t.gives.empty() ? kNoAnchor : int64_t{t.gives.front().span.begin},
             t.gives.empty() ? kNoAnchor : int64_t{t.gives.back().span.end});
    if (t.hit_written) {
      out_.add(2, t.hit == ast::TableDecl::Hit::First ? "hit first" : "hit unique", t.hit_span.begin, t.hit_span.end);
    }
    std::vector<std::vector<std::string>> cells;
    std::vector<size_t> width;
    for (const ast::TableRow& row : t.rows) {
      cells.emplace_back();
      for (size_t i = 0; i < row.cells.size(); ++i) {
        cells.back().push_back(printer_.condition(row.cells[i], true));
        if (width.size() <= i) width.push_back(0);
        width[i] = std::max(width[i], cells.back().back().size());
      }
    }
    for (size_t r = 0; r < t.rows.size(); ++r) {
      std::string line = "|";
      for (size_t i = 0; i < cells[r].size(); ++i) line += " " + pad(cells[r][i], width[i]) + " |";
      out_.add(2, line, t.rows[r].span.begin, t.rows[r].span.end);
    }
  }

  void exclusions_decl(const Decl& d) {
    const ast::ExclusionsDecl& x = *d.exclusions_decl();
    out_.add(0, "exclusions " + x.name.text + clause(x.clause), d.span.begin, after(x.clause, x.name.span));
    size_t width = 0;
    for (const ast::ExclusionEntry& e : x.entries) width = std::max(width, ExprPrinter::quote(e.clause).size());
    for (const ast::ExclusionEntry& e : x.entries) {
      if (!e.when) {
        missing_ = true;
        continue;
      }
      printer_.emit(*e.when, 2, pad(ExprPrinter::quote(e.clause), width) + "  when ", "", e.span.begin);
    }
  }

  void test_decl(const Decl& d) {
    const ast::TestDecl& t = *d.test_decl();
    out_.add(0, "test " + ExprPrinter::quote(t.name), d.span.begin, t.name_span.end);
    for (const ast::TestGiven& g : t.givens) {
      value(2, "given " + g.input.text + " =", g.value, g.span.begin, g.input.span.end, g.span);
    }
    for (const ast::TestExpect& x : t.expects) {
      if (x.is_error) {
        out_.add(2, "expect error " + ExprPrinter::quote(x.error), x.span.begin, x.span.end);
      } else {
        value(2, "expect " + x.decision.text + " =", x.value, x.span.begin, x.decision.span.end, x.span);
      }
    }
  }

  const ast::Module& module_;
  CommentIndex comments_;
  Lines out_;
  ExprPrinter printer_;
  std::string_view source_;
  bool missing_ = false;

 public:
  bool missing() const { return missing_ || printer_.broken(); }
};

std::string errors_of(const Diagnostics& ds) {
  Diagnostics errors;
  for (const Diagnostic& d : ds.items())
    if (d.severity == Severity::Error) errors.add(d);
  return render_all(errors);
}

std::vector<std::string> comment_texts(const ast::Module& m) {
  std::vector<std::string> out;
  for (const ast::Comment& c : m.comments) {
    std::string t = c.text;
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\r')) t.pop_back();
    out.push_back(std::move(t));
  }
  std::sort(out.begin(), out.end());  // the formatter may reorder header clauses and holiday lines
  return out;
}

}  // namespace

FormatResult format(const ast::Module& module) {
  Formatter f(module);
  FormatResult r = f.run();
  if (r.ok && f.missing()) return {false, "", "cannot format an incomplete syntax tree"};
  return r;
}

FormatResult format_source(SourcePtr source) {
  if (!source) return {false, "", "no source to format"};
  syntax::ParseResult parsed = syntax::parse(source);
  if (parsed.diagnostics.has_errors()) {
    return {false, "", "cannot format a file with syntax errors:\n" + errors_of(parsed.diagnostics)};
  }
  FormatResult r = format(parsed.module);
  if (!r.ok) return r;
  return verify(parsed.module, std::move(r.text));
}

FormatResult verify(const ast::Module& original, std::string formatted) {
  const std::string path = original.source ? original.source->path() : std::string("<formatted>");
  syntax::ParseResult again = syntax::parse(std::make_shared<SourceFile>(path, formatted));
  if (again.diagnostics.has_errors()) {
    return {false, "",
            "internal error: the formatted text does not parse, so the file was left as it is:\n" +
                errors_of(again.diagnostics)};
  }
  if (!ast::equal(original, again.module)) {
    return {false, "", "internal error: formatting would change the program, so the file was left as it is"};
  }
  if (comment_texts(original) != comment_texts(again.module)) {
    return {false, "", "internal error: formatting would lose or change comments, so the file was left as it is"};
  }
  return {true, std::move(formatted), ""};
}

}  // namespace proviso::format
