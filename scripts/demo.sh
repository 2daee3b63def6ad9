#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and runs dropfill's main job on the bundled sample:
# drop 87% of the sample's frames (timestamps stripped, as in the paper), restore them, score every method,
# and — on a terminal — open the inspector on the sample.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product dropfill
bin=$(swift build -c release --show-bin-path)/dropfill
out=${DROPFILL_DEMO_OUT:-$(mktemp -d)}
sample=SampleData/grid-bbaf2n.mp4

echo "== what the sample holds"
"$bin" probe "$sample"
echo
echo "== drop 87% of its frames, timestamps stripped"
"$bin" drop "$sample" -o "$out/dropped.mp4" --rate 0.87 --seed 1 --timestamps strip
echo
echo "== restore: align the survivors to the audio, synthesize every gap"
"$bin" restore "$out/dropped.mp4" -o "$out/restored.mp4"
echo
echo "== score every method against the truth (true positions, then estimated ones)"
"$bin" evaluate "$sample" --rate 0.87 --seeds 3 --state "$out/eval"
echo
echo "outputs in $out"
if [[ -t 0 && -t 1 ]]; then
  echo "== opening the inspector (press ? for keys, q to quit)"
  "$bin" inspect "$sample"
fi
