// An estimate of how long LLVM takes to compile a policy at O2, from the size of its IR: the
// default engine uses the interpreter for policies that would take too long to compile.
#include <cmath>

#include "compiler/jit/jit.h"

namespace proviso::jit {

namespace {

// Nodes of one expression tree, not crossing into other values, tables or calendars (each of
// those is a function of its own in generated code).
size_t tree_size(const ir::Program& p, ir::NodeId root, std::vector<ir::NodeId>& stack) {
  size_t n = 0;
  stack.clear();
  if (root != ir::kNoNode) stack.push_back(root);
  while (!stack.empty()) {
    ir::NodeId id = stack.back();
    stack.pop_back();
    if (id < 0 || static_cast<size_t>(id) >= p.nodes.size()) continue;
    ++n;
    const ir::Node& node = p.nodes[static_cast<size_t>(id)];
    for (ir::NodeId c : {node.a, node.b, node.c})
      if (c != ir::kNoNode) stack.push_back(c);
    for (ir::NodeId c : node.args)
      if (c != ir::kNoNode) stack.push_back(c);
  }
  return n;
}

}  // namespace

// Fitted on generated policies (many small decisions, a few large ones, long `if` chains and
// `collect`s, tables of 500 to 10,000 rows with literal and expression cells) on the
// reference machine of bench/README.md: time grows about linearly with a function's size plus
// a quadratic term (LLVM's passes over one large function), plus a term for the number of
// functions in the module. It errs on the high side for most shapes; docs/LIMITS.md has the
// measurements.
double estimate_compile_ms(const ir::Program& p) {
  // Only what the decisions reach is generated: walk from them (and the home zone) through
  // references to values, tables and calendars.
  std::vector<char> value_used(p.values.size()), table_used(p.tables.size()), calendar_used(p.calendars.size());
  std::vector<ir::NodeId> work;
  std::vector<char> node_seen(p.nodes.size());
  auto reach = [&](ir::NodeId root) {
    if (root != ir::kNoNode) work.push_back(root);
    while (!work.empty()) {
      ir::NodeId id = work.back();
      work.pop_back();
      if (id < 0 || static_cast<size_t>(id) >= p.nodes.size() || node_seen[static_cast<size_t>(id)]) continue;
      node_seen[static_cast<size_t>(id)] = 1;
      const ir::Node& n = p.nodes[static_cast<size_t>(id)];
      auto index = static_cast<size_t>(n.aux);
      if (n.op == ir::Op::ValueRef && index < p.values.size() && !value_used[index]) {
        value_used[index] = 1;
        work.push_back(p.values[index].body);
      } else if (n.op == ir::Op::TableGet && index < p.tables.size() && !table_used[index]) {
        table_used[index] = 1;
        const ir::TableDef& t = p.tables[index];
        work.insert(work.end(), t.given.begin(), t.given.end());
        for (const ir::TableRow& row : t.rows) work.insert(work.end(), row.outputs.begin(), row.outputs.end());
      } else if (n.op == ir::Op::CalendarRef && index < p.calendars.size() && !calendar_used[index]) {
        calendar_used[index] = 1;
        work.push_back(p.calendars[index].schedule);
        work.push_back(p.calendars[index].zone);
        work.push_back(p.calendars[index].holidays);
      }
      for (ir::NodeId c : {n.a, n.b, n.c})
        if (c != ir::kNoNode) work.push_back(c);
      for (ir::NodeId c : n.args)
        if (c != ir::kNoNode) work.push_back(c);
    }
  };
  for (int32_t d : p.decisions) {
    value_used[static_cast<size_t>(d)] = 1;
    reach(p.values[static_cast<size_t>(d)].body);
  }
  reach(p.home_zone);

  std::vector<ir::NodeId> stack;
  double ms = 40;  // the fixed cost of any module
  size_t functions = 0;
  auto function = [&](double size) {
    ms += 0.09 * size + 1.0e-5 * size * size;
    ++functions;
  };
  for (size_t i = 0; i < p.values.size(); ++i)
    if (value_used[i]) function(static_cast<double>(tree_size(p, p.values[i].body, stack)));
  for (size_t i = 0; i < p.tables.size(); ++i) {
    if (!table_used[i]) continue;
    const ir::TableDef& t = p.tables[i];
    double size = 0;
    for (ir::NodeId g : t.given) size += static_cast<double>(tree_size(p, g, stack));
    for (const ir::TableRow& row : t.rows) {
      size += static_cast<double>(row.conds.size());
      for (ir::NodeId o : row.outputs) size += static_cast<double>(tree_size(p, o, stack));
    }
    // Rows become a chain of selects that the code generator handles worse than expressions.
    function(size * 1.3);
  }
  for (size_t i = 0; i < p.calendars.size(); ++i)
    if (calendar_used[i])
      function(static_cast<double>(tree_size(p, p.calendars[i].schedule, stack) +
                                   tree_size(p, p.calendars[i].zone, stack) +
                                   tree_size(p, p.calendars[i].holidays, stack) + 10));
  ms += 0.03 * std::pow(static_cast<double>(functions), 1.5);
  return ms;
}

}  // namespace proviso::jit
