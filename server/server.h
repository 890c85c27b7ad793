// `proviso serve`: a decision service over HTTP on the library API (include/proviso/proviso.hpp).
// docs/DEPLOY.md describes the endpoints, limits, reloads and the decision log.
#pragma once
#include <string>

#include <proviso/proviso.hpp>

namespace proviso::server {

struct ServerOptions {
  std::string policies;  // the directory
  std::string host = "127.0.0.1";
  int port = 8080;
  int threads = 4;                // event-loop threads, each serving many connections
  int batch_threads = 2;          // helper threads that evaluate the blocks of NDJSON batches
  size_t max_connections = 1024;  // served at once; a connection beyond is answered 503
  std::string log;                // decision log file, "" for none
  std::string admin_token;        // "" when the admin endpoints are off
  size_t max_body = 1 << 20;      // one input's bytes
  int request_timeout = 30;       // seconds a read or write may make no progress
  double watch_interval = 1;      // seconds between polls of the directory; 0: no polling
  EngineOptions engine;
};

// Loads the policies, listens, prints `listening on http://HOST:PORT` as the first line on
// standard error, and serves until SIGTERM or SIGINT; then drains and returns the exit code
// (0, or 1 when it could not start: the reason is printed).
int serve(const ServerOptions& options);

}  // namespace proviso::server
