// The grammar of `.policy` files (docs/LANGUAGE.md) as PEGTL rules: small named structs with
// no semantics. Every token rule skips the white space and comments *before* it, so a rule's
// match ends exactly at its last token. Rules named in `must<>` are hooks whose error message
// lives in errors.h; actions.h and decl_actions.h build the AST from them.
#pragma once
#include <tao/pegtl.hpp>

namespace proviso::syntax::grammar {

using namespace tao::pegtl;

// Marks rules that only read a token: no action runs inside them, so the control need not
// record the builder's stacks around them (errors.h).
struct token {};

// A token: white space and comments, then `Word` (a keyword that is not followed by a letter).
#define PROVISO_WORD(rule, text) \
  struct rule : seq<sep, TAO_PEGTL_KEYWORD(text)>, token {}

// ---- white space, comments, names -----------------------------------------------------------

struct comment : seq<two<'-'>, until<eolf>>, token {};
struct sep : star<sor<plus<space>, comment>>, token {};

struct reserved
    : sor<TAO_PEGTL_KEYWORD("policy"), TAO_PEGTL_KEYWORD("module"), TAO_PEGTL_KEYWORD("import"),
          TAO_PEGTL_KEYWORD("enum"), TAO_PEGTL_KEYWORD("record"), TAO_PEGTL_KEYWORD("input"),
          TAO_PEGTL_KEYWORD("optional"), TAO_PEGTL_KEYWORD("const"), TAO_PEGTL_KEYWORD("let"),
          TAO_PEGTL_KEYWORD("decision"), TAO_PEGTL_KEYWORD("table"), TAO_PEGTL_KEYWORD("calendar"),
          TAO_PEGTL_KEYWORD("holidays"), TAO_PEGTL_KEYWORD("test"), TAO_PEGTL_KEYWORD("fixture"),
          TAO_PEGTL_KEYWORD("given"), TAO_PEGTL_KEYWORD("expect"), TAO_PEGTL_KEYWORD("clause"), TAO_PEGTL_KEYWORD("if"),
          TAO_PEGTL_KEYWORD("then"), TAO_PEGTL_KEYWORD("else"), TAO_PEGTL_KEYWORD("match"), TAO_PEGTL_KEYWORD("and"),
          TAO_PEGTL_KEYWORD("or"), TAO_PEGTL_KEYWORD("not"), TAO_PEGTL_KEYWORD("in"), TAO_PEGTL_KEYWORD("is"),
          TAO_PEGTL_KEYWORD("present"), TAO_PEGTL_KEYWORD("none"), TAO_PEGTL_KEYWORD("true"),
          TAO_PEGTL_KEYWORD("false"), TAO_PEGTL_KEYWORD("of"), TAO_PEGTL_KEYWORD("with"), TAO_PEGTL_KEYWORD("hit"),
          TAO_PEGTL_KEYWORD("schedule")>,
      token {};

// A user's name: any identifier but a reserved word. `exclusions` starts a declaration but is
// not reserved: LANGUAGE.md's own example names its exclusion list `exclusions`.
struct name : seq<sep, not_at<reserved>, identifier>, token {};
// A module name such as `stdlib.holidays`: its parts may be reserved words.
struct dotted_name : seq<sep, identifier, star<one<'.'>, identifier>>, token {};

// ---- punctuation and operators --------------------------------------------------------------

struct lparen : seq<sep, one<'('>>, token {};
struct rparen : seq<sep, one<')'>>, token {};
struct lbracket : seq<sep, one<'['>>, token {};
struct rbracket : seq<sep, one<']'>>, token {};
struct lbrace : seq<sep, one<'{'>>, token {};
struct rbrace : seq<sep, one<'}'>>, token {};
struct comma : seq<sep, one<','>>, token {};
struct colon : seq<sep, one<':'>>, token {};
struct equals : seq<sep, one<'='>, not_at<one<'=', '>'>>>, token {};
struct arrow : seq<sep, one<'='>, one<'>'>>, token {};
struct bar : seq<sep, one<'|'>>, token {};
struct dotdot : seq<sep, two<'.'>>, token {};
struct dot : seq<sep, one<'.'>, not_at<one<'.'>>>, token {};
struct question : seq<sep, one<'?'>, not_at<one<'?'>>>, token {};

struct op_coalesce : seq<sep, two<'?'>>, token {};
struct op_eq : seq<sep, two<'='>>, token {};
struct op_ne : seq<sep, one<'!'>, one<'='>>, token {};
struct op_le : seq<sep, one<'<'>, one<'='>>, token {};
struct op_lt : seq<sep, one<'<'>>, token {};
struct op_ge : seq<sep, one<'>'>, one<'='>>, token {};
struct op_gt : seq<sep, one<'>'>>, token {};
struct op_plus : seq<sep, one<'+'>>, token {};
struct op_minus : seq<sep, one<'-'>, not_at<one<'-'>>> {};  // `--` starts a comment
struct op_times : seq<sep, one<'*'>>, token {};
struct op_divide : seq<sep, one<'/'>>, token {};

// ---- keywords -------------------------------------------------------------------------------

PROVISO_WORD(kw_policy, "policy");
PROVISO_WORD(kw_module, "module");
PROVISO_WORD(kw_import, "import");
PROVISO_WORD(kw_enum, "enum");
PROVISO_WORD(kw_record, "record");
PROVISO_WORD(kw_input, "input");
PROVISO_WORD(kw_optional, "optional");
PROVISO_WORD(kw_const, "const");
PROVISO_WORD(kw_let, "let");
PROVISO_WORD(kw_decision, "decision");
PROVISO_WORD(kw_table, "table");
PROVISO_WORD(kw_calendar, "calendar");
PROVISO_WORD(kw_schedule, "schedule");
PROVISO_WORD(kw_holidays, "holidays");
PROVISO_WORD(kw_exclusions, "exclusions");
PROVISO_WORD(kw_test, "test");
PROVISO_WORD(kw_fixture, "fixture");
PROVISO_WORD(kw_given, "given");
PROVISO_WORD(kw_expect, "expect");
PROVISO_WORD(kw_clause, "clause");
PROVISO_WORD(kw_if, "if");
PROVISO_WORD(kw_then, "then");
PROVISO_WORD(kw_else, "else");
PROVISO_WORD(kw_match, "match");
PROVISO_WORD(kw_and, "and");
PROVISO_WORD(kw_or, "or");
PROVISO_WORD(kw_not, "not");
PROVISO_WORD(kw_in, "in");
PROVISO_WORD(kw_is, "is");
PROVISO_WORD(kw_present, "present");
PROVISO_WORD(kw_none, "none");
PROVISO_WORD(kw_true, "true");
PROVISO_WORD(kw_false, "false");
PROVISO_WORD(kw_of, "of");
PROVISO_WORD(kw_with, "with");
PROVISO_WORD(kw_hit, "hit");

// Contextual words: they have a role in one place only and stay usable as names.
PROVISO_WORD(w_source, "source");
PROVISO_WORD(w_version, "version");
PROVISO_WORD(w_effective, "effective");
PROVISO_WORD(w_home, "home");
PROVISO_WORD(w_zone, "zone");
PROVISO_WORD(w_every, "every");
PROVISO_WORD(w_day, "day");
PROVISO_WORD(w_to, "to");
PROVISO_WORD(w_except, "except");
PROVISO_WORD(w_business, "business");
PROVISO_WORD(w_valid, "valid");
PROVISO_WORD(w_on, "on");
PROVISO_WORD(w_from, "from");
PROVISO_WORD(w_until, "until");
PROVISO_WORD(w_observed, "observed");
PROVISO_WORD(w_nearest, "nearest");
PROVISO_WORD(w_substitute, "substitute");
PROVISO_WORD(w_next, "next");
PROVISO_WORD(w_weekday, "weekday");
PROVISO_WORD(w_easter, "easter");
PROVISO_WORD(w_before, "before");
PROVISO_WORD(w_after, "after");
PROVISO_WORD(w_open, "open");
PROVISO_WORD(w_add, "add");
PROVISO_WORD(w_remove, "remove");
PROVISO_WORD(w_move, "move");
PROVISO_WORD(w_as, "as");
PROVISO_WORD(w_pausing, "pausing");
PROVISO_WORD(w_gives, "gives");
PROVISO_WORD(w_unique, "unique");
PROVISO_WORD(w_first, "first");
PROVISO_WORD(w_when, "when");
PROVISO_WORD(w_excluding, "excluding");
PROVISO_WORD(w_expect_error, "error");
PROVISO_WORD(w_list, "list");
PROVISO_WORD(w_integer, "integer");
PROVISO_WORD(w_duration, "duration");

struct weekday_word : sor<TAO_PEGTL_KEYWORD("Monday"), TAO_PEGTL_KEYWORD("Tuesday"), TAO_PEGTL_KEYWORD("Wednesday"),
                          TAO_PEGTL_KEYWORD("Thursday"), TAO_PEGTL_KEYWORD("Friday"), TAO_PEGTL_KEYWORD("Saturday"),
                          TAO_PEGTL_KEYWORD("Sunday")> {};
struct month_word : sor<TAO_PEGTL_KEYWORD("January"), TAO_PEGTL_KEYWORD("February"), TAO_PEGTL_KEYWORD("March"),
                        TAO_PEGTL_KEYWORD("April"), TAO_PEGTL_KEYWORD("May"), TAO_PEGTL_KEYWORD("June"),
                        TAO_PEGTL_KEYWORD("July"), TAO_PEGTL_KEYWORD("August"), TAO_PEGTL_KEYWORD("September"),
                        TAO_PEGTL_KEYWORD("October"), TAO_PEGTL_KEYWORD("November"), TAO_PEGTL_KEYWORD("December")> {};
struct ordinal_word : sor<TAO_PEGTL_KEYWORD("first"), TAO_PEGTL_KEYWORD("second"), TAO_PEGTL_KEYWORD("third"),
                          TAO_PEGTL_KEYWORD("fourth"), TAO_PEGTL_KEYWORD("fifth"), TAO_PEGTL_KEYWORD("last")> {};

// ---- literals -------------------------------------------------------------------------------

struct digits : plus<digit> {};
struct two_digits : rep<2, digit> {};
struct date_text : seq<rep<4, digit>, one<'-'>, two_digits, one<'-'>, two_digits> {};
struct clock_text : seq<two_digits, one<':'>, two_digits, opt<one<':'>, two_digits>, not_at<digit>> {};
struct offset_text : sor<one<'Z'>, seq<one<'+', '-'>, two_digits, one<':'>, two_digits>> {};
struct datetime_clock : seq<clock_text> {};
struct datetime_offset : seq<offset_text, not_at<identifier_other>> {};
struct lit_datetime : seq<sep, date_text, one<'T'>, must<datetime_clock>, must<datetime_offset>> {};
struct date_token : seq<sep, date_text, not_at<identifier_other>> {};
struct lit_date : seq<date_token> {};

struct fraction : seq<one<'.'>, digits> {};
struct number_text : seq<digits, opt<fraction>> {};
struct percent_sign : one<'%'> {};
struct business_unit_word : sor<TAO_PEGTL_KEYWORD("minutes"), TAO_PEGTL_KEYWORD("minute"), TAO_PEGTL_KEYWORD("hours"),
                                TAO_PEGTL_KEYWORD("hour"), TAO_PEGTL_KEYWORD("days"), TAO_PEGTL_KEYWORD("day")> {};
struct business_unit : seq<TAO_PEGTL_KEYWORD("business"), plus<blank>, must<business_unit_word>> {};
struct duration_unit
    : sor<TAO_PEGTL_KEYWORD("seconds"), TAO_PEGTL_KEYWORD("second"), TAO_PEGTL_KEYWORD("minutes"),
          TAO_PEGTL_KEYWORD("minute"), TAO_PEGTL_KEYWORD("hours"), TAO_PEGTL_KEYWORD("hour"), TAO_PEGTL_KEYWORD("days"),
          TAO_PEGTL_KEYWORD("day"), TAO_PEGTL_KEYWORD("weeks"), TAO_PEGTL_KEYWORD("week")> {};
struct period_unit : sor<TAO_PEGTL_KEYWORD("months"), TAO_PEGTL_KEYWORD("month"), TAO_PEGTL_KEYWORD("years"),
                         TAO_PEGTL_KEYWORD("year")> {};
struct currency_code : seq<upper, upper, upper, not_at<identifier_other>> {};
// A unit stands on the number's line: `30 minutes`, `4 business hours`, `12.50 USD`.
struct unit_suffix : seq<plus<blank>, sor<business_unit, duration_unit, period_unit, currency_code>> {};
struct lit_number : seq<sep, number_text, not_at<identifier_other>, opt<sor<percent_sign, unit_suffix>>> {};

struct escape_code : one<'"', '\\', 'n', 't'> {};
struct text_escape : seq<one<'\\'>, must<escape_code>> {};
struct text_plain : utf8::ranges<0x20, 0x21, 0x23, 0x5B, 0x5D, 0x10FFFF> {};
struct text_char : sor<text_escape, one<'\t'>, text_plain> {};
struct text_open : one<'"'> {};
struct text_close : one<'"'> {};
struct text_literal : seq<sep, text_open, star<text_char>, must<text_close>> {};

struct lit_text : seq<text_literal> {};
struct lit_always : seq<sep, TAO_PEGTL_KEYWORD("24x7")> {};
struct lit_true : seq<kw_true> {};
struct lit_false : seq<kw_false> {};
struct lit_none : seq<kw_none> {};
struct zone_word : seq<w_zone, at<sep, one<'"'>>> {};
struct lit_zone : seq<zone_word, text_literal> {};

// ---- expressions, loosest last --------------------------------------------------------------

struct expression;

struct paren_body : seq<expression> {};
struct paren_close : seq<rparen> {};
struct paren_expr : seq<lparen, must<paren_body>, must<paren_close>> {};

struct list_item : seq<expression> {};
struct list_more : seq<comma, not_at<rbracket>, must<list_item>> {};
struct list_items : opt<list_item, star<list_more>, opt<comma>> {};
struct list_close : seq<rbracket> {};
struct list_expr : seq<lbracket, list_items, must<list_close>> {};

struct field_init_name : seq<name> {};
struct field_init_colon : seq<colon> {};
struct field_init_value : seq<expression> {};
struct field_init : seq<field_init_name, must<field_init_colon>, must<field_init_value>> {};
struct field_init_more : seq<comma, not_at<rbrace>, must<field_init>> {};
struct field_inits : opt<field_init, star<field_init_more>, opt<comma>> {};
struct record_close : seq<rbrace> {};
struct record_expr : seq<lbrace, field_inits, must<record_close>> {};

struct if_cond : seq<expression> {};
struct if_then_word : seq<kw_then> {};
struct if_then : seq<expression> {};
struct if_else_word : seq<kw_else> {};
struct if_else : seq<expression> {};
struct if_expr : seq<kw_if, must<if_cond>, must<if_then_word>, must<if_then>, must<if_else_word>, must<if_else>> {};

// Conditions: match patterns (`A | B`, `1..3`, `else`) and table cells (`-`, `A, B`, `1..3`,
// `< 5`, `not A`).
struct range_hi : seq<expression> {};
// `1..3` includes both ends; `99.0%..<99.9%` leaves out its upper end.
struct range_open : one<'<'> {};
struct range_tail : seq<dotdot, opt<range_open>, must<range_hi>> {};
struct alt_value : seq<expression> {};
struct alt_tail : seq<bar, must<alt_value>> {};
struct pattern_else : seq<kw_else> {};
struct pattern_values : seq<expression, sor<range_tail, star<alt_tail>>> {};
struct pattern : sor<pattern_else, pattern_values> {};
struct arm_arrow : seq<arrow> {};
struct arm_body : seq<expression> {};
struct match_arm : seq<pattern, must<arm_arrow>, must<arm_body>> {};
struct match_arm_sep : seq<match_arm, opt<comma>> {};
struct match_operand : seq<expression> {};
struct match_open : seq<lbrace> {};
struct match_close : seq<rbrace> {};
struct match_expr : seq<kw_match, must<match_operand>, must<match_open>, star<match_arm_sep>, must<match_close>> {};

struct collect_word : seq<sep, TAO_PEGTL_KEYWORD("collect"), at<lbrace>> {};
struct collect_when : seq<w_when> {};
struct collect_cond : seq<expression> {};
struct collect_item : seq<expression, must<collect_when>, must<collect_cond>> {};
struct collect_more : seq<comma, not_at<rbrace>, must<collect_item>> {};
struct collect_items : opt<collect_item, star<collect_more>, opt<comma>> {};
struct collect_close : seq<rbrace> {};
struct collect_expr : seq<collect_word, lbrace, collect_items, must<collect_close>> {};

struct agg_word : seq<sep, sor<TAO_PEGTL_KEYWORD("any"), TAO_PEGTL_KEYWORD("all"), TAO_PEGTL_KEYWORD("count"),
                               TAO_PEGTL_KEYWORD("sum"), TAO_PEGTL_KEYWORD("min"), TAO_PEGTL_KEYWORD("max"),
                               TAO_PEGTL_KEYWORD("filter"), TAO_PEGTL_KEYWORD("min_by"), TAO_PEGTL_KEYWORD("max_by")>> {
};
struct agg_var : seq<name> {};
struct agg_start : seq<agg_word, agg_var, kw_in> {};
struct agg_list : seq<expression> {};
struct agg_colon : seq<colon> {};
struct agg_body : seq<expression> {};
struct agg_tail : seq<agg_colon, must<agg_body>> {};
// `excluding "4(a)" when i.planned, "4(b)" when ...`: items the aggregation skips, each by the
// clause that excludes it. A `,` continues the exclusions only before another `"CLAUSE" when`,
// so the aggregation still ends at the `,` of an enclosing call or list.
struct agg_clause : seq<lit_text> {};
struct agg_when : seq<w_when> {};
struct agg_cond : seq<expression> {};
struct agg_exclusion : seq<agg_clause, must<agg_when>, must<agg_cond>> {};
struct agg_more : seq<comma, at<text_literal, w_when>, must<agg_exclusion>> {};
struct agg_excluding : seq<w_excluding, must<agg_exclusion>, star<agg_more>> {};
// With exclusions, `count` and `filter` need no body: they count or keep the items not excluded.
struct agg_rest : sor<seq<agg_excluding, opt<agg_tail>>, agg_tail> {};
struct aggregate_expr : seq<at<agg_start>, agg_start, must<agg_list>, must<agg_rest>> {};

// A call's `(` follows the function's name directly: `round(x, 2)`.
struct call_name : seq<name> {};
struct call_open : one<'('> {};
struct call_arg : seq<expression> {};
struct call_more : seq<comma, not_at<rparen>, must<call_arg>> {};
struct call_args : opt<call_arg, star<call_more>, opt<comma>> {};
struct call_close : seq<rparen> {};
struct call_expr : seq<call_name, call_open, call_args, must<call_close>> {};

struct name_expr : seq<name> {};

struct primary
    : sor<paren_expr, list_expr, record_expr, if_expr, match_expr, collect_expr, aggregate_expr, lit_zone, lit_always,
          lit_datetime, lit_date, lit_number, lit_text, lit_true, lit_false, lit_none, call_expr, name_expr> {};

struct field_name : seq<name> {};
struct field_op : seq<dot, must<field_name>> {};
struct with_open : seq<lbrace> {};
struct with_close : seq<rbrace> {};
struct with_op : seq<kw_with, must<with_open>, field_inits, must<with_close>> {};
struct postfix_op : sor<field_op, with_op> {};
// INVARIANT: every recursion of the expression grammar passes through `postfix_expr`; the
// control counts its nesting (errors.h).
struct postfix_expr : seq<primary, star<postfix_op>> {};

struct neg_sign : seq<op_minus> {};
struct neg_expr : seq<star<neg_sign>, postfix_expr> {};

struct times_rhs : seq<neg_expr> {};
struct times_tail : seq<op_times, must<times_rhs>> {};
struct divide_rhs : seq<neg_expr> {};
struct divide_tail : seq<op_divide, must<divide_rhs>> {};
struct of_rhs : seq<neg_expr> {};
struct of_tail : seq<kw_of, must<of_rhs>> {};
struct mul_expr : seq<neg_expr, star<sor<times_tail, divide_tail, of_tail>>> {};

struct plus_rhs : seq<mul_expr> {};
struct plus_tail : seq<op_plus, must<plus_rhs>> {};
struct minus_rhs : seq<mul_expr> {};
struct minus_tail : seq<op_minus, must<minus_rhs>> {};
struct add_expr : seq<mul_expr, star<sor<plus_tail, minus_tail>>> {};

// `CALENDAR pausing PAUSES [as of INSTANT]`: a calendar with its clock stopped, loosest
// after the arithmetic so that `T + D in C pausing P` reads as `T + D in (C pausing P)`.
struct pausing_list : seq<add_expr> {};
struct as_of_instant : seq<add_expr> {};
struct as_of_tail : seq<w_as, kw_of, must<as_of_instant>> {};
struct pausing_tail : seq<w_pausing, must<pausing_list>, opt<as_of_tail>> {};
struct pause_expr : seq<add_expr, opt<pausing_tail>> {};

struct eq_rhs : seq<pause_expr> {};
struct eq_tail : seq<op_eq, must<eq_rhs>> {};
struct ne_rhs : seq<pause_expr> {};
struct ne_tail : seq<op_ne, must<ne_rhs>> {};
struct le_rhs : seq<pause_expr> {};
struct le_tail : seq<op_le, must<le_rhs>> {};
struct lt_rhs : seq<pause_expr> {};
struct lt_tail : seq<op_lt, must<lt_rhs>> {};
struct ge_rhs : seq<pause_expr> {};
struct ge_tail : seq<op_ge, must<ge_rhs>> {};
struct gt_rhs : seq<pause_expr> {};
struct gt_tail : seq<op_gt, must<gt_rhs>> {};
struct in_rhs : seq<pause_expr> {};
struct in_tail : seq<kw_in, must<in_rhs>> {};
struct not_in_word : seq<kw_in> {};
struct not_in_rhs : seq<pause_expr> {};
struct not_in_tail : seq<kw_not, must<not_in_word>, must<not_in_rhs>> {};
struct is_present : seq<kw_present> {};
struct is_none : seq<kw_none> {};
struct is_what : sor<is_present, is_none> {};
struct is_tail : seq<kw_is, must<is_what>> {};
struct cmp_tail : sor<eq_tail, ne_tail, le_tail, lt_tail, ge_tail, gt_tail, in_tail, not_in_tail, is_tail> {};
struct cmp_expr : seq<pause_expr, star<cmp_tail>> {};

struct not_prefix : seq<kw_not> {};
struct not_expr : seq<star<not_prefix>, cmp_expr> {};

struct and_rhs : seq<not_expr> {};
struct and_tail : seq<kw_and, must<and_rhs>> {};
struct and_expr : seq<not_expr, star<and_tail>> {};

struct or_rhs : seq<and_expr> {};
struct or_tail : seq<kw_or, must<or_rhs>> {};
struct or_expr : seq<and_expr, star<or_tail>> {};

struct coalesce_rhs : seq<or_expr> {};
struct coalesce_tail : seq<op_coalesce, must<coalesce_rhs>> {};
struct expression : seq<or_expr, star<coalesce_tail>> {};

// ---- types ----------------------------------------------------------------------------------

struct type_expr;
struct type_primary;

struct int_bound : seq<sep, opt<one<'-'>>, digits> {};
struct int_lo : seq<int_bound> {};
struct int_hi : seq<int_bound> {};
struct int_range_lo : seq<int_lo, dotdot, opt<int_hi>> {};
struct int_range_hi : seq<dotdot, must<int_hi>> {};
struct type_integer : seq<w_integer, opt<sor<int_range_lo, int_range_hi>>> {};
struct type_business : seq<w_business, w_duration> {};
struct list_elem_type : seq<type_primary> {};
struct list_of_word : seq<kw_of> {};
struct type_list : seq<w_list, must<list_of_word>, must<list_elem_type>> {};
struct type_in_parens : seq<type_expr> {};
struct type_paren_close : seq<rparen> {};
struct type_paren : seq<lparen, must<type_in_parens>, must<type_paren_close>> {};
struct type_named : sor<kw_calendar, kw_schedule, kw_holidays, name> {};
// INVARIANT: every recursion of the type grammar passes through `type_primary` (counted).
struct type_primary : sor<type_paren, type_list, type_business, type_integer, type_named> {};
struct type_question : seq<question> {};
struct type_expr : seq<type_primary, opt<type_question>> {};

struct field_decl_name : seq<name> {};
struct field_decl_colon : seq<colon> {};
struct field_decl_type : seq<type_expr> {};
struct field_decl : seq<field_decl_name, must<field_decl_colon>, must<field_decl_type>> {};
struct field_decl_sep : seq<field_decl, opt<comma>> {};
struct field_decls : star<field_decl_sep> {};

// ---- the header -----------------------------------------------------------------------------

struct header_start : sor<kw_policy, kw_module> {};
struct header_name : seq<dotted_name> {};
struct header_title : seq<text_literal> {};
struct source_text : seq<text_literal> {};
struct header_source : seq<w_source, must<source_text>> {};
struct version_text : seq<text_literal> {};
struct header_version : seq<w_version, must<version_text>> {};
struct effective_date : seq<date_token> {};
struct header_effective : seq<w_effective, must<effective_date>> {};
struct home_zone_word : seq<w_zone> {};
struct home_zone_expr : seq<expression> {};
struct header_home : seq<w_home, must<home_zone_word>, must<home_zone_expr>> {};
struct header_clause : sor<header_source, header_version, header_effective, header_home> {};
struct header : seq<header_start, must<header_name>, opt<header_title>, star<header_clause>> {};

// ---- declarations ---------------------------------------------------------------------------

struct decl_name : seq<name> {};
struct clause_text : seq<text_literal> {};
struct clause_part : seq<kw_clause, must<clause_text>> {};
struct value_expr : seq<expression> {};

struct import_start : seq<kw_import> {};
struct import_path : seq<dotted_name> {};
struct import_file : seq<text_literal> {};
struct import_target : sor<import_file, import_path> {};
struct import_decl : seq<import_start, must<import_target>> {};

struct enum_start : seq<kw_enum> {};
struct enum_name : seq<decl_name> {};
struct enum_equals : seq<equals> {};
struct enum_member : seq<name> {};
struct enum_more : seq<bar, must<enum_member>> {};
struct enum_decl : seq<enum_start, must<enum_name>, must<enum_equals>, opt<bar>, must<enum_member>, star<enum_more>> {};

struct record_start : seq<kw_record> {};
struct record_name : seq<decl_name> {};
struct record_open : seq<lbrace> {};
struct fields_close : seq<rbrace> {};
struct record_decl : seq<record_start, must<record_name>, must<record_open>, field_decls, must<fields_close>> {};

struct input_start : seq<kw_input> {};
struct optional_start : seq<kw_optional> {};
struct optional_input_word : seq<kw_input> {};
struct input_name : seq<decl_name> {};
struct input_record : seq<lbrace, field_decls, must<fields_close>> {};
struct input_type_expr : seq<type_expr> {};
struct input_typed : seq<colon, must<input_type_expr>> {};
struct input_type : sor<input_record, input_typed> {};
struct input_decl : seq<input_start, must<input_name>, must<input_type>> {};
struct optional_input_decl : seq<optional_start, must<optional_input_word>, must<input_name>, must<input_type>> {};

struct value_type_expr : seq<type_expr> {};
struct value_type : seq<colon, must<value_type_expr>> {};
struct const_start : seq<kw_const> {};
struct const_name : seq<decl_name> {};
struct const_equals : seq<equals> {};
struct const_decl
    : seq<const_start, must<const_name>, opt<value_type>, opt<clause_part>, must<const_equals>, must<value_expr>> {};
struct let_start : seq<kw_let> {};
struct let_name : seq<decl_name> {};
struct let_equals : seq<equals> {};
struct let_decl
    : seq<let_start, must<let_name>, opt<value_type>, opt<clause_part>, must<let_equals>, must<value_expr>> {};
struct decision_start : seq<kw_decision> {};
struct decision_name : seq<decl_name> {};
struct decision_type : seq<value_type> {};
struct decision_equals : seq<equals> {};
struct decision_decl : seq<decision_start, must<decision_name>, must<decision_type>, opt<clause_part>,
                           must<decision_equals>, must<value_expr>> {};

// Calendars: `Monday to Friday 08:00-17:00, ...` lines, then `in`, `except`, `business day`.
struct clock : seq<two_digits, one<':'>, two_digits, not_at<digit>> {};
struct time_from : seq<sep, clock> {};
struct time_dash : seq<op_minus> {};
struct time_to : seq<sep, clock> {};
struct time_range : seq<time_from, must<time_dash>, must<time_to>> {};
struct time_range_more : seq<comma, must<time_range>> {};
struct hours_ranges : seq<time_range, star<time_range_more>> {};
struct first_day : seq<sep, weekday_word> {};
struct last_day : seq<sep, weekday_word> {};
struct day_to : seq<w_to, must<last_day>> {};
struct every_day_word : seq<w_day> {};
struct every_day : seq<w_every, must<every_day_word>> {};
struct hours_days : sor<every_day, seq<first_day, opt<day_to>>> {};
struct hours_line : seq<hours_days, must<hours_ranges>> {};
struct cal_zone : seq<expression> {};
struct cal_in : seq<kw_in, must<cal_zone>> {};
struct cal_holidays : seq<expression> {};
struct cal_except : seq<w_except, must<cal_holidays>> {};
struct cal_day_word : seq<w_day> {};
struct cal_day_length : seq<expression> {};
struct cal_business : seq<w_business, must<cal_day_word>, must<cal_day_length>> {};
// `schedule EXPR` in place of the day lines. The expression stops before comparisons, so that
// the `in` of the zone line after it is not read as membership (`schedule s in zone`).
struct cal_schedule_expr : seq<add_expr> {};
struct cal_schedule : seq<kw_schedule, must<cal_schedule_expr>> {};
struct calendar_start : seq<kw_calendar> {};
struct calendar_name : seq<decl_name> {};
// Day lines and `schedule` lines in any number and order: the checker says which mix is wrong.
struct calendar_decl : seq<calendar_start, must<calendar_name>, opt<clause_part>, star<sor<hours_line, cal_schedule>>,
                           must<cal_in>, opt<cal_except>, must<cal_business>> {};

// Schedules: weekly hours by name, the same day lines as a calendar's.
struct schedule_start : seq<kw_schedule> {};
struct schedule_name : seq<decl_name> {};
struct schedule_decl : seq<schedule_start, must<schedule_name>, opt<clause_part>, star<hours_line>> {};

// Holiday sets.
struct year : seq<sep, digits> {};
struct valid_from_year : seq<year> {};
struct valid_to_word : seq<w_to> {};
struct valid_to_year : seq<year> {};
struct holidays_valid : seq<w_valid, must<valid_from_year>, must<valid_to_word>, must<valid_to_year>> {};
struct rule_month : seq<sep, month_word> {};
struct rule_day : seq<sep, digits> {};
struct rule_weekday : seq<sep, weekday_word> {};
struct rule_ordinal : seq<sep, ordinal_word> {};
struct rule_of : seq<kw_of> {};
struct rule_nth_month : seq<rule_month> {};
struct rule_fixed : seq<rule_month, must<rule_day>> {};
struct rule_nth : seq<rule_ordinal, must<rule_weekday>, must<rule_of>, must<rule_nth_month>> {};
struct easter_plus : seq<op_plus> {};
struct easter_minus : seq<op_minus> {};
struct easter_days : seq<sep, digits> {};
struct easter_day_unit : seq<sep, sor<TAO_PEGTL_KEYWORD("days"), TAO_PEGTL_KEYWORD("day")>> {};
struct easter_offset : seq<sor<easter_plus, easter_minus>, must<easter_days>, must<easter_day_unit>> {};
struct rule_easter : seq<w_easter, opt<easter_offset>> {};
// `Monday before May 25`, `Saturday on or after June 20`.
struct relation_on_or : seq<w_on, kw_or> {};
struct relation_before : seq<opt<relation_on_or>, w_before> {};
struct relation_after : seq<opt<relation_on_or>, w_after> {};
struct rule_relation : sor<relation_before, relation_after> {};
struct relative_month : seq<rule_month> {};
struct rule_relative : seq<rule_weekday, must<rule_relation>, must<relative_month>, must<rule_day>> {};
struct rule_date : sor<rule_easter, rule_nth, rule_relative, rule_fixed> {};
struct nearest_word : seq<w_nearest> {};
struct next_word : seq<w_next> {};
struct weekday_after : seq<w_weekday> {};
struct rule_observed : seq<w_observed, must<nearest_word>, must<weekday_after>> {};
struct sunday_word : seq<sep, TAO_PEGTL_KEYWORD("Sunday")> {};
struct sunday_only : seq<kw_if, must<sunday_word>> {};
struct rule_substitute : seq<w_substitute, must<next_word>, must<weekday_after>, opt<sunday_only>> {};
// `open 09:00-13:00`: a partial day.
struct open_ranges : seq<hours_ranges> {};
struct open_hours : seq<w_open, must<open_ranges>> {};
struct rule_open : seq<open_hours> {};
struct from_year : seq<year> {};
struct rule_from : seq<w_from, must<from_year>> {};
struct until_year : seq<year> {};
struct rule_until : seq<w_until, must<until_year>> {};
struct rule_modifier : sor<rule_observed, rule_substitute, rule_open, rule_from, rule_until> {};
struct rule_name : seq<text_literal> {};
struct rule_start : seq<w_on> {};
struct holiday_rule : seq<rule_start, must<rule_date>, star<rule_modifier>, opt<rule_name>> {};
struct change_date : seq<date_token> {};
struct change_to_word : seq<w_to> {};
struct change_to_date : seq<date_token> {};
struct change_open : seq<open_hours> {};
struct holiday_add : seq<w_add, must<change_date>, opt<change_open>> {};
struct holiday_remove : seq<w_remove, must<change_date>> {};
struct holiday_move : seq<w_move, must<change_date>, must<change_to_word>, must<change_to_date>> {};
struct holiday_line : sor<holiday_rule, holiday_add, holiday_remove, holiday_move> {};
struct holidays_start : seq<kw_holidays> {};
struct holidays_name : seq<decl_name> {};
struct holidays_title : seq<text_literal> {};
struct holidays_decl : seq<holidays_start, must<holidays_name>, opt<holidays_title>, opt<clause_part>,
                           must<holidays_valid>, star<holiday_line>> {};

// Decision tables. A row is one line: `| cell | cell |`.
struct cell_any : seq<op_minus, at<bar>> {};
struct cell_more_value : seq<expression> {};
struct cell_more : seq<comma, must<cell_more_value>> {};
struct cell_values : seq<expression, sor<range_tail, star<cell_more>>> {};
struct cell_not_values : seq<cell_values> {};
struct cell_not : seq<kw_not, must<cell_not_values>> {};
struct cell_value : seq<expression> {};
struct cell_le : seq<op_le, must<cell_value>> {};
struct cell_lt : seq<op_lt, must<cell_value>> {};
struct cell_ge : seq<op_ge, must<cell_value>> {};
struct cell_gt : seq<op_gt, must<cell_value>> {};
struct cell_ne : seq<op_ne, must<cell_value>> {};
struct cell_eq : seq<op_eq, must<cell_value>> {};
struct cell : sor<cell_any, cell_not, cell_le, cell_lt, cell_ge, cell_gt, cell_ne, cell_eq, cell_values> {};
struct row_end : seq<star<blank>, sor<comment, eolf>> {};
struct row_bar : seq<bar> {};
struct row_more : seq<not_at<row_end>, must<cell>, must<row_bar>> {};
struct table_row : seq<bar, must<cell>, must<row_bar>, star<row_more>> {};
struct column_alias : seq<name> {};
struct column_as : seq<w_as, must<column_alias>> {};
struct table_column : seq<expression, opt<column_as>> {};
struct table_column_more : seq<comma, must<table_column>> {};
struct given_columns : seq<table_column, star<table_column_more>> {};
struct table_given : seq<kw_given, must<given_columns>> {};
struct gives_field : seq<field_decl> {};
struct gives_more : seq<comma, must<gives_field>> {};
struct table_gives : seq<w_gives, must<gives_field>, star<gives_more>> {};
struct hit_unique : seq<w_unique> {};
struct hit_first : seq<w_first> {};
struct hit_policy : sor<hit_unique, hit_first> {};
struct table_hit : seq<kw_hit, must<hit_policy>> {};
struct table_start : seq<kw_table> {};
struct table_name : seq<decl_name> {};
struct table_decl : seq<table_start, must<table_name>, opt<clause_part>, must<table_given>, must<table_gives>,
                        opt<table_hit>, star<table_row>> {};

struct exclusion_when : seq<w_when> {};
struct exclusion_cond : seq<expression> {};
struct exclusion_entry : seq<text_literal, must<exclusion_when>, must<exclusion_cond>> {};
struct exclusions_start : seq<kw_exclusions> {};
struct exclusions_name : seq<decl_name> {};
struct exclusions_decl : seq<exclusions_start, must<exclusions_name>, opt<clause_part>, star<exclusion_entry>> {};

struct fixture_start : seq<kw_fixture> {};
struct fixture_name : seq<decl_name> {};
struct fixture_equals : seq<equals> {};
struct fixture_decl : seq<fixture_start, must<fixture_name>, must<fixture_equals>, must<value_expr>> {};

struct test_name : seq<text_literal> {};
struct given_input : seq<name> {};
struct given_equals : seq<equals> {};
struct given_value : seq<expression> {};
struct test_given : seq<kw_given, must<given_input>, must<given_equals>, must<given_value>> {};
struct expect_error : seq<w_expect_error, at<sep, one<'"'>>, text_literal> {};
struct expect_name : seq<name> {};
struct expect_equals : seq<equals> {};
struct expect_value_expr : seq<expression> {};
struct expect_value : seq<expect_name, must<expect_equals>, must<expect_value_expr>> {};
struct expect_body : sor<expect_error, expect_value> {};
struct test_expect : seq<kw_expect, must<expect_body>> {};
struct test_line : sor<test_given, test_expect> {};
struct test_start : seq<kw_test> {};
struct test_decl : seq<test_start, must<test_name>, star<test_line>> {};

struct declaration
    : sor<import_decl, enum_decl, record_decl, input_decl, optional_input_decl, const_decl, let_decl, decision_decl,
          calendar_decl, schedule_decl, holidays_decl, table_decl, exclusions_decl, fixture_decl, test_decl> {};

// What the driver (parser.cpp) runs: the header once, then one declaration at a time so that
// it can recover after an error. `file` is the whole language, for `analyze<>`.
struct header_unit : seq<header> {};
struct declaration_unit : seq<declaration> {};
struct file : seq<opt<header>, star<declaration>, sep, eof> {};

#undef PROVISO_WORD

}  // namespace proviso::syntax::grammar
