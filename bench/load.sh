#!/usr/bin/env bash
# HTTP load benchmark of `cohort serve`: generate a program (tier M, seed 1:
# 60 groups, 24 facilitators, 600 waitlisted) with the generator's feasible
# plan, store both (the plan as schedule version 1, published, so every
# roster event is answered with fill suggestions), then run cohort-load
# (bench/load.c) with 1..64 keep-alive clients: reads mixed with 20 % roster
# event writes, then reads only.  Prints a Markdown table (also written to
# bench/results/load.md).
#   bench/load.sh [TIER] [SECONDS]          default M, 15 s per row
# Needs curl (scripts/setup.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
TIER=${1:-M}
SECONDS_PER_RUN=${2:-15}
BUILD=${BUILD:-build-bench}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DCOHORT_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target cohort cohort-load >/dev/null
tmp=$(mktemp -d)
pid=
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$tmp"; }
trap cleanup EXIT

"$BUILD/cohort" generate --tier "$TIER" --seed 1 -o "$tmp/program.json" --witness "$tmp/plan.json"
"$BUILD/cohort" import "$tmp/program.json" --db "$tmp/load.db" --program load >/dev/null
TOKEN=$("$BUILD/cohort" token create --role admin --name load --db "$tmp/load.db" 2>/dev/null)
# up to 64 clients from one address: raise the per-address connection limit
"$BUILD/cohort" serve --db "$tmp/load.db" --port 0 --quiet --max-per-ip 128 >"$tmp/serve.out" &
pid=$!
for _ in $(seq 50); do grep -q listening "$tmp/serve.out" && break; sleep 0.1; done
PORT=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$tmp/serve.out")
URL="http://127.0.0.1:$PORT"
H="Authorization: Bearer $TOKEN"
curl -sf -X POST -H "$H" -H "Content-Type: application/json" "$URL/v1/programs/load/schedules" --data-binary "@$tmp/plan.json" >/dev/null
curl -sf -X POST -H "$H" "$URL/v1/programs/load/schedules/1/publish" >/dev/null

HEAD="| clients | s | requests (writes) | req/s | writes/s | read p50 / p99 ms | write p50 / p99 ms | errors |
| --- | --- | --- | --- | --- | --- | --- | --- |"
mkdir -p bench/results
{
  echo "Tier $TIER seed 1 ($(grep -c '"rate"' "$tmp/program.json") group types), $(nproc) cores,"
  echo "load average $(cut -d' ' -f1 /proc/loadavg) before the runs; ${SECONDS_PER_RUN} s per row."
  echo
  echo "Reads and 20 % roster-event writes:"
  echo
  echo "$HEAD"
  for c in 1 8 32 64; do
    "$BUILD/cohort-load" --port "$PORT" --token "$TOKEN" --program load --clients "$c" \
      --seconds "$SECONDS_PER_RUN" --writes 0.2
  done
  echo
  echo "Reads only:"
  echo
  echo "$HEAD"
  for c in 1 32; do
    "$BUILD/cohort-load" --port "$PORT" --token "$TOKEN" --program load --clients "$c" \
      --seconds "$SECONDS_PER_RUN" --writes 0
  done
} | tee bench/results/load.md
