#!/usr/bin/env bash
# Installs the Debian packages named on the command line (with sudo when not root); nothing to
# do without arguments. The callers decide what is missing: scripts/install-node.sh and
# scripts/screenshot-vscode.sh.
set -euo pipefail
[ $# -eq 0 ] && exit 0
echo "installing: $*"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "$@"
