#!/usr/bin/env python3
"""Makes mouth_expected.json: reference values for the mouth metrics (issue 14), computed independently of Swift.

Run from the package root (needs numpy, scikit-image, Pillow):
    python3 Tests/MetricsTests/Fixtures/make_mouth_fixture.py

- Region PSNR / SSIM: the real frame pairs of this folder (see make_fixtures.py) cut to a box, then
  PSNR = 10*log10(1/MSE) over RGB in [0, 1] (float64) and
  skimage.metrics.structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
  data_range=1, channel_axis=-1) on the cut-out boxes.
- LMD: dlib's 68 points on two real GRID frames (bbaf2n frame 1, lips closed, and frame 37, open), copied from
  Tests/LandmarksTests/Fixtures/landmarks_reference.json (dlib 20.0.1's own Python binding); mean Euclidean
  distance over the 20 mouth points 48-67, raw and divided by the reference's inter-ocular distance (distance
  between the means of eye points 36-41 and 42-47).
- Moving-mouth frames: an aperture sequence and threshold; a frame moves when |a_t - a_(t-1)| or |a_(t+1) - a_t|
  exceeds the threshold (None = no landmarks: never moving, never makes a neighbour move).
"""
import json
import os

import numpy as np
from PIL import Image
from skimage.metrics import structural_similarity

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))

# pair name, box (x, y, w, h) inside the 192x176 / 181x167 crops
REGIONS = [("vox_far", (60, 100, 72, 48)), ("obama_b", (50, 110, 90, 50)), ("grid_odd", (55, 95, 70, 40))]


def load(name):
    return np.asarray(Image.open(os.path.join(HERE, name + ".png")).convert("RGB"), dtype=np.float64) / 255


def region_scores():
    out = []
    for name, (x, y, w, h) in REGIONS:
        a, b = load(name + "_1")[y:y + h, x:x + w], load(name + "_0")[y:y + h, x:x + w]
        mse = np.mean((a - b) ** 2)
        ssim = structural_similarity(a, b, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
                                     data_range=1, channel_axis=-1)
        out.append({"pair": name, "restored": name + "_1.png", "reference": name + "_0.png",
                    "box": [x, y, w, h], "psnr": 10 * np.log10(1 / mse), "ssim": float(ssim)})
    return out


def lmd():
    ref = json.load(open(os.path.join(ROOT, "Tests", "LandmarksTests", "Fixtures", "landmarks_reference.json")))
    frames = {f["file"]: np.array(f["points"], dtype=np.float64) for f in ref["frames"]}
    restored, truth = frames["grid-bbaf2n-closed.png"], frames["grid-bbaf2n-open.png"]
    d = np.sqrt(((restored[48:68] - truth[48:68]) ** 2).sum(axis=1)).mean()
    iod = np.linalg.norm(truth[36:42].mean(axis=0) - truth[42:48].mean(axis=0))
    return {"restored_mouth": restored[48:68].tolist(), "reference_mouth": truth[48:68].tolist(),
            "reference_eyes": truth[36:48].tolist(), "lmd_px": d, "interocular_px": iod, "lmd_iod": d / iod}


def motion():
    apertures = [0.02, 0.03, 0.10, 0.11, None, 0.30, 0.31, 0.31, 0.12, 0.12]
    threshold = 0.05
    moving = []
    for t, a in enumerate(apertures):
        def changed(u):
            return 0 <= u < len(apertures) and apertures[u] is not None and abs(a - apertures[u]) > threshold
        moving.append(a is not None and (changed(t - 1) or changed(t + 1)))
    return {"apertures": apertures, "threshold": threshold, "moving": moving}


if __name__ == "__main__":
    doc = {"made_by": "make_mouth_fixture.py", "regions": region_scores(), "lmd": lmd(), "motion": motion()}
    with open(os.path.join(HERE, "mouth_expected.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
