#!/usr/bin/env bash
# Install what is missing, build, and run the main job on the sample program.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
./build/cohort validate datasets/sample.json
