// The code generator's IR analyses (see analysis.h).
#include "compiler/jit/analysis.h"

#include <algorithm>
#include <climits>

#include "compiler/ir/evaluation.h"
#include "compiler/jit/layout.h"

namespace proviso::jit::detail {

using ir::NodeId;
using ir::Op;
using ir::Type;
using ir::TypeKind;

namespace {

// The interpreter's depth limit, less the margin the code generator keeps (codegen_impl.h).
constexpr int kMaxDepth = ir::kMaxEvalDepth - 4;

}  // namespace

int64_t Analysis::deepest_below(NodeId id, int64_t depth) {
  constexpr int64_t kUnbounded = INT32_MAX;
  if (id < 0 || static_cast<size_t>(id) >= program_.nodes.size()) return depth;
  // Past the interpreter's limit the answer is known: stop (and keep the C++ stack small).
  if (walk_depth_ > kMaxDepth + 16) return kUnbounded;
  ir::Nesting nesting(walk_depth_);
  const ir::Node& n = program_.nodes[id];
  int64_t d = depth + 1;  // this node
  int64_t most = d;
  auto below = [&](int kind, int32_t index) {
    most = std::max(most, std::min(kUnbounded, d + deepest_in(kind, index)));
  };
  if (n.op == Op::ValueRef && n.aux >= 0 && static_cast<size_t>(n.aux) < program_.values.size()) below(0, n.aux);
  if (n.op == Op::TableGet && n.aux >= 0 && static_cast<size_t>(n.aux) < program_.tables.size()) below(1, n.aux);
  if (n.op == Op::CalendarRef && n.aux >= 0 && static_cast<size_t>(n.aux) < program_.calendars.size()) below(2, n.aux);
  for (NodeId c : {n.a, n.b, n.c}) most = std::max(most, deepest_below(c, d));
  for (NodeId c : n.args) most = std::max(most, deepest_below(c, d));
  return most;
}

int64_t Analysis::deepest_in(int kind, int32_t index) {
  constexpr int64_t kUnbounded = INT32_MAX;
  auto [it, fresh] = deepest_.try_emplace({kind, index}, -1);
  if (!fresh) return it->second < 0 ? kUnbounded : it->second;  // a cycle: unbounded
  int64_t most = 0;
  if (kind == 0) {
    most = deepest_below(program_.values[index].body, 0);
  } else if (kind == 1) {
    const ir::TableDef& t = program_.tables[index];
    for (NodeId g : t.given) most = std::max(most, deepest_below(g, 0));
    for (const ir::TableRow& r : t.rows)
      for (NodeId o : r.outputs) most = std::max(most, deepest_below(o, 0));
  } else {
    const ir::CalendarDef& c = program_.calendars[index];
    most = std::max({deepest_below(c.schedule, 0), deepest_below(c.zone, 0), deepest_below(c.holidays, 0)});
  }
  deepest_[{kind, index}] = most;
  return most;
}

int64_t Analysis::deepest_evaluation() {
  int64_t most = deepest_below(program_.home_zone, 0);
  for (int32_t d : program_.decisions) most = std::max(most, deepest_in(0, d));
  return most;
}

int64_t Analysis::tree_size(NodeId id, int depth, int64_t* refs) {
  if (id < 0 || static_cast<size_t>(id) >= program_.nodes.size() || depth > 1000) return 0;
  // A chain of values this long is far over the inlining limits anyway.
  if (walk_depth_ > kMaxDepth) {
    *refs = INT32_MAX;
    return INT32_MAX;
  }
  ir::Nesting nesting(walk_depth_);
  const ir::Node& n = program_.nodes[id];
  int64_t size = 1;
  if (n.op == Op::ValueRef && n.aux >= 0 && static_cast<size_t>(n.aux) < program_.values.size()) {
    size = std::min<int64_t>(INT32_MAX, size + inline_size(n.aux));
    *refs = std::max(*refs, std::min<int64_t>(INT32_MAX, inline_depth_[n.aux] + 1));
  }
  for (NodeId c : {n.a, n.b, n.c}) size = std::min<int64_t>(INT32_MAX, size + tree_size(c, depth + 1, refs));
  for (NodeId c : n.args) size = std::min<int64_t>(INT32_MAX, size + tree_size(c, depth + 1, refs));
  return size;
}

int64_t Analysis::inline_size(int32_t v) {
  if (inline_size_.empty()) {
    inline_size_.assign(program_.values.size(), -1);
    inline_depth_.assign(program_.values.size(), 0);
  }
  int64_t& known = inline_size_[v];
  if (known == -2) return 0;  // a cycle: fails at run time, size does not matter
  if (known >= 0) return known;
  known = -2;
  int64_t refs = 0;
  int64_t size = tree_size(program_.values[v].body, 0, &refs);
  inline_size_[v] = size;
  inline_depth_[v] = refs;
  return size;
}

bool Analysis::required_input_path(NodeId id) const {
  if (id < 0 || static_cast<size_t>(id) >= program_.nodes.size()) return false;
  const ir::Node& r = program_.nodes[id];
  if (r.op == Op::Input)
    return r.aux >= 0 && static_cast<size_t>(r.aux) < program_.inputs.size() && !program_.inputs[r.aux].optional;
  if (r.op != Op::Field) return false;
  const Type& base = program_.nodes[r.a].type;
  if (base.kind != TypeKind::Record || base.optional) return false;
  const ir::RecordDef& def = program_.schema.records[base.id];
  if (r.aux < 0 || static_cast<size_t>(r.aux) >= def.fields.size() || def.fields[r.aux].type.optional) return false;
  return required_input_path(r.a);
}

// Conditions that evaluate without any possible error: literals, required input fields,
// logic, and comparisons of bools, enums and integers.
bool Analysis::cannot_fail(NodeId id, int depth) const {
  if (id < 0 || static_cast<size_t>(id) >= program_.nodes.size() || depth > 64) return false;
  const ir::Node& n = program_.nodes[id];
  if (n.type.optional) return false;
  switch (n.op) {
    case Op::Const: return true;
    case Op::Input:
    case Op::Field: return required_input_path(id);
    case Op::Not: return cannot_fail(n.a, depth + 1);
    case Op::And:
    case Op::Or: return cannot_fail(n.a, depth + 1) && cannot_fail(n.b, depth + 1);
    case Op::Cmp: {
      TypeKind k = program_.nodes[n.a].type.kind;
      return (k == TypeKind::Bool || k == TypeKind::Enum || k == TypeKind::Integer) &&
             program_.nodes[n.b].type.kind == k && cannot_fail(n.a, depth + 1) && cannot_fail(n.b, depth + 1);
    }
    default: return false;
  }
}

// A collect whose only readers are first() and is_empty() (directly, or through a let that
// is not a decision) needs only the index of its first true condition. When its elements
// are literals and its conditions cannot fail, the conditions after the first true one need
// not be evaluated: the list compiles to a chain of tests that stops there, as a
// hand-written evaluator would. (With the branch-free mask every condition is evaluated;
// that is faster only when the CPU cannot predict which exclusion applies.)
void Analysis::find_early_exit_collects(bool depth_checks) {
  early_exit_.assign(program_.nodes.size(), false);
  if (depth_checks) return;
  // How each node is read: true while every reader is first() or is_empty().
  std::vector<bool> only_first(program_.nodes.size(), true);
  std::vector<bool> value_only_first(program_.values.size(), true);
  auto read_by = [&](NodeId c, Op reader) {
    if (c >= 0 && static_cast<size_t>(c) < program_.nodes.size() && reader != Op::ListFirst &&
        reader != Op::ListIsEmpty)
      only_first[c] = false;
  };
  for (const ir::Node& n : program_.nodes) {
    for (NodeId c : {n.a, n.b, n.c}) read_by(c, n.op);
    for (NodeId c : n.args) read_by(c, n.op);
  }
  // A value is read as its references are read.
  for (size_t i = 0; i < program_.nodes.size(); ++i) {
    const ir::Node& n = program_.nodes[i];
    if (n.op == Op::ValueRef && n.aux >= 0 && static_cast<size_t>(n.aux) < program_.values.size() && !only_first[i])
      value_only_first[n.aux] = false;
  }
  // Nodes read from outside the node graph (tables, calendars, tests, the home zone) and
  // values that are outputs.
  auto outside = [&](NodeId c) {
    if (c >= 0 && static_cast<size_t>(c) < program_.nodes.size()) only_first[c] = false;
  };
  outside(program_.home_zone);
  for (const ir::TableDef& t : program_.tables) {
    for (NodeId g : t.given) outside(g);
    for (const ir::TableRow& r : t.rows)
      for (NodeId o : r.outputs) outside(o);
  }
  for (const ir::CalendarDef& c : program_.calendars) {
    outside(c.schedule);
    outside(c.zone);
    outside(c.holidays);
  }
  for (const ir::TestCase& tc : program_.tests) {
    for (NodeId in : tc.inputs) outside(in);
    for (const ir::TestExpect& e : tc.expects) outside(e.expected);
  }
  for (int32_t v : program_.decisions)
    if (v >= 0 && static_cast<size_t>(v) < program_.values.size()) value_only_first[v] = false;
  std::vector<int> bodies(program_.nodes.size(), 0);  // values whose body this node is
  std::vector<int32_t> body_of(program_.nodes.size(), -1);
  for (size_t v = 0; v < program_.values.size(); ++v) {
    NodeId b = program_.values[v].body;
    if (b >= 0 && static_cast<size_t>(b) < program_.nodes.size()) {
      ++bodies[b];
      body_of[b] = static_cast<int32_t>(v);
    }
  }
  constexpr size_t kMaxElements = 63;
  for (size_t i = 0; i < program_.nodes.size(); ++i) {
    const ir::Node& n = program_.nodes[i];
    size_t items = n.args.size() / 2;
    if (n.op != Op::Collect || items == 0 || items > kMaxElements || n.args.size() % 2 != 0) continue;
    bool readers_ok = only_first[i] && bodies[i] <= 1 && (bodies[i] == 0 || value_only_first[body_of[i]]);
    if (!readers_ok || !n.type.elem || Layout::has_tag(*n.type.elem)) continue;
    // Elements that gen_const gives as LLVM constants, so they can fill a constant array
    // (bools are i1, and zones, calendars and records are read from the constant pool).
    TypeKind ek = n.type.elem->kind;
    if (ek != TypeKind::Text && (!is_immediate_kind(ek) || ek == TypeKind::Bool || ek == TypeKind::None)) continue;
    bool ok = true;
    for (size_t k = 0; ok && k < items; ++k)
      ok = program_.nodes[n.args[2 * k]].op == Op::Const && cannot_fail(n.args[2 * k + 1], 0);
    early_exit_[i] = ok;
  }
}

bool Analysis::is_early_exit_list(NodeId list) const {
  if (list < 0 || static_cast<size_t>(list) >= program_.nodes.size()) return false;
  const ir::Node& n = program_.nodes[list];
  if (n.op == Op::ValueRef && n.aux >= 0 && static_cast<size_t>(n.aux) < program_.values.size())
    list = program_.values[n.aux].body;
  return list >= 0 && static_cast<size_t>(list) < early_exit_.size() && early_exit_[list];
}

}  // namespace proviso::jit::detail
