#!/usr/bin/env bash
# Installs what dropfill needs on Debian 12, only what is missing (idempotent, non-interactive).
# Build: the -dev packages of the C libraries. Run and test: ffmpeg/ffprobe (reference counts in tests),
# tmux (the inspector's end-to-end test), opencv-data (face-detection cascades), sqlite3,
# pocketsphinx-testdata (real speech that drives the synthetic talking-face generator), pocketsphinx with its
# en-us model (phone decoding for the aligner, module Phonetics),
# libdlib-dev + libdlib-data (the 68-point facial landmark predictor, /usr/share/dlib/shape_predictor_68_face_landmarks.dat).
set -euo pipefail
packages=(
  pkg-config
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev libavfilter-dev
  libopenblas-dev libncurses-dev libsixel-dev libsqlite3-dev
  libdlib-dev libdlib-data
  ffmpeg tmux opencv-data pocketsphinx-testdata
  libpocketsphinx-dev pocketsphinx-en-us
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH (Swift 6.1 or newer is needed)" >&2; exit 1; }
echo "setup: all dependencies present" >&2
