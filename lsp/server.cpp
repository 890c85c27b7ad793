// The LSP server's loop, lifecycle and dispatch (server.h).
#include "lsp/server.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "lsp/features.h"

namespace proviso::lsp {

namespace {

// JSON-RPC and LSP error codes.
constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;
constexpr int kInternalError = -32603;
constexpr int kServerNotInitialized = -32002;
constexpr int kRequestFailed = -32803;

// A method this server does not implement.
struct UnknownMethod {
  std::string method;
};

const std::string& uri_of(const Json& params) {
  static const std::string none;
  if (!params.is_object() || !params.contains("textDocument") || !params["textDocument"].is_object() ||
      !params["textDocument"].contains("uri") || !params["textDocument"]["uri"].is_string())
    throw RequestError("the request has no `textDocument.uri`");
  return params["textDocument"]["uri"].get_ref<const std::string&>();
}

Json position_of(const Json& params) {
  if (!params.contains("position") || !params["position"].is_object())
    throw RequestError("the request has no `position`");
  return params["position"];
}

}  // namespace

namespace {

// What the reader thread hands to the server's loop. Shared, so that a reader still blocked on
// its input after `exit` (the client has not closed the pipe yet) touches nothing that is gone.
struct Inbox {
  explicit Inbox(int fd) : in(fd) {}
  Reader in;
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<std::optional<std::string>> queue;  // none: the end of the input
  std::deque<std::string> frame_errors;
};

}  // namespace

int Server::run(int fd) {
  // A reader thread queues the messages, so that a debounced analysis can run while the
  // client is quiet.
  auto inbox = std::make_shared<Inbox>(fd);
  std::mutex& mutex = inbox->mutex;
  std::condition_variable& ready = inbox->ready;
  std::deque<std::optional<std::string>>& queue = inbox->queue;
  std::deque<std::string>& frame_errors = inbox->frame_errors;
  std::thread reader([inbox] {
    for (;;) {
      std::string error;
      std::optional<std::string> body = inbox->in.next(&error);
      std::lock_guard lock(inbox->mutex);
      if (!error.empty()) inbox->frame_errors.push_back(error);
      if (!body) {
        inbox->queue.push_back(std::nullopt);
        inbox->ready.notify_one();
        return;
      }
      if (!body->empty()) inbox->queue.push_back(std::move(body));
      inbox->ready.notify_one();
    }
  });
  bool ended = false;
  while (!exited_ && !ended) {
    std::optional<std::string> body;
    bool have = false;
    {
      std::unique_lock lock(mutex);
      auto next_deadline = Clock::time_point::max();
      for (const auto& [uri, at] : pending_) next_deadline = std::min(next_deadline, at);
      auto wake = [&] { return !queue.empty() || !frame_errors.empty(); };
      if (next_deadline == Clock::time_point::max()) {
        ready.wait(lock, wake);
      } else {
        ready.wait_until(lock, next_deadline, wake);
      }
      while (!frame_errors.empty()) {
        std::string e = frame_errors.front();
        frame_errors.pop_front();
        lock.unlock();
        log("unreadable message: " + e);
        lock.lock();
      }
      if (!queue.empty()) {
        body = std::move(queue.front());
        queue.pop_front();
        have = true;
      }
    }
    if (have) {
      if (!body) {
        ended = true;
        break;
      }
      Json message = Json::parse(*body, nullptr, false);
      if (message.is_discarded()) {
        out_.send(Json{{"jsonrpc", "2.0"},
                       {"id", nullptr},
                       {"error", {{"code", kParseError}, {"message", "the message is not JSON"}}}});
      } else {
        handle(message);
      }
    }
    analyse_due(Clock::now());
  }
  // The reader ends at the end of the input; after `exit` it may be blocked on a read that the
  // client's closing of the pipe ends: it keeps the inbox alive until then.
  if (ended) {
    reader.join();
  } else {
    reader.detach();
  }
  return shutting_down_ ? 0 : 1;
}

void Server::log(const std::string& message) {
  out_.send(Json{{"jsonrpc", "2.0"}, {"method", "window/logMessage"}, {"params", {{"type", 3}, {"message", message}}}});
}

void Server::handle(const Json& message) {
  if (!message.is_object() || !message.contains("method") || !message["method"].is_string()) {
    if (message.is_object() && message.contains("id") && !message.contains("method")) return;  // a response to us
    out_.send(Json{{"jsonrpc", "2.0"},
                   {"id", message.is_object() && message.contains("id") ? message["id"] : Json(nullptr)},
                   {"error", {{"code", kInvalidRequest}, {"message", "a request needs a string `method`"}}}});
    return;
  }
  const std::string& method = message["method"].get_ref<const std::string&>();
  Json params = message.contains("params") ? message["params"] : Json::object();
  if (!message.contains("id")) {
    try {
      notification(method, params);
    } catch (const std::exception& e) {
      log(fmt::format("{}: {}", method, e.what()));
    }
    return;
  }
  Json reply{{"jsonrpc", "2.0"}, {"id", message["id"]}};
  if (!initialized_ && method != "initialize") {
    reply["error"] = {{"code", kServerNotInitialized}, {"message", "the server is not initialized yet"}};
  } else if (shutting_down_ && method != "shutdown") {
    reply["error"] = {{"code", kInvalidRequest}, {"message", "the server is shutting down"}};
  } else {
    try {
      reply["result"] = request(method, params);
    } catch (const RequestError& e) {
      reply["error"] = {{"code", kRequestFailed}, {"message", e.what()}};
    } catch (const UnknownMethod&) {
      reply["error"] = {{"code", kMethodNotFound}, {"message", fmt::format("`{}` is not supported", method)}};
    } catch (const Json::exception& e) {
      reply["error"] = {{"code", kInvalidParams}, {"message", fmt::format("invalid parameters: {}", e.what())}};
    } catch (const std::exception& e) {
      reply["error"] = {{"code", kInternalError}, {"message", fmt::format("internal error: {}", e.what())}};
    }
  }
  out_.send(reply);
}

Json Server::request(const std::string& method, const Json& params) {
  if (method == "initialize") {
    initialized_ = true;
    const Json* encodings = nullptr;
    if (params.contains("capabilities") && params["capabilities"].contains("general") &&
        params["capabilities"]["general"].contains("positionEncodings"))
      encodings = &params["capabilities"]["general"]["positionEncodings"];
    if (encodings && encodings->is_array())
      for (const Json& e : *encodings)
        if (e == "utf-8") encoding_ = Encoding::Utf8;
    if (params.contains("initializationOptions") && params["initializationOptions"].is_object()) {
      const Json& o = params["initializationOptions"];
      if (o.contains("debounceMs") && o["debounceMs"].is_number_integer())
        options_.debounce_ms = std::max(0, std::min(10000, o["debounceMs"].get<int>()));
    }
    Json caps = {
        {"positionEncoding", encoding_ == Encoding::Utf8 ? "utf-8" : "utf-16"},
        {"textDocumentSync", {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}}},
        {"hoverProvider", true},
        {"definitionProvider", true},
        {"referencesProvider", true},
        {"documentHighlightProvider", true},
        {"renameProvider", {{"prepareProvider", true}}},
        {"completionProvider", {{"triggerCharacters", {".", " "}}, {"resolveProvider", false}}},
        {"documentFormattingProvider", true},
        {"documentRangeFormattingProvider", true},
        {"documentSymbolProvider", true},
        {"codeActionProvider", {{"codeActionKinds", {"quickfix"}}}},
        {"codeLensProvider", {{"resolveProvider", false}}},
        {"executeCommandProvider", {{"commands", {"proviso.runTest", "proviso.evaluateDecision"}}}},
        {"semanticTokensProvider", {{"legend", semantic_token_legend()}, {"full", true}, {"range", false}}},
    };
    return Json{{"capabilities", caps}, {"serverInfo", {{"name", "proviso"}, {"version", PROVISO_LSP_VERSION}}}};
  }
  if (method == "shutdown") {
    shutting_down_ = true;
    return nullptr;
  }
  if (method == "workspace/executeCommand") {
    std::string command = params.value("command", std::string());
    Json arguments = params.value("arguments", Json::array());
    if (!arguments.is_array() || arguments.empty() || !arguments[0].is_object() || !arguments[0].contains("uri"))
      throw RequestError(fmt::format("`{}` takes one argument, an object with `uri`", command));
    std::string uri = arguments[0]["uri"].get<std::string>();
    analysis(uri);
    Json result = execute_command(command, arguments[0], compiled(uri).get());
    out_.send(Json{{"jsonrpc", "2.0"},
                   {"method", "window/showMessage"},
                   {"params", {{"type", result.value("passed", true) ? 3 : 1}, {"message", result["message"]}}}});
    return result;
  }
  const std::string& uri = uri_of(params);
  std::shared_ptr<const Analysis> a = analysis(uri);
  LineMap map = map_of(*a);
  if (method == "textDocument/hover") return hover(*a, map, map.offset(position_of(params)));
  if (method == "textDocument/definition") return definition(*a, map, map.offset(position_of(params)));
  if (method == "textDocument/references") {
    bool decl = params.contains("context") && params["context"].value("includeDeclaration", false);
    return references(*a, map, map.offset(position_of(params)), decl);
  }
  if (method == "textDocument/documentHighlight") return document_highlight(*a, map, map.offset(position_of(params)));
  if (method == "textDocument/prepareRename") return prepare_rename(*a, map, map.offset(position_of(params)));
  if (method == "textDocument/rename")
    return rename(*a, map, map.offset(position_of(params)), params.at("newName").get<std::string>());
  if (method == "textDocument/completion") {
    std::shared_ptr<const Analysis> good = parsed(uri);
    return completion(*a, good ? *good : *a, map, map.offset(position_of(params)));
  }
  if (method == "textDocument/formatting") return formatting(*a, map, std::nullopt);
  if (method == "textDocument/rangeFormatting") return formatting(*a, map, map.span(params.at("range")));
  if (method == "textDocument/documentSymbol") return document_symbols(*a, map);
  if (method == "textDocument/codeAction") return code_actions(*a, map, map.span(params.at("range")));
  if (method == "textDocument/codeLens") return code_lenses(*a, compiled(uri).get(), map);
  if (method == "textDocument/semanticTokens/full") return semantic_tokens(*a, map);
  throw UnknownMethod{method};
}

void Server::notification(const std::string& method, const Json& params) {
  if (method == "exit") {
    exited_ = true;
    return;
  }
  if (method == "initialized" || !initialized_) return;
  if (method == "textDocument/didOpen") {
    const Json& td = params.at("textDocument");
    Document doc;
    doc.uri = td.at("uri").get<std::string>();
    doc.path = uri_to_path(doc.uri);
    doc.text = td.at("text").get<std::string>();
    doc.version = td.value("version", int64_t{0});
    docs_[doc.uri] = std::move(doc);
    analyse_now(td.at("uri").get<std::string>());
    return;
  }
  if (method == "textDocument/didChange") {
    const std::string& uri = uri_of(params);
    auto it = docs_.find(uri);
    if (it == docs_.end()) return;
    for (const Json& change : params.at("contentChanges")) apply_change(it->second.text, change, encoding_);
    it->second.version = params["textDocument"].value("version", it->second.version + 1);
    pending_[uri] = Clock::now() + std::chrono::milliseconds(options_.debounce_ms);
    return;
  }
  if (method == "textDocument/didClose") {
    const std::string& uri = uri_of(params);
    for (const std::string& u : published_[uri])
      out_.send(Json{{"jsonrpc", "2.0"},
                     {"method", "textDocument/publishDiagnostics"},
                     {"params", {{"uri", u}, {"diagnostics", Json::array()}}}});
    published_.erase(uri);
    docs_.erase(uri);
    pending_.erase(uri);
    latest_.erase(uri);
    parsed_.erase(uri);
    compiled_.erase(uri);
    return;
  }
  if (method == "textDocument/didSave" || method == "workspace/didChangeWatchedFiles") {
    // A saved file may be a module that other open documents import (they read modules from
    // disk): check them again.
    std::string saved = method == "textDocument/didSave" ? uri_of(params) : "";
    for (const auto& [uri, doc] : docs_)
      if (uri != saved) pending_[uri] = Clock::now() + std::chrono::milliseconds(options_.debounce_ms);
    return;
  }
  // $/cancelRequest, $/setTrace, workspace/didChangeConfiguration: nothing to do.
}

void Server::analyse_due(Clock::time_point now) {
  std::vector<std::string> due;
  for (const auto& [uri, at] : pending_)
    if (at <= now) due.push_back(uri);
  for (const std::string& uri : due) analyse_now(uri);
}

void Server::analyse_now(const std::string& uri) {
  pending_.erase(uri);
  auto it = docs_.find(uri);
  if (it == docs_.end()) return;
  std::shared_ptr<const Analysis> a = lsp::analyse(it->second);
  latest_[uri] = a;
  if (!a->parsed.diagnostics.has_errors()) parsed_[uri] = a;
  if (a->program()) compiled_[uri] = a;
  publish(*a);
}

void Server::publish(const Analysis& a) {
  LineMap map = map_of(a);
  std::vector<std::string> uris;
  for (auto& [uri, list] : diagnostics(a, map)) {
    Json params{{"uri", uri}, {"diagnostics", list}};
    if (uri == a.doc.uri) params["version"] = a.doc.version;
    out_.send(Json{{"jsonrpc", "2.0"}, {"method", "textDocument/publishDiagnostics"}, {"params", params}});
    uris.push_back(uri);
  }
  // Files that had diagnostics from this document and have none now are cleared.
  for (const std::string& old : published_[a.doc.uri])
    if (std::find(uris.begin(), uris.end(), old) == uris.end())
      out_.send(Json{{"jsonrpc", "2.0"},
                     {"method", "textDocument/publishDiagnostics"},
                     {"params", {{"uri", old}, {"diagnostics", Json::array()}}}});
  published_[a.doc.uri] = std::move(uris);
}

std::shared_ptr<const Analysis> Server::analysis(const std::string& uri) {
  if (!docs_.contains(uri)) throw RequestError(fmt::format("`{}` is not open", uri));
  if (pending_.contains(uri) || !latest_.contains(uri)) analyse_now(uri);
  return latest_.at(uri);
}

std::shared_ptr<const Analysis> Server::parsed(const std::string& uri) const {
  auto it = parsed_.find(uri);
  return it == parsed_.end() ? nullptr : it->second;
}

std::shared_ptr<const Analysis> Server::compiled(const std::string& uri) const {
  auto it = compiled_.find(uri);
  return it == compiled_.end() ? nullptr : it->second;
}

}  // namespace proviso::lsp
