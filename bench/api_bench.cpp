// The embedding API's per-record costs (docs/EMBEDDING.md): one input evaluated through the C
// API against the C++ API, typed records and JSON, on a seed workload. Each pass evaluates
// every record of the file once; the four ways take turns, pass after pass, and the figures
// are medians, with ratios to the C++ typed call taken in the same run.
//
// Usage: proviso-bench-api [POLICY NDJSON [PASSES]]  (default: the Qlik deadlines workload)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <proviso/proviso.h>
#include <nlohmann/json.hpp>
#include <proviso/proviso.hpp>

namespace {

using Json = nlohmann::ordered_json;

// One scalar of an input, as a typed caller holds it.
struct Setting {
  std::string path;
  enum class Kind { Null, Bool, Int, Number, Text } kind = Kind::Null;
  bool b = false;
  int64_t i = 0;
  std::string text;
};

void flatten(const Json& j, const std::string& path, std::vector<Setting>& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) flatten(v, path.empty() ? k : path + "." + k, out);
    return;
  }
  Setting s;
  s.path = path;
  if (j.is_null())
    s.kind = Setting::Kind::Null;
  else if (j.is_boolean())
    s.kind = Setting::Kind::Bool, s.b = j.get<bool>();
  else if (j.is_number_integer())
    s.kind = Setting::Kind::Int, s.i = j.get<int64_t>();
  else if (j.is_number())
    s.kind = Setting::Kind::Number, s.text = j.dump();
  else
    s.kind = Setting::Kind::Text, s.text = j.get<std::string>();
  out.push_back(std::move(s));
}

double seconds_of(const std::function<void()>& f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) try {
  std::string dir = PROVISO_SOURCE_DIR;
  std::string policy_path = argc > 2 ? argv[1] : dir + "/policies/qlik/oem_maintenance.policy";
  std::string input_path = argc > 2 ? argv[2] : dir + "/policies/qlik/deadlines.ndjson";
  int passes = argc > 3 ? std::atoi(argv[3]) : 15;

  std::ifstream in(input_path);
  if (!in) {
    std::fprintf(stderr, "proviso-bench-api: cannot read %s\n", input_path.c_str());
    return 2;
  }
  std::vector<std::string> lines;
  std::vector<std::vector<Setting>> inputs;
  for (std::string line; std::getline(in, line);) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::vector<Setting> settings;
    flatten(Json::parse(line), "", settings);
    lines.push_back(line);
    inputs.push_back(std::move(settings));
  }

  // The C++ API: a session, a record, fields resolved once.
  proviso::Engine engine;
  auto compiled = engine.compile_file(policy_path);
  if (!compiled.ok()) {
    std::fprintf(stderr, "proviso-bench-api: %s does not compile\n", policy_path.c_str());
    return 2;
  }
  const proviso::Policy& policy = compiled.value();
  proviso::EvalOptions typed_options;
  typed_options.json = false;
  typed_options.values = true;
  proviso::Session typed = std::move(policy.session(typed_options).value());
  proviso::Session json = std::move(policy.session().value());
  proviso::Record record = policy.record();
  std::vector<std::vector<proviso::Field>> fields(inputs.size());

  // The C API: the same policy compiled through it, its field ids and one record.
  proviso_engine* c_engine = nullptr;
  proviso_policy* c_policy = nullptr;
  proviso_record* c_record = nullptr;
  if (proviso_engine_new(nullptr, &c_engine) != PROVISO_OK ||
      proviso_compile_file(c_engine, policy_path.c_str(), &c_policy) != PROVISO_OK ||
      proviso_record_new(c_policy, &c_record) != PROVISO_OK) {
    std::fprintf(stderr, "proviso-bench-api: %s\n", proviso_last_error());
    return 2;
  }
  std::vector<std::vector<proviso_field>> c_fields(inputs.size());
  for (size_t r = 0; r < inputs.size(); ++r) {
    for (const Setting& s : inputs[r]) {
      auto f = policy.field(s.path);
      proviso_field cf = -1;
      if (!f.ok() || proviso_policy_field(c_policy, s.path.c_str(), &cf) != PROVISO_OK) {
        std::fprintf(stderr, "proviso-bench-api: %s is not a field\n", s.path.c_str());
        return 2;
      }
      fields[r].push_back(f.value());
      c_fields[r].push_back(cf);
    }
  }

  size_t sink = 0;  // results are used, so that nothing is optimised away
  auto cpp_typed = [&] {
    for (size_t r = 0; r < inputs.size(); ++r) {
      record.clear();
      for (size_t k = 0; k < inputs[r].size(); ++k) {
        const Setting& s = inputs[r][k];
        switch (s.kind) {
          case Setting::Kind::Null: record.set_null(fields[r][k]); break;
          case Setting::Kind::Bool: record.set_bool(fields[r][k], s.b); break;
          case Setting::Kind::Int: record.set_int(fields[r][k], s.i); break;
          case Setting::Kind::Number: record.set_number(fields[r][k], s.text); break;
          case Setting::Kind::Text: record.set_text(fields[r][k], s.text); break;
        }
      }
      sink += typed.evaluate(record).values.size();
    }
  };
  auto c_typed = [&] {
    for (size_t r = 0; r < inputs.size(); ++r) {
      proviso_record_clear(c_record);
      for (size_t k = 0; k < inputs[r].size(); ++k) {
        const Setting& s = inputs[r][k];
        proviso_field f = c_fields[r][k];
        switch (s.kind) {
          case Setting::Kind::Null: proviso_record_set_null(c_record, f); break;
          case Setting::Kind::Bool: proviso_record_set_bool(c_record, f, s.b); break;
          case Setting::Kind::Int: proviso_record_set_int(c_record, f, s.i); break;
          case Setting::Kind::Number: proviso_record_set_number(c_record, f, s.text.data(), s.text.size()); break;
          case Setting::Kind::Text: proviso_record_set_text(c_record, f, s.text.data(), s.text.size()); break;
        }
      }
      proviso_result* result = nullptr;
      if (proviso_evaluate_record(c_policy, c_record, &result) == PROVISO_OK) sink += proviso_result_count(result);
      proviso_result_free(result);
    }
  };
  auto cpp_json = [&] {
    for (const std::string& line : lines) sink += json.evaluate_json(line).json.size();
  };
  auto c_json = [&] {
    for (const std::string& line : lines) {
      char* out = nullptr;
      size_t len = 0;
      if (proviso_evaluate_json(c_policy, line.data(), line.size(), &out, &len) == PROVISO_OK) sink += len;
      proviso_string_free(out);
    }
  };

  struct Way {
    const char* name;
    std::function<void()> run;
    std::vector<double> times;
  };
  std::vector<Way> ways = {{"C++ typed record (Session::evaluate)", cpp_typed, {}},
                           {"C typed record (proviso_evaluate_record)", c_typed, {}},
                           {"C++ JSON (Session::evaluate_json)", cpp_json, {}},
                           {"C JSON (proviso_evaluate_json)", c_json, {}}};
  for (Way& w : ways) w.run();  // warm-up
  for (int p = 0; p < passes; ++p)
    for (Way& w : ways) w.times.push_back(seconds_of(w.run));

  double base = median(ways[0].times);
  std::printf("%zu records of %s, %d passes, median per record:\n", inputs.size(), input_path.c_str(), passes);
  for (const Way& w : ways) {
    double m = median(w.times);
    std::printf("  %-42s %8.0f ns  %5.2fx\n", w.name, m / static_cast<double>(inputs.size()) * 1e9, m / base);
  }
  std::printf("  C typed / C++ typed: %.2fx (bar: 1.5x); C JSON / C++ JSON: %.2fx\n", median(ways[1].times) / base,
              median(ways[3].times) / median(ways[2].times));
  proviso_record_free(c_record);
  proviso_policy_free(c_policy);
  proviso_engine_free(c_engine);
  return sink == 0 ? 1 : 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "proviso-bench-api: %s\n", e.what());
  return 2;
}
