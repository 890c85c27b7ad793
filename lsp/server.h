// `proviso lsp`: a Language Server Protocol server over stdio for `.policy` files. Open
// documents are re-checked after each change (debounced) and their diagnostics published; the
// other requests are answered from the latest analysis (features.h). docs/EDITORS.md lists
// what it answers.
#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "lsp/analysis.h"
#include "lsp/rpc.h"

namespace proviso::lsp {

struct ServerOptions {
  // How long after a change the document is re-checked, unless a request needs it sooner.
  // The client may set it with `initializationOptions.debounceMs`.
  int debounce_ms = 150;
};

class Server {
 public:
  Server(Writer& out, ServerOptions options) : out_(out), options_(options) {}
  // Reads messages from `fd` until `exit` or the end of the input; the exit status: 0 after
  // `shutdown` then `exit` (or the end of the input after `shutdown`), 1 otherwise, as the
  // protocol says.
  int run(int fd);

 private:
  using Clock = std::chrono::steady_clock;

  void handle(const Json& message);
  Json request(const std::string& method, const Json& params);
  void notification(const std::string& method, const Json& params);
  void analyse_due(Clock::time_point now);
  void analyse_now(const std::string& uri);
  void publish(const Analysis& a);
  // The analysis of the document at `uri`, made now if a change is waiting; throws
  // RequestError when the document is not open.
  std::shared_ptr<const Analysis> analysis(const std::string& uri);
  // The last analysis of `uri` whose text parsed (names and types for completion), and the
  // last that compiled (lenses).
  std::shared_ptr<const Analysis> parsed(const std::string& uri) const;
  std::shared_ptr<const Analysis> compiled(const std::string& uri) const;
  LineMap map_of(const Analysis& a) const { return LineMap(a.doc.text, encoding_); }
  void log(const std::string& message);

  Writer& out_;
  ServerOptions options_;
  Encoding encoding_ = Encoding::Utf16;
  bool initialized_ = false;
  bool shutting_down_ = false;
  bool exited_ = false;
  std::map<std::string, Document> docs_;
  std::map<std::string, Clock::time_point> pending_;  // documents changed and not yet analysed
  std::map<std::string, std::shared_ptr<const Analysis>> latest_, parsed_, compiled_;
  std::map<std::string, std::vector<std::string>> published_;  // URIs with diagnostics, per document
};

}  // namespace proviso::lsp
