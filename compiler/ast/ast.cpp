// Small helpers shared by the parser and the formatter.
#include "compiler/ast/ast.h"

namespace proviso::ast {

const char* weekday_name(int weekday) {
  static const char* const names[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  return weekday >= 0 && weekday < 7 ? names[weekday] : "?";
}

const char* month_name(int month) {
  static const char* const names[] = {"January", "February", "March",     "April",   "May",      "June",
                                      "July",    "August",   "September", "October", "November", "December"};
  return month >= 1 && month <= 12 ? names[month - 1] : "?";
}

}  // namespace proviso::ast
