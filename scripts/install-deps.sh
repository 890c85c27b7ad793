#!/usr/bin/env bash
# Installs the Debian packages Proviso needs, skipping the ones already present.
set -euo pipefail
packages=(
  build-essential cmake make ninja-build ccache pkg-config git tzdata
  tao-pegtl-dev libfmt-dev libyaml-cpp-dev libyaml-dev catch2 libhowardhinnant-date-dev
  libsimdjson-dev nlohmann-json3-dev nettle-dev libcli11-dev libbenchmark-dev libboost1.81-dev wrk
  llvm-19-dev libzstd-dev clang-19 libclang-rt-19-dev libz3-dev
  clang-format clang-tidy python3 python3-dev pybind11-dev python3-pytest python3-jsonschema
  abi-dumper abi-compliance-checker
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
