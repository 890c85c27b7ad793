// The policies `proviso serve` answers for: every `*.policy` under a directory (recursively,
// skipping hidden entries and module files), by declared name, each compiled once per version.
//
// A reload compiles every file again and swaps in one new table of versions atomically: a
// request holds the version it found (a shared_ptr) until it is answered, so it is answered
// wholly by one version. A file that no longer compiles keeps its last good version serving
// and its diagnostics are kept for /v1/admin/status; a policy declared by two files is served
// from the first (in path order) and the other is reported.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <proviso/proviso.hpp>

namespace proviso::server {

using Json = nlohmann::ordered_json;

// One loaded version of a policy.
struct Served {
  std::string name, file, hash;  // file: relative to the directory
  Policy policy;
  Json summary;  // GET /v1/policies entry: name, title, version, effective, hash, decisions, inputs
  Json schema;   // the input's JSON Schema
  double compile_seconds = 0;
  std::string loaded_at;  // RFC 3339, UTC
  uint64_t serial = 0;    // unique per loaded version in this process
};

// A file that is not serving: it does not compile, or its name is taken.
struct Problem {
  std::string file;
  std::string name;       // the policy's name when known (a broken file keeps the name it had)
  std::string message;    // the diagnostics as text, or the conflict
  bool serving = false;   // an earlier version of it still serves
  bool conflict = false;  // it compiles, but another file declares its name (which serves)
};

class Registry {
 public:
  Registry(std::string dir, EngineOptions options);

  struct Report {
    std::vector<std::string> loaded;     // names (re)compiled to a new version
    std::vector<std::string> unchanged;  // same hash as before
    std::vector<std::string> removed;    // no file declares them any more
    std::vector<Problem> problems;
    bool ok() const { return problems.empty(); }
    Json to_json() const;
  };
  // Reads the directory and swaps in the new table. Reloads are serialized.
  Report reload();

  using Table = std::map<std::string, std::shared_ptr<const Served>, std::less<>>;
  std::shared_ptr<const Table> table() const;
  std::shared_ptr<const Served> find(std::string_view name) const;

  // Ready when every policy file has a version serving; else `why` names those that have none.
  bool ready(std::string* why) const;
  Json status() const;

  // A fingerprint of the directory's policy files (paths, sizes, modification times), to
  // notice changes by polling.
  std::string fingerprint() const;
  const std::string& dir() const { return dir_; }

 private:
  std::vector<std::string> policy_files() const;  // relative paths, sorted

  std::string dir_;
  Engine engine_;
  std::mutex reload_mu_;   // one reload at a time
  mutable std::mutex mu_;  // guards table_, problems_, last_
  std::shared_ptr<const Table> table_;
  std::map<std::string, std::string> name_of_file_;  // the name each file last compiled to
  std::vector<Problem> problems_;
  Json last_;  // the last reload's report, with its time
  uint64_t next_serial_ = 1;
};

// "2026-12-05T08:00:00.123Z"
std::string utc_now();

}  // namespace proviso::server
