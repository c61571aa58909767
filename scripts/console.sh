#!/usr/bin/env bash
# Open the web console on the bundled sample program: install what is
# missing and build (scripts/setup.sh), start `cohort serve` on a fresh store
# out/console.db, import datasets/sample.json, plan it, publish the plan,
# print the address and an admin token, and serve until Ctrl-C.
# usage: scripts/console.sh            (PORT=N picks the port; default 8080,
#                                        any free one when 8080 is taken)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p out
DB=out/console.db
rm -f "$DB" "$DB-wal" "$DB-shm"
BIN=./build/cohort
TOKEN=$("$BIN" token create --role admin --name console --db "$DB" | grep -o 'cht_[0-9a-f]*')

LOG=out/console-serve.log
start() {   # start the server on port $1; sets ADDR, or fails
  : > "$LOG"
  "$BIN" serve --db "$DB" --port "$1" 2>>"$LOG" >>"$LOG" &
  SERVER=$!
  for _ in $(seq 1 100); do
    ADDR=$(grep -o 'listening on http://[0-9.:]*' "$LOG" | head -n 1 | sed 's/listening on //') || true
    [ -n "$ADDR" ] && return 0
    kill -0 "$SERVER" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; exit 0' INT TERM
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null' EXIT
if ! start "${PORT:-8080}"; then
  echo "console: port ${PORT:-8080} is taken; using a free one" >&2
  start 0 || { cat "$LOG" >&2; exit 1; }
fi

API="$ADDR/v1"
H="Authorization: Bearer $TOKEN"
call() { curl -sS --fail-with-body -H "$H" -H "Content-Type: application/json" "$@"; }
call -X POST "$API/programs?id=riverside" --data-binary @datasets/sample.json >/dev/null
JOB=$(call -X POST "$API/programs/riverside/plan" -d '{"time_limit_s": 30}' | grep -o '"job":"[^"]*"' | cut -d'"' -f4)
echo "console: planning the sample (job $JOB)..." >&2
while :; do
  ST=$(call "$API/jobs/$JOB" | head -c 400)
  case "$ST" in
    *'"status":"done"'*) break ;;
    *'"status":"failed"'*|*'"status":"cancelled"'*) echo "console: the plan failed: $ST" >&2; exit 1 ;;
  esac
  sleep 1
done
VERSION=$(call "$API/jobs/$JOB" | grep -o '"version":[0-9]*' | head -n 1 | cut -d: -f2)
call -X POST "$API/programs/riverside/schedules/$VERSION/publish" >/dev/null

cat <<MSG

  cohort console:  $ADDR/
  admin token:     $TOKEN

  Open the address, paste the token, and sign in.  The sample program
  (riverside) is imported, planned (schedule version $VERSION) and published.
  Store: $DB; request log: $LOG.  Ctrl-C stops the server.

MSG
wait "$SERVER"
