#!/usr/bin/env bash
# bench/endpoints.sh BEFORE_COHORT AFTER_COHORT: server CPU microseconds per
# request for each read endpoint cohort-load uses (2,000 keep-alive GETs per
# round from one curl, two rounds, both builds on the same tier M program).
set -euo pipefail
B=$1; A=$2; tmp=$(mktemp -d)
cleanup() { for f in "$tmp"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
"$A" generate --tier M --seed 1 -o "$tmp/p.json" --witness "$tmp/plan.json"
G=$(python3 -c "import json;d=json.load(open('$tmp/p.json'));g=[g for g in d['groups'] if g.get('members')][0];print(g['id'],g['members'][0]['patient'])")
set -- $G; GRP=$1; PAT=$2
for n in before after; do
  bin=$B; [ $n = after ] && bin=$A
  "$bin" import "$tmp/p.json" --db "$tmp/$n.db" --program load >/dev/null
  tok=$("$bin" token create --role admin --name load --db "$tmp/$n.db" 2>/dev/null)
  "$bin" serve --db "$tmp/$n.db" --port 0 --quiet >"$tmp/$n.out" & echo $! > "$tmp/$n.pid"
  for _ in $(seq 50); do grep -q listening "$tmp/$n.out" && break; sleep 0.1; done
  port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$tmp/$n.out")
  curl -sf -X POST -H "Authorization: Bearer $tok" -H "Content-Type: application/json" "http://127.0.0.1:$port/v1/programs/load/schedules" --data-binary "@$tmp/plan.json" >/dev/null
  echo "$port $tok" > "$tmp/$n.conn"
done
for ep in "groups/$GRP" "patients/$PAT" "events?patient=$PAT" "schedules"; do
  for r in 1 2; do for n in before after; do
    read -r port tok < "$tmp/$n.conn"; pid=$(cat "$tmp/$n.pid")
    : > "$tmp/urls"; for i in $(seq 2000); do echo "url = \"http://127.0.0.1:$port/v1/programs/load/$ep\"" >> "$tmp/urls"; echo "output = /dev/null" >> "$tmp/urls"; done
    c0=$(awk '{print $14+$15}' /proc/$pid/stat)
    curl -s -H "Authorization: Bearer $tok" -K "$tmp/urls"
    c1=$(awk '{print $14+$15}' /proc/$pid/stat)
    echo "$ep $n r$r: $(( (c1-c0)*10000/2000 )) us/req"
  done; done
done
