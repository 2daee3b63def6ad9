#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and runs dropfill's main job on the bundled sample.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product dropfill
bin=$(swift build -c release --show-bin-path)/dropfill
"$bin" probe SampleData/grid-bbaf2n.mp4
