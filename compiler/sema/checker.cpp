// The checker's driver: collects declarations, checks them in dependency order, and hands
// back the program with its diagnostics.
#include "compiler/sema/checker.h"

#include <algorithm>

#include <fmt/format.h>

namespace proviso::sema {

Checker::Checker(const ast::Module& main, const std::vector<ImportedModule>& imports, SemanticIndex* index)
    : main_(main), program_(std::make_shared<ir::Program>()), index_(index) {
  program_->files.push_back(main.source);
  for (const ImportedModule& m : imports) {
    imports_.push_back(m.module);
    program_->files.push_back(m.module->source);
  }
  // What each file sees: the policy everything; a module itself and what it imports, directly
  // or not. A module comes after the modules it imports, so theirs are complete by then.
  size_t n = program_->files.size();
  sees_.assign(n, std::vector<bool>(n, false));
  sees_[0].assign(n, true);
  for (size_t i = 0; i < imports.size(); ++i) {
    std::vector<bool>& row = sees_[i + 1];
    row[i + 1] = true;
    for (int j : imports[i].imports) {
      if (j < 0 || static_cast<size_t>(j) >= i) continue;  // INVARIANT: imports come first
      for (size_t k = 0; k < n; ++k)
        if (sees_[j + 1][k]) row[k] = true;
    }
  }
}

bool Checker::sees_file(int from, int file) const {
  return from >= 0 && static_cast<size_t>(from) < sees_.size() && file >= 0 &&
         static_cast<size_t>(file) < sees_.size() && sees_[from][file];
}

bool Checker::sees(int from, const Symbol& sym) const { return sees_file(from, sym.file); }

Diagnostic& Checker::error(int file, Span span, Code code, std::string message) {
  return diags_.error(program_->files[file], span, code, std::move(message));
}

Diagnostic& Checker::warning(int file, Span span, Code code, std::string message) {
  return diags_.warning(program_->files[file], span, code, std::move(message));
}

int32_t Checker::add_loc(int file, Span span) {
  program_->locs.push_back(ir::Loc{file, span});
  return static_cast<int32_t>(program_->locs.size() - 1);
}

ir::NodeId Checker::emit(ir::Node node, int file, Span span) {
  program_->nodes.push_back(std::move(node));
  program_->node_locs.push_back(add_loc(file, span));
  return static_cast<ir::NodeId>(program_->nodes.size() - 1);
}

ir::NodeId Checker::emit_const(ir::Value value, ir::Type type, int file, Span span) {
  program_->consts.push_back(std::move(value));
  ir::Node n;
  n.op = ir::Op::Const;
  n.type = std::move(type);
  n.aux = static_cast<int32_t>(program_->consts.size() - 1);
  return emit(std::move(n), file, span);
}

Symbol* Checker::find_symbol(const std::string& name, int from) {
  auto in = input_symbols_.find(name);
  if (in != input_symbols_.end() && sees(from, in->second)) return &in->second;
  Symbol* sym = find_declared(name);
  return sym && sees(from, *sym) ? sym : nullptr;
}

bool Checker::sees_enum(int from, int id) const {
  return id >= 0 && static_cast<size_t>(id) < enum_files_.size() && sees_file(from, enum_files_[id]);
}

std::string Checker::unseen_help(const std::string& name, int from) const {
  const Symbol* sym = nullptr;
  if (auto in = input_symbols_.find(name); in != input_symbols_.end()) sym = &in->second;
  if (auto it = symbols_.find(name); !sym && it != symbols_.end()) sym = &it->second;
  if (!sym || sees(from, *sym)) return "";
  const std::string& where = program_->files[sym->file]->path();
  std::string place = sym->file == 0 ? fmt::format("the policy `{}`", where)
                                     : fmt::format("`{}`, which this module does not import", where);
  return fmt::format(
      "`{}` is declared in {}: a module sees only its own declarations and those of the modules it "
      "imports",
      name, place);
}

Symbol* Checker::find_declared(const std::string& name) {
  auto it = symbols_.find(name);
  return it == symbols_.end() ? nullptr : &it->second;
}

std::vector<std::string> Checker::symbol_names(int from) const {
  std::vector<std::string> names;
  for (const auto& [name, sym] : symbols_)
    if (sees(from, sym)) names.push_back(name);
  for (const auto& [name, sym] : input_symbols_)
    if (sees(from, sym)) names.push_back(name);
  return names;
}

CheckResult Checker::run() {
  for (size_t i = 0; i < imports_.size(); ++i) collect(*imports_[i], static_cast<int>(i + 1));
  collect(main_, 0);
  bool within_limits = within_size_limits(main_, 0);
  for (size_t i = 0; i < imports_.size(); ++i)
    within_limits &= within_size_limits(*imports_[i], static_cast<int>(i + 1));
  if (!within_limits) {
    diags_.sort();
    return CheckResult{nullptr, std::move(diags_)};
  }

  // Schema first (enums, records, inputs), in a fixed order so ids are stable.
  for (auto& [name, sym] : symbols_)
    if (sym.kind == SymKind::Enum) check_enum(sym);
  for (auto& [name, sym] : symbols_)
    if (sym.kind == SymKind::Record) check_record(sym);
  // Inputs in declaration order (they are the public schema).
  std::vector<Symbol*> inputs;
  for (auto& [name, sym] : input_symbols_) inputs.push_back(&sym);
  std::sort(inputs.begin(), inputs.end(),
            [](const Symbol* a, const Symbol* b) { return a->span.begin < b->span.begin; });
  for (Symbol* s : inputs) check_input(*s);

  check_header(main_.header);

  // Every value, table, calendar and holiday set, in source order per file.
  std::vector<Symbol*> ordered;
  for (auto& [name, sym] : symbols_) ordered.push_back(&sym);
  std::sort(ordered.begin(), ordered.end(), [](const Symbol* a, const Symbol* b) {
    if (a->file != b->file) return a->file > b->file;  // imports before the policy
    return a->span.begin < b->span.begin;
  });
  for (Symbol* s : ordered) {
    switch (s->kind) {
      case SymKind::Value: ensure_value(*s); break;
      case SymKind::Table: ensure_table(*s); break;
      case SymKind::Calendar: ensure_calendar(*s); break;
      case SymKind::Schedule: ensure_schedule(*s); break;
      case SymKind::Holidays: ensure_holidays(*s); break;
      default: break;
    }
  }
  // Output order: decisions in declaration order.
  std::vector<std::pair<uint32_t, int32_t>> decisions;
  for (Symbol* s : ordered) {
    if (s->kind != SymKind::Value || s->file != 0 || s->index < 0) continue;
    if (program_->values[s->index].kind == ir::ValueKind::Decision) decisions.push_back({s->span.begin, s->index});
  }
  std::sort(decisions.begin(), decisions.end());
  for (auto& [pos, idx] : decisions) program_->decisions.push_back(idx);

  check_tests(main_);
  report_unused();
  if (index_) {
    // The types of values and inputs, known once they are checked.
    index_->files = program_->files;
    for (const auto& [name, sym] : symbols_) {
      if (sym.entity < 0 || sym.index < 0) continue;
      std::string& type = index_->entities[static_cast<size_t>(sym.entity)].type;
      if (sym.kind == SymKind::Value) type = show(program_->values[sym.index].type);
      if (sym.kind == SymKind::Calendar) type = "calendar";
      if (sym.kind == SymKind::Schedule) type = "schedule";
      if (sym.kind == SymKind::Holidays) type = "holidays";
    }
    for (const auto& [name, sym] : input_symbols_) {
      if (sym.entity < 0 || sym.index < 0) continue;
      const ir::InputDef& in = program_->inputs[sym.index];
      index_->entities[static_cast<size_t>(sym.entity)].type = show(in.optional ? in.type.as_optional() : in.type);
    }
  }

  diags_.sort();
  diags_.drop_repeats();
  CheckResult result;
  result.diagnostics = std::move(diags_);
  if (!result.diagnostics.has_errors()) result.program = program_;
  return result;
}

namespace {

size_t count_fields(const ast::TypeExpr* t, size_t* most) {
  for (; t; t = t->elem.get()) {
    if (t->kind != ast::TypeExpr::Kind::Record) continue;
    *most = std::max(*most, t->fields.size());
    for (const ast::FieldDecl& f : t->fields) count_fields(f.type.get(), most);
    break;
  }
  return *most;
}

}  // namespace

bool Checker::within_size_limits(const ast::Module& module, int file) {
  bool ok = true;
  auto check = [&](const ast::Ident& name, const char* kind, size_t count, const char* things, size_t limit) {
    if (count <= limit) return;
    error(file, name.span, Code::DeclarationTooLarge,
          fmt::format("the {} `{}` has {} {}, the limit is {}", kind, name.text, count, things, limit))
        .help = "split it into smaller declarations";
    ok = false;
  };
  for (const ast::Decl& d : module.decls) {
    size_t most = 0;
    switch (d.kind()) {
      case ast::DeclKind::Enum:
        check(d.enum_decl()->name, "enum", d.enum_decl()->members.size(), "members", kMaxEnumMembers);
        break;
      case ast::DeclKind::Record:
        most = d.record_decl()->fields.size();
        for (const ast::FieldDecl& f : d.record_decl()->fields) count_fields(f.type.get(), &most);
        check(d.record_decl()->name, "record", most, "fields", kMaxRecordFields);
        break;
      case ast::DeclKind::Input:
        check(d.input_decl()->name, "input", count_fields(d.input_decl()->type.get(), &most), "fields",
              kMaxRecordFields);
        break;
      case ast::DeclKind::Table:
        check(d.table_decl()->name, "table", d.table_decl()->rows.size(), "rows", kMaxTableRows);
        break;
      default: break;
    }
  }
  return ok;
}

CheckResult check(const ast::Module& main, const std::vector<ImportedModule>& imports, SemanticIndex* index) {
  Checker checker(main, imports, index);
  return checker.run();
}

}  // namespace proviso::sema
