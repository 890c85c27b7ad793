// Input records for witnesses: built from a solver model or drawn at random, always complete
// and in the JSON forms `proviso eval` reads, then decoded and replayed through the reference
// interpreter on both versions.
#pragma once
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/diff/symbolic.h"
#include "compiler/ir/program.h"

namespace proviso::diff {

using Json = nlohmann::ordered_json;

// Where the value of an input leaf comes from.
class ValueSource {
 public:
  virtual ~ValueSource() = default;
  // Whether the optional at `path` is present.
  virtual bool present(const std::string& path) = 0;
  // How many items the list at `path` has.
  virtual int length(const std::string& path) = 0;
  // The value of the leaf at `path` of type `type`, in its JSON form.
  virtual Json leaf(const std::string& path, const ir::Type& type, const ir::Schema& schema) = 0;
};

// Values from a Z3 model of the universe's variables; variables the model leaves free get
// plain defaults (the first enum member, the lower bound, 2026-03-02).
class ModelSource : public ValueSource {
 public:
  ModelSource(Universe& u, const z3::model& m) : u_(u), m_(m) {}
  bool present(const std::string& path) override;
  int length(const std::string& path) override;
  Json leaf(const std::string& path, const ir::Type& type, const ir::Schema& schema) override;
  bool exact = true;  // false once a value had to be approximated (a rational with no decimal form)

 private:
  Universe& u_;
  const z3::model& m_;
};

// Random values near the present, small numbers, boundary values of integer ranges, and the
// texts, currencies and zones the policies name.
class RandomSource : public ValueSource {
 public:
  RandomSource(Universe& u, uint64_t seed) : u_(u), rng_(seed) {}
  bool present(const std::string& path) override;
  int length(const std::string& path) override;
  Json leaf(const std::string& path, const ir::Type& type, const ir::Schema& schema) override;

 private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  Universe& u_;
  std::mt19937_64 rng_;
};

// A complete input record of `program` with every leaf taken from `source`.
Json build_input(const ir::Program& program, ValueSource& source);

}  // namespace proviso::diff
