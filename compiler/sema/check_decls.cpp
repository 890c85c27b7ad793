// Declarations: collecting names, the schema (enums, records, inputs), values checked on
// demand with cycle detection, calendars, holiday sets, tests and unused-name warnings.
#include <algorithm>
#include <charconv>
#include <cstdlib>

#include <fmt/format.h>
#include <proviso/rt/holidays.h>
#include <proviso/rt/time.h>

#include "compiler/ir/eval_rules.h"
#include "compiler/sema/checker.h"

namespace proviso::sema {

namespace {

constexpr int kMaxCheckDepth = 400;  // on-demand checks nest at most this deep

// The declaration's name; an empty one for those without (the checker reports on names).
const ast::Ident& name_or_empty(const ast::Decl& d) {
  static const ast::Ident none;
  const ast::Ident* name = ast::decl_name(d);
  return name ? *name : none;
}

SymKind sym_kind(ast::DeclKind k) {
  switch (k) {
    case ast::DeclKind::Enum: return SymKind::Enum;
    case ast::DeclKind::Record: return SymKind::Record;
    case ast::DeclKind::Input: return SymKind::Input;
    case ast::DeclKind::Calendar: return SymKind::Calendar;
    case ast::DeclKind::Schedule: return SymKind::Schedule;
    case ast::DeclKind::Holidays: return SymKind::Holidays;
    case ast::DeclKind::Table: return SymKind::Table;
    case ast::DeclKind::Fixture: return SymKind::Fixture;
    default: return SymKind::Value;
  }
}

const char* kind_word(const ast::Decl& d) {
  switch (d.kind()) {
    case ast::DeclKind::Enum: return "enum";
    case ast::DeclKind::Record: return "record";
    case ast::DeclKind::Input: return "input";
    case ast::DeclKind::Calendar: return "calendar";
    case ast::DeclKind::Schedule: return "schedule";
    case ast::DeclKind::Holidays: return "holiday set";
    case ast::DeclKind::Table: return "table";
    case ast::DeclKind::Exclusions: return "exclusion list";
    case ast::DeclKind::Fixture: return "fixture";
    case ast::DeclKind::Value:
      switch (d.value_decl()->kind) {
        case ast::ValueDecl::Kind::Const: return "constant";
        case ast::ValueDecl::Kind::Let: return "value";
        case ast::ValueDecl::Kind::Decision: return "decision";
      }
      return "value";
    default: return "declaration";
  }
}

// The semantic index's entity of a top-level declaration (its type is filled in once checked).
Entity decl_entity(const ast::Decl& d, int file) {
  Entity e;
  const ast::Ident& name = name_or_empty(d);
  e.name = name.text;
  e.file = file;
  e.span = name.span;
  e.decl_span = d.span;
  const std::optional<ast::Clause>* clause = nullptr;
  switch (d.kind()) {
    case ast::DeclKind::Enum: e.kind = EntityKind::Enum; break;
    case ast::DeclKind::Record: e.kind = EntityKind::Record; break;
    case ast::DeclKind::Input: e.kind = EntityKind::Input; break;
    case ast::DeclKind::Calendar:
      e.kind = EntityKind::Calendar;
      clause = &d.calendar_decl()->clause;
      break;
    case ast::DeclKind::Schedule:
      e.kind = EntityKind::Schedule;
      clause = &d.schedule_decl()->clause;
      break;
    case ast::DeclKind::Holidays:
      e.kind = EntityKind::Holidays;
      clause = &d.holidays_decl()->clause;
      break;
    case ast::DeclKind::Table:
      e.kind = EntityKind::Table;
      clause = &d.table_decl()->clause;
      break;
    case ast::DeclKind::Exclusions:
      e.kind = EntityKind::Exclusions;
      clause = &d.exclusions_decl()->clause;
      break;
    case ast::DeclKind::Fixture: e.kind = EntityKind::Fixture; break;
    case ast::DeclKind::Value:
      switch (d.value_decl()->kind) {
        case ast::ValueDecl::Kind::Const: e.kind = EntityKind::Const; break;
        case ast::ValueDecl::Kind::Let: e.kind = EntityKind::Let; break;
        case ast::ValueDecl::Kind::Decision: e.kind = EntityKind::Decision; break;
      }
      clause = &d.value_decl()->clause;
      break;
    default: break;
  }
  if (clause && *clause) e.clause = (*clause)->text;
  return e;
}

std::optional<int64_t> parse_int(const std::string& s) {
  int64_t v = 0;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  bool neg = false;
  if (b != e && *b == '-') {
    neg = true;
    ++b;
  }
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e) return std::nullopt;
  return neg ? -v : v;
}

}  // namespace

void Checker::collect(const ast::Module& module, int file) {
  if (file > 0 && !module.header.is_module) {
    // INVARIANT: only modules are imported (compiler/driver/modules.cpp refuses a policy file).
    error(file, module.header.span, Code::Internal, "only library modules can be imported");
  }
  for (const ast::Decl& d : module.decls) {
    if (d.kind() == ast::DeclKind::Import || d.kind() == ast::DeclKind::Test) continue;
    if (module.header.is_module &&
        (d.kind() == ast::DeclKind::Input || d.kind() == ast::DeclKind::Exclusions ||
         (d.kind() == ast::DeclKind::Value && d.value_decl()->kind == ast::ValueDecl::Kind::Decision))) {
      error(file, name_or_empty(d).span, Code::NotAllowedInModule,
            fmt::format("a library module cannot declare the {} `{}`", kind_word(d), name_or_empty(d).text))
          .help = "declare inputs and decisions in a `policy`, and import this module there";
      continue;
    }
    const ast::Ident& name = name_or_empty(d);
    if (name.text.empty()) continue;
    bool is_input = d.kind() == ast::DeclKind::Input;
    auto is_decision = [](const Symbol* s) {
      return s && s->kind == SymKind::Value &&
             (s->decl->kind() == ast::DeclKind::Exclusions ||
              (s->decl->kind() == ast::DeclKind::Value &&
               s->decl->value_decl()->kind == ast::ValueDecl::Kind::Decision));
    };
    Symbol* same_space = is_input ? (input_symbols_.contains(name.text) ? &input_symbols_[name.text] : nullptr)
                                  : find_declared(name.text);
    Symbol* other_space = is_input ? find_declared(name.text)
                                   : (input_symbols_.contains(name.text) ? &input_symbols_[name.text] : nullptr);
    bool this_is_decision =
        d.kind() == ast::DeclKind::Exclusions ||
        (d.kind() == ast::DeclKind::Value && d.value_decl()->kind == ast::ValueDecl::Kind::Decision);
    // A decision may share an input's name (the Qlik OEM policy: input and decision `reinstatement`);
    // in expressions the bare name means the input.
    if (!same_space && other_space && (is_input ? is_decision(other_space) : this_is_decision)) other_space = nullptr;
    if (Symbol* prev = same_space ? same_space : other_space) {
      auto& diag = error(file, name.span, Code::DuplicateDeclaration, fmt::format("`{}` is declared twice", name.text));
      if (prev->file == file) {
        diag.related.push_back({prev->span, "first declared here"});
      } else {
        diag.help = fmt::format("`{}` is already declared by the imported module `{}` (`{}`)", name.text,
                                imports_[prev->file - 1]->header.name.text, program_->files[prev->file]->path());
      }
      continue;
    }
    Symbol sym;
    sym.kind = sym_kind(d.kind());
    sym.file = file;
    sym.decl = &d;
    sym.span = name.span;
    if (index_) sym.entity = index_->declare(decl_entity(d, file));
    (is_input ? input_symbols_ : symbols_).emplace(name.text, sym);
  }
  for (const ast::Decl& d : module.decls) {
    if (module.header.is_module && d.kind() == ast::DeclKind::Test) {
      error(file, d.test_decl()->name_span, Code::NotAllowedInModule, "a library module cannot declare tests");
    }
  }
}

ir::Type Checker::resolve_type(const ast::TypeExpr& t, int file, const std::string& record_name_hint) {
  using K = ast::TypeExpr::Kind;
  switch (t.kind) {
    case K::Optional: {
      ir::Type inner = t.elem ? resolve_type(*t.elem, file, record_name_hint) : ir::Type::error();
      if (inner.optional) {
        auto& d = error(file, t.span, Code::OptionalTwice, "a type is optional once: remove the second `?`");
        // INVARIANT: an optional type's span ends with its `?`.
        if (t.span.end > t.span.begin) d.fixes.push_back({{t.span.end - 1, t.span.end}, ""});
      }
      return inner.as_optional();
    }
    case K::List: {
      ir::Type inner = t.elem ? resolve_type(*t.elem, file, record_name_hint) : ir::Type::error();
      return ir::Type::list_of(std::move(inner));
    }
    case K::Record: {
      ir::RecordDef rec;
      rec.name = record_name_hint;
      int id = static_cast<int>(program_->schema.records.size());
      program_->schema.records.push_back(rec);
      std::vector<ir::FieldDef> fields;
      std::map<std::string, Span> seen;
      for (const ast::FieldDecl& f : t.fields) {
        if (auto [first, fresh] = seen.emplace(f.name.text, f.name.span); !fresh) {
          error(file, f.name.span, Code::DuplicateField, fmt::format("the field `{}` is declared twice", f.name.text))
              .related.push_back({first->second, "first declared here"});
          continue;
        }
        fields.push_back({f.name.text, f.type ? resolve_type(*f.type, file, record_name_hint + "." + f.name.text)
                                              : ir::Type::error()});
        if (index_) {
          Entity field{EntityKind::Field, f.name.text, record_name_hint, file, f.name.span, show(fields.back().type)};
          field.decl_span = f.span;
          note_declaration(field);
        }
      }
      program_->schema.records[id].fields = std::move(fields);
      return ir::Type::record(id);
    }
    case K::Named: break;
  }
  const std::string& n = t.name.text;
  static const std::map<std::string, ir::TypeKind> builtin = {{"bool", ir::TypeKind::Bool},
                                                              {"integer", ir::TypeKind::Integer},
                                                              {"decimal", ir::TypeKind::Decimal},
                                                              {"money", ir::TypeKind::Money},
                                                              {"percent", ir::TypeKind::Percent},
                                                              {"date", ir::TypeKind::Date},
                                                              {"datetime", ir::TypeKind::DateTime},
                                                              {"duration", ir::TypeKind::Duration},
                                                              {"business duration", ir::TypeKind::BusinessDuration},
                                                              {"period", ir::TypeKind::Period},
                                                              {"text", ir::TypeKind::Text},
                                                              {"zone", ir::TypeKind::Zone},
                                                              {"calendar", ir::TypeKind::Calendar},
                                                              {"schedule", ir::TypeKind::Schedule},
                                                              {"holidays", ir::TypeKind::Holidays}};
  auto it = builtin.find(n);
  if (it != builtin.end()) {
    ir::Type ty = ir::Type::of(it->second);
    if (t.has_range) {
      if (ty.kind != ir::TypeKind::Integer) {
        error(file, t.span, Code::InvalidTypeRange, fmt::format("only `integer` takes a range, not `{}`", n));
        return ty;
      }
      if (t.range_lo) {
        ty.lo = parse_int(*t.range_lo);
        if (!ty.lo)
          error(file, t.span, Code::InvalidTypeRange,
                fmt::format("the range bound `{}` is not an integer", *t.range_lo));
      }
      if (t.range_hi) {
        ty.hi = parse_int(*t.range_hi);
        if (!ty.hi)
          error(file, t.span, Code::InvalidTypeRange,
                fmt::format("the range bound `{}` is not an integer", *t.range_hi));
      }
      if (ty.lo && ty.hi && *ty.lo > *ty.hi) {
        error(file, t.span, Code::EmptyRange, fmt::format("the range {}..{} is empty", *ty.lo, *ty.hi));
      }
    }
    return ty;
  }
  Symbol* sym = find_symbol(n, file);
  if (sym && (sym->kind == SymKind::Enum || sym->kind == SymKind::Record)) note_use(*sym, file, t.name.span);
  if (sym && sym->kind == SymKind::Enum) {
    sym->used = true;
    check_enum(*sym);
    return sym->index >= 0 ? ir::Type::enum_type(sym->index) : ir::Type::error();
  }
  if (sym && sym->kind == SymKind::Record) {
    sym->used = true;
    check_record(*sym);
    return sym->index >= 0 ? ir::Type::record(sym->index) : ir::Type::error();
  }
  std::vector<std::string> candidates;
  for (const auto& [k, v] : builtin) candidates.push_back(k);
  for (const auto& [name, s] : symbols_)
    if ((s.kind == SymKind::Enum || s.kind == SymKind::Record) && sees(file, s)) candidates.push_back(name);
  auto& d = error(file, t.name.span, Code::UnknownType, fmt::format("unknown type `{}`", n));
  std::string hint = closest_name(n, candidates);
  if (std::string unseen = unseen_help(n, file); !unseen.empty()) {
    d.help = std::move(unseen);
  } else if (!hint.empty()) {
    d.help = fmt::format("did you mean `{}`?", hint);
    d.fixes.push_back({t.name.span, hint});
  }
  return ir::Type::error();
}

void Checker::check_enum(Symbol& sym) {
  if (sym.state != Symbol::State::Fresh) return;
  sym.state = Symbol::State::Done;
  const ast::EnumDecl& e = *sym.decl->enum_decl();
  ir::EnumDef def;
  def.name = e.name.text;
  for (const ast::Ident& m : e.members) {
    if (int first = def.find(m.text); first >= 0) {
      // INVARIANT: members are added in order until the first duplicate, so the index of the
      // earlier one is its index in e.members too.
      error(sym.file, m.span, Code::DuplicateMember, fmt::format("`{}` is listed twice in `{}`", m.text, e.name.text))
          .related.push_back({e.members[static_cast<size_t>(first)].span, "first listed here"});
      continue;
    }
    def.members.push_back(m.text);
    if (index_) {
      Entity member{EntityKind::Member, m.text, e.name.text, sym.file, m.span, e.name.text};
      member.decl_span = sym.decl->span;
      note_declaration(member);
    }
  }
  // INVARIANT: the grammar requires a member.
  if (def.members.empty())
    error(sym.file, e.name.span, Code::Internal, fmt::format("`{}` has no members", e.name.text));
  sym.index = static_cast<int>(program_->schema.enums.size());
  program_->schema.enums.push_back(std::move(def));
  enum_files_.push_back(sym.file);
}

void Checker::check_record(Symbol& sym) {
  if (sym.state == Symbol::State::Done) return;
  if (sym.state == Symbol::State::Checking) {
    error(sym.file, sym.span, Code::Cycle,
          fmt::format("the record `{}` contains itself", sym.decl->record_decl()->name.text))
        .help = "records must be finite: use a list or an optional of another record";
    return;
  }
  sym.state = Symbol::State::Checking;
  const ast::RecordDecl& r = *sym.decl->record_decl();
  int id = static_cast<int>(program_->schema.records.size());
  program_->schema.records.push_back(ir::RecordDef{r.name.text, {}});
  sym.index = id;
  std::vector<ir::FieldDef> fields;
  std::map<std::string, Span> seen;
  for (const ast::FieldDecl& f : r.fields) {
    if (auto [first, fresh] = seen.emplace(f.name.text, f.name.span); !fresh) {
      error(sym.file, f.name.span, Code::DuplicateField, fmt::format("the field `{}` is declared twice", f.name.text))
          .related.push_back({first->second, "first declared here"});
      continue;
    }
    ir::Type ft = f.type ? resolve_type(*f.type, sym.file, r.name.text + "." + f.name.text) : ir::Type::error();
    fields.push_back({f.name.text, ft});
    if (index_) {
      Entity field{EntityKind::Field, f.name.text, r.name.text, sym.file, f.name.span, show(ft)};
      field.decl_span = f.span;
      note_declaration(field);
    }
  }
  program_->schema.records[id].fields = std::move(fields);
  sym.state = Symbol::State::Done;
}

void Checker::check_input(Symbol& sym) {
  sym.state = Symbol::State::Done;
  const ast::InputDecl& in = *sym.decl->input_decl();
  ir::InputDef def;
  def.name = in.name.text;
  def.optional = in.optional;
  def.type = in.type ? resolve_type(*in.type, sym.file, in.name.text) : ir::Type::error();
  if (def.type.optional) {
    auto& d =
        error(sym.file, in.type->span, Code::OptionalInput, "an input is made optional with `optional input`, not `?`");
    // INVARIANT: an input's declaration starts with `input` here (`optional input` gives no
    // optional type), and an optional type's span ends with its `?`.
    if (!in.optional && in.type->span.end > in.type->span.begin) {
      d.fixes.push_back({{sym.decl->span.begin, sym.decl->span.begin}, "optional "});
      d.fixes.push_back({{in.type->span.end - 1, in.type->span.end}, ""});
    }
    def.type.optional = false;
  }
  if (!def.type.is_error() && def.type.kind != ir::TypeKind::Record && def.type.kind != ir::TypeKind::List) {
    error(sym.file, in.type->span, Code::InputNotRecord,
          fmt::format("the input `{}` must be a record or a list of records, not `{}`", in.name.text, show(def.type)));
  }
  if (!def.type.is_error()) refuse_unreadable_fields(sym.file, *in.type, def.type, in.name.text);
  sym.index = static_cast<int>(program_->inputs.size());
  program_->inputs.push_back(std::move(def));
}

// Calendars, schedules and holiday sets are declared in the policy, not read from records: an
// input field of such a type could never be given, and would fail every evaluation.
void Checker::refuse_unreadable_fields(int file, const ast::TypeExpr& written, const ir::Type& t,
                                       const std::string& path) {
  std::vector<std::pair<const ir::Type*, std::string>> todo{{&t, path}};  // depth first, fields in order
  std::vector<int32_t> seen_records;
  while (!todo.empty()) {
    auto [type, where] = todo.back();
    todo.pop_back();
    switch (type->kind) {
      case ir::TypeKind::Calendar:
      case ir::TypeKind::Schedule:
      case ir::TypeKind::Holidays: {
        std::string kind = ir::to_string(type->as_required(), program_->schema);
        error(file, written.span, Code::InvalidInputType,
              fmt::format("`{}` has type `{}`, which input records cannot give", where, kind))
            .help = fmt::format("declare the {} in the policy and choose one by the inputs with `match`",
                                type->kind == ir::TypeKind::Holidays ? "holiday sets" : kind + "s");
        break;
      }
      case ir::TypeKind::List:
        if (type->elem) todo.push_back({type->elem.get(), where + "[]"});
        break;
      case ir::TypeKind::Record: {
        if (std::find(seen_records.begin(), seen_records.end(), type->id) != seen_records.end()) break;
        seen_records.push_back(type->id);
        const auto& rec = program_->schema.records[static_cast<size_t>(type->id)];
        for (auto f = rec.fields.rbegin(); f != rec.fields.rend(); ++f)
          todo.push_back({&f->type, where + "." + f->name});
        break;
      }
      default: break;
    }
  }
}

void Checker::check_header(const ast::Header& h) {
  program_->name = h.name.text;
  program_->title = h.title.value_or("");
  program_->source = h.source.value_or("");
  program_->version = h.version.value_or("");
  if (h.effective) {
    auto d = rt::parse_date(*h.effective);
    if (!d) {
      error(0, h.effective_span, Code::InvalidDate, d.error().message);
    } else {
      program_->effective = *d;
    }
  }
  if (h.home_zone) {
    Scope scope;
    program_->home_zone =
        check_as(*h.home_zone, scope, ir::Type::of(ir::TypeKind::Zone), "the home zone", Code::TypeMismatch);
  }
}

void Checker::ensure_value(Symbol& sym) {
  if (sym.state == Symbol::State::Done) return;
  const ast::Decl& d = *sym.decl;
  if (sym.state == Symbol::State::Checking) {
    error(sym.file, sym.span, Code::Cycle, fmt::format("`{}` depends on itself", name_or_empty(d).text)).help =
        "policies are total: a decision may not use itself, directly or through others";
    return;
  }
  if (depth_ > kMaxCheckDepth) {
    error(sym.file, sym.span, Code::NestingTooDeep,
          fmt::format("declarations depend on each other more than {} deep", kMaxCheckDepth));
    return;
  }
  ++depth_;
  sym.state = Symbol::State::Checking;
  ir::ValueDef def;
  Scope scope;
  scope.file = sym.file;
  if (d.kind() == ast::DeclKind::Exclusions) {
    const ast::ExclusionsDecl& x = *d.exclusions_decl();
    def.kind = ir::ValueKind::Decision;
    def.name = x.name.text;
    def.type = ir::Type::list_of(ir::Type::of(ir::TypeKind::Text));
    def.clause = x.clause ? x.clause->text : "";
    def.is_exclusions = true;
    ir::Node collect;
    collect.op = ir::Op::Collect;
    collect.type = def.type;
    std::map<std::string, Span> seen;
    for (const ast::ExclusionEntry& e : x.entries) {
      if (auto [first, fresh] = seen.emplace(e.clause, e.clause_span); !fresh) {
        error(sym.file, e.clause_span, Code::DuplicateExclusion,
              fmt::format("the exclusion \"{}\" is listed twice", e.clause))
            .related.push_back({first->second, "first listed here"});
      }
      collect.args.push_back(
          emit_const(ir::Value(e.clause), ir::Type::of(ir::TypeKind::Text), sym.file, e.clause_span));
      collect.args.push_back(e.when ? check_as(*e.when, scope, ir::Type::of(ir::TypeKind::Bool),
                                               fmt::format("the condition of exclusion \"{}\"", e.clause),
                                               Code::ConditionNotBool)
                                    : ir::kNoNode);
    }
    def.body = emit(std::move(collect), sym.file, d.span);
    if (!x.clause) {
      auto& d = warning(sym.file, x.name.span, Code::NoClause,
                        fmt::format("the exclusions `{}` cite no clause", x.name.text));
      d.help = "add `clause \"...\"` after the name, citing the contract's section";
      d.fixes.push_back({{x.name.span.end, x.name.span.end}, "  clause \"...\"", Applicability::HasPlaceholders});
    }
  } else {
    const ast::ValueDecl& v = *d.value_decl();
    def.name = v.name.text;
    def.clause = v.clause ? v.clause->text : "";
    switch (v.kind) {
      case ast::ValueDecl::Kind::Const:
        def.kind = ir::ValueKind::Const;
        scope.constant = true;
        break;
      case ast::ValueDecl::Kind::Let: def.kind = ir::ValueKind::Let; break;
      case ast::ValueDecl::Kind::Decision: def.kind = ir::ValueKind::Decision; break;
    }
    if (v.type) {
      def.type = resolve_type(*v.type, sym.file, v.name.text);
      def.body = v.value
                     ? check_as(*v.value, scope, def.type, fmt::format("`{}`", v.name.text), Code::DeclaredTypeMismatch)
                     : ir::kNoNode;
    } else {
      def.body = v.value ? check_expr(*v.value, scope) : ir::kNoNode;
      def.type = type_of(def.body);
      if (def.type.kind == ir::TypeKind::None) {
        error(sym.file, v.name.span, Code::AlwaysNone,
              fmt::format("`{}` is always `none`: give it a type", v.name.text));
      }
    }
    if (def.kind == ir::ValueKind::Decision && !v.clause) {
      auto& d =
          warning(sym.file, v.name.span, Code::NoClause, fmt::format("the decision `{}` cites no clause", v.name.text));
      d.help = "add `clause \"...\"` after the type, citing the contract's section";
      // INVARIANT: a decision has a type (the grammar requires it).
      uint32_t after = v.type ? v.type->span.end : v.name.span.end;
      d.fixes.push_back({{after, after}, "  clause \"...\"", Applicability::HasPlaceholders});
    }
    if (def.kind == ir::ValueKind::Decision &&
        (def.type.kind == ir::TypeKind::Calendar || def.type.kind == ir::TypeKind::Schedule ||
         def.type.kind == ir::TypeKind::Holidays || def.type.kind == ir::TypeKind::Zone)) {
      error(sym.file, v.name.span, Code::InvalidDecisionType,
            fmt::format("a decision cannot be `{}`: use `let` for intermediate values", show(def.type)));
    }
  }
  sym.index = static_cast<int>(program_->values.size());
  program_->value_locs.push_back(add_loc(sym.file, sym.span));
  program_->values.push_back(std::move(def));
  sym.state = Symbol::State::Done;
  --depth_;
}

void Checker::ensure_holidays(Symbol& sym) {
  if (sym.state != Symbol::State::Fresh) return;
  sym.state = Symbol::State::Done;
  const ast::HolidaysDecl& h = *sym.decl->holidays_decl();
  rt::HolidaySetDef def;
  def.name = h.name.text;
  def.valid_from = h.valid_from;
  def.valid_to = h.valid_to;
  if (h.valid_from == 0 && h.valid_to == 0) {
    error(sym.file, h.name.span, Code::InvalidHolidays,
          fmt::format("the holiday set `{}` needs `valid YEAR to YEAR`", h.name.text));
    return;
  }
  // The hours of a partial day (`open 09:00-13:00, 14:00-16:00`), read as a calendar's day
  // line is.
  auto open_hours = [&](const std::vector<std::pair<int32_t, int32_t>>& written,
                        Span span) -> std::optional<std::vector<rt::TimeRange>> {
    std::vector<rt::TimeRange> ranges;
    if (!day_ranges(sym.file, span, written, RangeWords::open_hours(), ranges)) return std::nullopt;
    return ranges;
  };
  using RuleKind = ast::HolidayRuleDecl::Kind;
  using Observance = ast::HolidayRuleDecl::Observance;
  for (const ast::HolidayRuleDecl& r : h.rules) {
    rt::HolidayRule rule;
    switch (r.kind) {
      case RuleKind::Fixed: rule.kind = rt::HolidayRule::Kind::Fixed; break;
      case RuleKind::NthWeekday: rule.kind = rt::HolidayRule::Kind::NthWeekday; break;
      case RuleKind::LastWeekday: rule.kind = rt::HolidayRule::Kind::LastWeekday; break;
      case RuleKind::WeekdayBefore: rule.kind = rt::HolidayRule::Kind::WeekdayBefore; break;
      case RuleKind::WeekdayAfter: rule.kind = rt::HolidayRule::Kind::WeekdayAfter; break;
      case RuleKind::Easter: rule.kind = rt::HolidayRule::Kind::Easter; break;
    }
    rule.month = r.month;
    rule.day = r.day;
    rule.nth = r.nth;
    rule.weekday = r.weekday;
    rule.inclusive = r.inclusive;
    rule.easter_offset = r.easter_offset;
    switch (r.observance) {
      case Observance::None: rule.observance = rt::Observance::None; break;
      case Observance::NearestWeekday: rule.observance = rt::Observance::NearestWeekday; break;
      case Observance::SubstituteNextWeekday: rule.observance = rt::Observance::SubstituteNextWeekday; break;
      case Observance::SubstituteSunday: rule.observance = rt::Observance::SubstituteSunday; break;
    }
    if (r.from_year) rule.from_year = *r.from_year;
    if (r.until_year) rule.until_year = *r.until_year;
    if (r.name) rule.name = *r.name;
    if (!r.open.empty()) {
      if (r.observance != Observance::None) {
        error(sym.file, r.open_span, Code::InvalidHolidays,
              "a partial day is not observed on another day: `open` hours cannot be combined with "
              "`observed` or `substitute`")
            .help = "remove the weekend rule, or make the holiday a whole day";
        continue;
      }
      auto open = open_hours(r.open, r.open_span);
      if (!open) continue;
      rule.open = std::move(*open);
    }
    if (rule.kind == rt::HolidayRule::Kind::Fixed || rule.kind == rt::HolidayRule::Kind::WeekdayBefore ||
        rule.kind == rt::HolidayRule::Kind::WeekdayAfter) {
      int max_day = r.month == 2 ? 29 : rt::days_in_month(2001, r.month >= 1 && r.month <= 12 ? r.month : 1);
      if (r.day < 1 || r.day > max_day) {
        error(sym.file, r.span, Code::InvalidHolidays,
              fmt::format("{} has no day {}", ast::month_name(r.month), r.day));
        continue;
      }
    }
    def.rules.push_back(std::move(rule));
  }
  for (const ast::DateChange& c : h.changes) {
    auto d = rt::parse_date(c.date);
    if (!d) {
      error(sym.file, c.span, Code::InvalidDate, d.error().message);
      continue;
    }
    switch (c.kind) {
      case ast::DateChange::Kind::Add: {
        if (c.open.empty()) {
          def.added.push_back(*d);
          break;
        }
        auto open = open_hours(c.open, c.span);
        if (open) def.added_partial.push_back({*d, std::move(*open)});
        break;
      }
      case ast::DateChange::Kind::Remove: def.removed.push_back(*d); break;
      case ast::DateChange::Kind::Move: {
        auto to = rt::parse_date(c.to_date);
        if (!to) {
          error(sym.file, c.span, Code::InvalidDate, to.error().message);
          continue;
        }
        def.moved.push_back({*d, *to});
        break;
      }
    }
  }
  auto set = rt::HolidaySet::make(std::move(def));
  if (!set) {
    error(sym.file, h.name.span, Code::InvalidHolidays, set.error().message);
    return;
  }
  ir::Value v(ir::HolidaysValue{set.value()});
  sym.index = emit_const(std::move(v), ir::Type::of(ir::TypeKind::Holidays), sym.file, h.name.span);
}

// `business day 8 hours` next to `09:00-18:00`: `1 business day` then ends an hour before the
// working day does, which is rarely what a contract means. Warns when no working day of the
// week is as long as the business day.
void Checker::warn_business_day_length(int file, const ast::CalendarDecl& c, const ir::CalendarDef& def) {
  if (def.schedule == ir::kNoNode) return warn_day_length(file, c, def.hours, def.business_day, "");
  // Hours chosen by the inputs: every schedule the calendar can take must fit its business day.
  for (int32_t s : schedules_of(def.schedule)) {
    const ir::ScheduleDef& schedule = program_->schedules[static_cast<size_t>(s)];
    warn_day_length(file, c, schedule.hours, def.business_day, schedule.name);
  }
}

void Checker::ensure_calendar(Symbol& sym) {
  if (sym.state == Symbol::State::Done) return;
  if (sym.state == Symbol::State::Checking) {
    error(sym.file, sym.span, Code::Cycle,
          fmt::format("the calendar `{}` depends on itself", sym.decl->calendar_decl()->name.text));
    return;
  }
  sym.state = Symbol::State::Checking;
  ++depth_;
  const ast::CalendarDecl& c = *sym.decl->calendar_decl();
  ir::CalendarDef def;
  def.name = c.name.text;
  def.clause = c.clause ? c.clause->text : "";
  def.hours = check_hours(sym.file, c.hours);
  Scope scope;
  scope.file = sym.file;
  def.schedule = check_calendar_schedule(sym.file, c, scope);
  bool any = std::any_of(def.hours.days.begin(), def.hours.days.end(), [](const auto& d) { return !d.empty(); });
  if (!any && !c.schedule) {
    error(sym.file, c.name.span, Code::NoWorkingTime, fmt::format("the calendar `{}` has no working time", c.name.text))
        .help =
        "list working hours such as `Monday to Friday 09:00-17:00`, take them from a schedule with "
        "`schedule NAME`, or use `24x7`";
  }
  if (c.zone) {
    def.zone = check_as(*c.zone, scope, ir::Type::of(ir::TypeKind::Zone), "the calendar's zone", Code::TypeMismatch);
  } else {
    // INVARIANT: the grammar requires `in ZONE`.
    error(sym.file, c.name.span, Code::Internal, fmt::format("the calendar `{}` needs `in ZONE`", c.name.text));
  }
  if (c.holidays) {
    def.holidays = check_as(*c.holidays, scope, ir::Type::of(ir::TypeKind::Holidays), "the calendar's holidays",
                            Code::TypeMismatch);
  }
  if (c.business_day && c.business_day->kind == ast::ExprKind::Literal &&
      c.business_day->lit == ast::LitKind::Duration) {
    Scope cs;
    cs.file = sym.file;
    cs.constant = true;
    ir::NodeId bd = check_expr(*c.business_day, cs);
    if (bd >= 0 && node(bd).op == ir::Op::Const) {
      def.business_day = program_->consts[node(bd).aux].as_duration();
    }
    if (def.business_day <= 0 || def.business_day > 86400) {
      error(sym.file, c.business_day->span, Code::InvalidBusinessDay,
            "a business day must be longer than 0 and at most 24 hours");
    } else {
      warn_business_day_length(sym.file, c, def);
    }
  } else {
    error(sym.file, c.business_day ? c.business_day->span : c.name.span, Code::InvalidBusinessDay,
          fmt::format("the calendar `{}` needs `business day DURATION`, such as `business day 8 hours`", c.name.text));
  }
  sym.index = static_cast<int>(program_->calendars.size());
  program_->calendars.push_back(std::move(def));
  sym.state = Symbol::State::Done;
  --depth_;
}

void Checker::check_tests(const ast::Module& module) {
  std::map<std::string, Span> names;
  for (const ast::Decl& d : module.decls) {
    if (d.kind() != ast::DeclKind::Test) continue;
    const ast::TestDecl& t = *d.test_decl();
    if (auto [first, fresh] = names.emplace(t.name, t.name_span); !fresh) {
      error(0, t.name_span, Code::DuplicateTest, fmt::format("two tests are named \"{}\"", t.name))
          .related.push_back({first->second, "the first is here"});
    }
    ir::TestCase tc;
    tc.name = t.name;
    tc.loc = add_loc(0, t.name_span);
    tc.inputs.assign(program_->inputs.size(), ir::kNoNode);
    std::vector<bool> given(program_->inputs.size(), false);
    std::vector<Span> given_at(program_->inputs.size());
    for (const ast::TestGiven& g : t.givens) {
      int idx = program_->find_input(g.input.text);
      if (idx < 0) {
        std::vector<std::string> candidates;
        for (const auto& in : program_->inputs) candidates.push_back(in.name);
        auto& diag = error(0, g.input.span, Code::UnknownName, fmt::format("there is no input `{}`", g.input.text));
        std::string hint = closest_name(g.input.text, candidates);
        if (!hint.empty()) {
          diag.help = fmt::format("did you mean `{}`?", hint);
          diag.fixes.push_back({g.input.span, hint});
        }
        continue;
      }
      if (given[idx]) {
        error(0, g.input.span, Code::DuplicateGiven, fmt::format("the test gives `{}` twice", g.input.text))
            .related.push_back({given_at[idx], "first given here"});
        continue;
      }
      given[idx] = true;
      given_at[idx] = g.input.span;
      if (auto in = input_symbols_.find(g.input.text); in != input_symbols_.end())
        note_use(in->second, 0, g.input.span);
      Scope scope;
      scope.constant = true;
      ir::Type target = program_->inputs[idx].type;
      if (program_->inputs[idx].optional) target = target.as_optional();
      tc.inputs[idx] =
          g.value ? check_as(*g.value, scope, target, fmt::format("the input `{}`", g.input.text), Code::TypeMismatch)
                  : ir::kNoNode;
    }
    for (size_t i = 0; i < program_->inputs.size(); ++i) {
      if (!given[i] && !program_->inputs[i].optional) {
        error(0, t.name_span, Code::TestMissingInput, fmt::format("the test gives no `{}`", program_->inputs[i].name))
            .help = fmt::format("add `given {} = {{ ... }}`", program_->inputs[i].name);
      }
    }
    for (const ast::TestExpect& x : t.expects) {
      ir::TestExpect ex;
      ex.loc = add_loc(0, x.span);
      if (x.is_error) {
        ex.error = x.error;
        if (ex.error.empty()) ex.error = " ";
        tc.expects.push_back(std::move(ex));
        continue;
      }
      Symbol* s = find_declared(x.decision.text);
      int vi = s && s->kind == SymKind::Value ? s->index : -1;
      if (vi < 0 || program_->values[vi].kind != ir::ValueKind::Decision) {
        std::vector<std::string> candidates;
        for (int di : program_->decisions) candidates.push_back(program_->values[di].name);
        auto& diag =
            error(0, x.decision.span, Code::UnknownName, fmt::format("there is no decision `{}`", x.decision.text));
        std::string hint = closest_name(x.decision.text, candidates);
        if (!hint.empty()) {
          diag.help = fmt::format("did you mean `{}`?", hint);
          diag.fixes.push_back({x.decision.span, hint});
        }
        continue;
      }
      ex.value = vi;
      note_use(*s, 0, x.decision.span);
      Scope scope;
      scope.constant = true;
      ex.expected = x.value ? check_as(*x.value, scope, program_->values[vi].type,
                                       fmt::format("the expected `{}`", x.decision.text), Code::TypeMismatch)
                            : ir::kNoNode;
      tc.expects.push_back(std::move(ex));
    }
    program_->tests.push_back(std::move(tc));
  }
}

void Checker::report_unused() {
  // With errors, a name often looks unused only because its use was misspelled.
  if (diags_.has_errors()) return;
  // A module checked on its own declares what the policies that import it use.
  if (main_.header.is_module) return;
  for (auto& [name, sym] : symbols_) {
    if (sym.used || sym.file != 0) continue;
    const ast::Decl& d = *sym.decl;
    bool reportable = false;
    switch (sym.kind) {
      case SymKind::Value:
        reportable = d.kind() == ast::DeclKind::Value && d.value_decl()->kind != ast::ValueDecl::Kind::Decision;
        break;
      case SymKind::Table:
      case SymKind::Calendar:
      case SymKind::Schedule:
      case SymKind::Holidays:
      case SymKind::Fixture:
      case SymKind::Enum:
      case SymKind::Record: reportable = true; break;
      case SymKind::Input: break;
    }
    if (!reportable) continue;
    warning(0, sym.span, Code::Unused, fmt::format("the {} `{}` is never used", kind_word(d), name)).help =
        "remove it, or use it in a decision";
  }
}

}  // namespace proviso::sema
