# Writes the file IN into a C++ source OUT that defines `std::string_view NAME()` in namespace
# proviso, returning its text: how docs/DIAGNOSTICS.md reaches `proviso explain`.
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
file(WRITE ${OUT} "// Generated from ${SOURCE} by compiler/ast/embed_text.cmake. Do not edit.\n"
  "#include <string_view>\nnamespace proviso {\nnamespace {\nconst char text[] = {${hex} 0};\n}  // namespace\n"
  "std::string_view ${NAME}() { return std::string_view(text, sizeof(text) - 1); }\n}  // namespace proviso\n")
