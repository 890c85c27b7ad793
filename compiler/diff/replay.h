// Replaying a witness: decode an input record for one version and evaluate one decision with
// the reference interpreter, so that nothing the solver suggests is reported unchecked.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "compiler/interp/interpreter.h"
#include "compiler/ir/program.h"
#include "compiler/records/decode.h"

namespace proviso::diff {

using Json = nlohmann::ordered_json;

struct Outcome {
  bool decoded = false;  // the input was accepted
  bool ok = false;       // the decision evaluated without error
  ir::Value value;
  ir::EvalError error;
  const rt::Zone* home_zone = nullptr;
};

class Replayer {
 public:
  explicit Replayer(const ir::Program& p) : p_(p), decoder_(p), interp_(p) {}
  // Decodes `input` and evaluates the value `index` (a decision).
  Outcome run(const Json& input, int index);
  // The same from decoded inputs (for --cases).
  Outcome evaluate(const std::vector<ir::Value>& inputs, int index);
  records::Decoder& decoder() { return decoder_; }
  const ir::Program& program() const { return p_; }
  // eval's JSON form of the outcome: the value, or {"error": {"path", "message"}}.
  Json json(const Outcome& o, int index) const;

 private:
  const ir::Program& p_;
  records::Decoder decoder_;
  interp::Interpreter interp_;
};

// Whether two outcomes are the same to a reader of `eval`'s output: both errors, or equal
// values (money compared as written: rounded to the minor unit).
bool same_observable(const Outcome& a, const Outcome& b, const ir::Type& type);
bool same_value(const ir::Value& a, const ir::Value& b);

}  // namespace proviso::diff
