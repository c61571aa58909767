#!/usr/bin/env bash
# Static analysis: cppcheck over every file of build/compile_commands.json
# (configure first: cmake -S . -B build).  Warnings and portability issues
# count; any finding not listed in .cppcheck-suppressions fails (exit 1).
# .cppcheck-suppressions holds one id per line, no comments (cppcheck 2.10
# reads no comments there); the reason for each:
#   unknownMacro  cppcheck does not read the system headers, so it cannot
#                 expand Criterion's Test()/TestSuite() nor Jansson's
#                 json_array_foreach/json_object_foreach.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/compile_commands.json ]; then
  echo "cppcheck.sh: build/compile_commands.json is missing (run cmake -S . -B build)" >&2
  exit 2
fi
exec cppcheck --project=build/compile_commands.json --enable=warning,portability \
  --suppressions-list=.cppcheck-suppressions --inline-suppr --error-exitcode=1 -q \
  -j"$(nproc)" "$@"
