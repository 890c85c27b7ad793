// The service side of `proviso serve` (server.h): the endpoints, the request bookkeeping (ids,
// metrics, the decision log), reloads on SIGHUP, on POST /v1/admin/reload and on file changes,
// and the drain on SIGTERM. HTTP itself is server/http.h.
//
// Threads: a few event-loop threads (--threads) serve the connections, each connection on one
// of them; an evaluation runs on its connection's thread, with a Session of that thread
// (sessions are not thread-safe; see SessionCache). A batch has a Session of its own, which
// it keeps for as long as it streams.
#include "server/server.h"

#include <pthread.h>

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

#include "compiler/diff/tool_info.h"
#include "server/batch.h"
#include "server/decision_log.h"
#include "server/http.h"
#include "server/metrics.h"
#include "server/openapi.h"
#include "server/registry.h"

namespace proviso::server {

namespace {

using Clock = std::chrono::steady_clock;

// ---- Sessions ----

// The sessions of one event-loop thread, by policy version and options: making a session costs
// more than evaluating a small input, so a thread keeps its few most recent ones.
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

std::string random_id() {
  thread_local std::mt19937_64 rng{std::random_device{}() ^
                                   static_cast<uint64_t>(std::hash<std::thread::id>{}(std::this_thread::get_id()))};
  return fmt::format("{:016x}{:016x}", rng(), rng());
}

// A client's X-Request-Id when it is 1 to 128 visible ASCII characters; else a new one.
std::string request_id(const http::Request& req) {
  std::string id = req.header("X-Request-Id");
  bool ok = !id.empty() && id.size() <= 128;
  for (char c : id) ok = ok && c > 32 && c < 127;
  return ok ? id : random_id();
}

void send_error(http::Response& res, int status, const std::string& code, const std::string& message,
                Json extra = Json::object()) {
  Json body = {{"code", code}, {"message", message}};
  for (const auto& [k, v] : extra.items()) body[k] = v;
  res.status = status;
  res.content_type = "application/json";
  res.body = Json{{"error", body}}.dump() + "\n";
}

void send_json(http::Response& res, const Json& j) {
  res.status = 200;
  res.content_type = "application/json";
  res.body = j.dump() + "\n";
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
Metrics::Outcome outcome_of(LineOutcome o) {
  return o == LineOutcome::Ok              ? Metrics::kOk
         : o == LineOutcome::DecisionError ? Metrics::kDecisionError
                                           : Metrics::kInputError;
}

// ---- Helper threads for batches ----

// Threads that evaluate parts of batches (Service::BatchBody). Tasks run in order; a task's
// owner may have done its work itself already, so a task must expect to find nothing to do.
class Helpers {
 public:
  explicit Helpers(size_t threads) {
    for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
  }
  ~Helpers() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_) t.join();
  }
  Helpers(const Helpers&) = delete;
  Helpers& operator=(const Helpers&) = delete;

  void run(std::function<void()> task) {
    {
      std::lock_guard lock(mu_);
      tasks_.push_back(std::move(task));
    }
    ready_.notify_one();
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(mu_);
        ready_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
        if (tasks_.empty()) return;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }

  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// ---- The service ----

class Service : public http::Handler {
 public:
  explicit Service(const ServerOptions& o)
      : options_(o), registry_(o.policies, o.engine), helpers_(static_cast<size_t>(std::max(1, o.batch_threads))),
        http_(*this, limits_of(o)) {
    versions_ = diff::tool_info().dump();
  }

  bool start(std::string* error);
  void run() { http_.run(); }
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

  // http::Handler
  void handle(const http::Request& req, http::Response& res) override;
  void finished(const http::Request& req, const http::Response& res, double seconds) override;
  void refuse(http::Refusal why, http::Response& res) override;
  void internal_error(const std::string& what, http::Response& res) override;

 private:
  class JsonBody;
  class BatchBody;
  struct Pinned {
    std::shared_ptr<const Served> served;
    bool ok = false;
  };
  static http::Limits limits_of(const ServerOptions& o) {
    http::Limits l;
    l.threads = o.threads;
    l.max_connections = o.max_connections;
    l.timeout = std::chrono::milliseconds(static_cast<int64_t>(o.request_timeout) * 1000);
    l.max_ignored_body = o.max_body;
    return l;
  }
  // The policy a path names ("name" or "name@sha256:..."); answers 404 or 409 itself.
  Pinned resolve(const std::string& spec, http::Response& res);
  bool authorized(const http::Request& req, http::Response& res);

  void route(const http::Request& req, http::Response& res);
  void evaluate(const http::Request& req, http::Response& res, const std::string& spec);
  void evaluate_batch(const http::Request& req, http::Response& res, std::shared_ptr<const Served> served,
                      const EvalOptions& options);
  // Answers one input (application/json), read whole.
  void answer_one(http::Response& res, const Served& served, const std::string& key, const EvalOptions& options,
                  std::string& body);
  bool options_from_query(const http::Request& req, http::Response& res, EvalOptions* options, std::string* key);
  bool write_log(const std::string& request_id, const Served& served, const Session& session, std::string_view input,
                 const Evaluation& e, size_t line);
  // Appends the decision-log line of one evaluation, without its newline, to `to`.
  void log_line(std::string* to, const std::string& request_id, const Served& served, const Session& session,
                std::string_view input, const Evaluation& e, size_t line) const;

  ServerOptions options_;
  Registry registry_;
  Metrics metrics_;
  DecisionLog log_;
  std::string versions_;  // {"proviso", "tzdata", "stdlib"} as JSON text
  std::mutex reload_log_mu_;
  std::mutex watch_mu_;
  std::condition_variable watch_cv_;
  bool watch_stop_ = false;
  Helpers helpers_;    // evaluate batches' blocks; destroyed after the server, before the rest
  http::Server http_;  // last: it is stopped and destroyed before what its handlers use
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

Service::Pinned Service::resolve(const std::string& spec, http::Response& res) {
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

bool Service::authorized(const http::Request& req, http::Response& res) {
  if (options_.admin_token.empty()) {
    send_error(res, 404, "not_found", "the admin endpoints are off: start the server with --admin-token-file");
    return false;
  }
  std::string given = req.header("Authorization");
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

bool Service::options_from_query(const http::Request& req, http::Response& res, EvalOptions* options,
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
  log_line(&out, request_id, served, session, input, e, line);
  if (log_.write(out)) return true;
  metrics_.log_error();
  return false;
}

void Service::log_line(std::string* to, const std::string& request_id, const Served& served, const Session& session,
                       std::string_view input, const Evaluation& e, size_t line) const {
  std::string& out = *to;
  out.reserve(out.size() + input.size() + e.json.size() + 512);
  out += "{\"time\":\"" + utc_now() + "\",\"request_id\":" + Json(request_id).dump() +
         ",\"policy\":" + Json(served.name).dump() + ",\"hash\":\"" + served.hash + "\",\"versions\":" + versions_ +
         ",\"decisions\":" + Json(session.decisions()).dump() + ",";
  if (line > 0) out += fmt::format("\"line\":{},", line);
  log_input(out, input);
  out += ",\"output\":";
  out += e.json;
  out += "}";
}

// One input, read whole (up to --max-body) and answered when it is all there.
class Service::JsonBody : public http::BodyReader {
 public:
  JsonBody(Service& service, std::shared_ptr<const Served> served, std::string key, EvalOptions options)
      : service_(service), served_(std::move(served)), key_(std::move(key)), options_(std::move(options)) {}

  bool feed(const char* data, size_t n, std::string* /*out*/) override {
    if (body_.size() + n > service_.options_.max_body) {
      too_large_ = true;
      return false;
    }
    body_.append(data, n);
    return true;
  }

  bool finish(bool complete, http::Response& res, std::string* /*out*/) override {
    if (too_large_) {
      service_.metrics_.rejected("too_large");
      res.close = true;
      send_error(res, 413, "body_too_large",
                 fmt::format("the body is larger than the limit of {} bytes for one input (send a batch as "
                             "application/x-ndjson)",
                             service_.options_.max_body));
    } else if (!complete) {
      res.close = true;
      send_error(res, 400, "bad_body", "the request body could not be read (broken off, malformed or too slow)");
    } else {
      service_.answer_one(res, *served_, key_, options_, body_);
    }
    return true;
  }

 private:
  Service& service_;
  std::shared_ptr<const Served> served_;
  std::string key_;
  EvalOptions options_;
  std::string body_;
  bool too_large_ = false;
};

// A batch: lines are read, evaluated and sent back as they come (server/batch.h). The response
// has begun (status 200) before the first line is read, so what goes wrong with a line (too
// long, not JSON) is that line's error line, as in `proviso eval`; a body that breaks off, a
// decision that cannot be logged, or a client that goes away ends the response without its
// last chunk, which the client sees as a failure.
//
// Lines are gathered into blocks of kBlockBytes, and each block is evaluated by a helper
// thread (Helpers) with one of the batch's sessions while the connection reads on: up to
// kWindow blocks are in flight, and their answers are given in order as they are done. When
// the window is full, or a read comes back short (the client has sent everything it has for
// now and may be waiting for answers), the connection's thread evaluates the oldest block
// itself if no helper has begun it, and waits for it otherwise. A block's decision-log lines
// are written with one write, before the answers they log.
class Service::BatchBody : public http::BodyReader {
 public:
  BatchBody(Service& service, std::shared_ptr<const Served> served, std::vector<Session> sessions,
            std::string request_id)
      : service_(service),
        context_(std::make_shared<Context>(Context{service, std::move(served), std::move(request_id),
                                                   sessions.front().max_line_bytes(), std::move(sessions)})),
        stream_(context_->max_line,
                [this](const std::vector<BatchStream::Line>& lines, std::string* out) { return answer(lines, out); }) {}

  // Blocks no helper has begun are dropped; one a helper is evaluating keeps what it needs.
  ~BatchBody() override {
    for (auto& b : in_flight_) b->taken = true;
  }
  BatchBody(const BatchBody&) = delete;
  BatchBody& operator=(const BatchBody&) = delete;

  bool feed(const char* data, size_t n, std::string* out) override {
    short_read_ = n < http::kStreamRead / 2;
    return stream_.feed(data, n, out);
  }

  bool finish(bool complete, http::Response& /*res*/, std::string* out) override {
    short_read_ = true;  // the rest, now
    bool ok = stream_.finish(complete, out) && send(out) && harvest(out, true);
    for (Metrics::Outcome o : {Metrics::kOk, Metrics::kDecisionError, Metrics::kInputError})
      if (counts_[o] > 0) service_.metrics_.evaluation(context_->served->name, o, counts_[o]);
    return ok;
  }

  static constexpr size_t kBlockBytes = 256 * 1024;
  static constexpr size_t kWindow = 4;  // blocks in flight; as many sessions

 private:
  // What a block's evaluation needs, kept alive by the blocks as well as the batch.
  struct Context {
    Service& service;
    std::shared_ptr<const Served> served;
    std::string request_id;
    size_t max_line;
    std::vector<Session> sessions;  // kWindow: block k uses sessions[k % kWindow]
  };

  struct Block {
    std::shared_ptr<Context> context;
    Session* session = nullptr;
    std::string text;  // the lines, each followed by '\n', then the parser's padding
    struct Line {
      size_t offset, size, number;
      bool too_long;
    };
    std::vector<Line> lines;
    std::string out, log;
    std::array<uint64_t, 3> counts{};
    std::atomic<bool> taken{false}, done{false};

    // Evaluates the block unless another thread has taken it.
    static void take(Block& b) {
      if (b.taken.exchange(true)) return;
      b.evaluate_all();
      b.done = true;
      b.done.notify_all();
    }

    void evaluate_all() {
      // No decision log: runs of lines written straight into the block's output, in groups
      // (Session::append_json_lines, no Evaluation); the rest one by one (evaluate()).
      const bool plain = !context->service.log_.enabled();
      std::vector<JsonLine> run;
      std::vector<LineOutcome> outcomes;
      auto write_run = [&] {
        if (run.empty()) return;
        outcomes.resize(run.size());
        session->append_json_lines(out, run, outcomes.data());
        for (LineOutcome o : outcomes) ++counts[outcome_of(o)];
        run.clear();
      };
      for (const Line& line : lines) {
        std::string_view json(text.data() + line.offset, line.size);
        if (!line.too_long && json.find_first_not_of(" \t\r") == std::string_view::npos) continue;  // blank
        if (plain && !line.too_long && json.size() <= context->max_line) {
          run.push_back({json, text.capacity() - line.offset});
          continue;
        }
        write_run();
        evaluate(line, json);
      }
      write_run();
    }

    // A line that is too long, or one whose evaluation goes to the decision log.
    void evaluate(const Line& line, std::string_view json) {
      const size_t max_line = context->max_line;
      Evaluation e = line.too_long || json.size() > max_line
                         ? session->input_error("", fmt::format("line {} is longer than the limit of {} bytes "
                                                                "(--max-body)",
                                                                line.number, max_line))
                         : session->evaluate_json_padded(json, text.capacity() - line.offset);
      ++counts[outcome_of(e)];
      if (context->service.log_.enabled()) {
        context->service.log_line(&log, context->request_id, *context->served, *session, json, e, line.number);
        log += '\n';
      }
      out += e.json;
      out += '\n';
    }
  };

  bool answer(const std::vector<BatchStream::Line>& lines, std::string* out) {
    for (const BatchStream::Line& line : lines) {
      if (!filling_) filling_ = fresh_block();
      Block& b = *filling_;
      b.lines.push_back(Block::Line{b.text.size(), line.text.size(), line.number, line.too_long});
      b.text.append(line.text);
      b.text += '\n';
      if (b.text.size() >= kBlockBytes && !send(out)) return false;
    }
    return (!short_read_ || send(out)) && harvest(out, short_read_);
  }

  // Hands the block being filled to the helpers, once the window has room for it.
  bool send(std::string* out) {
    if (!filling_ || filling_->lines.empty()) return true;
    while (in_flight_.size() >= kWindow)
      if (!give_oldest(out)) return false;
    std::shared_ptr<Block> b = std::move(filling_);
    b->context = context_;
    b->session = &context_->sessions[sent_++ % kWindow];
    b->text.reserve(b->text.size() + BatchStream::kPadding);  // read in place by the parser
    b->taken = false;
    in_flight_.push_back(b);
    service_.helpers_.run([b] { Block::take(*b); });
    return true;
  }

  // Gives the answers of the blocks done, in order; with `all`, of every block in flight.
  bool harvest(std::string* out, bool all) {
    while (!in_flight_.empty() && (all || in_flight_.front()->done))
      if (!give_oldest(out)) return false;
    return true;
  }

  bool give_oldest(std::string* out) {
    Block& b = *in_flight_.front();
    settle(b);
    bool ok = b.log.empty() || service_.log_.write_lines(b.log);
    if (!ok) service_.metrics_.log_error();
    if (ok) *out += b.out;
    for (size_t k = 0; k < counts_.size(); ++k) counts_[k] += b.counts[k];
    spare_.push_back(std::move(in_flight_.front()));
    in_flight_.pop_front();
    return ok;
  }

  // A block to fill: a used one when there is one, its buffers kept (allocating and faulting in
  // fresh ones for every block cost more than the copies here).
  std::shared_ptr<Block> fresh_block() {
    if (spare_.empty()) return std::make_shared<Block>();
    std::shared_ptr<Block> b = std::move(spare_.back());
    spare_.pop_back();
    b->text.clear();
    b->lines.clear();
    b->out.clear();
    b->log.clear();
    b->counts = {};
    b->done = false;
    // `taken` stays true while it is filled: a helper's task left over from its last round
    // must find nothing to do. send() opens it.
    return b;
  }

  // Evaluates `b` here if no helper has begun it, else waits for the helper.
  static void settle(Block& b) {
    Block::take(b);
    b.done.wait(false);
  }

  Service& service_;
  std::shared_ptr<Context> context_;
  std::shared_ptr<Block> filling_;
  std::deque<std::shared_ptr<Block>> in_flight_;
  std::vector<std::shared_ptr<Block>> spare_;  // given, to be filled again
  uint64_t sent_ = 0;
  bool short_read_ = false;
  std::array<uint64_t, 3> counts_{};  // by Metrics::Outcome
  BatchStream stream_;
};

void Service::evaluate(const http::Request& req, http::Response& res, const std::string& spec) {
  std::string type;
  if (!media_type(req.header("Content-Type"), &type) ||
      (!type.empty() && type != "application/json" && type != "application/x-ndjson")) {
    send_error(res, 415, "unsupported_media_type",
               fmt::format("the body must be application/json (one input) or application/x-ndjson (a batch), in "
                           "UTF-8, not `{}`",
                           req.header("Content-Type")));
    return;
  }
  EvalOptions options;
  std::string key;
  if (!options_from_query(req, res, &options, &key)) return;
  Pinned p = resolve(spec, res);
  if (!p.ok) return;
  res.set_header("Proviso-Policy", p.served->name);
  res.set_header("Proviso-Policy-Hash", p.served->hash);
  if (type == "application/x-ndjson") {
    res.endpoint = "evaluate_batch";
    evaluate_batch(req, res, p.served, options);
    return;
  }
  std::string error;
  if (!t_sessions.get(*p.served, key, options, &error)) {
    send_error(res, 400, "unknown_decision", error);
    return;
  }
  if (!req.has_body) {
    send_error(res, 400, "empty_body", "the request has no body: send one input object as JSON");
    return;
  }
  if (req.content_length && *req.content_length > options_.max_body) {
    metrics_.rejected("too_large");
    res.close = true;
    send_error(res, 413, "body_too_large",
               fmt::format("the body is larger than the limit of {} bytes for one input (send a batch as "
                           "application/x-ndjson)",
                           options_.max_body));
    return;
  }
  res.reader = std::make_unique<JsonBody>(*this, std::move(p.served), std::move(key), std::move(options));
}

void Service::answer_one(http::Response& res, const Served& served, const std::string& key, const EvalOptions& options,
                         std::string& body) {
  std::string error;
  // This thread's session (the head was checked with it, so it is made already).
  Session* session = t_sessions.get(served, key, options, &error);
  if (!session) {
    send_error(res, 400, "unknown_decision", error);
    return;
  }
  size_t size = body.size();
  body.reserve(size + BatchStream::kPadding);  // the JSON parser's padding: decoded in place
  Evaluation e = session->evaluate_json_padded(std::string_view(body.data(), size), body.capacity());
  metrics_.evaluation(served.name, outcome_of(e));
  if (!write_log(res.header("X-Request-Id"), served, *session, std::string_view(body.data(), size), e, 0)) {
    send_error(res, 503, "decision_log_failed",
               "the decision could not be written to the decision log, so it is not given; see the server's log");
    res.set_header("Retry-After", "1");
    return;
  }
  e.json += '\n';
  res.status = 200;
  res.content_type = "application/json";
  res.body = std::move(e.json);
}

void Service::evaluate_batch(const http::Request& req, http::Response& res, std::shared_ptr<const Served> served,
                             const EvalOptions& options) {
  std::vector<Session> sessions;
  for (size_t i = 0; i < BatchBody::kWindow; ++i) {
    Result<Session> made = served->policy.session(options);
    if (!made.ok()) {
      send_error(res, 400, "unknown_decision", made.error());
      return;
    }
    sessions.push_back(std::move(made.value()));
  }
  res.status = 200;
  res.content_type = "application/x-ndjson";
  if (!req.has_body) return;  // an empty batch: no lines
  res.streamed = true;
  res.reader = std::make_unique<BatchBody>(*this, std::move(served), std::move(sessions), res.header("X-Request-Id"));
}

void Service::route(const http::Request& req, http::Response& res) {
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
      res.endpoint = "evaluate";
      if (method != "POST") return allow("POST");
      return evaluate(req, res, spec);
    }
    if (!spec.empty() && tail.empty()) {
      res.endpoint = "policy";
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
    res.endpoint = "policies";
    if (method != "GET") return allow("GET");
    Json list = Json::array();
    for (const auto& [name, s] : *registry_.table()) list.push_back(s->summary);
    return send_json(res, {{"policies", list}});
  }
  if (path == "/v1/openapi.json") {
    res.endpoint = "openapi";
    if (method != "GET") return allow("GET");
    return send_json(res, openapi(*registry_.table()));
  }
  if (path == "/healthz") {
    res.endpoint = "healthz";
    if (method != "GET") return allow("GET");
    return send_json(res, {{"status", "alive"}});
  }
  if (path == "/readyz") {
    res.endpoint = "readyz";
    if (method != "GET") return allow("GET");
    std::string why;
    if (registry_.ready(&why)) return send_json(res, {{"status", "ready"}});
    res.set_header("Retry-After", "1");
    return send_error(res, 503, "not_ready", why);
  }
  if (path == "/metrics") {
    res.endpoint = "metrics";
    if (method != "GET") return allow("GET");
    res.status = 200;
    res.content_type = "text/plain; version=0.0.4; charset=utf-8";
    res.body = metrics_.render();
    return;
  }
  if (path == "/v1/admin/reload") {
    res.endpoint = "admin_reload";
    if (!authorized(req, res)) return;
    if (method != "POST") return allow("POST");
    res.blocking = [this](http::Response& r) {  // compiling may take a while: not on an event loop
      reload("POST /v1/admin/reload");
      send_json(r, registry_.status()["last_reload"]);
    };
    return;
  }
  if (path == "/v1/admin/status") {
    res.endpoint = "admin_status";
    if (!authorized(req, res)) return;
    if (method != "GET") return allow("GET");
    return send_json(res, registry_.status());
  }
  send_error(res, 404, "not_found", fmt::format("no endpoint at {} (see GET /v1/openapi.json)", path));
}

void Service::handle(const http::Request& req, http::Response& res) {
  metrics_.in_flight(1);
  res.set_header("X-Request-Id", request_id(req));
  route(req, res);
}

void Service::finished(const http::Request& /*req*/, const http::Response& res, double seconds) {
  metrics_.in_flight(-1);
  metrics_.request(res.endpoint, res.status, seconds);
}

void Service::refuse(http::Refusal why, http::Response& res) {
  res.close = true;
  if (why == http::Refusal::kOverloaded) {
    res.endpoint = "overload";
    res.set_header("X-Request-Id", random_id());
    res.set_header("Retry-After", "1");
    send_error(res, 503, "overloaded",
               fmt::format("the server is busy (it is serving its limit of --max-connections {}): retry later",
                           options_.max_connections));
    metrics_.rejected("overload");
    metrics_.request(res.endpoint, res.status, 0);
    return;
  }
  res.endpoint = "malformed";
  switch (why) {
    case http::Refusal::kUriTooLong:
      send_error(res, 414, "uri_too_long", "the request line is longer than the limit of 8192 bytes");
      break;
    case http::Refusal::kHeadersTooLarge:
      send_error(res, 431, "headers_too_large", "the request's headers are longer than the limit of 8192 bytes");
      break;
    default: send_error(res, 400, "bad_request", "the request could not be read as HTTP/1.1"); break;
  }
  metrics_.rejected("bad_request");
  metrics_.request(res.endpoint, res.status, 0);
}

void Service::internal_error(const std::string& what, http::Response& res) {
  send_error(res, 500, "internal", "internal error (a bug in Proviso): " + what);
}

bool Service::start(std::string* error) {
  std::error_code ec;
  if (!std::filesystem::is_directory(options_.policies, ec)) {
    *error = fmt::format("cannot read the policy directory {}: {}", options_.policies,
                         ec ? ec.message() : std::string("not a directory"));
    return false;
  }
  if (!options_.log.empty() && !log_.open(options_.log, error)) return false;
  if (!http_.listen(options_.host, options_.port, error)) return false;
  options_.port = http_.port();
  std::string host = options_.host.find(':') != std::string::npos ? "[" + options_.host + "]" : options_.host;
  std::cerr << fmt::format("listening on http://{}:{}", host, options_.port) << std::endl;
  // Connections wait in the kernel's backlog until the policies are loaded.
  reload("start");
  if (registry_.table()->empty()) std::cerr << "proviso serve: no policy under " << options_.policies << std::endl;
  return true;
}

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
  service.run();  // returns when stopped, after the requests in flight have been answered
  done = true;
  pthread_kill(signal_thread.native_handle(), SIGHUP);  // wakes it (it returns, being done) when no signal came
  signal_thread.join();
  service.stop_watching();
  watcher.join();
  service.log().close();
  std::cerr << "proviso serve: stopped" << std::endl;
  return 0;
}

}  // namespace proviso::server
