// The decision log of `proviso serve --log FILE`: one NDJSON line per evaluated input, appended
// (docs/DEPLOY.md, "The decision log"). Each line is written with one write(2) on a descriptor
// opened with O_APPEND, so lines from concurrent requests never interleave; the file is
// fsync'ed once a second while lines arrive, and at close().
#pragma once
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace proviso::server {

class DecisionLog {
 public:
  DecisionLog() = default;
  ~DecisionLog();
  DecisionLog(const DecisionLog&) = delete;
  DecisionLog& operator=(const DecisionLog&) = delete;

  // Opens (creates, mode 0640) `path` for appending. False with "cannot open PATH: reason".
  bool open(const std::string& path, std::string* error);
  bool enabled() const { return fd_ >= 0; }
  // Appends `line` and a newline. False when it could not be written whole.
  bool write(std::string_view line);
  // Appends `lines`, whole lines each ending with a newline, with one write(2), so that they
  // stay together. False when they could not be written whole.
  bool write_lines(std::string_view lines);
  // Syncs and closes; later writes fail.
  void close();

 private:
  void sync_loop();

  int fd_ = -1;
  std::atomic<bool> dirty_{false};
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread syncer_;
};

}  // namespace proviso::server
