#!/bin/sh
# run.sh COHORT DIR - CTest test contract: lint docs/openapi.json with
# Redocly (recommended rules) and Spectral (spectral:oas), both at 0 errors,
# then start `cohort serve` on a free loopback port with a temporary
# database and run contract.cjs, which sends valid and invalid requests to
# every operation and validates every answer against the document with
# closed objects.  The npm packages (test tooling only, pinned by
# package-lock.json) are installed into DIR/node_modules when missing or
# stale.  Without node or npm this test FAILS: it never skips.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cohort=$1
dir=$2
fail() { echo "contract: FAILED: $*" >&2; exit 1; }
command -v node >/dev/null 2>&1 || fail "node is not installed (scripts/setup.sh installs nodejs and npm)"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [ ! -x "$dir/node_modules/.bin/redocly" ] || ! cmp -s "$here/package-lock.json" "$dir/package-lock.json"; then
  command -v npm >/dev/null 2>&1 || fail "npm is not installed (scripts/setup.sh installs it)"
  cp "$here/package.json" "$here/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) ||
    fail "npm ci in $dir could not install the contract test tooling"
fi
doc=$root/docs/openapi.json
"$dir/node_modules/.bin/redocly" lint "$doc" --format=stylish > "$dir/redocly.log" 2>&1 ||
  { cat "$dir/redocly.log"; fail "redocly lint reports errors"; }
"$dir/node_modules/.bin/spectral" lint -q -r "$here/.spectral.yaml" --fail-severity=error "$doc" \
  > "$dir/spectral.log" 2>&1 || { cat "$dir/spectral.log"; fail "spectral lint reports errors"; }
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
token=$("$cohort" token create --role admin --db "$tmp/c.db" 2>/dev/null) || fail "cohort token create"
"$cohort" serve --db "$tmp/c.db" --port 0 --quiet > "$tmp/serve.out" 2>&1 &
pid=$!
url=
for _ in $(seq 1 100); do
  url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$tmp/serve.out" | head -n 1)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$tmp/serve.out"; fail "cohort serve did not start"; }
node "$here/contract.cjs" "$dir/node_modules" "$doc" "$url" "$token" "$root/datasets/fixtures/tiny.json"
