#!/usr/bin/env python3
"""Makes reference.json: forward outputs of conv2d, pooling, bilinear 2x upsampling and flow warping,
computed independently of the Swift engine with numpy/scipy (numpy 2.x, scipy 1.17).

Conventions checked:
  conv2d   PyTorch Conv2d (cross-correlation), zero padding, stride, dilation, groups — via scipy.signal.correlate2d
  pools    non-overlapping or strided windows, no padding — via numpy window loops
  upsample PyTorch interpolate(scale_factor=2, mode="bilinear", align_corners=False) — via scipy.ndimage.zoom
           (order=1, grid_mode=True, mode="nearest": half-pixel centres, edge replication)
  warp     out(y, x) = image(y + flow_y, x + flow_x), bilinear, border clamp — via scipy.ndimage.map_coordinates
           (order=1, mode="nearest")
Run from this folder: python3 make_fixtures.py
"""
import json
import numpy as np
from scipy import ndimage, signal

rng = np.random.default_rng(20261125)


def arr(shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, size=shape).astype(np.float32)


def conv2d(x, w, b, stride, padding, dilation, groups):
    n, cin, h, wd = x.shape
    cout, cin_g, kh, kw = w.shape
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    # Dilated kernel: zeros between taps.
    kd = np.zeros((cout, cin_g, (kh - 1) * dilation + 1, (kw - 1) * dilation + 1))
    kd[:, :, ::dilation, ::dilation] = w
    cout_g = cout // groups
    outs = []
    for i in range(n):
        planes = []
        for co in range(cout):
            g = co // cout_g
            acc = 0
            for cl in range(cin_g):
                acc = acc + signal.correlate2d(xp[i, g * cin_g + cl], kd[co, cl], mode="valid")
            planes.append(acc[::stride, ::stride] + (b[co] if b is not None else 0))
        outs.append(planes)
    return np.array(outs, dtype=np.float64)


def pool(x, k, s, reduce):
    n, c, h, w = x.shape
    ho, wo = (h - k) // s + 1, (w - k) // s + 1
    out = np.zeros((n, c, ho, wo))
    for i in range(ho):
        for j in range(wo):
            out[:, :, i, j] = reduce(x[:, :, i * s:i * s + k, j * s:j * s + k].astype(np.float64), axis=(2, 3))
    return out


def upsample2x(x):
    return np.array([[ndimage.zoom(x[i, c].astype(np.float64), 2, order=1, mode="nearest", grid_mode=True)
                      for c in range(x.shape[1])] for i in range(x.shape[0])])


def warp(img, flow):
    n, c, h, w = img.shape
    ys, xs = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    out = np.zeros(img.shape)
    for i in range(n):
        coords = [ys + flow[i, 1], xs + flow[i, 0]]
        for ch in range(c):
            out[i, ch] = ndimage.map_coordinates(img[i, ch].astype(np.float64), coords, order=1, mode="nearest")
    return out


def flat(a):
    return [float(v) for v in np.asarray(a, dtype=np.float32).ravel()]


cases = {"conv2d": [], "avgPool2d": [], "maxPool2d": [], "upsampleBilinear2x": [], "warp": []}
for (n, cin, h, w, cout, k, stride, padding, dilation, groups, bias) in [
    (1, 3, 7, 6, 4, 3, 1, 1, 1, 1, True),
    (2, 4, 9, 8, 6, 3, 2, 1, 1, 2, True),
    (1, 2, 8, 9, 3, 3, 1, 2, 2, 1, False),
    (2, 3, 6, 5, 2, 1, 1, 0, 1, 1, True),
    (1, 4, 10, 7, 4, 5, 2, 2, 1, 4, True),
]:
    x = arr((n, cin, h, w))
    wt = arr((cout, cin // groups, k, k))
    b = arr((cout,)) if bias else None
    y = conv2d(x, wt, b, stride, padding, dilation, groups)
    cases["conv2d"].append({"input": flat(x), "inputShape": list(x.shape), "weight": flat(wt), "weightShape": list(wt.shape),
                            "bias": flat(b) if bias else None, "stride": stride, "padding": padding,
                            "dilation": dilation, "groups": groups, "output": flat(y), "outputShape": list(y.shape)})
for (shape, k, s) in [((2, 3, 6, 8), 2, 2), ((1, 2, 7, 9), 3, 2)]:
    x = arr(shape)
    for name, red in (("avgPool2d", np.mean), ("maxPool2d", np.max)):
        y = pool(x, k, s, red)
        cases[name].append({"input": flat(x), "inputShape": list(shape), "kernel": k, "stride": s,
                            "output": flat(y), "outputShape": list(y.shape)})
for shape in [(1, 2, 4, 5), (2, 3, 3, 3)]:
    x = arr(shape)
    y = upsample2x(x)
    cases["upsampleBilinear2x"].append({"input": flat(x), "inputShape": list(shape), "output": flat(y), "outputShape": list(y.shape)})
for shape in [(1, 3, 6, 7), (2, 2, 5, 5)]:
    img = arr(shape)
    flow = arr((shape[0], 2, shape[2], shape[3]), -3.0, 3.0)  # reaches past the borders: exercises the clamp
    y = warp(img, flow)
    cases["warp"].append({"input": flat(img), "inputShape": list(shape), "flow": flat(flow),
                          "output": flat(y), "outputShape": list(y.shape)})

with open("reference.json", "w") as f:
    json.dump(cases, f, separators=(",", ":"))
print({k: len(v) for k, v in cases.items()})
