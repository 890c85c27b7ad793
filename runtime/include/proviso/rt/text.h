// Text rules of the language that both executors apply to runtime values.
#pragma once
#include <string_view>

namespace proviso::rt {

// `blank(t)`: empty, or only Unicode white space (the characters with the White_Space
// property, plus the ASCII information separators U+001C..U+001F that most trim functions
// also remove). Invalid UTF-8 counts as text.
bool is_blank(std::string_view text);

}  // namespace proviso::rt
