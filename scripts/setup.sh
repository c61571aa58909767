#!/usr/bin/env bash
# Install the Debian 12 packages cohort needs (as root), then configure and
# build into ./build.  Usage: scripts/setup.sh [extra cmake -D options]
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS="build-essential cmake pkg-config libglpk-dev glpk-utils libjansson-dev libsqlite3-dev
      sqlite3 libcriterion-dev libmicrohttpd-dev coinor-cbc clang libclang-rt-14-dev curl
      libical-dev tzdata python3 chromium cppcheck clang-format libpq-dev postgresql"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# node and npm run the test tooling (tests/browser, tests/fhir); a NodeSource nodejs
# bundles npm, Debian's comes as two packages
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing="$missing nodejs npm"
fi
if [ -n "$missing" ]; then
  echo "setup: installing$missing" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCOHORT_WERROR=ON "$@" >/dev/null
cmake --build build -j"$(nproc)"
