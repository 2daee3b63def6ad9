#!/usr/bin/env python3
"""Rough audio-visual sync check of talking-face clips: lip opening against loudness.

For every audio-visual clip of a manifest (path and person columns), per video frame: the inner-lip aperture from
dlib's 68 landmarks (HOG face detector every 5th frame, shrunk to at most 480 px wide; aperture over inter-ocular
distance) and the log RMS energy of the 16 kHz audio in the frame's interval, each minus its 1 s moving average.
Prints, per clip, the Pearson correlation at lag 0 and the lag (in frames, within ±25) where it peaks: corr(aperture[t + lag], energy[t]); a
positive lag means the picture lags the sound. Speech in sync peaks near 0 (lips open a little before the sound).

    python3 -m venv /tmp/dlib-venv && /tmp/dlib-venv/bin/pip install dlib-bin==20.0.1.post1 numpy
    /tmp/dlib-venv/bin/python scripts/check_av_sync.py ../shared/data/manifest.tsv [path-substring …]
"""
import csv
import json
import os
import subprocess
import sys

import dlib
import numpy as np

MODEL = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"
MAX_WIDTH = 480
MAX_LAG = 25  # one second at 25 fps
SMOOTH = 25  # frames of the moving average subtracted from both signals (slow trends out)
CACHE = os.environ.get("SYNC_CACHE")  # a folder to keep the per-frame apertures in (re-analysis without dlib)
DETECT_EVERY = 5  # the face box is re-detected every 5 frames and kept in between


def probe(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=width,height,avg_frame_rate", "-of", "json", path],
                         check=True, capture_output=True, text=True).stdout
    s = json.loads(out)["streams"][0]
    num, den = s["avg_frame_rate"].split("/")
    return int(s["width"]), int(s["height"]), float(num) / float(den)


def frames(path, width, height):
    scale = min(1.0, MAX_WIDTH / width)
    w, h = int(round(width * scale / 2)) * 2, int(round(height * scale / 2)) * 2
    proc = subprocess.Popen(["ffmpeg", "-loglevel", "error", "-i", path, "-vf", f"scale={w}:{h}", "-f", "rawvideo",
                             "-pix_fmt", "rgb24", "-"], stdout=subprocess.PIPE)
    size = w * h * 3
    while True:
        buf = proc.stdout.read(size)
        if len(buf) < size:
            break
        yield np.frombuffer(buf, np.uint8).reshape(h, w, 3)
    proc.wait()


def energy(path, fps, count):
    raw = subprocess.run(["ffmpeg", "-loglevel", "error", "-i", path, "-vn", "-ac", "1", "-ar", "16000", "-f", "s16le", "-"],
                         check=True, capture_output=True).stdout
    x = np.frombuffer(raw, np.int16).astype(np.float64) / 32768
    out = np.full(count, np.nan)
    for t in range(count):
        a, b = int(t * 16000 / fps), int((t + 1) * 16000 / fps)
        if b <= len(x) and b > a:
            out[t] = np.log(np.sqrt(np.mean(x[a:b] ** 2)) + 1e-4)
    return out


def apertures(path, detector, predictor):
    width, height, fps = probe(path)
    values = []
    box = None
    for t, img in enumerate(frames(path, width, height)):
        if t % DETECT_EVERY == 0 or box is None:
            faces = detector(img, 0 if img.shape[1] >= 320 else 1)
            box = max(faces, key=lambda r: r.area()) if faces else None
        if box is None:
            values.append(np.nan)
            continue
        shape = predictor(img, box)
        p = np.array([[shape.part(i).x, shape.part(i).y] for i in range(68)], float)
        iod = np.linalg.norm(p[36:42].mean(0) - p[42:48].mean(0))
        values.append(np.mean([np.linalg.norm(p[a] - p[b]) for a, b in [(61, 67), (62, 66), (63, 65)]]) / iod)
    return np.array(values), fps


def detrend(x):
    """x minus its centred moving average over SMOOTH frames (NaNs ignored, kept)."""
    ok = ~np.isnan(x)
    filled = np.where(ok, x, 0.0)
    kernel = np.ones(SMOOTH)
    num = np.convolve(filled, kernel, "same")
    den = np.convolve(ok.astype(float), kernel, "same")
    return np.where(ok, x - num / np.maximum(den, 1), np.nan)


def lagged(a, e, lag):
    if lag >= 0:
        x, y = a[lag:], e[:len(e) - lag]
    else:
        x, y = a[:lag], e[-lag:]
    ok = ~(np.isnan(x) | np.isnan(y))
    if ok.sum() < 20:
        return np.nan
    return float(np.corrcoef(x[ok], y[ok])[0, 1])


def main():
    manifest = sys.argv[1]
    only = sys.argv[2:]
    root = os.path.dirname(os.path.abspath(manifest))
    detector = dlib.get_frontal_face_detector()
    predictor = dlib.shape_predictor(MODEL)
    print("path\tframes\tface_share\tcorr_lag0\tpeak_lag\tcorr_peak", flush=True)
    with open(manifest) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            path = row["path"]
            if only and not any(s in path for s in only):
                continue
            cached = os.path.join(CACHE, path.replace("/", "_") + ".npz") if CACHE else None
            if cached and os.path.exists(cached):
                z = np.load(cached)
                a, fps = z["a"], float(z["fps"])
            else:
                a, fps = apertures(os.path.join(root, path), detector, predictor)
                if cached:
                    np.savez(cached, a=a, fps=fps)
            e = energy(os.path.join(root, path), fps, len(a))
            a, e = detrend(a), detrend(e)
            corr = {lag: lagged(a, e, lag) for lag in range(-MAX_LAG, MAX_LAG + 1)}
            finite = {k: v for k, v in corr.items() if not np.isnan(v)}
            peak = max(finite, key=finite.get) if finite else 0
            print(f"{path}\t{len(a)}\t{np.mean(~np.isnan(a)):.2f}\t{corr[0]:.3f}\t{peak}\t{corr.get(peak, np.nan):.3f}", flush=True)


if __name__ == "__main__":
    main()
