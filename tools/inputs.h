// Loading evaluation inputs for `eval` and `bench`: a JSON file (one object or NDJSON) or a
// YAML stream, split into records and decoded against the policy's inputs on demand.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "compiler/interp/interpreter.h"
#include "compiler/records/decode.h"

namespace proviso::cli {

class InputSet {
 public:
  size_t count() const { return yaml_ ? yaml_results_.size() : parts_.size(); }
  size_t line(size_t i) const { return yaml_ ? i + 1 : parts_[i].line; }
  records::DecodeResult decode(size_t i);

 private:
  friend bool load_inputs(const ir::Program&, const std::string&, const std::string&, InputSet*);
  std::unique_ptr<records::Decoder> decoder_;
  records::PaddedText text_;
  std::vector<records::InputText> parts_;
  bool yaml_ = false;
  std::vector<records::DecodeResult> yaml_results_;
};

// Reads `path` ("-" = stdin); format "auto" picks YAML for .yaml/.yml. Prints
// `proviso: error: cannot read ...` and returns false when the file cannot be read.
bool load_inputs(const ir::Program& program, const std::string& path, const std::string& format, InputSet* out);

}  // namespace proviso::cli
