// The CPUs a cgroup quota allows: v1 and v2, quotas on ancestors, containers whose cgroup is
// the root of their mount, and what is not a quota.
#include <map>

#include <catch2/catch.hpp>

#include <proviso/rt/cpus.h>

using proviso::rt::cgroup_cpu_limit;

namespace {

struct FakeFiles {
  std::map<std::string, std::string> files;
  proviso::rt::FileReader reader() const {
    return [this](const std::string& path) -> std::optional<std::string> {
      auto it = files.find(path);
      if (it == files.end()) return std::nullopt;
      return it->second;
    };
  }
};

const char* kV2Mount = "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw\n";
const char* kV1Mounts =
    "25 24 0:22 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "26 24 0:23 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n";

}  // namespace

TEST_CASE("cgroup v2: cpu.max of the process's cgroup and its ancestors", "[cpus]") {
  FakeFiles fs;
  std::string cgroup = "0::/system.slice/proviso.service\n";
  SECTION("no quota anywhere") {
    fs.files["/sys/fs/cgroup/system.slice/proviso.service/cpu.max"] = "max 100000\n";
    CHECK(cgroup_cpu_limit(cgroup, kV2Mount, fs.reader()) == 0);
  }
  SECTION("a quota of 1.5 CPUs is 2, rounded up") {
    fs.files["/sys/fs/cgroup/system.slice/proviso.service/cpu.max"] = "150000 100000\n";
    CHECK(cgroup_cpu_limit(cgroup, kV2Mount, fs.reader()) == 2);
  }
  SECTION("half a CPU is 1") {
    fs.files["/sys/fs/cgroup/system.slice/proviso.service/cpu.max"] = "50000 100000\n";
    CHECK(cgroup_cpu_limit(cgroup, kV2Mount, fs.reader()) == 1);
  }
  SECTION("the smallest limit on the way up wins") {
    fs.files["/sys/fs/cgroup/system.slice/proviso.service/cpu.max"] = "400000 100000\n";
    fs.files["/sys/fs/cgroup/system.slice/cpu.max"] = "300000 100000\n";
    CHECK(cgroup_cpu_limit(cgroup, kV2Mount, fs.reader()) == 3);
  }
  SECTION("a container: its cgroup is the mount's root") {
    fs.files["/sys/fs/cgroup/cpu.max"] = "200000 100000\n";
    CHECK(cgroup_cpu_limit("0::/\n", kV2Mount, fs.reader()) == 2);
  }
  SECTION("unreadable or malformed files are no quota") {
    fs.files["/sys/fs/cgroup/system.slice/proviso.service/cpu.max"] = "lots\n";
    fs.files["/sys/fs/cgroup/system.slice/cpu.max"] = "-1 100000\n";
    CHECK(cgroup_cpu_limit(cgroup, kV2Mount, fs.reader()) == 0);
  }
  SECTION("no cgroup2 mount") { CHECK(cgroup_cpu_limit(cgroup, kV1Mounts, fs.reader()) == 0); }
}

TEST_CASE("cgroup v1: the cpu controller's CFS quota", "[cpus]") {
  FakeFiles fs;
  std::string cgroup = "5:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n";
  SECTION("quota -1 is none") {
    fs.files["/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us"] = "-1\n";
    fs.files["/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us"] = "100000\n";
    CHECK(cgroup_cpu_limit(cgroup, kV1Mounts, fs.reader()) == 0);
  }
  SECTION("--cpus=3 is 3") {
    fs.files["/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us"] = "300000\n";
    fs.files["/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us"] = "100000\n";
    CHECK(cgroup_cpu_limit(cgroup, kV1Mounts, fs.reader()) == 3);
  }
  SECTION("a container whose mount's root is its own cgroup, seen under the host's path") {
    std::string mounts = "26 24 0:23 /docker/abc /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpuacct,cpu\n";
    fs.files["/sys/fs/cgroup/cpu/cpu.cfs_quota_us"] = "100000\n";
    fs.files["/sys/fs/cgroup/cpu/cpu.cfs_period_us"] = "100000\n";
    CHECK(cgroup_cpu_limit(cgroup, mounts, fs.reader()) == 1);
  }
  SECTION("a mount point with a space in its name") {
    std::string mounts = "26 24 0:23 / /sys/fs/my\\040cgroup rw - cgroup cgroup rw,cpu\n";
    fs.files["/sys/fs/my cgroup/docker/abc/cpu.cfs_quota_us"] = "250000\n";
    fs.files["/sys/fs/my cgroup/docker/abc/cpu.cfs_period_us"] = "100000\n";
    CHECK(cgroup_cpu_limit(cgroup, mounts, fs.reader()) == 3);
  }
}

TEST_CASE("this process may use at least one CPU", "[cpus]") { CHECK(proviso::rt::available_cpus() >= 1); }
