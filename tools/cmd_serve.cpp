// `proviso serve --policies DIR`: the decision service (server/server.h, docs/DEPLOY.md).
#include <fstream>

#include <fmt/format.h>

#include "server/server.h"
#include "tools/cli.h"
#include "tools/engine.h"
#include "tools/eval_pipeline.h"

namespace proviso::cli {

namespace {

// "HOST:PORT", "[::1]:PORT" or ":PORT" (loopback). False with a message.
bool parse_listen(const std::string& text, std::string* host, int* port, std::string* error) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) {
    *error = fmt::format("--listen: expected HOST:PORT, not `{}`", text);
    return false;
  }
  *host = text.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') *host = host->substr(1, host->size() - 2);
  if (host->empty()) *host = "127.0.0.1";
  std::string p = text.substr(colon + 1);
  bool digits = !p.empty() && p.size() <= 5 && p.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || std::stoi(p) > 65535) {
    *error = fmt::format("--listen: the port must be a number from 0 to 65535, not `{}`", p);
    return false;
  }
  *port = std::stoi(p);
  return true;
}

// The admin token: the file's first line, without surrounding white space, at least 16 characters.
bool read_token(const std::string& path, std::string* token, std::string* error) {
  std::string text;
  if (!read_file(path, &text, error)) return false;
  text = text.substr(0, text.find('\n'));
  size_t b = text.find_first_not_of(" \t\r"), e = text.find_last_not_of(" \t\r");
  *token = b == std::string::npos ? "" : text.substr(b, e - b + 1);
  if (token->size() < 16) {
    *error = fmt::format("--admin-token-file {}: the token (its first line) must have at least 16 characters", path);
    return false;
  }
  return true;
}

}  // namespace

Command add_serve(CLI::App& app) {
  struct Flags {
    std::string policies, listen = "127.0.0.1:8080", log, token_file, engine = "jit";
    int threads = 0, request_timeout = 30;
    size_t max_connections = 1024;
    size_t max_body = 1 << 20;
    double watch_interval = 1;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* sub = app.add_subcommand("serve", "Serve every policy under a directory over HTTP (docs/DEPLOY.md)");
  sub->add_option("--policies", f->policies, "Directory of *.policy files (searched recursively)")->required();
  sub->add_option("--listen", f->listen, "HOST:PORT to listen on (default 127.0.0.1:8080; port 0 picks a free one)");
  sub->add_option("--threads", f->threads,
                  "Event-loop threads, each serving many connections (default: twice the CPUs available)")
      ->check(CLI::Range(1, 256));
  sub->add_option("--max-connections", f->max_connections,
                  "Connections served at once; one beyond is answered 503 with Retry-After (default 1024)")
      ->check(CLI::Range(size_t{1}, size_t{1} << 20));
  sub->add_option("--log", f->log, "Append a decision-log line (NDJSON) per evaluated input to this file");
  sub->add_option("--admin-token-file", f->token_file,
                  "File whose first line is the bearer token of /v1/admin/*; without it they are off");
  sub->add_option("--engine", f->engine, "jit (default) or interp")->check(CLI::IsMember({"jit", "interp"}));
  sub->add_option("--max-body", f->max_body, "Largest input, in bytes: a body, or a line of a batch (default 1048576)")
      ->check(CLI::Range(size_t{1}, size_t{64} << 20));
  sub->add_option("--request-timeout", f->request_timeout,
                  "Seconds a read or write may make no progress before the connection closes (default 30)")
      ->check(CLI::Range(1, 3600));
  sub->add_option("--watch-interval", f->watch_interval,
                  "Seconds between checks of the directory for changed files; 0 turns it off (default 1)")
      ->check(CLI::Range(0.0, 3600.0));
  return {sub, [f] {
            server::ServerOptions o;
            std::string error;
            if (!parse_listen(f->listen, &o.host, &o.port, &error)) {
              print_error(error);
              return kUsage;
            }
            if (!f->token_file.empty() && !read_token(f->token_file, &o.admin_token, &error)) {
              print_error(error);
              return kFailed;
            }
            EngineFlags flags;
            flags.engine = f->engine;
            if (!engine_options(flags, &o.engine)) return kFailed;
            // A server compiles once and answers for long: the JIT whatever the compile takes
            // (Auto still falls back to the interpreter for a policy the JIT cannot compile).
            o.engine.compile_budget_ms = 1e12;
            // One input is at most --max-body bytes, whether it is a body or a line of a batch.
            o.engine.limits.max_input_bytes = f->max_body;
            o.engine.limits.max_line_bytes = f->max_body;
            // The CPUs this process may run on (its affinity mask and cgroup quota), as `eval
            // --jobs` counts them.
            int cpus = static_cast<int>(std::min<size_t>(available_cpus(), 64));
            // Two event loops per CPU: a loop the scheduler pauses holds up fewer connections.
            o.threads = f->threads > 0 ? f->threads : 2 * cpus;
            o.batch_threads = cpus;
            o.policies = f->policies;
            o.max_connections = f->max_connections;
            o.log = f->log;
            o.max_body = f->max_body;
            o.request_timeout = f->request_timeout;
            o.watch_interval = f->watch_interval;
            return server::serve(o);
          }};
}

}  // namespace proviso::cli
