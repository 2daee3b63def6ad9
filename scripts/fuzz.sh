#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer + AddressSanitizer) of every parser a user can feed dropfill:
# safetensors header and model metadata, truth JSON, study JSON, theme/colour-map files, manifest TSV.
#
#   scripts/fuzz.sh build                 build Fuzz/ with -sanitize=fuzzer,address (its own .build)
#   scripts/fuzz.sh run TARGET [SECONDS]  fuzz one target (default 300 s) from its seed corpus
#   scripts/fuzz.sh all [SECONDS]         every target, one after the other
#
# Seeds are committed under Fuzz/corpus/TARGET; what a run discovers goes to a scratch copy (Fuzz/.work, not
# committed), crashes to Fuzz/.work/TARGET/crash-*. Runs are nice'd and single-process (the machine is shared); the
# 60 s per-input timeout is wide because on a loaded 2-core machine one model-metadata input once took 10 s of wall
# time for 0.4 s of CPU.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fuzz="$root/Fuzz"
targets=(safetensors truth study theme manifest)

build() {
    (cd "$fuzz" && nice -n 10 swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -j 1)
}

binary() { echo "$(cd "$fuzz" && swift build -c debug --show-bin-path)/dropfill-fuzz"; }

run() {
    local target="$1" seconds="${2:-300}"
    local work="$fuzz/.work/$target"
    mkdir -p "$work/corpus" "$work/artifacts" "${TMPDIR:-/tmp}/dropfill-fuzz"
    cp -n "$fuzz/corpus/$target/"* "$work/corpus/" 2>/dev/null || true
    echo "== $target: ${seconds}s"
    DROPFILL_FUZZ_TARGET="$target" ASAN_OPTIONS="detect_leaks=0" nice -n 10 "$(binary)" \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=60 -max_len=65536 \
        -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$work/corpus" 2>&1 | tee "$work/last-run.log" | grep -E "^#[0-9]+ +(DONE|pulse)|stat::|ERROR|SUMMARY|crash|Done" || true
    if ls "$work/artifacts/"* >/dev/null 2>&1; then echo "findings in $work/artifacts"; return 1; fi
}

case "${1:-}" in
    build) build ;;
    run) shift; run "$@" ;;
    all) shift; for t in "${targets[@]}"; do run "$t" "${1:-300}"; done ;;
    *) sed -n 2,12p "$0"; exit 2 ;;
esac
