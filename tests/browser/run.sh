#!/usr/bin/env bash
# The console's browser test (registered with CTest as browser_console).
# Installs the pinned test tooling (package-lock.json) when it is missing or
# stale, then runs console.test.mjs.  Fails, never skips, when node, npm or
# Chromium is missing.
# usage: tests/browser/run.sh COHORT_BINARY BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "browser test: $*" >&2; exit 1; }
[ $# -eq 2 ] || die "usage: tests/browser/run.sh COHORT_BINARY BUILD_DIR"
command -v node >/dev/null || die "node is missing (scripts/setup.sh installs nodejs)"
command -v npm >/dev/null || die "npm is missing (scripts/setup.sh installs npm)"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || die "${CHROMIUM:-/usr/bin/chromium} is missing (scripts/setup.sh installs chromium)"
stamp="$here/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$here/package-lock.json" -nt "$stamp" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
fi
exec node "$here/console.test.mjs" "$1" "$2"
