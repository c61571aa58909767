#!/usr/bin/env bash
# Build the libFuzzer harness for the instance/solution readers and fuzz for
# SECONDS (default 60) from the fixtures as seed corpus.  Exits non-zero when
# the fuzzer finds a crash, leak, sanitizer report or round-trip mismatch
# (the reproducer is left in $FUZZ_DIR/crash-*).
# Usage: tests/fuzz/run.sh [SECONDS]      (FUZZ_DIR defaults to build-fuzz)
set -euo pipefail
cd "$(dirname "$0")/../.."
secs="${1:-60}"
dir="${FUZZ_DIR:-build-fuzz}"
mkdir -p "$dir/corpus"

# Only model/, io/json/ and io/buf.c are needed: the reader does not touch the solver.
clang -g -O1 -std=c11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -fno-omit-frame-pointer -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
  -Imodel -Iio -Isolver -Itests \
  tests/fuzz/fuzz_instance.c model/*.c io/json/*.c io/buf.c \
  $(pkg-config --cflags --libs jansson) -lm -o "$dir/fuzz_instance"

seeds="$dir/seeds"
rm -rf "$seeds"
mkdir -p "$seeds"
cp datasets/fixtures/*.json "$seeds/"
[ -d datasets/fixtures/check ] && cp datasets/fixtures/check/*.json "$seeds/" 2>/dev/null || true

echo "fuzz: ${secs}s on $(ls "$seeds" | wc -l) seeds (+ $(ls "$dir/corpus" | wc -l) saved inputs)" >&2
ASAN_OPTIONS="detect_leaks=1:abort_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
"$dir/fuzz_instance" -max_total_time="$secs" -max_len=131072 -timeout=20 -rss_limit_mb=2048 \
  -dict=tests/fuzz/instance.dict -artifact_prefix="$dir/" -print_final_stats=1 \
  "$dir/corpus" "$seeds"
