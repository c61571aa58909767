#!/usr/bin/env bash
# bench/loadcmp.sh BEFORE_COHORT AFTER_COHORT COHORT_LOAD: two builds of cohort serve
# side by side on the same tier M program (generator plan saved and
# published), cohort-load alternating between them: three rounds of reads
# with one client, two of 8 clients with 20 % roster-event writes; each row
# also gives the server CPU time per request (from /proc, so the load of
# other work on the machine does not enter it).
set -euo pipefail
B=$1; A=$2; L=$3
tmp=$(mktemp -d)
cleanup() { for f in "$tmp"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
"$A" generate --tier M --seed 1 -o "$tmp/p.json" --witness "$tmp/plan.json"
start() { # name binary
  local n=$1 bin=$2
  "$bin" import "$tmp/p.json" --db "$tmp/$n.db" --program load >/dev/null
  local tok; tok=$("$bin" token create --role admin --name load --db "$tmp/$n.db" 2>/dev/null)
  "$bin" serve --db "$tmp/$n.db" --port 0 --quiet --max-per-ip 128 >"$tmp/$n.out" &
  echo $! > "$tmp/$n.pid"
  for _ in $(seq 50); do grep -q listening "$tmp/$n.out" && break; sleep 0.1; done
  local port; port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$tmp/$n.out")
  curl -sf -X POST -H "Authorization: Bearer $tok" -H "Content-Type: application/json" "http://127.0.0.1:$port/v1/programs/load/schedules" --data-binary "@$tmp/plan.json" >/dev/null
  curl -sf -X POST -H "Authorization: Bearer $tok" "http://127.0.0.1:$port/v1/programs/load/schedules/1/publish" >/dev/null
  echo "$port $tok $!"
}
read -r PB TB SB < <(start before "$B")
read -r PA TA SA < <(start after "$A")
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
per() { local c1; c1=$(cpu $1); local n; n=$(echo "$3" | awk -F'|' '{print $4}' | awk '{print $1}'); awk -v a=$2 -v b=$c1 -v n=$n -v hz=$(getconf CLK_TCK) 'BEGIN{printf "%.3f", (b-a)*1000/hz/n}'; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in 1 2 3; do
  for n in before after; do
    if [ $n = before ]; then p=$PB; t=$TB; s=$SB; else p=$PA; t=$TA; s=$SA; fi
    echo "reads1 $n round $r: $(c0=$(cpu $s); out=$("$L" --port $p --token $t --program load --clients 1 --seconds 3 --writes 0 | tr '\n' ' '); echo "$out cpu_ms/req $(per $s $c0 "$out")")"
  done
done
for r in 1 2; do
  for n in before after; do
    if [ $n = before ]; then p=$PB; t=$TB; s=$SB; else p=$PA; t=$TA; s=$SA; fi
    echo "w8 $n round $r: $(c0=$(cpu $s); out=$("$L" --port $p --token $t --program load --clients 8 --seconds 3 --writes 0.2 | tr '\n' ' '); echo "$out cpu_ms/req $(per $s $c0 "$out")")"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
