#!/usr/bin/env bash
# Run cohort's benchmark suite from a clean clone: install what is missing,
# build (Release, into build-bench/), then `cohort-bench run` with any
# options given here (see `build-bench/cohort-bench run --help`), e.g.
#   bench/run_bench.sh                 # S, M x seeds 1,2 and L seed 1 (~9 min on 2 cores)
#   bench/run_bench.sh --xl            # plus XL, every baseline too (~21 min more)
#   bench/run_bench.sh --tiers S,M     # a quick run
# Results: bench/results/{results.md,results.json,scaling.csv,scaling.svg}.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cmake >/dev/null || ! command -v cbc >/dev/null || [ ! -f /usr/include/glpk.h ] ||
   ! pkg-config --exists jansson sqlite3 libmicrohttpd 2>/dev/null; then
  scripts/setup.sh   # installs the Debian packages (coinor-cbc included) and builds ./build
fi
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DCOHORT_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" --target cohort cohort-bench fill-latency >/dev/null
exec build-bench/cohort-bench run --cohort build-bench/cohort --root . "$@"
