// `proviso diff OLD NEW` and `proviso diff --git REV [PATH...]`: what an edit of a policy does
// to its decisions, proved or shown by a witness (compiler/diff/diff.h, docs/DIFF.md).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "compiler/diff/diff.h"
#include "compiler/diff/replay.h"
#include "compiler/driver/compile.h"
#include "tools/cli.h"
#include "tools/input_stream.h"
#include "tools/output.h"

namespace proviso::cli {

namespace {

constexpr int kNotEquivalent = 3;

struct DiffOptions {
  std::vector<std::string> files;
  std::string git;
  std::string format = "text";
  std::vector<std::string> decisions;
  std::string cases;
  double timeout = 10;
  std::string color = "auto";
  std::vector<std::string> fail_on;
};

// Runs git with `args` (no shell); its standard output, or false with its error text.
bool run_git(const std::vector<std::string>& args, std::string* out, std::string* error) {
  int pipe_out[2], pipe_err[2];
  if (pipe(pipe_out) != 0 || pipe(pipe_err) != 0) {
    *error = "cannot run git: " + rt::system_reason(errno);
    return false;
  }
  pid_t pid = fork();
  if (pid < 0) {
    *error = "cannot run git: " + rt::system_reason(errno);
    return false;
  }
  if (pid == 0) {
    dup2(pipe_out[1], 1);
    dup2(pipe_err[1], 2);
    close(pipe_out[0]);
    close(pipe_err[0]);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>("git"));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execvp("git", argv.data());
    _exit(127);
  }
  close(pipe_out[1]);
  close(pipe_err[1]);
  std::string err;
  char buf[65536];
  // Standard error is small; read standard output first, then the rest of standard error.
  for (ssize_t n; (n = read(pipe_out[0], buf, sizeof buf)) > 0;) out->append(buf, static_cast<size_t>(n));
  for (ssize_t n; (n = read(pipe_err[0], buf, sizeof buf)) > 0;) err.append(buf, static_cast<size_t>(n));
  close(pipe_out[0]);
  close(pipe_err[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && err.empty()) err = "git is not installed";
    *error = "git " + (args.empty() ? std::string() : args[0]) + " failed: " + (err.empty() ? "no reason given" : err);
    return false;
  }
  return true;
}

std::shared_ptr<const ir::Program> compile_text(const std::string& name, std::string text,
                                                const driver::ImportOptions& imports) {
  auto source = std::make_shared<SourceFile>(name, std::move(text));
  driver::CompileResult r = driver::compile_source(source, imports);
  if (!r.ok()) {
    Diagnostics errors;
    for (const auto& d : r.diagnostics.items())
      if (d.severity == Severity::Error) errors.add(d);
    std::cerr << render_all(errors);
    if (!r.diagnostics.has_errors()) print_error(name + ": the policy could not be compiled");
  }
  return r.program;
}

// --cases: both versions on every recorded case.
bool run_cases(const ir::Program& a, const ir::Program& b, const DiffOptions& o, diff::Json* out) {
  auto ends_with = [&](std::string_view s) {
    return o.cases.size() >= s.size() && o.cases.compare(o.cases.size() - s.size(), s.size(), s) == 0;
  };
  bool yaml = ends_with(".yaml") || ends_with(".yml");
  InputStream in;
  std::string error;
  if (!in.open(o.cases, yaml, records::Limits{}, &error)) {
    print_error(error);
    return false;
  }
  diff::Replayer ra(a), rb(b);
  std::vector<std::pair<int, int>> pairs;  // (old value, new value) of the decisions compared
  for (int32_t v : a.decisions) {
    const std::string& name = a.values[static_cast<size_t>(v)].name;
    if (!o.decisions.empty() && std::find(o.decisions.begin(), o.decisions.end(), name) == o.decisions.end()) continue;
    int w = b.find_value(name);
    if (w >= 0 && b.values[static_cast<size_t>(w)].kind == ir::ValueKind::Decision) pairs.emplace_back(v, w);
  }
  size_t total = 0, changed = 0, rejected = 0, skipped = 0;
  // A policy with an input named `input` reads its records as they are.
  bool unwrap_log = a.find_input("input") < 0;
  diff::Json by_decision = diff::Json::object(), examples = diff::Json::array();
  InputStream::Item item;
  std::string place = o.cases == "-" ? std::string("standard input") : o.cases;
  while (in.next(&item)) {
    ++total;
    if (item.error) {
      print_error(fmt::format("{}:{}: {}", place, item.line, item.error->to_string()));
      return false;
    }
    records::DecodeResult da, db;
    if (yaml) {
      da = ra.decoder().decode_yaml_document(item.yaml, item.line);
      db = rb.decoder().decode_yaml_document(item.yaml, item.line);
    } else {
      std::string text(item.json);
      // A decision-log line of `proviso serve` holds the record under "input". The log of a
      // server holds every policy's decisions: lines of other policies, and inputs the server
      // could not read (not JSON: "input_text"; or answered with an input error), are skipped.
      if (unwrap_log && text.find("\"input") != std::string::npos) {
        diff::Json j = diff::Json::parse(text, nullptr, false);
        if (!j.is_discarded() && j.is_object() && j.contains("output") &&
            ((j.contains("policy") && j["policy"] != a.name) || j.contains("input_text") ||
             (j["output"].is_object() && j["output"].contains("error")))) {
          --total;
          ++skipped;
          continue;
        }
        if (!j.is_discarded() && j.is_object() && j.contains("input") && j["input"].is_object())
          text = j["input"].dump();
      }
      da = ra.decoder().decode_json(text);
      db = rb.decoder().decode_json(text);
    }
    if (!da.ok()) {
      print_error(fmt::format("{}:{}: {}", place, item.line, da.error->to_string()));
      return false;
    }
    diff::Json example = diff::Json::object();
    if (!db.ok()) {
      ++rejected;
      ++changed;
      if (examples.size() < 5)
        examples.push_back(diff::Json{{"line", item.line}, {"rejected_by_new", db.error->to_string()}});
      continue;
    }
    for (const auto& [v, w] : pairs) {
      diff::Outcome x = ra.evaluate(da.values, v), y = rb.evaluate(db.values, w);
      if (diff::same_observable(x, y, a.values[static_cast<size_t>(v)].type)) continue;
      const std::string& name = a.values[static_cast<size_t>(v)].name;
      by_decision[name] = by_decision.value(name, 0) + 1;
      example[name] = diff::Json{{"old", ra.json(x, v)}, {"new", rb.json(y, w)}};
    }
    if (!example.empty()) {
      ++changed;
      if (examples.size() < 5) examples.push_back(diff::Json{{"line", item.line}, {"decisions", example}});
    }
  }
  if (!in.read_error().empty()) {
    print_error(in.read_error());
    return false;
  }
  if (total == 0) {
    print_error(place +
                (skipped > 0 ? fmt::format(" holds no input of policy `{}`", a.name) : std::string(" holds no input")));
    return false;
  }
  *out = diff::Json{{"total", total},
                    {"changed", changed},
                    {"rejected_by_new", rejected},
                    {"by_decision", by_decision},
                    {"examples", examples}};
  if (skipped > 0) (*out)["skipped_log_lines"] = skipped;  // other policies' lines, non-JSON inputs
  return true;
}

// Whether the report fails the run under --fail-on (default: anything not equivalent).
bool fails(const diff::Report& r, const std::vector<std::string>& fail_on) {
  if (fail_on.empty()) return !r.equivalent;
  auto has = [&](const char* what) { return std::find(fail_on.begin(), fail_on.end(), what) != fail_on.end(); };
  for (const auto& s : r.schema) {
    if (has("breaking") && s.breaking) return true;
    if (has("changed")) return true;
  }
  for (const auto& d : r.decisions) {
    if (has("unknown") && d.status == "unknown") return true;
    if (has("changed") && (d.status == "changed" || d.status == "added" || d.status == "removed")) return true;
  }
  return false;
}

bool use_color(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no = std::getenv("NO_COLOR");
  if (no && *no) return false;
  return isatty(1) != 0;
}

std::string render(const diff::Report& r, const DiffOptions& o, bool color) {
  if (o.format == "json") return diff::to_json(r).dump() + "\n";
  if (o.format == "markdown") return diff::to_markdown(r);
  return diff::to_text(r, color);
}

int diff_pair(const ir::Program& a, const ir::Program& b, const DiffOptions& o, diff::Report* out) {
  diff::Options options;
  options.decisions = o.decisions;
  options.timeout_seconds = o.timeout;
  for (const auto& name : o.decisions)
    if (a.find_value(name) < 0 && b.find_value(name) < 0) {
      print_error(fmt::format("--decision {}: neither version has a decision of that name", name));
      return kUsage;
    }
  std::string error;
  if (!diff::compare_in_module(a, b, options, out, &error)) {
    print_error(error);
    return kFailed;
  }
  if (!o.cases.empty()) {
    diff::Json cases;
    if (!run_cases(a, b, o, &cases)) return kFailed;
    out->cases = cases;
  }
  return kOk;
}

int run_files(const DiffOptions& o) {
  if (o.files.size() != 2) {
    print_error("diff needs two policy files, OLD and NEW (or --git REV)");
    return kUsage;
  }
  auto a = compile_or_report(o.files[0], false);
  auto b = compile_or_report(o.files[1], false);
  if (!a || !b) return kFailed;
  diff::Report r;
  if (int code = diff_pair(*a, *b, o, &r); code != kOk) return code;
  Output::standard().write(render(r, o, use_color(o.color)));
  return fails(r, o.fail_on) ? kNotEquivalent : kOk;
}

// One .policy file of `git diff --name-status`: paths from the top of the repository.
struct Change {
  char kind = 'M';  // A, D, R or M (and the other letters git uses for a modification)
  std::string old_path, new_path;
};

bool is_policy(const std::string& p) { return p.size() > 7 && p.compare(p.size() - 7, 7, ".policy") == 0; }

std::vector<Change> policy_changes(const std::string& listing) {
  std::vector<Change> out;
  size_t pos = 0;
  while (pos < listing.size()) {
    size_t nl = listing.find('\n', pos);
    std::string line = listing.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? listing.size() : nl + 1;
    std::vector<std::string> parts;
    for (size_t s = 0;;) {
      size_t tab = line.find('\t', s);
      parts.push_back(line.substr(s, tab == std::string::npos ? std::string::npos : tab - s));
      if (tab == std::string::npos) break;
      s = tab + 1;
    }
    if (line.empty() || parts.size() < 2) continue;
    Change c{parts[0][0], parts[1], parts.size() > 2 ? parts[2] : parts[1]};
    if (is_policy(c.old_path) || is_policy(c.new_path)) out.push_back(std::move(c));
  }
  return out;
}

// The module files of the old version, read from the revision by their path from the top of
// the repository (as the loader joins them: the old policy's directory and the import's path).
class RevisionFiles final : public driver::ModuleFiles {
 public:
  explicit RevisionFiles(std::string rev) : rev_(std::move(rev)) {}
  bool read(const std::string& path, std::string* text, std::string* why) const override {
    return run_git({"show", rev_ + ":" + path}, text, why);
  }
  std::string identity(const std::string& path) const override { return path; }
  std::string label(const std::string& path) const override { return rev_ + ":" + path; }

 private:
  std::string rev_;
};

// The module files that the working-tree policy `path` (from the top `top`) imports, directly or
// through other modules, that are among `changed`; empty when none are (or it does not parse).
std::vector<std::string> changed_imports(const std::string& top, const std::string& path,
                                         const std::set<std::string>& changed) {
  std::string text, error;
  if (!read_file(top + "/" + path, &text, &error)) return {};
  driver::ImportOptions imports;
  imports.base_dir = (std::filesystem::path(top) / path).parent_path().string();
  std::vector<std::string> out;
  for (const std::string& asked : driver::module_paths(std::make_shared<const SourceFile>(path, text), imports)) {
    std::string relative = std::filesystem::path(asked).lexically_relative(top).string();
    if (changed.contains(relative)) out.push_back(relative);
  }
  return out;
}

// The report of `diff --git` as it is built, file by file.
struct GitRun {
  GitRun(const DiffOptions& options, std::string toplevel, bool use_color)
      : o(options), top(std::move(toplevel)), color(use_color) {}

  const DiffOptions& o;
  std::string top;
  bool color = false;
  bool equivalent = true, failing = false;  // failing: under --fail-on
  diff::Json files = diff::Json::array();
  std::string text;

  // Compares the policy `old_path` of the revision (its imports read there too) with `new_path`
  // of the working tree, adding to `files` and `text`: kOk, kFailed when a side does not
  // compile or cannot be read, or the code of a bad option.
  int compare(const std::string& old_path, const std::string& new_path, diff::Json entry) {
    std::string old_text, error;
    if (!run_git({"show", o.git + ":" + old_path}, &old_text, &error)) {
      print_error(error);
      return kFailed;
    }
    RevisionFiles revision(o.git);
    driver::ImportOptions imports;
    imports.base_dir = std::filesystem::path(old_path).parent_path().string();
    imports.files = &revision;
    imports.self = old_path;
    auto a = compile_text(o.git + ":" + old_path, std::move(old_text), imports);
    auto b = compile_or_report(top + "/" + new_path, false);
    if (!a || !b) return kFailed;
    diff::Report r;
    if (int code = diff_pair(*a, *b, o, &r); code != kOk) return code;
    r.old_side.path = o.git + ":" + old_path;
    r.new_side.path = new_path;
    equivalent = equivalent && r.equivalent;
    diff::Json j = diff::to_json(r);
    for (auto it = j.begin(); it != j.end(); ++it) entry[it.key()] = it.value();
    files.push_back(entry);
    failing = failing || fails(r, o.fail_on);
    if (o.format != "json") text += render(r, o, color) + "\n";
    return kOk;
  }

  // A file added or removed adds or removes decisions: a change, not a schema break.
  void added_or_removed(const std::string& status, const std::string& path) {
    equivalent = false;
    failing =
        failing || o.fail_on.empty() || std::find(o.fail_on.begin(), o.fail_on.end(), "changed") != o.fail_on.end();
    files.push_back(diff::Json{{"path", path}, {"file_status", status}});
    text += fmt::format("{} {}\n", status, path);
  }
};

bool git_lines(const std::vector<std::string>& args, std::string* out) {
  std::string error;
  if (run_git(args, out, &error)) return true;
  print_error(error);
  return false;
}

int run_git_diff(const DiffOptions& o) {
  std::string listing, whole, tracked, top;
  std::vector<std::string> args = {"diff", "--name-status", "-M", "--no-color", o.git, "--"};
  args.insert(args.end(), o.files.begin(), o.files.end());
  if (!git_lines(args, &listing) || !git_lines({"rev-parse", "--show-toplevel"}, &top)) return kFailed;
  while (!top.empty() && top.back() == '\n') top.pop_back();
  std::vector<Change> changes = policy_changes(listing);
  // A policy imports modules from anywhere in the repository: every changed file counts.
  std::set<std::string> changed;
  if (!o.files.empty() && !git_lines({"diff", "--name-status", "-M", "--no-color", o.git, "--", ":/"}, &whole))
    return kFailed;
  for (const Change& c : policy_changes(o.files.empty() ? listing : whole)) {
    changed.insert(c.old_path);
    changed.insert(c.new_path);
  }
  GitRun run(o, top, use_color(o.color));
  bool failed = false;
  std::set<std::string> listed;
  for (const Change& c : changes) {
    listed.insert(c.new_path);
    std::string status = c.kind == 'A' ? "added" : c.kind == 'D' ? "removed" : c.kind == 'R' ? "renamed" : "modified";
    if (c.kind == 'A' || c.kind == 'D') {
      run.added_or_removed(status, c.new_path);
      continue;
    }
    diff::Json entry = diff::Json{{"path", c.new_path}, {"file_status", status}};
    if (c.kind == 'R') entry["old_path"] = c.old_path;
    int code = run.compare(c.old_path, c.new_path, entry);
    if (code == kFailed) failed = true;
    if (code != kOk && code != kFailed) return code;
  }
  // The policies that did not change themselves but import a module file that did.
  if (!changed.empty()) {
    std::vector<std::string> ls = {"ls-files", "--full-name", "-z", "--"};
    ls.insert(ls.end(), o.files.begin(), o.files.end());
    if (o.files.empty()) ls.push_back(":/");  // the whole repository, as `git diff` compares it
    if (!git_lines(ls, &tracked)) return kFailed;
    for (size_t pos = 0, end; pos < tracked.size(); pos = end + 1) {
      end = std::min(tracked.find('\0', pos), tracked.size());
      std::string path = tracked.substr(pos, end - pos);
      if (!is_policy(path) || listed.contains(path)) continue;
      std::vector<std::string> modules = changed_imports(top, path, changed);
      if (modules.empty()) continue;
      diff::Json entry = diff::Json{{"path", path}, {"file_status", "unchanged"}, {"changed_imports", modules}};
      if (o.format != "json")
        run.text += fmt::format("{}: unchanged, but it imports {}, which changed\n", path, fmt::join(modules, ", "));
      int code = run.compare(path, path, entry);
      if (code == kFailed) failed = true;
      if (code != kOk && code != kFailed) return code;
    }
  }
  if (failed) return kFailed;
  if (o.format == "json")
    Output::standard().write(diff::Json{{"equivalent", run.equivalent}, {"files", run.files}}.dump() + "\n");
  else
    Output::standard().write(run.text.empty() ? "no .policy file changed since " + o.git + "\n" : run.text);
  return run.failing ? kNotEquivalent : kOk;
}

}  // namespace

Command add_diff(CLI::App& app) {
  auto o = std::make_shared<DiffOptions>();
  CLI::App* sub = app.add_subcommand(
      "diff", "Compare two versions of a policy: which decisions change, proved or shown on a witness input");
  sub->add_option("FILES", o->files, "OLD NEW policy files; with --git, the paths to compare (default: all)");
  sub->add_option("--git", o->git,
                  "Compare every .policy file changed between the git revision REV and the working tree");
  sub->add_option("--format", o->format, "text (the default), json or markdown")
      ->check(CLI::IsMember({"text", "json", "markdown"}));
  sub->add_option("-d,--decision", o->decisions, "Only this decision (repeatable)");
  sub->add_option("--cases", o->cases,
                  "Also evaluate both versions on these recorded cases (JSON, NDJSON, YAML, or serve's decision "
                  "log) and count what changes");
  sub->add_option("--timeout", o->timeout, "Seconds for the whole comparison (default 10)")
      ->check(CLI::Range(0.1, 3600.0));
  sub->add_option("--color", o->color, "auto (on a terminal, unless NO_COLOR is set), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  sub->add_option("--fail-on", o->fail_on,
                  "What gives exit status 3: breaking (schema), changed, unknown (repeatable; default: anything "
                  "not equivalent)")
      ->check(CLI::IsMember({"breaking", "changed", "unknown"}));
  sub->footer(
      "Each decision is unchanged (proved), changed (with a witness input replayed on both versions),\n"
      "unknown (with the reason), added or removed. docs/DIFF.md says what is proved and how.\n"
      "Exit status: 0 when the versions are equivalent, 3 when they are not or something is unknown\n"
      "(narrowed by --fail-on), 1 when a file has errors or cannot be read, 2 for a bad command line.");
  return {sub, [o] { return o->git.empty() ? run_files(*o) : run_git_diff(*o); }};
}

}  // namespace proviso::cli
