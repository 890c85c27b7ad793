// The HTTP/1.1 transport of `proviso serve`: Boost.Beast reads and writes the messages, Asio
// runs the connections on a few event-loop threads (docs/DEPENDENCIES.md says why these). It
// knows nothing of policies: the service (server.cpp) is given each request's head and either
// answers it at once or reads its body through a BodyReader, whole or streamed.
//
// Threads: each of `threads` threads runs an event loop of its own, and each connection (a
// coroutine) stays on the loop that accepted it, in turn, so all of a connection's steps run on
// one thread, one after the other. Handlers run on those threads and must not block; work that
// may (a reload that compiles policies) goes in Response::blocking, which runs on a thread of its
// own.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proviso::server::http {

using Fields = std::vector<std::pair<std::string, std::string>>;

// The most body bytes a streamed BodyReader is fed at once. A feed much shorter than this
// means the client has sent nothing more for now.
constexpr size_t kStreamRead = 64 * 1024;

// A request's head.
struct Request {
  std::string method;  // as sent: "GET"
  std::string path;    // percent-decoded, without the query
  Fields params;       // the query, percent-decoded ('+' is a space), in order
  Fields headers;      // as sent
  unsigned version = 11;
  bool has_body = false;  // a Content-Length over 0, or a chunked body
  std::optional<uint64_t> content_length;

  // The first header of that name (case-insensitive); "" when there is none.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
};

struct Response;

// Reads a request's body for the handler that asked for it (Response::reader).
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  // Bytes of the body, as they arrive. A streamed response's bytes go to `out`, which the
  // transport sends after each call. False: read no more (the rest of the body is not read and
  // the connection closes after the response).
  virtual bool feed(const char* data, size_t n, std::string* out) = 0;
  // The body has ended: `complete`, or not (broken off, malformed, too slow, or feed said
  // stop). A whole response is set here. A streamed one gets its last bytes in `out`; false
  // ends it without its last chunk, which tells the client it is incomplete.
  virtual bool finish(bool complete, Response& res, std::string* out) = 0;
};

struct Response {
  int status = 200;
  Fields headers;
  std::string content_type = "application/json";
  std::string body;
  bool close = false;              // close the connection after this response
  std::string endpoint = "other";  // the metrics' name for what was asked

  // Set by the handler to read the body through it. When `streamed`, the response (200, chunked
  // under HTTP/1.1) begins before the body is read; else it is sent after finish().
  std::unique_ptr<BodyReader> reader;
  bool streamed = false;
  // Set by the handler for work that may block: it runs on a thread of its own, after the
  // body, and may change the response.
  std::function<void(Response&)> blocking;

  void set_header(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
  std::string header(std::string_view name) const;
};

// Why a request was answered before any handler saw it; the connection closes after.
enum class Refusal {
  kNotHttp,          // 400: not an HTTP/1.x request
  kUriTooLong,       // 414: the request line is over the header limit
  kHeadersTooLarge,  // 431
  kOverloaded,       // 503: over the connection limit
};

class Handler {
 public:
  virtual ~Handler() = default;
  // A request's head has been read: answer it in `res`, or set res.reader for its body.
  virtual void handle(const Request& req, Response& res) = 0;
  // The response has been sent, or could not be (the client went away).
  virtual void finished(const Request& req, const Response& res, double seconds) = 0;
  // Fills the answer to a refused request.
  virtual void refuse(Refusal why, Response& res) = 0;
  // An exception escaped a handler (a bug): fills a 500.
  virtual void internal_error(const std::string& what, Response& res) = 0;
};

struct Limits {
  int threads = 2;                             // event-loop threads
  size_t max_connections = 1024;               // served at once; beyond, a connection is answered 503
  std::chrono::milliseconds timeout{30000};    // a read or a write that makes no progress
  std::chrono::milliseconds keep_alive{5000};  // an idle connection, between requests
  uint32_t max_header = 8192;                  // the request line and headers
  size_t max_ignored_body = 1 << 20;           // a body no handler reads is skipped up to this, else closed
};

class Server {
 public:
  Server(Handler& handler, const Limits& limits);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens (the kernel queues connections from now on). False with `error`.
  bool listen(const std::string& host, int port, std::string* error);
  int port() const;
  // Serves until stop(); returns when every connection has closed.
  void run();
  // Thread-safe: stops accepting, lets the requests in flight finish, and closes idle
  // connections.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace proviso::server::http
