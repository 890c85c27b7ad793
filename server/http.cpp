// The HTTP/1.1 transport of `proviso serve` (http.h) on Boost.Beast and Asio's C++20
// coroutines: one coroutine accepts, one per connection reads a request's head, gives it to the
// handler, reads or skips the body, writes the response, and goes on while the connection is
// kept alive.
#include "server/http.h"

#include <array>
#include <atomic>
#include <cctype>
#include <exception>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace proviso::server::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kTuple = net::as_tuple(net::use_awaitable);
// A request's parser: the head, then the body taken piece by piece into a buffer of ours.
using Parser = bhttp::request_parser<bhttp::buffer_body>;
constexpr size_t kSmallBodyRead = 16 * 1024;  // any other body's
constexpr size_t kMaxOverflow = 64;           // connections being refused 503 at once; beyond, closed

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

std::string find(const Fields& fields, std::string_view name) {
  for (const auto& [k, v] : fields)
    if (same_name(k, name)) return v;
  return "";
}

// %XX decoding; a '%' not followed by two hex digits stays as it is.
std::string percent_decode(std::string_view s, bool plus_is_space) {
  auto hex = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += plus_is_space && s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

template <class Body>
Request head_of(const bhttp::request_parser<Body>& parser) {
  const auto& msg = parser.get();
  Request req;
  req.method = std::string(msg.method_string());
  std::string_view target(msg.target().data(), msg.target().size());
  size_t q = target.find('?');
  req.path = percent_decode(target.substr(0, q), false);
  if (q != std::string_view::npos) {
    std::string_view query = target.substr(q + 1);
    while (!query.empty()) {
      size_t amp = query.find('&');
      std::string_view pair = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      if (pair.empty()) continue;
      size_t eq = pair.find('=');
      req.params.emplace_back(percent_decode(pair.substr(0, eq), true),
                              eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1), true));
    }
  }
  for (const auto& f : msg) req.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  req.version = msg.version();
  req.has_body = !parser.is_done();
  if (auto n = parser.content_length()) req.content_length = *n;
  return req;
}

bool is_parse_error(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

}  // namespace

std::string Request::header(std::string_view name) const { return find(headers, name); }

bool Request::has_header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (same_name(k, name)) return true;
  return false;
}

std::string Response::header(std::string_view name) const { return find(headers, name); }

// ---- Connections ----

struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  std::vector<char> body;     // where the parser puts body bytes
  bool idle = false;          // waiting for a request with nothing buffered: stop() closes it
  bool unread_input = false;  // answered before its body was read whole (a 413): linger at close
};

// One event loop per thread, each with connections of its own: a connection's steps all run
// on its loop's thread, so nothing is locked or handed between threads on the way.
struct Loop {
  net::io_context ioc{1};                                                             // run by one thread
  net::executor_work_guard<net::io_context::executor_type> keep{ioc.get_executor()};  // until stop()
};

struct Server::Impl {
  Impl(Handler& h, const Limits& l)
      : handler(h), limits(l), loops(make_loops(l.threads)), acceptor(loops.front()->ioc) {}

  static std::vector<std::unique_ptr<Loop>> make_loops(int n) {
    std::vector<std::unique_ptr<Loop>> loops;
    for (int i = 0; i < std::max(1, n); ++i) loops.push_back(std::make_unique<Loop>());
    return loops;
  }

  net::awaitable<void> accept_loop();
  net::awaitable<void> serve(std::shared_ptr<Connection> c);
  net::awaitable<void> refuse_overloaded(std::shared_ptr<Connection> c);
  // One request on `c`; false when the connection is to close.
  net::awaitable<bool> one_request(Connection& c, bool first);
  net::awaitable<bool> read_body(Connection& c, Parser& parser, BodyReader& reader, bool streamed, bool chunked,
                                 bool* stopped);
  net::awaitable<bool> stream_response(Connection& c, Parser& parser, const Request& req, Response& res, bool can_write,
                                       bool* keep);
  net::awaitable<bool> skip_body(Connection& c, Parser& parser);
  net::awaitable<size_t> body_piece(Connection& c, Parser& parser, bool* failed);
  net::awaitable<bool> write_whole(Connection& c, Response& res, unsigned version, bool keep);
  net::awaitable<bool> write_bytes(Connection& c, const std::string& bytes, bool chunked);
  void close(Connection& c);
  // Before closing a connection whose request body was not read whole: see linger().
  net::awaitable<void> linger(Connection& c);

  Handler& handler;
  Limits limits;
  std::vector<std::unique_ptr<Loop>> loops;
  size_t next_loop = 0;  // the loop of the next connection, in turn
  tcp::acceptor acceptor;
  net::thread_pool blocking{1};
  std::atomic<bool> stopping{false};
  std::atomic<size_t> overflow{0};
  std::mutex live_mu;
  // The connections being served (at most max_connections), for stop() to close the idle ones.
  std::unordered_map<Connection*, std::weak_ptr<Connection>> live;
};

void Server::Impl::close(Connection& c) {
  beast::error_code ec;
  c.stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  c.stream.close();
}

// Closing a socket with unread input makes the kernel send a reset, which can destroy an answer
// the client has not read yet: the 413 to a body it is still sending. So our side is shut down
// first (the client reads the answer, then the end of it), and what the client still sends is
// read and dropped until it closes too, for at most 2 seconds and 4 MiB (a lingering close, as
// nginx does).
net::awaitable<void> Server::Impl::linger(Connection& c) {
  beast::error_code ec;
  c.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) co_return;
  c.stream.expires_after(std::chrono::seconds(2));
  std::array<char, 16384> sink{};
  size_t dropped = 0;
  while (dropped < (size_t{4} << 20)) {
    auto [rec, n] = co_await c.stream.async_read_some(net::buffer(sink), kTuple);
    if (rec) break;
    dropped += n;
  }
}

net::awaitable<void> Server::Impl::accept_loop() {
  for (;;) {
    net::io_context& loop = loops[next_loop]->ioc;
    auto [ec, socket] = co_await acceptor.async_accept(loop, kTuple);
    if (stopping || !acceptor.is_open()) co_return;
    if (ec) {  // out of file descriptors, most likely: wait rather than spin
      net::steady_timer pause(loops.front()->ioc, std::chrono::milliseconds(50));
      co_await pause.async_wait(kTuple);
      continue;
    }
    next_loop = (next_loop + 1) % loops.size();
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto c = std::make_shared<Connection>(std::move(socket));
    auto executor = c->stream.get_executor();
    bool room = false;
    {
      std::lock_guard lock(live_mu);
      room = live.size() < limits.max_connections;
      if (room) live.emplace(c.get(), c);
    }
    if (room) {
      net::co_spawn(executor, serve(std::move(c)), net::detached);
    } else if (overflow.load() < kMaxOverflow) {
      ++overflow;
      net::co_spawn(executor, refuse_overloaded(std::move(c)), net::detached);
    } else {
      close(*c);
    }
  }
}

net::awaitable<void> Server::Impl::refuse_overloaded(std::shared_ptr<Connection> c) {
  bhttp::request_parser<bhttp::empty_body> parser;
  parser.header_limit(limits.max_header);
  c->stream.expires_after(std::min(limits.timeout, std::chrono::milliseconds(1000)));
  auto [ec, n] = co_await bhttp::async_read_header(c->stream, c->buffer, parser, kTuple);
  if (!ec) {
    Response res;
    handler.refuse(Refusal::kOverloaded, res);
    co_await write_whole(*c, res, parser.get().version(), false);
  }
  close(*c);
  --overflow;
}

net::awaitable<void> Server::Impl::serve(std::shared_ptr<Connection> c) {
  bool first = true;
  while (!stopping) {
    bool keep = false;
    try {
      keep = co_await one_request(*c, first);
    } catch (const std::exception&) {
      keep = false;  // a bug in a handler has been answered 500 where it could; the rest is closed
    }
    if (!keep) break;
    first = false;
  }
  if (c->unread_input && !stopping) co_await linger(*c);
  close(*c);
  std::lock_guard lock(live_mu);
  live.erase(c.get());
}

net::awaitable<bool> Server::Impl::one_request(Connection& c, bool first) {
  Parser parser;
  parser.header_limit(limits.max_header);
  parser.body_limit(boost::none);  // the handlers apply their own limits
  c.stream.expires_after(first ? limits.timeout : limits.keep_alive);
  c.idle = c.buffer.size() == 0;
  auto [ec, n] = co_await bhttp::async_read_header(c.stream, c.buffer, parser, kTuple);
  c.idle = false;
  if (ec) {
    if (!is_parse_error(ec)) co_return false;  // closed, timed out, reset, or stopping
    Refusal why = Refusal::kNotHttp;
    if (ec == bhttp::error::header_limit) {
      auto data = c.buffer.data();
      std::string_view seen(static_cast<const char*>(data.data()), data.size());
      why = seen.find("\r\n") == std::string_view::npos ? Refusal::kUriTooLong : Refusal::kHeadersTooLarge;
    }
    Response res;
    handler.refuse(why, res);
    co_await write_whole(c, res, 11, false);
    co_return false;
  }

  Request req = head_of(parser);
  Response res;
  Clock::time_point start = Clock::now();
  bool keep = parser.get().keep_alive();
  bool began = false;  // the response has begun (a streamed one) or cannot be written (client gone)
  bool written = false;
  try {
    handler.handle(req, res);
    if (res.reader) {
      if (req.has_body && same_name(req.header("Expect"), "100-continue")) {
        bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, req.version};
        c.stream.expires_after(limits.timeout);
        auto [ec2, n2] = co_await bhttp::async_write(c.stream, go_on, kTuple);
        began = static_cast<bool>(ec2);
      }
      if (res.streamed) {
        written = co_await stream_response(c, parser, req, res, !began, &keep);
        began = true;
      } else {
        bool stopped = false;
        bool complete = !began && co_await read_body(c, parser, *res.reader, false, false, &stopped);
        std::string ignored;
        res.reader->finish(complete, res, &ignored);
        if (!complete) {
          keep = false;
          c.unread_input = true;
        }
      }
    } else if (req.has_body && !co_await skip_body(c, parser)) {
      keep = false;
      c.unread_input = true;
    }
    if (res.blocking && !began) {
      co_await net::co_spawn(
          blocking.get_executor(),
          [&res]() -> net::awaitable<void> {
            res.blocking(res);
            co_return;
          },
          net::use_awaitable);
    }
  } catch (const std::exception& e) {
    if (began) {  // a streamed response can only be cut off
      handler.finished(req, res, std::chrono::duration<double>(Clock::now() - start).count());
      throw;
    }
    res = Response();
    handler.internal_error(e.what(), res);
    keep = false;
  }
  keep = keep && !res.close && !stopping;
  if (!began) written = co_await write_whole(c, res, req.version, keep);
  handler.finished(req, res, std::chrono::duration<double>(Clock::now() - start).count());
  co_return keep&& written;
}

// A streamed response: its head (200, chunked under HTTP/1.1), then the reader's bytes as the
// body is read, then its last chunk when the body was read whole and the reader agrees. True
// when all of it was written; `keep` is cleared when the connection cannot go on.
net::awaitable<bool> Server::Impl::stream_response(Connection& c, Parser& parser, const Request& req, Response& res,
                                                   bool can_write, bool* keep) {
  bool chunked = req.version >= 11;
  if (!chunked) *keep = false;  // HTTP/1.0: the body ends when the connection does
  bool ok = can_write;
  if (ok) {
    bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(res.status), req.version};
    for (const auto& [k, v] : res.headers) head.set(k, v);
    head.set(bhttp::field::content_type, res.content_type);
    head.chunked(chunked);
    head.keep_alive(*keep);
    bhttp::response_serializer<bhttp::empty_body> sr{head};
    c.stream.expires_after(limits.timeout);
    auto [ec, n] = co_await bhttp::async_write_header(c.stream, sr, kTuple);
    ok = !ec;
  }
  bool stopped = false;
  bool complete = ok && co_await read_body(c, parser, *res.reader, true, chunked, &stopped);
  std::string out;
  ok = res.reader->finish(complete, res, &out) && ok && co_await write_bytes(c, out, chunked);
  if (ok && chunked) {
    c.stream.expires_after(limits.timeout);
    auto [ec, n] = co_await net::async_write(c.stream, bhttp::make_chunk_last(), kTuple);
    ok = !ec;
  }
  // The buffers a large body needed are not kept for the connection's next requests.
  c.body = std::vector<char>();
  c.buffer.shrink_to_fit();
  if (!ok || !complete || stopped) *keep = false;
  if (!complete) c.unread_input = true;
  co_return ok;
}

// Reads the body into `reader` (and writes its streamed bytes). True when the body was read to
// its end; `stopped` when the reader wanted no more.
net::awaitable<bool> Server::Impl::read_body(Connection& c, Parser& parser, BodyReader& reader, bool streamed,
                                             bool chunked, bool* stopped) {
  if (streamed) {
    // Beast reads at most what the buffer has room for: a batch gets room for large reads,
    // not the 512 bytes a head leaves.
    c.body.resize(kStreamRead);
    c.buffer.reserve(kStreamRead);
  } else if (c.body.size() < kSmallBodyRead) {
    c.body.resize(kSmallBodyRead);
  }
  std::string out;
  while (!parser.is_done()) {
    bool failed = false;
    size_t got = co_await body_piece(c, parser, &failed);
    if (got > 0 && !reader.feed(c.body.data(), got, &out)) {
      *stopped = true;
      if (streamed) co_await write_bytes(c, out, chunked);
      co_return false;
    }
    if (streamed && !out.empty()) {
      if (!co_await write_bytes(c, out, chunked)) co_return false;
      out.clear();
    }
    if (failed) co_return false;
  }
  co_return true;
}

// Reads and drops a body no handler wanted, up to the limit. False: it is larger, or broken.
net::awaitable<bool> Server::Impl::skip_body(Connection& c, Parser& parser) {
  if (c.body.size() < kSmallBodyRead) c.body.resize(kSmallBodyRead);
  size_t total = 0;
  while (!parser.is_done()) {
    bool failed = false;
    total += co_await body_piece(c, parser, &failed);
    if (failed || total > limits.max_ignored_body) co_return false;
  }
  co_return true;
}

// Reads what has arrived of the body, at most c.body's size, into c.body; returns how many
// bytes. `failed`: the body broke off, is malformed, or made no progress for the timeout.
net::awaitable<size_t> Server::Impl::body_piece(Connection& c, Parser& parser, bool* failed) {
  auto& body = parser.get().body();
  body.data = c.body.data();
  body.size = c.body.size();
  c.stream.expires_after(limits.timeout);
  auto [ec, n] = co_await bhttp::async_read_some(c.stream, c.buffer, parser, kTuple);
  *failed = ec && ec != bhttp::error::need_buffer;  // need_buffer: c.body is full
  co_return c.body.size() - parser.get().body().size;
}

net::awaitable<bool> Server::Impl::write_bytes(Connection& c, const std::string& bytes, bool chunked) {
  if (bytes.empty()) co_return true;
  c.stream.expires_after(limits.timeout);
  if (chunked) {
    auto [ec, n] = co_await net::async_write(c.stream, bhttp::make_chunk(net::buffer(bytes)), kTuple);
    co_return !ec;
  }
  auto [ec, n] = co_await net::async_write(c.stream, net::buffer(bytes), kTuple);
  co_return !ec;
}

net::awaitable<bool> Server::Impl::write_whole(Connection& c, Response& res, unsigned version, bool keep) {
  bhttp::response<bhttp::string_body> msg{static_cast<bhttp::status>(res.status), version < 11 ? 10U : 11U};
  for (const auto& [k, v] : res.headers) msg.set(k, v);
  msg.set(bhttp::field::content_type, res.content_type);
  msg.body() = std::move(res.body);
  msg.keep_alive(keep);
  msg.prepare_payload();
  c.stream.expires_after(limits.timeout);
  auto [ec, n] = co_await bhttp::async_write(c.stream, msg, kTuple);
  res.body = std::move(msg.body());
  co_return !ec;
}

// ---- The server ----

Server::Server(Handler& handler, const Limits& limits) : impl_(std::make_unique<Impl>(handler, limits)) {}

Server::~Server() = default;

bool Server::listen(const std::string& host, int port, std::string* error) {
  auto fail = [&](const beast::error_code& ec) {
    *error = "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message();
    return false;
  };
  beast::error_code ec;
  tcp::resolver resolver(impl_->loops.front()->ioc);
  auto found =
      resolver.resolve(host, std::to_string(port), tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec) return fail(ec);
  if (found.empty()) return fail(net::error::host_not_found);
  tcp::endpoint at = found.begin()->endpoint();
  tcp::acceptor& a = impl_->acceptor;
  a.open(at.protocol(), ec);
  if (ec) return fail(ec);
  // SO_REUSEADDR only (a restart need not wait for TIME_WAIT), never SO_REUSEPORT, with which a
  // second server on a port in use would start and share its connections.
  a.set_option(net::socket_base::reuse_address(true), ec);
  a.bind(at, ec);
  if (ec) return fail(ec);
  a.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail(ec);
  return true;
}

int Server::port() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

void Server::run() {
  net::co_spawn(impl_->loops.front()->ioc, impl_->accept_loop(), net::detached);
  std::vector<std::thread> threads;
  for (size_t i = 1; i < impl_->loops.size(); ++i)
    threads.emplace_back([loop = impl_->loops[i].get()] { loop->ioc.run(); });
  impl_->loops.front()->ioc.run();
  for (auto& t : threads) t.join();
  impl_->blocking.join();
}

void Server::stop() {
  net::post(impl_->loops.front()->ioc, [impl = impl_.get()] {
    impl->stopping = true;
    beast::error_code ec;
    impl->acceptor.close(ec);
    for (auto& loop : impl->loops) loop->keep.reset();  // each loop ends when its connections have
    std::lock_guard lock(impl->live_mu);
    for (auto& [raw, weak] : impl->live) {
      if (std::shared_ptr<Connection> c = weak.lock()) {
        net::post(c->stream.get_executor(), [impl, c] {
          if (c->idle) impl->close(*c);
        });
      }
    }
  });
}

}  // namespace proviso::server::http
