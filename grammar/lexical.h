// Lexical helpers of the parser that need no PEGTL: skipping white space and comments,
// finding the token at an offset, collecting comments, unescaping text, checking dates and
// times, and finding where to resume after a syntax error.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast/ast.h"

namespace proviso::syntax {

// The first byte at or after `p` that is not white space or part of a `--` comment.
const char* skip_blank_and_comments(const char* p, const char* end);

// The span of the token starting at or after `offset` (after white space and comments): a
// word, a number, a text literal up to its end or the line's end, or one character (a whole
// UTF-8 sequence). Empty at the end of the text.
Span token_at(std::string_view text, uint32_t offset);

// Every `--` comment outside text literals, in source order.
std::vector<ast::Comment> scan_comments(std::string_view text);

// The value of a text literal's body (between the quotes), escapes resolved.
std::string unescape(std::string_view body);

// Whether a declaration keyword (or `policy`/`module`) starts at `pos`.
bool starts_declaration(std::string_view text, uint32_t pos);
// The start of the first line after the line of `after` whose first token is a declaration
// keyword; text.size() if none.
uint32_t next_declaration_line(std::string_view text, uint32_t after);

// Checks of literals the grammar accepts by shape; each returns an error message or nothing.
std::optional<std::string> check_date(std::string_view text);      // YYYY-MM-DD
std::optional<std::string> check_datetime(std::string_view text);  // YYYY-MM-DDTHH:MM[:SS](Z|+HH:MM)
// `HH:MM` of a working-hours range in seconds; `is_end` allows 24:00.
std::optional<std::string> check_clock(std::string_view text, bool is_end, int32_t* seconds);

int weekday_index(std::string_view word);  // "Monday" = 0, -1 if not a weekday
int month_index(std::string_view word);    // "January" = 1, 0 if not a month
int ordinal_index(std::string_view word);  // "first" = 1 .. "fifth" = 5, "last" = -1, 0 otherwise
int days_in_month(int month);              // with 29 for February
// The plural unit of a unit word: "hour" -> "hours".
std::string plural_unit(std::string_view word);

}  // namespace proviso::syntax
