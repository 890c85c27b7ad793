// proviso-golden: runs the `proviso` binary on golden inputs and compares its output with the
// .expected files beside them; PROVISO_UPDATE_GOLDENS=1 rewrites them instead.
//   diagnostics/NAME.policy  `proviso check`: the exact stderr
//   fmt/NAME.policy          `proviso fmt --stdout`: the formatted text, which must also be a
//                            fixed point (formatting it again changes nothing)
//   explain/NAME[.CASE].json `proviso eval explain/NAME.policy --input ... --explain`: stdout,
//                            stderr and exit status (explain/NAME.ref may name the policy
//                            elsewhere in the tree, relative to the golden directory)
//   errors/NAME.ndjson       `proviso eval errors/NAME.policy --input ...` on the interpreter
//                            and on the JIT, which must print the same: stdout and exit status
//                            (the interpreter alone with --no-jit, for a build without the JIT)
//   ir/NAME.policy           `proviso ir --tests`: the printed IR (stdout, and stderr when the
//                            command fails); ir/NAME.ref names a policy elsewhere in the tree
//                            (one line, relative to the golden directory) instead of a copy
// Usage: proviso-golden [--proviso PATH] [--no-jit] DIR [CASE...]   (CASE relative to DIR)
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

bool no_jit = false;  // --no-jit: the `proviso` under test has no JIT

struct Output {
  std::string out, err;
  int status = -1;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs argv in `cwd` with stdout and stderr captured through temporary files.
Output run(const std::vector<std::string>& argv, const fs::path& cwd) {
  Output o;
  fs::path tmp = fs::temp_directory_path() / ("proviso-golden-" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  fs::path out = tmp / "stdout", err = tmp / "stderr";
  // The child must not inherit (and flush again) output buffered here.
  std::cout.flush();
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(cwd.c_str()) != 0) _exit(126);
    if (!std::freopen(out.c_str(), "wb", stdout) || !std::freopen(err.c_str(), "wb", stderr)) _exit(126);
    if (!std::freopen("/dev/null", "rb", stdin)) _exit(126);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  o.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  o.out = slurp(out);
  o.err = slurp(err);
  fs::remove_all(tmp);
  return o;
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> v;
  std::string cur;
  for (char c : s) {
    if (c == '\n') {
      v.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) v.push_back(cur + "  (no newline at end)");
  return v;
}

// A small line diff (longest common subsequence), enough for golden files.
std::string diff(const std::string& expected, const std::string& actual) {
  auto a = lines_of(expected), b = lines_of(actual);
  size_t n = a.size(), m = b.size();
  if (n * m > 4'000'000) return "(outputs too large to diff)\n";
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  std::string out = "--- expected\n+++ actual\n";
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      out += "  " + a[i] + "\n";
      ++i, ++j;
    } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      out += "+ " + b[j++] + "\n";
    } else {
      out += "- " + a[i++] + "\n";
    }
  }
  return out;
}

struct Golden {
  std::string name;   // relative to the golden directory: "diagnostics/missing_equals.policy"
  fs::path expected;  // the .expected file
};

std::vector<Golden> discover(const fs::path& dir) {
  std::vector<Golden> out;
  auto add = [&](const std::string& sub, const std::string& ext) {
    fs::path d = dir / sub;
    if (!fs::is_directory(d)) return;
    for (const auto& e : fs::directory_iterator(d)) {
      if (!e.is_regular_file() || e.path().extension() != ext) continue;
      fs::path exp = e.path();
      exp.replace_extension(".expected");
      out.push_back({sub + "/" + e.path().filename().string(), exp});
    }
  };
  add("diagnostics", ".policy");
  add("fmt", ".policy");
  add("explain", ".json");
  add("explain", ".yaml");
  add("errors", ".ndjson");
  add("ir", ".policy");
  add("ir", ".ref");
  std::sort(out.begin(), out.end(), [](const Golden& a, const Golden& b) { return a.name < b.name; });
  return out;
}

// The actual output for one golden, or an error text when the case itself is malformed.
std::string actual_output(const std::string& proviso, const fs::path& dir, const std::string& name,
                          std::string* problem) {
  std::string kind = name.substr(0, name.find('/'));
  if (kind == "diagnostics") return run({proviso, "check", name}, dir).err;
  if (kind == "fmt") {
    Output o = run({proviso, "fmt", "--stdout", name}, dir);
    if (o.status != 0) return "-- exit " + std::to_string(o.status) + "\n" + o.err;
    // Formatting the result again must change nothing.
    fs::path tmp = fs::temp_directory_path() / ("proviso-golden-fmt-" + std::to_string(::getpid()) + ".policy");
    {
      std::ofstream f(tmp, std::ios::binary);
      f << o.out;
    }
    Output again = run({proviso, "fmt", "--stdout", tmp.string()}, dir);
    fs::remove(tmp);
    if (again.out != o.out) *problem = "the formatted text is not a fixed point:\n" + diff(o.out, again.out);
    return o.out;
  }
  if (kind == "ir") {
    std::string policy = name;
    if (name.size() > 4 && name.substr(name.size() - 4) == ".ref") {
      std::string target = slurp(dir / name);
      while (!target.empty() && (target.back() == '\n' || target.back() == ' ')) target.pop_back();
      policy = target;
      if (!fs::exists(dir / policy)) {
        *problem = name + " names " + policy + ", which does not exist";
        return {};
      }
    }
    Output o = run({proviso, "ir", "--tests", policy}, dir);
    if (o.status != 0) return "-- exit " + std::to_string(o.status) + "\n" + o.err;
    return o.out;
  }
  // explain/NAME.json or explain/NAME.CASE.json with explain/NAME.policy (or explain/NAME.ref
  // naming it); errors/NAME.ndjson with errors/NAME.policy.
  std::string file = name.substr(name.find('/') + 1);
  std::string stem = file.substr(0, file.find('.'));
  std::string policy = kind + "/" + stem + ".policy";
  if (!fs::exists(dir / policy) && fs::exists(dir / (kind + "/" + stem + ".ref"))) {
    std::string target = slurp(dir / (kind + "/" + stem + ".ref"));
    while (!target.empty() && (target.back() == '\n' || target.back() == ' ')) target.pop_back();
    policy = target;
  }
  if (!fs::exists(dir / policy)) {
    *problem = "no policy " + policy + " for " + name;
    return {};
  }
  if (kind == "errors") {
    Output interp = run({proviso, "eval", policy, "--input", name, "--engine", "interp"}, dir);
    if (!no_jit) {
      Output jit = run({proviso, "eval", policy, "--input", name, "--engine", "jit", "--no-cache"}, dir);
      if (interp.out != jit.out || interp.status != jit.status)
        *problem = "the interpreter and the JIT differ:\n" + diff(interp.out, jit.out);
    }
    return "-- stdout\n" + interp.out + "-- exit " + std::to_string(interp.status) + "\n";
  }
  Output o = run({proviso, "eval", policy, "--input", name, "--explain"}, dir);
  return "-- stdout\n" + o.out + "-- stderr\n" + o.err + "-- exit " + std::to_string(o.status) + "\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::string proviso;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--proviso" && i + 1 < argc)
      proviso = argv[++i];
    else if (a == "--no-jit")
      no_jit = true;
    else
      args.push_back(a);
  }
  if (args.empty()) {
    std::cerr << "usage: proviso-golden [--proviso PATH] [--no-jit] DIR [CASE...]\n";
    return 2;
  }
  if (proviso.empty()) proviso = (fs::canonical("/proc/self/exe").parent_path() / "proviso").string();
  proviso = fs::absolute(proviso).string();
  fs::path dir = fs::absolute(args[0]);
  bool update = std::getenv("PROVISO_UPDATE_GOLDENS") && std::string(std::getenv("PROVISO_UPDATE_GOLDENS")) == "1";

  std::vector<Golden> goldens;
  if (args.size() > 1) {
    for (size_t i = 1; i < args.size(); ++i) {
      fs::path exp = dir / args[i];
      exp.replace_extension(".expected");
      goldens.push_back({args[i], exp});
    }
  } else {
    goldens = discover(dir);
  }

  int failed = 0, updated = 0;
  for (const Golden& g : goldens) {
    std::string problem;
    std::string actual = actual_output(proviso, dir, g.name, &problem);
    if (!problem.empty()) {
      std::cout << "FAIL " << g.name << ": " << problem << "\n";
      ++failed;
      continue;
    }
    bool exists = fs::exists(g.expected);
    std::string expected = exists ? slurp(g.expected) : std::string();
    if (exists && expected == actual) continue;
    if (update) {
      std::ofstream f(g.expected, std::ios::binary);
      f << actual;
      std::cout << "updated " << g.expected.lexically_relative(dir).string() << "\n";
      ++updated;
      continue;
    }
    ++failed;
    std::cout << "FAIL " << g.name << (exists ? "" : " (no .expected file; run `make goldens`)") << "\n"
              << diff(expected, actual);
  }
  std::cout << goldens.size() - static_cast<size_t>(failed) << " of " << goldens.size() << " golden files match"
            << (updated ? ", " + std::to_string(updated) + " updated" : "") << "\n";
  return failed ? 1 : 0;
}
