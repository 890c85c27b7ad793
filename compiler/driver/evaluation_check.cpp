// Constant evaluation and the static bound on evaluation depth.
#include "compiler/driver/evaluation_check.h"

#include <fmt/format.h>

#include "compiler/interp/interpreter.h"

namespace proviso::driver {

namespace {

// What evaluating a node can reach: how deep it nests, whether it reads an input, and the
// dependency through which it nests deepest (to name the chain in a message).
struct NodeInfo {
  int64_t depth = -1;  // -1: not computed yet
  bool reads_input = false;
  ir::NodeId deepest = ir::kNoNode;
};

// The nodes that evaluating `id` evaluates one level deeper: its operands, and the bodies of
// the values, table cells and calendar parts it refers to.
void dependencies(const ir::Program& p, ir::NodeId id, std::vector<ir::NodeId>& out) {
  out.clear();
  const ir::Node& n = p.nodes[static_cast<size_t>(id)];
  for (ir::NodeId c : {n.a, n.b, n.c})
    if (c >= 0) out.push_back(c);
  for (ir::NodeId c : n.args)
    if (c >= 0) out.push_back(c);
  auto index = static_cast<size_t>(n.aux);
  switch (n.op) {
    case ir::Op::ValueRef:
      if (index < p.values.size() && p.values[index].body >= 0) out.push_back(p.values[index].body);
      break;
    case ir::Op::TableGet:
      if (index < p.tables.size()) {
        const ir::TableDef& t = p.tables[index];
        for (ir::NodeId g : t.given)
          if (g >= 0) out.push_back(g);
        for (const ir::TableRow& row : t.rows) {
          auto col = static_cast<size_t>(n.aux2);
          if (col < row.outputs.size() && row.outputs[col] >= 0) out.push_back(row.outputs[col]);
        }
      }
      break;
    case ir::Op::CalendarRef:
      if (index < p.calendars.size()) {
        if (p.calendars[index].schedule >= 0) out.push_back(p.calendars[index].schedule);
        if (p.calendars[index].zone >= 0) out.push_back(p.calendars[index].zone);
        if (p.calendars[index].holidays >= 0) out.push_back(p.calendars[index].holidays);
      }
      break;
    default: break;
  }
}

// NodeInfo of every node reachable from `root`, without recursion (chains of thousands of
// lets are what this looks for).
void analyse(const ir::Program& p, ir::NodeId root, std::vector<NodeInfo>& info) {
  if (root < 0 || info[static_cast<size_t>(root)].depth >= 0) return;
  struct Frame {
    ir::NodeId id;
    bool expanded;
  };
  std::vector<Frame> stack{{root, false}};
  std::vector<ir::NodeId> deps;
  std::vector<char> on_stack(p.nodes.size());
  while (!stack.empty()) {
    Frame f = stack.back();
    auto i = static_cast<size_t>(f.id);
    if (info[i].depth >= 0) {
      stack.pop_back();
      continue;
    }
    dependencies(p, f.id, deps);
    if (!f.expanded) {
      stack.back().expanded = true;
      on_stack[i] = 1;
      for (ir::NodeId d : deps)
        if (info[static_cast<size_t>(d)].depth < 0 && !on_stack[static_cast<size_t>(d)]) stack.push_back({d, false});
      continue;
    }
    NodeInfo result;
    result.depth = 1;
    result.reads_input = p.nodes[i].op == ir::Op::Input;
    for (ir::NodeId d : deps) {
      const NodeInfo& di = info[static_cast<size_t>(d)];
      if (di.depth < 0) continue;  // a cycle (the checker refuses them): not counted
      if (di.depth + 1 > result.depth) {
        result.depth = di.depth + 1;
        result.deepest = d;
      }
      result.reads_input |= di.reads_input;
    }
    info[i] = result;
    on_stack[i] = 0;
    stack.pop_back();
  }
}

// Where a diagnostic about a value goes: the node that failed, else the value's name.
const ir::Loc* location(const ir::Program& p, int32_t loc_index) {
  if (loc_index < 0 || static_cast<size_t>(loc_index) >= p.locs.size()) return nullptr;
  return &p.locs[static_cast<size_t>(loc_index)];
}

void report(const ir::Program& p, Diagnostics& out, const ir::Loc* loc, Code code, std::string message,
            std::string help) {
  SourcePtr file = loc && loc->file >= 0 && static_cast<size_t>(loc->file) < p.files.size()
                       ? p.files[static_cast<size_t>(loc->file)]
                       : (p.files.empty() ? nullptr : p.files[0]);
  Diagnostic& d = out.error(file, loc ? loc->span : Span{}, code, std::move(message));
  d.help = std::move(help);
}

int32_t value_loc(const ir::Program& p, size_t value) { return value < p.value_locs.size() ? p.value_locs[value] : -1; }

}  // namespace

int64_t evaluation_depth(const ir::Program& p, ir::NodeId node) {
  if (node < 0) return 0;
  std::vector<NodeInfo> info(p.nodes.size());
  analyse(p, node, info);
  return info[static_cast<size_t>(node)].depth;
}

void check_evaluation(const ir::Program& p, Diagnostics& out) {
  std::vector<NodeInfo> info(p.nodes.size());
  interp::Interpreter interp(p);

  // Evaluation depth of each decision (and of the home zone), as the evaluators count it.
  auto too_deep = [&](ir::NodeId root, const std::string& what, int32_t loc) {
    analyse(p, root, info);
    int64_t depth = info[static_cast<size_t>(root)].depth;
    if (depth <= ir::kMaxEvalDepth) return;
    std::vector<std::string> chain;
    for (ir::NodeId n = root; n >= 0; n = info[static_cast<size_t>(n)].deepest) {
      const ir::Node& node = p.nodes[static_cast<size_t>(n)];
      if (node.op == ir::Op::ValueRef && static_cast<size_t>(node.aux) < p.values.size())
        chain.push_back(fmt::format("`{}`", p.values[static_cast<size_t>(node.aux)].name));
    }
    std::string through;
    if (chain.size() > 4)
      through = fmt::format(" through {}, {}, ... {} ({} values)", chain[0], chain[1], chain.back(), chain.size());
    else if (!chain.empty())
      through = " through " + fmt::format("{}", fmt::join(chain, ", "));
    report(p, out, location(p, loc), Code::EvaluationTooDeep,
           fmt::format("evaluating {} nests {} levels deep{}, more than the {} an evaluation may", what, depth, through,
                       ir::kMaxEvalDepth),
           "compute the value in fewer steps: each let in a chain of lets adds to the depth");
  };
  for (int32_t d : p.decisions) {
    const ir::ValueDef& def = p.values[static_cast<size_t>(d)];
    if (def.body >= 0) too_deep(def.body, fmt::format("`{}`", def.name), value_loc(p, static_cast<size_t>(d)));
  }
  if (p.home_zone >= 0)
    too_deep(
        p.home_zone, "the home zone",
        p.home_zone < static_cast<ir::NodeId>(p.node_locs.size()) ? p.node_locs[static_cast<size_t>(p.home_zone)] : -1);
  if (out.has_errors()) return;  // evaluating anything now could nest too deeply

  // Constants, and values that read no input: evaluated now, since they fail on every input
  // if they fail at all.
  for (size_t v = 0; v < p.values.size(); ++v) {
    const ir::ValueDef& def = p.values[v];
    if (def.body < 0) continue;
    analyse(p, def.body, info);
    bool constant = def.kind == ir::ValueKind::Const;
    if (!constant && info[static_cast<size_t>(def.body)].reads_input) continue;
    ir::Value value;
    ir::EvalError error;
    if (interp.evaluate_constant(def.body, &value, &error)) continue;
    const ir::Loc* loc = location(p, error.loc);
    if (!loc) loc = location(p, value_loc(p, v));
    if (constant)
      report(p, out, loc, Code::ConstantFails,
             fmt::format("the constant `{}` cannot be computed: {}", def.name, error.message),
             "constants are computed when the policy is compiled");
    else
      report(p, out, loc, Code::AlwaysFails,
             fmt::format("`{}` reads no input and fails on every evaluation: {}", def.name, error.message), "");
  }
}

}  // namespace proviso::driver
