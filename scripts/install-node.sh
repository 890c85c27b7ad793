#!/usr/bin/env bash
# Makes sure Node.js (18 or later) and npm are on PATH for the VS Code extension
# (editors/vscode, `make vscode`, `make vscode-test`). Installs Debian's `nodejs` and `npm`
# packages only when `node` or `npm` is missing: a Node.js from elsewhere (nodesource's `nodejs`
# package, which bundles npm, or nvm) is left alone, because Debian's `npm` package conflicts
# with nodesource's `nodejs`. That is also why these packages are not in install-deps.sh: the
# compiler does not need them.
set -euo pipefail
missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
"$(dirname "$0")/apt-install.sh" ${missing[@]+"${missing[@]}"}
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 18 ]; then
  echo "install-node.sh: Node.js $(node --version) is too old: the extension's tools need 18 or later" >&2
  exit 1
fi
