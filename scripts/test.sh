#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (scripts/setup.sh) and runs the whole test suite.
# Swift Testing runs the tests in parallel on its own; tests that need tmux or the shared clips skip with a reason.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
swift test --skip-build "$@"
