// How many CPUs this process may use: its affinity mask, capped by a CPU quota of its cgroup
// (a container's `--cpus`, a systemd unit's CPUQuota=). Used to size thread pools.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace proviso::rt {

// Reads a file's whole text; nullopt when it cannot be read.
using FileReader = std::function<std::optional<std::string>(const std::string& path)>;

// The CPUs that the CPU quotas of this process's cgroups allow, quota / period rounded up, or
// 0 when no quota applies (or none can be read). `proc_self_cgroup` and `proc_self_mountinfo`
// are the texts of /proc/self/cgroup and /proc/self/mountinfo; `read` reads the cgroup files.
// cgroup v2: `cpu.max` ("max 100000", "150000 100000"); v1: `cpu.cfs_quota_us` (-1: none) and
// `cpu.cfs_period_us` of the cpu controller. The process's cgroup and each of its ancestors
// up to the mount's root are read, and the smallest limit wins.
size_t cgroup_cpu_limit(std::string_view proc_self_cgroup, std::string_view proc_self_mountinfo,
                        const FileReader& read);

// The CPUs in this process's affinity mask (else the hardware's), capped by cgroup_cpu_limit;
// at least 1.
size_t available_cpus();

}  // namespace proviso::rt
