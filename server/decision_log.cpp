// Appending decision-log lines, fsync'ed once a second (decision_log.h).
#include "server/decision_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace proviso::server {

DecisionLog::~DecisionLog() { close(); }

bool DecisionLog::open(const std::string& path, std::string* error) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd_ < 0) {
    *error = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  syncer_ = std::thread([this] { sync_loop(); });
  return true;
}

bool DecisionLog::write(std::string_view line) {
  std::string buffer;
  buffer.reserve(line.size() + 1);
  buffer.append(line);
  buffer.push_back('\n');
  return write_lines(buffer);
}

bool DecisionLog::write_lines(std::string_view lines) {
  if (fd_ < 0) return false;
  // One write: O_APPEND places it whole at the end. A short write (a full disk) is an error;
  // what was written of it stays, and a reader sees a line without its newline.
  ssize_t n;
  do {
    n = ::write(fd_, lines.data(), lines.size());
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(lines.size())) return false;
  dirty_.store(true, std::memory_order_relaxed);
  return true;
}

void DecisionLog::sync_loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::seconds(1));
    if (dirty_.exchange(false)) ::fdatasync(fd_);
  }
}

void DecisionLog::close() {
  if (fd_ < 0) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (syncer_.joinable()) syncer_.join();
  ::fsync(fd_);
  ::close(fd_);
  fd_ = -1;
}

}  // namespace proviso::server
