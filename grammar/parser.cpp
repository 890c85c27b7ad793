// The parser's driver: runs the header rule, then one declaration at a time; after a syntax
// error it reports it and resumes at the next line that starts a declaration.
#include "grammar/parser.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "grammar/decl_actions.h"
#include "grammar/errors.h"
#include "grammar/lexical.h"

namespace proviso::syntax {

std::string text_close_message(const Builder& b, const char* at, Span* span, Code* code) {
  if (at >= b.end() || *at == '\n' || *at == '\r') {
    const char* e = at;
    *span = {b.text_open, b.offset(e)};
    *code = Code::UnterminatedText;
    return "unterminated text literal";
  }
  *span = {b.offset(at), b.offset(at) + 1};
  *code = Code::InvalidText;
  return static_cast<unsigned char>(*at) < 0x20 || *at == 0x7f
             ? "a text literal may not hold control characters: use `\\n` or `\\t`"
             : "invalid UTF-8 in a text literal";
}

Span error_span(const Builder& b, const char* p) {
  if (p >= b.end() || *p == '\n' || *p == '\r' || (*p == '-' && p + 1 < b.end() && p[1] == '-')) {
    return {b.offset(p), b.offset(p)};
  }
  Span s = token_at(std::string_view(b.base(), b.end() - b.base()), b.offset(p));
  return s.begin == b.offset(p) ? s : Span{b.offset(p), b.offset(p) + 1};
}

const char* same_line_token(const Builder& b, const char* p) {
  const auto& comments = b.module().comments;
  while (p > b.base()) {
    char c = p[-1];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      --p;
      continue;
    }
    // The end of a comment? Then continue before it.
    uint32_t at = b.offset(p);
    auto it = std::lower_bound(comments.begin(), comments.end(), at,
                               [](const ast::Comment& k, uint32_t v) { return k.span.end < v; });
    if (it != comments.end() && it->span.end == at) {
      p = b.base() + it->span.begin;
      continue;
    }
    break;
  }
  const char* q = p;
  while (q < b.end() && (*q == ' ' || *q == '\t')) ++q;
  const bool line_ends = q >= b.end() || *q == '\n' || *q == '\r' || (*q == '-' && q + 1 < b.end() && q[1] == '-');
  return line_ends ? p : q;
}

namespace {

namespace pegtl = tao::pegtl;
using Input = pegtl::memory_input<pegtl::tracking_mode::lazy, pegtl::eol::lf_crlf>;

class Driver {
 public:
  Driver(const SourcePtr& source, ParseResult* result)
      : source_(source), text_(source->text()), result_(result),
        builder_(source, &result->module, &result->diagnostics) {}

  void run() {
    if (text_.size() > kMaxSourceBytes) {
      result_->diagnostics.error(
          source_, {0, 0}, Code::FileTooLarge,
          "the file is too large: " + std::to_string(text_.size()) + " bytes, the limit is 8 MiB (8388608 bytes)");
      return;
    }
    result_->module.comments = scan_comments(text_);
    const bool bom = text_.compare(0, 3, "\xEF\xBB\xBF") == 0;  // some editors start files with one
    uint32_t pos = skip(bom ? 3 : 0);
    uint32_t last_end = 0;
    bool have_last = false;
    if (pos < text_.size() && (word_at(pos, "policy") || word_at(pos, "module"))) {
      try {
        last_end = parse_unit<grammar::header_unit>(pos);
        have_last = true;
        pos = last_end;
      } catch (const SyntaxError& e) {
        report(e);
        pos = next_declaration_line(text_, pos);
      }
    } else {
      report_at(pos, error_message<grammar::header_unit>);
      if (!(pos < text_.size() && starts_declaration(text_, pos))) pos = next_declaration_line(text_, pos);
    }
    while (errors_ < kMaxErrors) {
      pos = skip(pos);
      if (pos >= text_.size()) break;
      try {
        last_end = parse_unit<grammar::declaration_unit>(pos);
        have_last = true;
        pos = last_end;
      } catch (SyntaxError& e) {
        if (e.offset == pos && !e.has_span) {
          if (word_at(pos, "policy") || word_at(pos, "module")) {
            e.message = "a file has one header (`policy` or `module`), at its start";
          } else if (have_last && same_line(last_end, pos)) {
            e.message = "expected an operator or the end of the line";
          }
        }
        report(e);
        pos = next_declaration_line(text_, pos);
      }
    }
    if (errors_ >= kMaxErrors) {
      Diagnostic d;
      d.severity = Severity::Note;
      d.source = source_;
      d.span = {pos, pos};
      d.code = Code::TooManyErrors;
      d.message = "too many syntax errors: stopped after " + std::to_string(kMaxErrors);
      result_->diagnostics.add(std::move(d));
    }
  }

 private:
  template <typename Rule>
  uint32_t parse_unit(uint32_t pos) {
    builder_.reset();
    Input in(text_.data() + pos, text_.data() + text_.size(), source_->path());
    pegtl::parse<pegtl::must<Rule>, action, control>(in, builder_);
    return builder_.offset(in.current());
  }

  uint32_t skip(uint32_t pos) const {
    const char* base = text_.data();
    return static_cast<uint32_t>(skip_blank_and_comments(base + pos, base + text_.size()) - base);
  }

  bool word_at(uint32_t pos, std::string_view word) const {
    return text_.compare(pos, word.size(), word) == 0 &&
           (pos + word.size() == text_.size() ||
            !(std::isalnum(static_cast<unsigned char>(text_[pos + word.size()])) || text_[pos + word.size()] == '_'));
  }

  bool same_line(uint32_t a, uint32_t b) const {
    return std::find(text_.begin() + a, text_.begin() + b, '\n') == text_.begin() + b;
  }

  void report(const SyntaxError& e) {
    Span span = e.has_span ? e.span : token_at(text_, e.offset);
    if (e.code == Code::Syntax && unknown_unit(span)) return;
    builder_.error(span, e.code, e.message);
    ++errors_;
  }

  // `4 busines hours`: a word right after a plain number that the grammar did not take is a
  // misspelt unit (or keyword), whatever rule was expecting something else there. Reports
  // that, with the closest unit, instead of "expected `|`" or "expected an operator".
  bool unknown_unit(Span word) {
    auto is_word = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; };
    if (word.begin >= word.end || !is_word(text_[word.begin])) return false;
    uint32_t p = word.begin;
    while (p > 0 && (text_[p - 1] == ' ' || text_[p - 1] == '\t')) --p;
    if (p == word.begin) return false;  // `4x`: not a word after a number
    uint32_t digits_end = p;
    while (p > 0 && (std::isdigit(static_cast<unsigned char>(text_[p - 1])) || text_[p - 1] == '.')) --p;
    if (p == digits_end || !std::isdigit(static_cast<unsigned char>(text_[p]))) return false;
    // A plain number, not the end of a date, a time, a name or a version: `2026-01-01 x`.
    if (p > 0 && (std::isalnum(static_cast<unsigned char>(text_[p - 1])) || text_[p - 1] == '_' ||
                  text_[p - 1] == '-' || text_[p - 1] == ':' || text_[p - 1] == '"'))
      return false;
    std::string_view w(text_.data() + word.begin, word.end - word.begin);
    std::string_view number(text_.data() + p, digits_end - p);
    static const std::vector<std::string> kUnits = {
        "second", "seconds", "minute", "minutes",  "hour", "hours", "day", "days", "week", "weeks", "month",
        "months", "year",    "years",  "business", "then", "else",  "and", "or",   "of",   "in"};
    std::string guess = closest_name(w, kUnits);
    // The word after, for `busines hours` -> `business hours`.
    uint32_t q = word.end;
    while (q < text_.size() && (text_[q] == ' ' || text_[q] == '\t')) ++q;
    uint32_t next_end = q;
    while (next_end < text_.size() && is_word(text_[next_end])) ++next_end;
    std::string_view next(text_.data() + q, next_end - q);
    Diagnostic& d = builder_.error(word, Code::Syntax,
                                   fmt::format("`{}` is not a unit or an operator after the number `{}`", w, number));
    if (guess == "business") {
      bool unit_follows =
          next == "minutes" || next == "minute" || next == "hours" || next == "hour" || next == "days" || next == "day";
      d.help = fmt::format("did you mean `{} business {}`?", number, unit_follows ? next : "hours");
      if (unit_follows) d.fixes.push_back({word, "business"});
    } else if (!guess.empty()) {
      d.help = fmt::format("did you mean `{}`?", guess);
      d.fixes.push_back({word, guess});
    } else {
      d.help =
          "after a number come a unit (`seconds`, `minutes`, `hours`, `days`, `weeks`, `months`, `years`, "
          "`business minutes`, `business hours`, `business days`), `%`, a currency code such as `USD`, "
          "or an operator";
    }
    ++errors_;
    return true;
  }

  void report_at(uint32_t pos, const char* message) {
    builder_.error(token_at(text_, pos), Code::Syntax, message);
    ++errors_;
  }

  SourcePtr source_;
  const std::string& text_;
  ParseResult* result_;
  Builder builder_;
  size_t errors_ = 0;
};

}  // namespace

ParseResult parse(SourcePtr source) {
  ParseResult result;
  result.module.source = source;
  if (!source) return result;
  try {
    Driver(source, &result).run();
  } catch (const std::exception& e) {
    result.diagnostics.error(source, {0, 0}, Code::Internal, std::string("internal parser error: ") + e.what());
  } catch (...) {
    result.diagnostics.error(source, {0, 0}, Code::Internal, "internal parser error");
  }
  // The same problem can be found twice when a rule is tried twice: report it once.
  auto& items = result.diagnostics.items();
  std::stable_sort(items.begin(), items.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return a.span.begin < b.span.begin; });
  items.erase(std::unique(items.begin(), items.end(),
                          [](const Diagnostic& a, const Diagnostic& b) {
                            return a.span.begin == b.span.begin && a.message == b.message;
                          }),
              items.end());
  return result;
}

bool is_reserved_word(std::string_view word) {
  tao::pegtl::memory_input in(word.data(), word.size(), "");
  return tao::pegtl::parse<tao::pegtl::seq<grammar::reserved, tao::pegtl::eof>>(in);
}

}  // namespace proviso::syntax
