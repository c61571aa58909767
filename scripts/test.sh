#!/usr/bin/env bash
# Install what is missing, build, and run the whole test suite: plainly, then
# under AddressSanitizer + UndefinedBehaviorSanitizer, then a short fuzz run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

echo "== test suite (RelWithDebInfo, -Werror) =="
(cd build && ctest --output-on-failure)

echo "== test suite under ASan + UBSan =="
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCOHORT_WERROR=ON -DCOHORT_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$(nproc)"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure)

if [ -x tests/fuzz/run.sh ]; then
  echo "== short fuzz run =="
  tests/fuzz/run.sh 30
fi
