#include "proviso/rt/cpus.h"

#include <sched.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace proviso::rt {

namespace {

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t at = text.find(sep, start);
    out.push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

std::optional<long long> to_number(std::string_view s) {
  s = trim(s);
  long long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// mountinfo writes a space, tab, newline and backslash in a path as \040, \011, \012, \134.
std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    auto octal = [&](size_t k) { return s[k] >= '0' && s[k] <= '7'; };
    if (s[i] == '\\' && i + 3 < s.size() && octal(i + 1) && octal(i + 2) && octal(i + 3)) {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

struct Mount {
  std::string root;   // the cgroup mounted, as the process's cgroup paths name it
  std::string point;  // where
};

// The mount of cgroup v2 (`v1_controller` empty) or of the v1 hierarchy holding that controller.
std::optional<Mount> find_mount(std::string_view mountinfo, std::string_view v1_controller) {
  for (std::string_view line : split(mountinfo, '\n')) {
    std::vector<std::string_view> f = split(line, ' ');
    auto dash = std::find(f.begin(), f.end(), "-");
    if (dash == f.end() || f.end() - dash < 3 || dash - f.begin() < 5) continue;
    std::string_view type = *(dash + 1);
    if (v1_controller.empty() ? type != "cgroup2" : type != "cgroup") continue;
    if (!v1_controller.empty()) {
      std::vector<std::string_view> options = split(trim(*(dash + 3)), ',');
      if (std::find(options.begin(), options.end(), v1_controller) == options.end()) continue;
    }
    return Mount{unescape(f[3]), unescape(f[4])};
  }
  return std::nullopt;
}

// The limit in whole CPUs, rounded up; 0 for none.
size_t ceil_cpus(long long quota, long long period) {
  if (quota <= 0 || period <= 0) return 0;
  return static_cast<size_t>((quota + period - 1) / period);
}

// The limit set in one cgroup directory, or 0.
size_t limit_in(const std::string& dir, bool v2, const FileReader& read) {
  if (v2) {
    auto text = read(dir + "/cpu.max");
    if (!text) return 0;
    std::vector<std::string_view> f = split(trim(*text), ' ');
    if (f.size() != 2 || f[0] == "max") return 0;
    auto quota = to_number(f[0]);
    auto period = to_number(f[1]);
    return quota && period ? ceil_cpus(*quota, *period) : 0;
  }
  auto quota_text = read(dir + "/cpu.cfs_quota_us");
  auto period_text = read(dir + "/cpu.cfs_period_us");
  if (!quota_text || !period_text) return 0;
  auto quota = to_number(*quota_text);
  auto period = to_number(*period_text);
  return quota && period ? ceil_cpus(*quota, *period) : 0;
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

}  // namespace

size_t cgroup_cpu_limit(std::string_view proc_self_cgroup, std::string_view proc_self_mountinfo,
                        const FileReader& read) {
  size_t limit = 0;
  for (std::string_view line : split(proc_self_cgroup, '\n')) {
    // hierarchy-ID:controller-list:cgroup-path
    size_t first = line.find(':');
    size_t second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    std::string_view controllers = line.substr(first + 1, second - first - 1);
    std::string path(trim(line.substr(second + 1)));
    bool v2 = line.substr(0, first) == "0" && controllers.empty();
    if (!v2) {
      std::vector<std::string_view> names = split(controllers, ',');
      if (std::find(names.begin(), names.end(), "cpu") == names.end()) continue;
    }
    std::optional<Mount> mount = find_mount(proc_self_mountinfo, v2 ? "" : "cpu");
    if (!mount || path.empty() || path[0] != '/') continue;
    // The part of the process's cgroup path below the mount's root (a container sees its own
    // cgroup as the root of the mount, while /proc/self/cgroup may still give the host's path).
    std::string below = "/";
    if (mount->root == "/")
      below = path;
    else if (path.compare(0, mount->root.size(), mount->root) == 0 &&
             (path.size() == mount->root.size() || path[mount->root.size()] == '/'))
      below = path.size() == mount->root.size() ? "/" : path.substr(mount->root.size());
    // From the process's cgroup up to the mount point.
    std::string dir = mount->point + (below == "/" ? "" : below);
    while (true) {
      size_t here = limit_in(dir, v2, read);
      if (here > 0) limit = limit == 0 ? here : std::min(limit, here);
      if (dir.size() <= mount->point.size()) break;
      dir.erase(dir.rfind('/'));
      if (dir.size() < mount->point.size()) break;
    }
  }
  return limit;
}

size_t available_cpus() {
  size_t n = 0;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) n = static_cast<size_t>(std::max(0, CPU_COUNT(&set)));
  if (n == 0) n = std::thread::hardware_concurrency();
  auto cgroup = read_file("/proc/self/cgroup");
  auto mountinfo = read_file("/proc/self/mountinfo");
  if (cgroup && mountinfo) {
    size_t quota = cgroup_cpu_limit(*cgroup, *mountinfo, read_file);
    if (quota > 0) n = n == 0 ? quota : std::min(n, quota);
  }
  return std::max<size_t>(n, 1);
}

}  // namespace proviso::rt
