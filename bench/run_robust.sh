#!/usr/bin/env bash
# The robustness suite in one command: build (Release, into build-bench/),
# then `cohort-bench robust` with any options given here (see
# `build-bench/cohort-bench robust --help`), e.g.
#   bench/run_robust.sh                               # every family x S,M,L x seeds 1-5
#   bench/run_robust.sh --tiers S --seeds 1,2         # quick: a few minutes
#   bench/run_robust.sh --docs docs/BENCHMARKS.md     # and write the table there
# One plan runs at a time (the machine may be shared).  Results:
# bench/results/robust/{robust.md,robust.json} plus every instance, plan,
# check, LP and CBC log.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cmake >/dev/null || ! command -v cbc >/dev/null || ! command -v glpsol >/dev/null ||
   [ ! -f /usr/include/glpk.h ] || ! pkg-config --exists jansson sqlite3 libmicrohttpd 2>/dev/null; then
  scripts/setup.sh   # installs the Debian packages (coinor-cbc, glpk-utils included) and builds ./build
fi
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DCOHORT_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" --target cohort cohort-bench >/dev/null
exec build-bench/cohort-bench robust --cohort build-bench/cohort "$@"
