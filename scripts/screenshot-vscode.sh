#!/usr/bin/env bash
# Takes the screenshot of docs/EDITORS.md, docs/images/vscode-diagnostics-hover.png: VS Code
# (code-server, from npm) with the extension of editors/vscode installed and `proviso lsp` running,
# on a scratch copy of policies/bench/triage.policy with one name misspelt (`coverd`). The image
# shows the red squiggle, the Problems panel with its "did you mean `covered`?" and the hover of
# the table `response`. `make screenshot` runs it after `make vscode`; `make build` must have
# built $BUILD/bin/proviso. Not part of CI.
#
# Everything it installs or writes goes under $BUILD/screenshot (never the repository's policies,
# never ~/.config or ~/.local): code-server and playwright-core (pinned below) in
# $BUILD/screenshot/npm, code-server's user data, extensions and the scratch workspace next to it.
# Debian packages, installed with apt-get when missing: chromium (driven headless by
# playwright-core), and libkrb5-dev and ripgrep for code-server's npm install: it builds native
# modules (node-gyp; `kerberos` needs the GSSAPI headers) and its @vscode/ripgrep downloads rg
# from GitHub, which is replaced by Debian's rg placed in that package's download cache.
#
# Usage: scripts/screenshot-vscode.sh [OUTPUT.png]   (BUILD, default build; PORT, default free)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
OUT=${1:-docs/images/vscode-diagnostics-hover.png}
CODE_SERVER_VERSION=4.100.3   # VS Code 1.100.3; the last line of code-server releases on Node.js 20
PLAYWRIGHT_VERSION=1.57.0
RIPGREP_NPM_VERSION=1.15.11   # @vscode/ripgrep in code-server 4.100.3's npm-shrinkwrap.json
RIPGREP_TAG=v13.0.0-10

PROVISO=$ROOT/$BUILD/bin/proviso
VSIX=$ROOT/$BUILD/proviso-policy-$(node -p "require('./editors/vscode/package.json').version").vsix
WORK=$ROOT/$BUILD/screenshot
[ -x "$PROVISO" ] || { echo "screenshot-vscode.sh: no $PROVISO: run make build" >&2; exit 1; }
[ -f "$VSIX" ] || { echo "screenshot-vscode.sh: no $VSIX: run make vscode" >&2; exit 1; }

# System packages.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
[ -f /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
command -v g++ >/dev/null 2>&1 && command -v make >/dev/null 2>&1 || missing+=(build-essential)
command -v python3 >/dev/null 2>&1 || missing+=(python3)   # node-gyp
scripts/apt-install.sh ${missing[@]+"${missing[@]}"}
CHROMIUM=${CHROMIUM:-$(command -v chromium)}

# code-server and playwright-core, pinned, in a scratch npm project.
NPM_DIR=$WORK/npm
CODE_SERVER=$NPM_DIR/node_modules/code-server/out/node/entry.js
installed() {
  node -p "try { require('$NPM_DIR/node_modules/$1/package.json').version } catch { '' }" 2>/dev/null
}
if [ "$(installed code-server)" != "$CODE_SERVER_VERSION" ] \
  || [ ! -e "$NPM_DIR/node_modules/code-server/lib/vscode/node_modules.asar" ] \
  || [ "$(installed playwright-core)" != "$PLAYWRIGHT_VERSION" ]; then
  echo "installing code-server $CODE_SERVER_VERSION and playwright-core $PLAYWRIGHT_VERSION in $NPM_DIR"
  mkdir -p "$NPM_DIR" "$WORK/tmp"
  echo '{ "private": true }' > "$NPM_DIR/package.json"
  # @vscode/ripgrep's postinstall looks for its download in $TMPDIR/vscode-ripgrep-cache-VERSION
  # before asking api.github.com: put Debian's rg there.
  cache=$WORK/tmp/vscode-ripgrep-cache-$RIPGREP_NPM_VERSION
  mkdir -p "$cache" "$WORK/tmp/rg"
  cp "$(command -v rg)" "$WORK/tmp/rg/rg"
  tar czf "$cache/ripgrep-$RIPGREP_TAG-x86_64-unknown-linux-musl.tar.gz" -C "$WORK/tmp/rg" rg
  # code-server's postinstall runs `npm install` in lib/vscode (native modules through node-gyp);
  # it refuses to run as root without unsafe-perm, and node-pty's runs `npx node-gyp`, which
  # needs `yes` without a terminal.
  (cd "$NPM_DIR" && TMPDIR=$WORK/tmp npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --no-audit --no-fund --no-save \
    "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION")
fi

# A fresh profile: user settings, the extension, and the scratch workspace.
PROFILE=$WORK/profile
rm -rf "$PROFILE"
mkdir -p "$PROFILE/user-data/User" "$PROFILE/extensions" "$PROFILE/workspace" \
  "$PROFILE/xdg-config" "$PROFILE/xdg-data"
export XDG_CONFIG_HOME=$PROFILE/xdg-config XDG_DATA_HOME=$PROFILE/xdg-data
cat > "$PROFILE/user-data/User/settings.json" <<EOF
{
  "proviso.path": "$PROVISO",
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.colorTheme": "Default Dark Modern",
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "chat.commandCenter.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.ignoreRecommendations": true,
  "extensions.autoCheckUpdates": false,
  "git.enabled": false,
  "editor.minimap.enabled": false,
  "editor.fontSize": 14,
  "editor.hover.delay": 100,
  "window.zoomLevel": 0
}
EOF
node "$CODE_SERVER" --user-data-dir "$PROFILE/user-data" --extensions-dir "$PROFILE/extensions" \
  --install-extension "$VSIX" --force
# The scratch policy: triage.policy with `covered` misspelt in business_hours_only.
POLICY=$PROFILE/workspace/triage.policy
sed 's/^\(decision business_hours_only: .* = \)covered and/\1coverd and/' \
  policies/bench/triage.policy > "$POLICY"
grep -q '= coverd and response.hours_only' "$POLICY" \
  || { echo "screenshot-vscode.sh: the typo did not apply to triage.policy" >&2; exit 1; }

PORT=${PORT:-$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$PORT" > "$PROFILE/config.yaml"
node "$CODE_SERVER" --config "$PROFILE/config.yaml" --bind-addr "127.0.0.1:$PORT" --auth none \
  --user-data-dir "$PROFILE/user-data" --extensions-dir "$PROFILE/extensions" \
  --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override --ignore-last-opened \
  "$PROFILE/workspace" > "$PROFILE/code-server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 $SERVER 2>/dev/null || { cat "$PROFILE/code-server.log" >&2; exit 1; }
  sleep 0.2
done

mkdir -p "$(dirname "$OUT")"
LINE=$(grep -n '= coverd and response.hours_only' "$POLICY" | cut -d: -f1)
node scripts/screenshot-vscode.mjs --modules "$NPM_DIR/node_modules" \
  --url "http://127.0.0.1:$PORT/?folder=$PROFILE/workspace" --chromium "$CHROMIUM" \
  --out "$OUT" --file triage.policy --line "$LINE"
echo "wrote $OUT ($(stat -c %s "$OUT") bytes)"
