#!/usr/bin/env bash
# Durable job queue benchmark on one store (SQLite, or PostgreSQL given a
# URL): API nodes started with `cohort serve --workers 0`, solver workers
# with `cohort worker --db`.
#   bench/cluster.sh [JOBS] [WRITE_SECONDS] [PG_URL]   default 1 request, 10 s, SQLite
# PG_URL names an empty PostgreSQL database (both parts share it), e.g.
#   scripts/pg_cluster.sh sh -c 'bench/cluster.sh 1 10 "$COHORT_TEST_PG_URL"'
# 1. what-if throughput: JOBS what-if requests (tier S seed 1 benchmark
#    program, 8 scenarios each, 3 s per plan, so 9 plans a request) with 1,
#    2 and 4 worker processes, each first through an API node started with
#    --no-fan-out (a what-if is one job: one worker plans it all, as before
#    fan-out) and then through one with fan-out (a job per plan); the
#    requests are queued first, then the workers start; scenarios per
#    minute = JOBS * 8 / minutes from the workers' start until the last is
#    done.
# 2. fan-out with 2 workers where one is SIGKILLed mid-job (at its first
#    running solver 4 s or more after the workers started): its part is
#    retried by the other after the heartbeat timeout (--stale 3).
# 3. event writes per second and read latency through 1 and through 2 API
#    nodes (bench/load.c, 8 clients in all, 20 % writes), tier M program.
# Prints Markdown (also written to bench/results/cluster.md, or
# cluster-pg.md on PostgreSQL), with the load average at the start and at
# the end of each part.  Needs curl.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${1:-1}
SCEN=8
WSECS=${2:-10}
PG=${3:-}
KIND=SQLite
OUT=bench/results/cluster.md
if [ -n "$PG" ]; then KIND=PostgreSQL; OUT=bench/results/cluster-pg.md; fi
load() { cut -d' ' -f1 /proc/loadavg; }
BUILD=${BUILD:-build-bench}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DCOHORT_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j2 --target cohort cohort-load >/dev/null
C="$BUILD/cohort"
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# start_node N DB -> sets PORT_N; the node runs no jobs itself
start_node() { # N DB [serve options]
  "$C" serve --db "$2" --port 0 --quiet --workers 0 --stale 3 "${@:3}" >"$tmp/node$1.out" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do grep -q listening "$tmp/node$1.out" && break; sleep 0.1; done
  eval "PORT_$1=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$tmp/node$1.out")"
}
start_workers() { # COUNT DB
  WPIDS=()
  for i in $(seq "$1"); do
    "$C" worker --db "$2" --stale 3 --name "b$i" 2>/dev/null &
    WPIDS+=($!)
    pids+=($!)
  done
}
stop_workers() { for p in "${WPIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }

DB="${PG:-$tmp/jobs.db}"
TOKEN=$("$C" token create --role admin --name bench --db "$DB" 2>/dev/null)
H="Authorization: Bearer $TOKEN"
JSON="Content-Type: application/json"  # the API answers 415 to anything else
start_node 1 "$DB"
start_node 4 "$DB" --no-fan-out
python3 - "$tmp/whatif.json" "$SCEN" <<'PY'
import json, sys
inst = json.load(open("datasets/bench/S-1.json"))
sc = [{"name": "seed %d" % k, "changes": [{"op": "set_setting", "field": "seed", "value": k}]}
      for k in range(2, 2 + int(sys.argv[2]))]
json.dump({"instance": inst, "scenarios": sc, "time_limit_s": 3}, open(sys.argv[1], "w"))
PY

# run_batch PORT WORKERS -> queues JOBS what-if requests through the node at
# PORT with no worker running, then starts WORKERS workers and prints the
# seconds from their start until every job is done, scenarios per minute,
# and retried / not done counts (of the requests and of their parts)
run_batch() {
  local port=$1
  ids=()
  for _ in $(seq "$JOBS"); do
    ids+=($(curl -sf -X POST -H "$H" -H "$JSON" "http://127.0.0.1:$port/v1/whatif?async=1" \
      --data-binary "@$tmp/whatif.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["job"])'))
  done
  if [ "${#ids[@]}" -ne "$JOBS" ]; then echo "FAILED: ${#ids[@]} of $JOBS requests accepted"; return; fi
  t0=$(date +%s.%N)
  start_workers "$2" "$DB"
  # mid-job: once KILL_AFTER s have passed and the worker runs a solver
  if [ -n "${KILL_AFTER:-}" ]; then
    (sleep "$KILL_AFTER"
     for _ in $(seq 400); do pgrep -P "${WPIDS[0]}" >/dev/null && break; sleep 0.05; done
     kill -KILL "${WPIDS[0]}") &
  fi
  retried=0; failed=0
  for id in "${ids[@]}"; do
    while :; do
      st=$(curl -sf -H "$H" "http://127.0.0.1:$port/v1/jobs/$id" |
        python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["status"], j.get("attempts", 0))')
      case "$st" in queued*|running*) sleep 0.1 ;; *) break ;; esac
    done
    [ "${st#* }" -gt 1 ] && retried=$((retried + 1))
    [ "${st% *}" = done ] || failed=$((failed + 1))
  done
  t1=$(date +%s.%N)
  stop_workers
  # parts retried: in the store (a part's attempts are not in the API)
  if [ -n "$PG" ]; then
    pr=$(psql "$PG" -tAc "SELECT count(*) FROM job WHERE parent_id IN ($(printf "'%s'," "${ids[@]}" | sed 's/,$//')) AND attempts > 1")
  else
    pr=$(python3 - "$DB" "${ids[@]}" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
q = "SELECT count(*) FROM job WHERE parent_id IN (%s) AND attempts > 1" % ",".join("?" * (len(sys.argv) - 2))
print(db.execute(q, sys.argv[2:]).fetchone()[0])
PY
)
  fi
  python3 -c "import sys; s=$t1-$t0; print('%.1f | %.0f | %d | %d' % (s, $JOBS*$SCEN*60/s, $retried + $pr, $failed))"
}

mkdir -p bench/results
{
  echo "$(nproc) cores, load average $(load) at the start; $KIND store."
  echo
  echo "What-if: $JOBS request(s) x $SCEN scenarios (tier S seed 1, 3 s a plan), API nodes with --workers 0:"
  echo
  echo "| workers | what-if as | s until all done | scenarios/min | jobs or parts retried | requests not done |"
  echo "| --- | --- | --- | --- | --- | --- |"
  for w in 1 2 4; do
    echo "| $w | one job (--no-fan-out) | $(run_batch "$PORT_4" "$w") |"
    echo "| $w | a job per plan | $(run_batch "$PORT_1" "$w") |"
  done
  echo "| 2, one SIGKILLed mid-job 4 s in | a job per plan | $(KILL_AFTER=4 run_batch "$PORT_1" 2) |"
  echo
  echo "Load average $(load) at the end of the what-if runs."
} | tee "$OUT"

# ---- event writes and reads through 1 and 2 API nodes
"$C" generate --tier M --seed 1 -o "$tmp/program.json" --witness "$tmp/plan.json"
LDB="${PG:-$tmp/load.db}"
"$C" import "$tmp/program.json" --db "$LDB" --program load >/dev/null
LTOKEN=$("$C" token create --role admin --name load --db "$LDB" 2>/dev/null)
start_node 2 "$LDB"
start_node 3 "$LDB"
LH="Authorization: Bearer $LTOKEN"
curl -sf -X POST -H "$LH" -H "$JSON" "http://127.0.0.1:$PORT_2/v1/programs/load/schedules" --data-binary "@$tmp/plan.json" >/dev/null
curl -sf -X POST -H "$LH" "http://127.0.0.1:$PORT_2/v1/programs/load/schedules/1/publish" >/dev/null
HEAD="| nodes | node | clients | s | requests (writes) | req/s | writes/s | read p50 / p99 ms | write p50 / p99 ms | errors |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
{
  echo
  echo "Roster events (20 % writes) and reads, tier M seed 1, 8 clients in all, ${WSECS} s:"
  echo
  echo "$HEAD"
  echo "| 1 | A | $("$BUILD/cohort-load" --port "$PORT_2" --token "$LTOKEN" --program load --clients 8 --seconds "$WSECS" --writes 0.2 | sed 's/^| //')"
  "$BUILD/cohort-load" --port "$PORT_2" --token "$LTOKEN" --program load --clients 4 --seconds "$WSECS" --writes 0.2 >"$tmp/a.md" &
  la=$!
  "$BUILD/cohort-load" --port "$PORT_3" --token "$LTOKEN" --program load --clients 4 --seconds "$WSECS" --writes 0.2 --first 4 >"$tmp/b.md"
  wait "$la"
  echo "| 2 | A | $(sed 's/^| //' "$tmp/a.md")"
  echo "| 2 | B | $(sed 's/^| //' "$tmp/b.md")"
  echo
  echo "Load average $(load) at the end of the load runs."
} | tee -a "$OUT"
