#!/usr/bin/env bash
# Install what is missing, build, and run the main job: plan the bundled
# sample program, print the readable summary, write the solution JSON to
# out/sample-solution.json and verify it with the independent checker.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p out
./build/cohort plan datasets/sample.json -o out/sample-solution.json
./build/cohort check datasets/sample.json out/sample-solution.json
