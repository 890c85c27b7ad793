// Look-ups on the IR program and its location tables.
#include "compiler/ir/program.h"

#include <algorithm>

namespace proviso::ir {

bool Pattern::matches(int64_t v) const {
  switch (kind) {
    case Kind::Any: return true;
    case Kind::OneOf: return std::find(values.begin(), values.end(), v) != values.end();
    case Kind::NoneOf: return std::find(values.begin(), values.end(), v) == values.end();
    case Kind::Range: return (!lo || v >= *lo) && (!hi || v <= *hi);
  }
  return false;
}

int Program::find_value(std::string_view name) const {
  for (size_t i = 0; i < values.size(); ++i)
    if (values[i].name == name) return static_cast<int>(i);
  return -1;
}

int Program::find_input(std::string_view name) const {
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].name == name) return static_cast<int>(i);
  return -1;
}

const Loc* Program::node_loc(NodeId id) const {
  if (id < 0 || static_cast<size_t>(id) >= node_locs.size()) return nullptr;
  int32_t l = node_locs[id];
  return l >= 0 && static_cast<size_t>(l) < locs.size() ? &locs[l] : nullptr;
}

const Loc* Program::row_loc(int table, int row) const {
  if (table < 0 || static_cast<size_t>(table) >= table_row_locs.size()) return nullptr;
  const auto& rows = table_row_locs[table];
  if (row < 0 || static_cast<size_t>(row) >= rows.size()) return nullptr;
  int32_t l = rows[row];
  return l >= 0 && static_cast<size_t>(l) < locs.size() ? &locs[l] : nullptr;
}

const SourceFile* Program::file_of(const Loc& loc) const {
  if (loc.file < 0 || static_cast<size_t>(loc.file) >= files.size()) return nullptr;
  return files[loc.file].get();
}

std::string Program::location_text(int32_t loc) const {
  if (loc >= 0 && static_cast<size_t>(loc) < locs.size()) {
    const Loc& l = locs[static_cast<size_t>(loc)];
    if (const SourceFile* f = file_of(l)) {
      LineCol lc = f->line_col(l.span.begin);
      return f->path() + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.column);
    }
  }
  return files.empty() || !files[0] ? std::string("<policy>") : files[0]->path();
}

std::string_view Program::node_text(NodeId id) const {
  const Loc* loc = node_loc(id);
  if (!loc) return {};
  const SourceFile* f = file_of(*loc);
  return f ? f->slice(loc->span) : std::string_view{};
}

}  // namespace proviso::ir
