// The HTTP side of `proviso serve` (server.h): cpp-httplib's server with our own worker pool,
// the endpoints, the request bookkeeping (ids, metrics, the decision log), reloads on SIGHUP,
// on POST /v1/admin/reload and on file changes, and the drain on SIGTERM.
//
// Threads: cpp-httplib accepts on the thread that called listen and gives each connection to
// the pool (WorkerPool); a worker serves one connection, request after request (keep-alive),
// until it closes. Every evaluation runs on the worker that read its request, with a Session
// of its own (sessions are not thread-safe; see SessionCache).
#include "server/server.h"

#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <deque>
#include <filesystem>
#include <iostream>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>

#include "compiler/diff/tool_info.h"
#include "server/batch.h"
#include "server/decision_log.h"
#include "server/metrics.h"
#include "server/openapi.h"
#include "server/registry.h"

namespace proviso::server {

namespace {

using Clock = std::chrono::steady_clock;

// ---- The worker pool ----

// Set on the thread that answers connections beyond the queue: every request it reads is
// answered 503 (pre-routing handler), so that an overload is told to the client rather than
// left to time out.
thread_local bool t_overflow = false;

// `threads` workers take connections in order; at most `max_queue` wait. Connections beyond
// that go to one overflow thread, which answers them 503 and closes them; while it has 64 of
// its own waiting, enqueue blocks, so the accepting thread stops accepting and the kernel's
// backlog holds the rest.
class WorkerPool : public httplib::TaskQueue {
 public:
  WorkerPool(int threads, int max_queue) : max_queue_(static_cast<size_t>(max_queue)) {
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { work(queue_, false); });
    workers_.emplace_back([this] { work(overflow_, true); });
  }

  void enqueue(std::function<void()> fn) override {
    std::unique_lock lock(mu_);
    if (queue_.size() < max_queue_ + idle_) {
      queue_.push_back(std::move(fn));
    } else {
      room_.wait(lock, [&] { return overflow_.size() < kOverflowMax || stopping_; });
      overflow_.push_back(std::move(fn));
    }
    ready_.notify_all();
  }

  void shutdown() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    ready_.notify_all();
    room_.notify_all();
    for (auto& t : workers_) t.join();
  }

 private:
  static constexpr size_t kOverflowMax = 64;

  void work(std::deque<std::function<void()>>& queue, bool overflow) {
    t_overflow = overflow;
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mu_);
        if (!overflow) ++idle_;
        ready_.wait(lock, [&] { return stopping_ || !queue.empty(); });
        if (!overflow) --idle_;
        if (queue.empty()) return;  // stopping, and nothing left
        fn = std::move(queue.front());
        queue.pop_front();
        if (overflow) room_.notify_all();
      }
      fn();
    }
  }

  size_t max_queue_;
  size_t idle_ = 0;  // workers waiting for a connection: a new one goes to them, not to the 503s
  std::mutex mu_;
  std::condition_variable ready_, room_;
  std::deque<std::function<void()>> queue_, overflow_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

// ---- Sessions ----

// The sessions of one worker thread, by policy version and options: making a session costs
// more than evaluating a small input, so a worker keeps its few most recent ones.
class SessionCache {
 public:
  Session* get(const Served& served, const std::string& key, const EvalOptions& options, std::string* error) {
    ++tick_;
    for (Entry& e : entries_)
      if (e.serial == served.serial && e.key == key) {
        e.used = tick_;
        return &e.session;
      }
    Result<Session> made = served.policy.session(options);
    if (!made.ok()) {
      *error = made.error();
      return nullptr;
    }
    if (entries_.size() >= kMax) {
      auto oldest = std::min_element(entries_.begin(), entries_.end(),
                                     [](const Entry& a, const Entry& b) { return a.used < b.used; });
      entries_.erase(oldest);
    }
    entries_.push_back(Entry{served.serial, key, std::move(made.value()), tick_});
    return &entries_.back().session;
  }

 private:
  static constexpr size_t kMax = 8;
  struct Entry {
    uint64_t serial;
    std::string key;
    Session session;
    uint64_t used;
  };
  std::vector<Entry> entries_;
  uint64_t tick_ = 0;
};

thread_local SessionCache t_sessions;

// ---- Request bookkeeping ----

// What the request being answered on this thread is (set in the pre-routing handler, read
// when its response has been written).
struct Current {
  bool active = false;
  Clock::time_point start;
  std::string endpoint = "other";
};
thread_local Current t_current;

std::string random_id() {
  thread_local std::mt19937_64 rng{std::random_device{}() ^
                                   static_cast<uint64_t>(std::hash<std::thread::id>{}(std::this_thread::get_id()))};
  return fmt::format("{:016x}{:016x}", rng(), rng());
}

// A client's X-Request-Id when it is 1 to 128 visible ASCII characters; else a new one.
std::string request_id(const httplib::Request& req) {
  std::string id = req.get_header_value("X-Request-Id");
  bool ok = !id.empty() && id.size() <= 128;
  for (char c : id) ok = ok && c > 32 && c < 127;
  return ok ? id : random_id();
}

void send_error(httplib::Response& res, int status, const std::string& code, const std::string& message,
                Json extra = Json::object()) {
  Json body = {{"code", code}, {"message", message}};
  for (const auto& [k, v] : extra.items()) body[k] = v;
  res.status = status;
  res.set_content(Json{{"error", body}}.dump() + "\n", "application/json");
}

void send_json(httplib::Response& res, const Json& j) {
  res.status = 200;
  res.set_content(j.dump() + "\n", "application/json");
}

// "application/json; charset=utf-8" -> "application/json"; false for a charset other than UTF-8.
bool media_type(const std::string& header, std::string* type) {
  std::string t = header.substr(0, header.find(';'));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  *type = t;
  size_t cs = header.find("charset=");
  if (cs == std::string::npos) return true;
  std::string charset = header.substr(cs + 8);
  charset = charset.substr(0, charset.find(';'));
  for (char& c : charset) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (charset.size() >= 2 && charset.front() == '"') charset = charset.substr(1, charset.size() - 2);
  return charset == "utf-8" || charset == "utf8";
}

// The input as it goes into a decision-log line: the JSON text itself when it is one valid
// JSON value (its line breaks, which can only be white space there, made spaces), else the
// text as a JSON string under "input_text".
void log_input(std::string& line, std::string_view input) {
  if (Json::accept(input)) {
    line += "\"input\":";
    size_t at = line.size();
    line.append(input);
    for (size_t i = at; i < line.size(); ++i)
      if (line[i] == '\n' || line[i] == '\r') line[i] = ' ';
  } else {
    line += "\"input_text\":";
    line += Json(std::string(input)).dump(-1, ' ', false, Json::error_handler_t::replace);
  }
}

Metrics::Outcome outcome_of(const Evaluation& e) {
  return e.ok ? Metrics::kOk : !e.errors.empty() ? Metrics::kDecisionError : Metrics::kInputError;
}

// ---- The service ----

class Service {
 public:
  explicit Service(const ServerOptions& o) : options_(o), registry_(o.policies, o.engine) {
    versions_ = diff::tool_info().dump();
  }

  bool start(std::string* error);
  int run();
  void stop() { http_.stop(); }
  void reload(const char* why);
  void watch();
  void stop_watching() {
    {
      std::lock_guard lock(watch_mu_);
      watch_stop_ = true;
    }
    watch_cv_.notify_all();
  }
  DecisionLog& log() { return log_; }

 private:
  struct Pinned {
    std::shared_ptr<const Served> served;
    bool ok = false;
  };
  // The policy a path names ("name" or "name@sha256:..."); answers 404 or 409 itself.
  Pinned resolve(const std::string& spec, httplib::Response& res);
  bool authorized(const httplib::Request& req, httplib::Response& res);

  void route(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader* reader);
  void evaluate(const httplib::Request& req, httplib::Response& res, const std::string& spec,
                const httplib::ContentReader* reader);
  void evaluate_batch(const httplib::Request& req, httplib::Response& res, std::shared_ptr<const Served> served,
                      const EvalOptions& options, const httplib::ContentReader* reader);
  bool options_from_query(const httplib::Request& req, httplib::Response& res, EvalOptions* options, std::string* key);
  bool write_log(const std::string& request_id, const Served& served, const Session& session, std::string_view input,
                 const Evaluation& e, size_t line);

  ServerOptions options_;
  Registry registry_;
  Metrics metrics_;
  DecisionLog log_;
  httplib::Server http_;
  std::string versions_;  // {"proviso", "tzdata", "stdlib"} as JSON text
  std::mutex reload_log_mu_;
  std::mutex watch_mu_;
  std::condition_variable watch_cv_;
  bool watch_stop_ = false;
};

void Service::reload(const char* why) {
  std::shared_ptr<const Registry::Table> before = registry_.table();
  Registry::Report r = registry_.reload();
  std::shared_ptr<const Registry::Table> after = registry_.table();
  for (const auto& [name, s] : *after) metrics_.loaded(name, s->hash, s->compile_seconds);
  for (const std::string& name : r.removed) metrics_.gone(name);
  metrics_.reload(r.ok());
  std::lock_guard lock(reload_log_mu_);
  std::string line = fmt::format("proviso serve: reload ({}): {} loaded, {} unchanged, {} removed, {} not loaded", why,
                                 r.loaded.size(), r.unchanged.size(), r.removed.size(), r.problems.size());
  for (const std::string& n : r.loaded) line += fmt::format("\n  loaded {} {}", n, after->at(n)->hash);
  for (const std::string& n : r.removed) line += fmt::format("\n  removed {}", n);
  for (const Problem& p : r.problems)
    line += fmt::format("\n  not loaded: {}{}:\n{}", p.file,
                        p.serving ? fmt::format(" (the previous version of {} keeps serving)", p.name) : "", p.message);
  std::cerr << line << std::endl;
}

void Service::watch() {
  if (options_.watch_interval <= 0) return;
  std::string seen = registry_.fingerprint();
  std::unique_lock lock(watch_mu_);
  auto interval = std::chrono::duration<double>(options_.watch_interval);
  while (!watch_cv_.wait_for(lock, interval, [&] { return watch_stop_; })) {
    lock.unlock();
    std::string now = registry_.fingerprint();
    if (now != seen) {
      seen = now;
      reload("files changed");
    }
    lock.lock();
  }
}

Service::Pinned Service::resolve(const std::string& spec, httplib::Response& res) {
  std::string name = spec, pin;
  size_t at = spec.find('@');
  if (at != std::string::npos) {
    name = spec.substr(0, at);
    pin = spec.substr(at + 1);
  }
  Pinned p;
  p.served = registry_.find(name);
  if (!p.served) {
    std::shared_ptr<const Registry::Table> t = registry_.table();
    std::vector<std::string> names;
    for (const auto& [n, s] : *t) names.push_back(n);
    send_error(res, 404, "policy_not_found",
               fmt::format("no policy named `{}` is loaded (loaded: {})", name,
                           names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", "))));
    return p;
  }
  if (!pin.empty() && pin != p.served->hash) {
    send_error(res, 409, "version_mismatch",
               fmt::format("policy `{}` is loaded at version {}, not {}", name, p.served->hash, pin),
               {{"loaded_hash", p.served->hash}});
    return p;
  }
  p.ok = true;
  return p;
}

bool Service::authorized(const httplib::Request& req, httplib::Response& res) {
  if (options_.admin_token.empty()) {
    send_error(res, 404, "not_found", "the admin endpoints are off: start the server with --admin-token-file");
    return false;
  }
  std::string given = req.get_header_value("Authorization");
  std::string expected = "Bearer " + options_.admin_token;
  // Compared in time independent of where they differ.
  bool same = given.size() == expected.size();
  unsigned char diff = 0;
  for (size_t i = 0; i < expected.size(); ++i)
    diff |= static_cast<unsigned char>(expected[i] ^ (i < given.size() ? given[i] : 0));
  if (!same || diff != 0) {
    res.set_header("WWW-Authenticate", "Bearer");
    send_error(res, 401, "unauthorized",
               "the admin endpoints need `Authorization: Bearer TOKEN` with the server's token");
    return false;
  }
  return true;
}

bool Service::options_from_query(const httplib::Request& req, httplib::Response& res, EvalOptions* options,
                                 std::string* key) {
  for (const auto& [k, v] : req.params) {
    if (k == "decision") {
      options->decisions.push_back(v);
    } else if (k == "explain") {
      if (v != "true" && v != "false") {
        send_error(res, 400, "bad_parameter", fmt::format("explain must be `true` or `false`, not `{}`", v));
        return false;
      }
      options->explain = v == "true";
    } else {
      send_error(res, 400, "bad_parameter", fmt::format("unknown query parameter `{}` (known: decision, explain)", k));
      return false;
    }
  }
  std::sort(options->decisions.begin(), options->decisions.end());
  options->decisions.erase(std::unique(options->decisions.begin(), options->decisions.end()), options->decisions.end());
  *key = options->explain ? "e|" : "-|";
  for (const auto& d : options->decisions) *key += d + ",";
  return true;
}

bool Service::write_log(const std::string& request_id, const Served& served, const Session& session,
                        std::string_view input, const Evaluation& e, size_t line) {
  if (!log_.enabled()) return true;
  std::string out;
  out.reserve(input.size() + e.json.size() + 512);
  out += "{\"time\":\"" + utc_now() + "\",\"request_id\":" + Json(request_id).dump() +
         ",\"policy\":" + Json(served.name).dump() + ",\"hash\":\"" + served.hash + "\",\"versions\":" + versions_ +
         ",\"decisions\":" + Json(session.decisions()).dump() + ",";
  if (line > 0) out += fmt::format("\"line\":{},", line);
  log_input(out, input);
  out += ",\"output\":";
  out += e.json;
  out += "}";
  if (log_.write(out)) return true;
  metrics_.log_error();
  return false;
}

void Service::evaluate(const httplib::Request& req, httplib::Response& res, const std::string& spec,
                       const httplib::ContentReader* reader) {
  std::string type;
  if (!media_type(req.get_header_value("Content-Type"), &type) ||
      (!type.empty() && type != "application/json" && type != "application/x-ndjson")) {
    send_error(res, 415, "unsupported_media_type",
               fmt::format("the body must be application/json (one input) or application/x-ndjson (a batch), in "
                           "UTF-8, not `{}`",
                           req.get_header_value("Content-Type")));
    return;
  }
  EvalOptions options;
  std::string key;
  if (!options_from_query(req, res, &options, &key)) return;
  Pinned p = resolve(spec, res);
  if (!p.ok) return;
  const Served& served = *p.served;
  res.set_header("Proviso-Policy", served.name);
  res.set_header("Proviso-Policy-Hash", served.hash);
  if (type == "application/x-ndjson") {
    t_current.endpoint = "evaluate_batch";
    evaluate_batch(req, res, p.served, options, reader);
    return;
  }
  std::string error;
  Session* session = t_sessions.get(served, key, options, &error);
  if (!session) {
    send_error(res, 400, "unknown_decision", error);
    return;
  }
  if (!reader) {
    send_error(res, 400, "empty_body", "the request has no body: send one input object as JSON");
    return;
  }
  if (req.has_header("Content-Length") && req.get_header_value<uint64_t>("Content-Length") > options_.max_body) {
    metrics_.rejected("too_large");
    res.set_header("Connection", "close");
    send_error(res, 413, "body_too_large",
               fmt::format("the body is larger than the limit of {} bytes for one input (send a batch as "
                           "application/x-ndjson)",
                           options_.max_body));
    return;
  }
  std::string body;
  bool too_large = false;
  (*reader)([&](const char* data, size_t n) {
    if (body.size() + n > options_.max_body) {
      too_large = true;
      return false;
    }
    body.append(data, n);
    return true;
  });
  if (too_large) {
    metrics_.rejected("too_large");
    res.set_header("Connection", "close");
    send_error(res, 413, "body_too_large",
               fmt::format("the body is larger than the limit of {} bytes for one input", options_.max_body));
    return;
  }
  if (body.empty() && res.status != 400) {
    send_error(res, 400, "empty_body", "the request has no body: send one input object as JSON");
    return;
  }
  if (res.status == 400) {  // the body could not be read (a broken chunked encoding)
    send_error(res, 400, "bad_body", "the request body could not be read");
    return;
  }
  size_t size = body.size();
  body.reserve(size + 64);  // the JSON parser's padding: decoded in place
  Evaluation e = session->evaluate_json_padded(std::string_view(body.data(), size), body.capacity());
  metrics_.evaluation(served.name, outcome_of(e));
  if (!write_log(res.get_header_value("X-Request-Id"), served, *session, std::string_view(body.data(), size), e, 0)) {
    send_error(res, 503, "decision_log_failed",
               "the decision could not be written to the decision log, so it is not given; see the server's log");
    res.set_header("Retry-After", "1");
    return;
  }
  e.json += '\n';
  res.status = 200;
  res.set_content(e.json, "application/json");
}

// A batch: lines are read, evaluated and written back as they come (server/batch.h). The
// response is chunked; it has begun (status 200) before the first line is read, so what goes
// wrong with a line (too long, not JSON) is that line's error line, as in `proviso eval`.
void Service::evaluate_batch(const httplib::Request& req, httplib::Response& res, std::shared_ptr<const Served> served,
                             const EvalOptions& options, const httplib::ContentReader* reader) {
  Result<Session> made = served->policy.session(options);
  if (!made.ok()) {
    send_error(res, 400, "unknown_decision", made.error());
    return;
  }
  if (!reader) {  // an empty batch: no lines
    res.status = 200;
    res.set_content("", "application/x-ndjson");
    return;
  }
  struct Batch {
    std::shared_ptr<const Served> served;
    Session session;
    httplib::ContentReader reader;
    std::string request_id;
    std::array<uint64_t, 3> counts{};  // by Metrics::Outcome
  };
  auto batch = std::make_shared<Batch>(
      Batch{std::move(served), std::move(made.value()), *reader, res.get_header_value("X-Request-Id"), {}});
  res.status = 200;
  res.set_chunked_content_provider("application/x-ndjson", [this, batch](size_t, httplib::DataSink& sink) {
    Session& session = batch->session;
    const size_t max_line = session.max_line_bytes();
    auto line = [&](size_t number, std::string_view text, size_t capacity, bool too_long, std::string* out) {
      if (!too_long && text.find_first_not_of(" \t\r") == std::string_view::npos) return true;  // blank
      Evaluation e = too_long || text.size() > max_line
                         ? session.input_error("", fmt::format("line {} is longer than the limit of {} bytes "
                                                               "(--max-body)",
                                                               number, max_line))
                         : session.evaluate_json_padded(text, capacity);
      ++batch->counts[outcome_of(e)];
      if (!write_log(batch->request_id, *batch->served, session, text, e, number)) return false;
      *out += e.json;
      *out += '\n';
      return true;
    };
    BatchStream stream(max_line, line, [&](std::string_view bytes) { return sink.write(bytes.data(), bytes.size()); });
    bool read = batch->reader([&](const char* data, size_t n) { return stream.feed(data, n); });
    bool complete = stream.finish(read);
    for (Metrics::Outcome o : {Metrics::kOk, Metrics::kDecisionError, Metrics::kInputError})
      if (batch->counts[o] > 0) metrics_.evaluation(batch->served->name, o, batch->counts[o]);
    // A body that breaks off, a decision that cannot be logged, or a client that went away:
    // the response ends without its last chunk, which the client sees as a failure.
    if (!complete) return false;
    sink.done();
    return true;
  });
}

void Service::route(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader* reader) {
  const std::string& path = req.path;
  const std::string& method = req.method;
  auto allow = [&](const char* methods) {
    res.set_header("Allow", methods);
    send_error(res, 405, "method_not_allowed", fmt::format("{} {} is not served (allowed: {})", method, path, methods));
  };
  static const std::string prefix = "/v1/policies/";
  if (path.rfind(prefix, 0) == 0) {
    std::string rest = path.substr(prefix.size());
    size_t slash = rest.find('/');
    std::string spec = rest.substr(0, slash);
    std::string tail = slash == std::string::npos ? "" : rest.substr(slash);
    if (!spec.empty() && tail == "/evaluate") {
      t_current.endpoint = "evaluate";
      if (method != "POST") return allow("POST");
      return evaluate(req, res, spec, reader);
    }
    if (!spec.empty() && tail.empty()) {
      t_current.endpoint = "policy";
      if (method != "GET") return allow("GET");
      Pinned p = resolve(spec, res);
      if (!p.ok) return;
      Json j = p.served->summary;
      j["input_schema"] = p.served->schema;
      res.set_header("Proviso-Policy", p.served->name);
      res.set_header("Proviso-Policy-Hash", p.served->hash);
      return send_json(res, j);
    }
  }
  if (path == "/v1/policies") {
    t_current.endpoint = "policies";
    if (method != "GET") return allow("GET");
    Json list = Json::array();
    for (const auto& [name, s] : *registry_.table()) list.push_back(s->summary);
    return send_json(res, {{"policies", list}});
  }
  if (path == "/v1/openapi.json") {
    t_current.endpoint = "openapi";
    if (method != "GET") return allow("GET");
    return send_json(res, openapi(*registry_.table()));
  }
  if (path == "/healthz") {
    t_current.endpoint = "healthz";
    if (method != "GET") return allow("GET");
    return send_json(res, {{"status", "alive"}});
  }
  if (path == "/readyz") {
    t_current.endpoint = "readyz";
    if (method != "GET") return allow("GET");
    std::string why;
    if (registry_.ready(&why)) return send_json(res, {{"status", "ready"}});
    res.set_header("Retry-After", "1");
    return send_error(res, 503, "not_ready", why);
  }
  if (path == "/metrics") {
    t_current.endpoint = "metrics";
    if (method != "GET") return allow("GET");
    res.status = 200;
    res.set_content(metrics_.render(), "text/plain; version=0.0.4; charset=utf-8");
    return;
  }
  if (path == "/v1/admin/reload") {
    t_current.endpoint = "admin_reload";
    if (!authorized(req, res)) return;
    if (method != "POST") return allow("POST");
    reload("POST /v1/admin/reload");
    return send_json(res, registry_.status()["last_reload"]);
  }
  if (path == "/v1/admin/status") {
    t_current.endpoint = "admin_status";
    if (!authorized(req, res)) return;
    if (method != "GET") return allow("GET");
    return send_json(res, registry_.status());
  }
  send_error(res, 404, "not_found", fmt::format("no endpoint at {} (see GET /v1/openapi.json)", path));
}

bool Service::start(std::string* error) {
  std::error_code ec;
  if (!std::filesystem::is_directory(options_.policies, ec)) {
    *error = fmt::format("cannot read the policy directory {}: {}", options_.policies,
                         ec ? ec.message() : std::string("not a directory"));
    return false;
  }
  if (!options_.log.empty() && !log_.open(options_.log, error)) return false;

  http_.new_task_queue = [this] { return new WorkerPool(options_.threads, options_.max_queue); };
  http_.set_tcp_nodelay(true);
  // SO_REUSEADDR only: cpp-httplib's default also sets SO_REUSEPORT, with which a second server
  // on a port in use would start and silently share its connections.
  http_.set_socket_options([](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  http_.set_keep_alive_max_count(100000);
  http_.set_keep_alive_timeout(5);
  http_.set_read_timeout(options_.request_timeout);
  http_.set_write_timeout(options_.request_timeout);
  // Bodies are read through content readers, which apply the limits (413) themselves.
  http_.set_payload_max_length(std::numeric_limits<size_t>::max());

  http_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    t_current = Current{true, Clock::now(), "other"};
    metrics_.in_flight(1);
    res.set_header("X-Request-Id", request_id(req));
    if (!t_overflow) return httplib::Server::HandlerResponse::Unhandled;
    t_current.endpoint = "overload";
    metrics_.rejected("overload");
    res.set_header("Retry-After", "1");
    res.set_header("Connection", "close");
    send_error(
        res, 503, "overloaded",
        fmt::format("the server is busy ({} connections are waiting for a worker): retry later", options_.max_queue));
    return httplib::Server::HandlerResponse::Handled;
  });
  auto plain = [this](const httplib::Request& req, httplib::Response& res) { route(req, res, nullptr); };
  auto with_body = [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    route(req, res, &reader);
  };
  http_.Get(".*", plain);
  http_.Post(".*", plain);
  http_.Post(".*", with_body);
  http_.Put(".*", plain);
  http_.Put(".*", with_body);
  http_.Patch(".*", plain);
  http_.Patch(".*", with_body);
  http_.Delete(".*", plain);
  http_.Delete(".*", with_body);
  http_.Options(".*", plain);
  // Errors the HTTP layer finds itself (a request that is not HTTP, a URI too long, ...) get
  // a JSON body like ours.
  http_.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty() || res.content_provider_) return httplib::Server::HandlerResponse::Unhandled;
    const char* code = res.status == 400   ? "bad_request"
                       : res.status == 413 ? "body_too_large"
                       : res.status == 414 ? "uri_too_long"
                       : res.status == 416 ? "bad_range"
                                           : "http_error";
    send_error(res, res.status, code, fmt::format("the request could not be read as HTTP/1.1 (status {})", res.status));
    res.set_header("Connection", "close");
    return httplib::Server::HandlerResponse::Handled;
  }));
  http_.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown";
    try {
      std::rethrow_exception(std::move(ep));
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    send_error(res, 500, "internal", "internal error (a bug in Proviso): " + what);
  });
  // After the response's last byte: the request's metrics.
  http_.set_logger([this](const httplib::Request&, const httplib::Response& res) {
    if (!t_current.active) {  // refused before routing: not HTTP
      metrics_.request("malformed", res.status, 0);
      metrics_.rejected("bad_request");
      return;
    }
    t_current.active = false;
    metrics_.in_flight(-1);
    metrics_.request(t_current.endpoint, res.status,
                     std::chrono::duration<double>(Clock::now() - t_current.start).count());
  });

  if (options_.port == 0) {
    int port = http_.bind_to_any_port(options_.host);
    if (port < 0) {
      *error = fmt::format("cannot listen on {}:0", options_.host);
      return false;
    }
    options_.port = port;
  } else if (!http_.bind_to_port(options_.host, options_.port)) {
    *error = fmt::format("cannot listen on {}:{}: {}", options_.host, options_.port, std::strerror(errno));
    return false;
  }
  std::string host = options_.host.find(':') != std::string::npos ? "[" + options_.host + "]" : options_.host;
  std::cerr << fmt::format("listening on http://{}:{}", host, options_.port) << std::endl;
  // Connections wait in the kernel's backlog until the policies are loaded.
  reload("start");
  if (registry_.table()->empty()) std::cerr << "proviso serve: no policy under " << options_.policies << std::endl;
  return true;
}

int Service::run() { return http_.listen_after_bind() ? 0 : 1; }

}  // namespace

int serve(const ServerOptions& options) {
  // Signals are taken by one thread with sigwait: blocked here, before any thread starts, so
  // every thread inherits the mask. SIGPIPE (a client gone) is ignored: the write fails.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  Service service(options);
  std::string error;
  if (!service.start(&error)) {
    std::cerr << "proviso: error: " << error << std::endl;
    return 1;
  }
  std::atomic<bool> done{false};
  std::thread signal_thread([&] {
    for (;;) {
      int sig = 0;
      if (sigwait(&signals, &sig) != 0) continue;
      if (done) return;
      if (sig == SIGHUP) {
        service.reload("SIGHUP");
        continue;
      }
      std::cerr << fmt::format("proviso serve: {}: finishing the requests in flight", strsignal(sig)) << std::endl;
      service.stop();
      return;
    }
  });
  std::thread watcher([&] { service.watch(); });
  int code = service.run();  // returns when stopped, after the workers have finished
  done = true;
  pthread_kill(signal_thread.native_handle(), SIGHUP);  // wakes it (it returns, being done) when no signal came
  signal_thread.join();
  service.stop_watching();
  watcher.join();
  service.log().close();
  std::cerr << "proviso serve: stopped" << std::endl;
  return code;
}

}  // namespace proviso::server
