#!/usr/bin/env bash
# A scripted rating session of SampleData/studies/example.json in a private tmux server: two raters score every
# video (keys sent as a person would type them), then `dropfill report` prints MOS, DMOS and the screening.
# Usage: scripts/rating-session-demo.sh [path/to/dropfill]   (default: .build/debug/dropfill)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/debug/dropfill}
command -v tmux >/dev/null || { echo "tmux is not installed (scripts/setup.sh installs it)"; exit 1; }
work=$(mktemp -d)
sock="dropfill-demo-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
db="$work/ratings.sqlite"
"$bin" rate SampleData/studies/example.json --prepare-only
for rater in alice bob; do
  tmux -L "$sock" new-session -d -x 110 -y 36 -s "$rater" \
    "DROPFILL_AUDIO=off LANG=C.UTF-8 '$bin' rate SampleData/studies/example.json --rater $rater --db '$db' --graphics ascii; sleep 5"
  sleep 2
  tmux -L "$sock" send-keys -t "$rater" Enter
  for trial in $(seq 1 12); do
    # Wait for the score prompt, then give three scores (a per-rater pattern) with Enter after each.
    for _ in $(seq 1 200); do
      tmux -L "$sock" capture-pane -p -t "$rater" | grep -q "Your scores" && break
      tmux -L "$sock" capture-pane -p -t "$rater" | grep -q "Practice is over" && tmux -L "$sock" send-keys -t "$rater" Enter
      tmux -L "$sock" capture-pane -p -t "$rater" | grep -q "videos are rated" && break 2
      sleep 0.1
    done
    s=$(( (trial + ${#rater}) % 6 + 4 ))
    tmux -L "$sock" send-keys -t "$rater" "$s" Enter "$((s - 1))" Enter "$s" Enter
    sleep 0.5
  done
  tmux -L "$sock" capture-pane -p -t "$rater" | grep -v '^ *$' | tail -3
  tmux -L "$sock" send-keys -t "$rater" q
  sleep 1
done
"$bin" report SampleData/studies/example.json --db "$db"
