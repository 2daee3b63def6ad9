#!/usr/bin/env bash
# Regenerates the inspector screenshots in docs/screenshots/ with a real sixel xterm under Xvfb
# (../shared/tools/term-shot, or $TERM_SHOT). Builds dropfill first.
#   scripts/screenshots.sh [BUILD_DIR]      BUILD_DIR defaults to .build
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-.build}
shot=${TERM_SHOT:-$(cd .. && pwd)/shared/tools/term-shot}
swift build --scratch-path "$build" --product dropfill
bin=$PWD/$build/debug/dropfill
out=docs/screenshots
mkdir -p "$out"
run=(env DROPFILL_THEMES="$PWD/Themes" "$bin" inspect SampleData/grid-bbaf2n.mp4)
"$shot" -o "$out/inspect-alignment.png" -g 120x36 -w 4 -- "${run[@]}"
"$shot" -o "$out/inspect-frames-sixel.png" -g 120x36 -w 4 -k "3" -k "l l l l" -- "${run[@]}"
"$shot" -o "$out/inspect-dp-steps-light.png" -g 120x36 -w 3 -k "2" -k "n n n n" -- "${run[@]}" --theme light
ls -la "$out"
