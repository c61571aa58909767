#!/bin/sh
# run.sh COHORT DIR - CTest test typed_client: generate TypeScript types
# from docs/openapi.json (openapi-typescript), type-check workflow.ts with
# tsc (strict, no casts in the script), emit JavaScript and run it against
# `cohort serve` on a free loopback port with a temporary database: the
# README workflow (import, plan job, poll, publish, drop, place).  The npm
# packages (pinned by package-lock.json) are installed into DIR when
# missing or stale.  Without node or npm this test FAILS: it never skips.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cohort=$1
dir=$2
fail() { echo "typed_client: FAILED: $*" >&2; exit 1; }
. "$root/tests/node-serve.sh"
npm_tooling tsc
cp "$here/workflow.ts" "$here/tsconfig.json" "$dir/"
"$dir/node_modules/.bin/openapi-typescript" "$root/docs/openapi.json" -o "$dir/api.d.ts" >/dev/null 2>&1 ||
  fail "openapi-typescript docs/openapi.json"
# the code without its comments has no cast and no non-null assertion
sed 's|//.*$||' "$here/workflow.ts" | grep -nE '\bas [A-Za-z{]|[A-Za-z0-9_)\]]!([.)[;,]|$)|<any>|: any\b' &&
  fail "workflow.ts has a cast or a non-null assertion"
(cd "$dir" && node_modules/.bin/tsc -p . --noEmit) || fail "tsc --noEmit: workflow.ts does not type-check"
(cd "$dir" && node_modules/.bin/tsc -p .) || fail "tsc could not emit workflow.js"
start_serve
node "$dir/dist/workflow.js" "$url" "$token" "$root/datasets/sample.json" || fail "the workflow failed"
