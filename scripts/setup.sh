#!/usr/bin/env bash
# Linli: install the toolchain and dependencies, then build every package.
#
#   bash scripts/setup.sh
#
# Works on a fresh Debian machine with only Node 20 + npm, and is quick when
# everything is already installed. Safe to run again at any time.
set -euo pipefail

PNPM_VERSION=12.4.2
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '[setup] %s\n' "$*"; }

command -v node >/dev/null 2>&1 || { say "node is not installed (Node 20 is required)"; exit 1; }
say "node $(node --version)"

# --- pnpm, exactly $PNPM_VERSION (package.json pins packageManager) ---------
# The global pnpm must be exactly this version: other versions refuse to run
# in this workspace. If a global install is not allowed (no write access to
# npm's global prefix), fall back to running it through npx.
PNPM=(pnpm)
pnpm_version() { pnpm --version 2>/dev/null || true; }
if [ "$(pnpm_version)" != "$PNPM_VERSION" ]; then
  say "installing pnpm@$PNPM_VERSION globally with npm"
  npm_log="$(mktemp)"
  if npm install -g "pnpm@$PNPM_VERSION" >"$npm_log" 2>&1 && hash -r && [ "$(pnpm_version)" = "$PNPM_VERSION" ]; then
    :
  else
    tail -n 5 "$npm_log" | sed 's/^/[setup]   npm: /'
    say "global install failed (permissions?): using 'npx --yes pnpm@$PNPM_VERSION'"
    PNPM=(npx --yes "pnpm@$PNPM_VERSION")
  fi
  rm -f "$npm_log"
fi
say "pnpm $("${PNPM[@]}" --version)"

# --- native build of better-sqlite3 -----------------------------------------
# Its prebuilt download and node-gyp's header download need outside hosts;
# build from source against the local Node headers instead. pnpm 12 ignores
# .npmrc for this, so it has to be an environment variable.
if [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi

# --- dependencies and build --------------------------------------------------
say "pnpm install --frozen-lockfile"
"${PNPM[@]}" install --frozen-lockfile

say "pnpm run build"
"${PNPM[@]}" run build

say "done"
