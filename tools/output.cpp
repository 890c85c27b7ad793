// Checked standard output.
#include "tools/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <proviso/rt/error.h>
#include <cerrno>
#include <cstring>
#include <iostream>

#include "tools/cli.h"

namespace proviso::cli {

namespace {

bool g_stdout_was_closed = false;

}  // namespace

void Output::reserve_standard_descriptors() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    if (fd == 1) g_stdout_was_closed = true;
    int null = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
    if (null >= 0 && null != fd) {
      ::dup2(null, fd);
      ::close(null);
    }
  }
}

Output::Output(int fd) : fd_(fd) {
  closed_ = fd == 1 && g_stdout_was_closed;
  struct stat st;
  interactive_ = ::isatty(fd) || (::fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)));
}

Output& Output::standard() {
  static Output out(1);
  return out;
}

void Output::write(std::string_view text) {
  if (failed()) return;
  if (text.size() >= kFlushBytes) {  // written from where it is, not copied into the buffer first
    if (flush()) write_out(text);
    return;
  }
  buffer_.append(text);
  wrote();
}

bool Output::flush() {
  if (failed()) return false;
  if (buffer_.empty()) return true;
  bool ok = write_out(buffer_);
  buffer_.clear();
  return ok;
}

bool Output::write_out(std::string_view rest) {
  if (closed_) {
    error_ = "cannot write output: standard output is closed";
    return false;
  }
  while (!rest.empty()) {
    ssize_t n = ::write(fd_, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = "cannot write output: " + (n == 0 ? std::string("nothing was written") : rt::system_reason(errno));
      return false;
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool finish_output() {
  Output& out = Output::standard();
  bool ok = out.flush();
  std::string error = out.error();
  // What went through std::cout (help texts, CLI11): standard output was closed, or the
  // stream failed while writing.
  if (ok) {
    std::cout.flush();
    if (!std::cout) {
      ok = false;
      error = "cannot write output: " + rt::system_reason(errno ? errno : EIO);
    }
  }
  if (!ok) print_error(error);
  return ok;
}

}  // namespace proviso::cli
