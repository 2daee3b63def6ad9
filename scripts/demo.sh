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
mkdir -p "$out"
sample=SampleData/grid-bbaf2n.mp4

echo "== what the sample holds"
"$bin" probe "$sample"
echo
echo "== drop 87% of its frames, timestamps stripped"
"$bin" drop "$sample" -o "$out/dropped.mp4" --rate 0.87 --seed 1 --timestamps strip
echo
echo "== where do the surviving frames belong? (Ali-Net, scored against the truth file)"
"$bin" align "$out/dropped.mp4" --truth "$out/dropped.truth.json"
echo
echo "== restore: place the survivors, synthesize every gap with FE-Net"
"$bin" restore "$out/dropped.mp4" -o "$out/restored.mp4" --method fenet --frames "$out/frames"
echo
echo "== score every method against the truth (true positions)"
"$bin" evaluate "$sample" --rate 0.87 --seeds 3 --methods hold,blend,minterpolate,fenet,fenet-noaudio --state "$out/eval"
echo
echo "== the same with positions estimated from the audio (uniform spread, then Ali-Net)"
"$bin" evaluate "$sample" --rate 0.87 --seeds 3 --methods fenet --positions auto --aligner uniform --state "$out/eval-uniform"
"$bin" evaluate "$sample" --rate 0.87 --seeds 3 --methods fenet --positions auto --aligner aligner --state "$out/eval-aligner"
echo
echo "outputs in $out"
if [[ -t 0 && -t 1 ]]; then
  echo "== opening the inspector (press ? for keys, q to quit)"
  "$bin" inspect "$sample"
fi
