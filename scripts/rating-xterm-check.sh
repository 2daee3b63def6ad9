#!/usr/bin/env bash
# Two raters on one database at once: alice in a real sixel xterm under Xvfb (../shared/tools/term-shot, or
# $TERM_SHOT), bob in tmux with text pictures. Alice rates the first TRIALS stimuli, a screenshot is taken during
# her last playback, then the playback records (frames shown, dropped, late, A/V drift) and `dropfill report` for
# one and for both raters are printed.
# Usage: scripts/rating-xterm-check.sh [path/to/dropfill] [TRIALS] [SHOT.png]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-.build/release/dropfill}")
trials=${2:-4}
shot=$(realpath -m "${3:-rating-xterm.png}")
term_shot=${TERM_SHOT:-$(cd .. && pwd)/shared/tools/term-shot}
command -v tmux >/dev/null || { echo "tmux is not installed (scripts/setup.sh installs it)"; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is not installed (scripts/setup.sh installs it)"; exit 1; }
work=$(mktemp -d)
sock="dropfill-xterm-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
db="$work/ratings.sqlite"
study=SampleData/studies/example.json
"$bin" rate "$study" --prepare-only >/dev/null
# Bob, in tmux: every trial, scored as soon as the prompt shows.
tmux -L "$sock" new-session -d -x 110 -y 36 -s bob \
  "DROPFILL_AUDIO=off LANG=C.UTF-8 '$bin' rate '$study' --rater bob --db '$db' --graphics ascii; sleep 30"
(
  sleep 2
  tmux -L "$sock" send-keys -t bob Enter
  for _ in $(seq 1 12); do
    for _ in $(seq 1 300); do
      screen=$(tmux -L "$sock" capture-pane -p -t bob)
      grep -q "Your scores" <<<"$screen" && break
      grep -q "Practice is over" <<<"$screen" && tmux -L "$sock" send-keys -t bob Enter
      grep -q "videos are rated" <<<"$screen" && exit 0
      sleep 0.1
    done
    tmux -L "$sock" send-keys -t bob 6 Enter 5 Enter 7 Enter
    sleep 0.5
  done
) &
bob=$!
# Alice, in the sixel xterm: Enter to begin, then per trial wait for grey + playback and give three scores; the
# "Practice is over" notice after the two training trials takes one more Enter. The last wait ends mid-playback.
keys=(-k "Return")
for t in $(seq 1 "$trials"); do
  keys+=(-k "6 Return 5 Return 7 Return")
  [[ $t -eq 2 ]] && keys+=(-k "Return")
done
env DROPFILL_AUDIO=off "$term_shot" -o "$shot" -g 110x40 -w "${WAIT:-9}" "${keys[@]}" -- \
  env DROPFILL_AUDIO=off "$bin" rate "$study" --rater alice --db "$db" --graphics sixel
wait "$bob" || true
echo "== playback records (alice: sixel xterm; bob: text in tmux)"
sqlite3 -header -column "$db" "SELECT r.rater AS rater, p.position, p.frames, p.frames_shown AS shown, p.frames_dropped AS dropped,
  p.late_frames AS late, ROUND(p.mean_drift_ms, 1) AS mean_drift_ms, ROUND(p.max_drift_ms, 1) AS max_drift_ms
  FROM playback p JOIN raters r ON r.id = p.rater_id ORDER BY r.rater, p.position"
echo "== report (both raters)"
"$bin" report "$study" --db "$db" | head -40
echo "screenshot: $shot"
