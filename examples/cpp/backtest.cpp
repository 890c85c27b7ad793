// A data team's use of Proviso from C++: back-test a policy over a file of last year's cases
// and count, per decision, how many cases got a value, got none, or could not be evaluated.
//
//   backtest POLICY CASES.ndjson
#include <fstream>
#include <iostream>
#include <map>
#include <string>

#include <proviso/proviso.hpp>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: backtest POLICY CASES.ndjson\n";
    return 2;
  }
  proviso::Engine engine;
  auto compiled = engine.compile_file(argv[1]);
  if (!compiled.ok()) {
    for (const auto& d : compiled.diagnostics()) std::cerr << d.rendered;
    if (compiled.diagnostics().empty()) std::cerr << compiled.error() << "\n";
    return 1;
  }
  const proviso::Policy& policy = compiled.value();
  auto session = policy.session();
  if (!session.ok()) {
    std::cerr << session.error() << "\n";
    return 1;
  }
  std::ifstream in(argv[2]);
  if (!in) {
    std::cerr << "cannot read " << argv[2] << "\n";
    return 1;
  }
  std::map<std::string, std::map<std::string, int>> counts;  // decision -> outcome -> cases
  int cases = 0, errors = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    ++cases;
    proviso::Evaluation e = session.value().evaluate_json(line);
    if (!e.ok) {
      ++errors;
      continue;
    }
    for (const auto& d : policy.info().decisions) {
      // The line is {"decisions":{"NAME":VALUE,...}}: a value of null means none.
      std::string key = "\"" + d.name + "\":";
      auto at = e.json.find(key);
      bool none = at != std::string::npos && e.json.compare(at + key.size(), 4, "null") == 0;
      ++counts[d.name][none ? "none" : "value"];
    }
  }
  std::cout << policy.info().name << " " << policy.info().version << ": " << cases << " cases, " << errors
            << " not evaluated\n";
  for (const auto& [decision, outcomes] : counts) {
    std::cout << "  " << decision << ":";
    for (const auto& [outcome, n] : outcomes) std::cout << " " << outcome << " " << n;
    std::cout << "\n";
  }
  return 0;
}
