#!/usr/bin/env bash
# Install what is missing, build, and run the whole test suite: cppcheck
# (fails on any finding), a short fuzz run of the instance reader, then the
# Criterion suite plainly (with the web console in headless Chromium, CTest
# browser_console; screenshots in build/browser-screenshots/) and under
# AddressSanitizer +
# UndefinedBehaviorSanitizer (leak detection on).  The store, server and job
# suites also run on PostgreSQL (CTest label pg) beside a throwaway cluster
# (scripts/pg_cluster.sh), in the plain build only (to keep the suite
# within its time).  CTest runs one entry per core; the ones that measure
# wall-clock time or load both cores run alone (SERIAL_TESTS in
# CMakeLists.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

echo "== static analysis (cppcheck over build/compile_commands.json) =="
scripts/cppcheck.sh

echo "== short fuzz run of the JSON readers (tests/fuzz/run.sh 20) =="
mkdir -p build
if ! tests/fuzz/run.sh 20 > build/fuzz.log 2>&1; then
  tail -n 60 build/fuzz.log
  echo "fuzz: FAILED (reproducer in build-fuzz/)"
  exit 1
fi
grep -E "^Done [0-9]+ runs" build/fuzz.log || true

echo "== test suite (RelWithDebInfo, -Werror) =="
scripts/pg_cluster.sh sh -c "cd build && ctest --output-on-failure -j$(nproc)"

echo "== test suite under ASan + UBSan =="
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCOHORT_WERROR=ON -DCOHORT_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$(nproc)"
# typed_client and fhir_schema check documents (the OpenAPI client, the FHIR
# bundle against its schema), not memory: the plain run has them, and the
# suite stays within its 10 minutes
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
   ctest --output-on-failure -j"$(nproc)" -LE pg -E '^(typed_client|fhir_schema)$')
