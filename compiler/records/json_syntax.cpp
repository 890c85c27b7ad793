// The JSON grammar of RFC 8259 as a loop over an explicit stack of open containers.
#include "compiler/records/json_syntax.h"

#include <vector>

#include <fmt/format.h>

namespace proviso::records {

std::string JsonSyntaxError::to_string() const {
  return fmt::format("invalid JSON at line {}, column {}: {}", line, column, message);
}

namespace {

class Checker {
 public:
  Checker(std::string_view text, size_t max_depth) : text_(text), max_depth_(max_depth) {}

  std::optional<JsonSyntaxError> run() {
    skip_ws();
    if (!value()) return error_;
    // After a value: the end of its container, or of the text.
    while (true) {
      skip_ws();
      if (stack_.empty()) {
        if (pos_ != text_.size()) return fail("unexpected text after the JSON value");
        return std::nullopt;
      }
      char open = stack_.back();
      if (pos_ == text_.size())
        return fail(open == '{' ? "the text ends inside an object" : "the text ends inside a list");
      if (at(',')) {
        ++pos_;
        skip_ws();
        if (open == '{' && !member_name()) return error_;
        if (!value()) return error_;
        continue;
      }
      if (at(open == '{' ? '}' : ']')) {
        ++pos_;
        stack_.pop_back();
        continue;
      }
      return fail(open == '{' ? "expected `,` or `}` after an object member"
                              : "expected `,` or `]` after a list element");
    }
  }

 private:
  bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  void skip_ws() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }
  std::optional<JsonSyntaxError> fail(std::string message) {
    if (!error_) {
      JsonSyntaxError e;
      for (size_t k = 0; k < pos_ && k < text_.size(); ++k) {
        if (text_[k] == '\n') {
          ++e.line;
          e.column = 1;
        } else {
          ++e.column;
        }
      }
      e.message = std::move(message);
      error_ = std::move(e);
    }
    return error_;
  }
  bool failed(std::string message) {
    fail(std::move(message));
    return false;
  }

  // `"name"` then `:` (after `{` or `,`).
  bool member_name() {
    if (!at('"')) return failed("expected a member name in double quotes");
    if (!string()) return false;
    skip_ws();
    if (!at(':')) return failed("expected `:` after a member name");
    ++pos_;
    skip_ws();
    return true;
  }

  // One value; a container is opened (its first element read) and left on the stack.
  bool value() {
    while (true) {
      if (pos_ >= text_.size()) return failed(stack_.empty() ? "the text is empty" : "the text ends inside a value");
      char c = text_[pos_];
      if (c == '{' || c == '[') {
        if (stack_.size() >= max_depth_) return failed(fmt::format("nesting deeper than {} levels", max_depth_));
        ++pos_;
        skip_ws();
        if (at(c == '{' ? '}' : ']')) {
          ++pos_;
          return true;
        }
        stack_.push_back(c);
        if (c == '{' && !member_name()) return false;
        continue;  // the first element
      }
      if (c == '"') return string();
      if (c == '-' || (c >= '0' && c <= '9')) return number();
      for (std::string_view word : {"true", "false", "null"}) {
        if (text_.substr(pos_, word.size()) == word) {
          pos_ += word.size();
          return true;
        }
      }
      return failed("expected a value");
    }
  }

  bool string() {
    ++pos_;  // the opening quote
    while (pos_ < text_.size()) {
      auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return failed("a control character inside a string (write it as an escape such as \\n)");
      if (c == '\\') {
        ++pos_;
        if (pos_ >= text_.size()) break;
        char e = text_[pos_];
        if (e == 'u') {
          for (int k = 1; k <= 4; ++k) {
            if (pos_ + k >= text_.size() || !std::isxdigit(static_cast<unsigned char>(text_[pos_ + k])))
              return failed("`\\u` must be followed by four hexadecimal digits");
          }
          pos_ += 5;
          continue;
        }
        if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos)
          return failed(fmt::format("`\\{}` is not a JSON escape", e));
        ++pos_;
        continue;
      }
      ++pos_;
    }
    return failed("the text ends inside a string");
  }

  bool number() {
    auto digits = [&] {
      size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      return pos_ - start;
    };
    if (at('-')) ++pos_;
    if (at('0')) {
      ++pos_;
      if (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9')
        return failed("a number cannot start with 0");
    } else if (digits() == 0) {
      return failed("expected digits in a number");
    }
    if (at('.')) {
      ++pos_;
      if (digits() == 0) return failed("expected digits after the decimal point");
    }
    if (at('e') || at('E')) {
      ++pos_;
      if (at('+') || at('-')) ++pos_;
      if (digits() == 0) return failed("expected digits in the exponent");
    }
    return true;
  }

  std::string_view text_;
  size_t max_depth_;
  size_t pos_ = 0;
  std::vector<char> stack_;
  std::optional<JsonSyntaxError> error_;
};

}  // namespace

std::optional<JsonSyntaxError> check_json_syntax(std::string_view text, size_t max_depth) {
  return Checker(text, max_depth).run();
}

}  // namespace proviso::records
