#!/usr/bin/env python3
"""Within-clip audio retrieval of the mouth (DECISIONS.md, "Six more levers, measured and dropped").

For a missing frame t of a gap of 4 or more slots (train and validation persons, 6 Bernoulli patterns at drop 0.87):
is the mouth of the survivor whose audio (log band energies of slots t−2 … t+2, clip-standardised) is nearest t's
closer to t's mouth than the interpolation of the gap's two neighbours? Mouths: the lip geometry that train-lips
caches (dlib landmarks, 4 values, clip-standardised); "zero" is the clip's mean mouth.

usage: mouth_retrieval.py DUMPDIR PCMDIR PHONECACHE SPLIT_TSV   (the same inputs as study.py)
"""
import csv, glob, json, os, sys
import numpy as np
from scipy.signal import stft

dump, pcmdir, cache, split_path = sys.argv[1:5]
split = {os.path.basename(r['path']): r['side'] for r in csv.DictReader(open(split_path), delimiter='\t')}

def band_energies(pcm, fps, n):
    """Log energies of 40 log-spaced bands (25 ms windows, 10 ms hop), averaged over each slot."""
    _, _, z = stft(pcm, fs=16000, nperseg=400, noverlap=240)
    power = np.abs(z) ** 2
    edges = np.unique(np.round(np.geomspace(2, power.shape[0] - 1, 41)).astype(int))
    bands = np.log(np.array([power[edges[i]:edges[i + 1]].sum(0) for i in range(len(edges) - 1)]) + 1e-8)
    out = np.zeros((n, bands.shape[0]))
    for i in range(n):
        a = int(i / fps * 100); b = max(a + 1, int((i + 1) / fps * 100))
        if a < bands.shape[1]:
            out[i] = bands[:, a:min(b, bands.shape[1])].mean(1)
    return out

rows = []
for meta in sorted(glob.glob(os.path.join(dump, '*.meta'))):
    name = os.path.basename(meta)[:-5]
    k, n, fps = open(meta).read().split(); k, n, fps = int(k), int(n), float(fps)
    if k != n or split.get(name) not in ('train', 'validation'):
        continue
    found = [f for f in os.listdir(cache) if ('_' + name + '-face') in f and 'bigram' in f]
    if not found:
        continue
    geometry = json.load(open(os.path.join(cache, found[0])))['geometry']
    if len(geometry) != n or sum(g is not None for g in geometry) < 0.9 * n:
        continue
    g = np.array([x if x is not None else [np.nan] * 4 for x in geometry], dtype=float)
    g = (g - np.nanmean(g, 0)) / np.nanstd(g, 0)
    pcm = np.fromfile(os.path.join(pcmdir, name + '.pcm'), dtype=np.int16).astype(float) / 32768
    a = band_energies(pcm, fps, n); a = (a - a.mean(0)) / (a.std(0) + 1e-6)
    context = np.concatenate([np.roll(a, s, 0) for s in (-2, -1, 0, 1, 2)], 1)
    rng = np.random.default_rng(0)
    for pattern in range(6):
        keep = rng.random(n) > 0.87; keep[0] = keep[-1] = True
        s = np.flatnonzero(keep)
        for l, r in zip(s[:-1], s[1:]):
            if r - l < 4:
                continue
            for t in range(l + 1, r):
                v = (t - l) / (r - l)
                interpolated = (1 - v) * g[l] + v * g[r]
                order = s[np.argsort(((context[s] - context[t]) ** 2).sum(1))]
                nearest3 = np.nanmean(g[order[:3]], 0)
                rows.append((r - l, np.nansum((g[t] - interpolated) ** 2), np.nansum((g[t] - g[order[0]]) ** 2),
                             np.nansum((g[t] - nearest3) ** 2), np.nansum(g[t] ** 2)))
rows = np.array(rows)
for lo, hi in ((4, 8), (8, 16), (16, 1000)):
    m = (rows[:, 0] >= lo) & (rows[:, 0] < hi)
    print('gap %d–%d slots, %d frames: squared error of the mouth — neighbours interpolated %.3f, nearest-audio survivor '
          '%.3f, mean of the 3 nearest %.3f, the clip mean %.3f' % (lo, hi - 1, m.sum(), *rows[m, 1:].mean(0)))
