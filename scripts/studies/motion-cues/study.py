#!/usr/bin/env python3
"""The motion-cue study (DECISIONS.md, "Six more levers, measured and dropped", 8 December 2026).

Train and validation persons of the project split only. Asks three questions of the visual-continuity cue
(`GapLikelihood`: log c = a + b·log g + ε, c the RMS change of the 32² face thumbnails of consecutive survivors):
  1. does the audio say how fast the face moves (speech share or loudness over the gap as an effective duration)?
  2. does the direction of the change (where survivor B projects on the line from A to C) add to its size?
  3. does the change from A straight to C add to the two single changes?

usage: study.py DUMPDIR PCMDIR PHONECACHE SPLIT_TSV
  DUMPDIR     output of `dump` (this folder's Swift package)
  PCMDIR      <clip name>.pcm: the clip's audio as 16 kHz mono s16le (ffmpeg -vn -ac 1 -ar 16000 -f s16le)
  PHONECACHE  the --cache folder of `dropfill train-lips` (phones of every train and validation clip)
"""
import csv, glob, json, os, sys
import numpy as np

dump, pcmdir, cache, split_path = sys.argv[1:5]
split = {os.path.basename(r['path']): (r['person'], r['side']) for r in csv.DictReader(open(split_path), delimiter='\t')}
NONSPEECH = {'SIL', '+NSN+', '+SPN+', '+BREATH+', '+COUGH+', '+UM+', '+UH+', '+SMACK+'}
clips = []
for meta in sorted(glob.glob(os.path.join(dump, '*.meta'))):
    name = os.path.basename(meta)[:-5]
    k, n, fps = open(meta).read().split()
    k, n, fps = int(k), int(n), float(fps)
    if k != n or split.get(name, ('', ''))[1] not in ('train', 'validation'):
        continue  # frames lost in the file itself, or a test person (never looked at)
    th = np.fromfile(os.path.join(dump, name + '.thumbs'), dtype=np.float32).reshape(k, -1)
    pcm = np.fromfile(os.path.join(pcmdir, name + '.pcm'), dtype=np.int16).astype(np.float64) / 32768
    spf = 16000 / fps
    rms = np.array([np.sqrt(np.mean(pcm[int(i * spf):int((i + 1) * spf)] ** 2) + 1e-10) if int(i * spf) < len(pcm) else 1e-5
                    for i in range(n)])
    speech = np.zeros(n)
    found = [f for f in os.listdir(cache) if ('_' + name + '-face') in f and 'bigram' in f]
    if found:
        for p in json.load(open(os.path.join(cache, found[0])))['phones']:
            if p['phone'] not in NONSPEECH:
                speech[int(p['start'] * fps):int(np.ceil(p['end'] * fps))] = 1
    clips.append(dict(th=th, rms=rms, speech=speech, n=n, phones=bool(found)))
print(f'{len(clips)} clips ({sum(c["phones"] for c in clips)} with phones)')

def change(a, b):
    return np.sqrt(((a - b) ** 2).mean())

# MARK: - 1. Pairs of consecutive survivors (6 Bernoulli patterns per clip, drop 0.87, ends kept)
rng = np.random.default_rng(0)
rows, groups = [], []
for ci, c in enumerate(clips):
    z = np.log(c['rms']); z = (z - z.mean()) / (z.std() + 1e-9)
    step = np.sqrt(((c['th'][1:] - c['th'][:-1]) ** 2).mean(1))
    for pattern in range(6):
        keep = rng.random(c['n']) > 0.87; keep[0] = keep[-1] = True
        s = np.flatnonzero(keep)
        for a, b in zip(s[:-1], s[1:]):
            rows.append((b - a, change(c['th'][a], c['th'][b]), c['speech'][a:b].sum(), np.exp(z[a:b]).sum(),
                         c['rms'][a:b].mean(), step[a:b].sum()))
            groups.append(ci * 100 + pattern)
g, ch, sp, loud, mean_rms, true_steps = np.array(rows).T
groups = np.array(groups)

def centre(v):
    out = v.copy()
    for key in np.unique(groups):
        m = groups == key; out[m] = v[m] - v[m].mean()
    return out

y = centre(np.log(ch + 1e-4))
def fit(columns, name):
    X = np.column_stack([centre(x) for x in columns])
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    r = y - X @ beta
    print(f'  {name:44s} R² {1 - r.var() / y.var():.3f}  σ {r.std():.3f}')

print(f'1. log change of {len(g)} consecutive-survivor pairs, clip-centred, explained by:')
fit([np.log(g)], 'log gap (the shipped cue)')
for kappa in (0.5, 1, 2):
    fit([np.log(g + kappa * sp)], f'log(gap + {kappa}·speech slots)')
fit([np.log(g), np.log(1 + sp)], 'log gap, log(1 + speech slots)')
fit([np.log(g), np.log(loud)], 'log gap, log Σ exp(standardised log rms)')
fit([np.log(g), np.log(mean_rms)], 'log gap, log mean rms')
fit([np.log(true_steps)], 'oracle: log Σ true frame-to-frame change')
cors = []
for c in clips:
    step = np.log(np.sqrt(((c['th'][1:] - c['th'][:-1]) ** 2).mean(1)) + 1e-4)
    cors.append((np.corrcoef(step, np.log(c['rms'][:-1]))[0, 1],
                 np.corrcoef(step, c['speech'][:-1])[0, 1] if c['speech'].std() > 0 else np.nan))
print('  within-clip correlation of the log frame-to-frame change with log rms %.3f, with speech %.3f' % tuple(np.nanmean(cors, 0)))

# MARK: - 2. Triples: where B lies between A and C
rng = np.random.default_rng(1)
tri = []
for c in clips:
    th = c['th']
    for pattern in range(6):
        keep = rng.random(c['n']) > 0.87; keep[0] = keep[-1] = True
        s = np.flatnonzero(keep)
        for a, b, cc in zip(s[:-2], s[1:-1], s[2:]):
            v = th[cc] - th[a]
            rho = np.clip(np.dot(th[b] - th[a], v) / max(np.dot(v, v), 1e-12), 0.02, 0.98)
            tri.append((np.log(b - a) - np.log(cc - b), np.log(change(th[a], th[b]) + 1e-4) - np.log(change(th[b], th[cc]) + 1e-4),
                        np.log(rho / (1 - rho))))
target, size_ratio, projection = np.array(tri).T
print(f'2. log(g_AB / g_BC) of {len(target)} survivor triples explained by:')
for cols, name in (([size_ratio], 'log(c_AB / c_BC) (what the cue uses)'), ([projection], 'logit of B\'s projection on A→C'),
                   ([size_ratio, projection], 'both')):
    X = np.column_stack(cols + [np.ones_like(target)])
    beta, *_ = np.linalg.lstsq(X, target, rcond=None)
    print(f'  {name:44s} R² {1 - (target - X @ beta).var() / target.var():.3f}')

# MARK: - 3. The change over two gaps (A→C) beside the two single ones
rng = np.random.default_rng(3)
rows, groups = [], []
for ci, c in enumerate(clips):
    th = c['th']
    for pattern in range(6):
        keep = rng.random(c['n']) > 0.87; keep[0] = keep[-1] = True
        s = np.flatnonzero(keep)
        for a, b, cc in zip(s[:-2], s[1:-1], s[2:]):
            rows.append((np.log(cc - a), np.log(change(th[a], th[b]) + 1e-4), np.log(change(th[b], th[cc]) + 1e-4),
                         np.log(change(th[a], th[cc]) + 1e-4)))
            groups.append(ci * 100 + pattern)
groups = np.array(groups)
span, c_ab, c_bc, c_ac = (centre(v) for v in np.array(rows).T)
def r2(target, columns):
    X = np.column_stack(columns)
    beta, *_ = np.linalg.lstsq(X, target, rcond=None)
    return 1 - (target - X @ beta).var() / target.var()
print(f'3. log(g_AB + g_BC) of {len(span)} triples, clip-centred: from c_AB and c_BC R² {r2(span, [c_ab, c_bc]):.3f}; '
      f'with c_AC too {r2(span, [c_ab, c_bc, c_ac]):.3f}')
