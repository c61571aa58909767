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
. "$root/tests/node-serve.sh"
npm_tooling redocly
doc=$root/docs/openapi.json
"$dir/node_modules/.bin/redocly" lint "$doc" --format=stylish > "$dir/redocly.log" 2>&1 ||
  { cat "$dir/redocly.log"; fail "redocly lint reports errors"; }
"$dir/node_modules/.bin/spectral" lint -q -r "$here/.spectral.yaml" --fail-severity=error "$doc" \
  > "$dir/spectral.log" 2>&1 || { cat "$dir/spectral.log"; fail "spectral lint reports errors"; }
start_serve
node "$here/contract.cjs" "$dir/node_modules" "$doc" "$url" "$token" "$root/datasets/fixtures/tiny.json"
