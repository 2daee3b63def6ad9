#!/usr/bin/env python3
"""Makes the Metrics test fixtures from real frames and computes the reference values.

Run from the package root:  python3 Tests/MetricsTests/Fixtures/make_fixtures.py
Needs ffmpeg, numpy, scipy, scikit-image (pip install scikit-image) and Pillow.

Inputs: pairs of frames from the clips in /work/shared/data (consecutive and 4 apart), cropped to
small sizes, stored as 8-bit RGB PNGs in this folder. References, written to expected.json:
- PSNR: 10*log10(1/MSE) over RGB in [0,1] and over BT.601 luma (MATLAB rgb2ycbcr, studio range).
- SSIM: skimage.metrics.structural_similarity(gaussian_weights=True, sigma=1.5,
  use_sample_covariance=False, data_range=1, channel_axis=-1) on float64 in [0,1].
- MS-SSIM: a float64 numpy port of pytorch-msssim's ms_ssim (written from its algorithm: 11-tap
  Gaussian sigma 1.5, valid separable convolution, cs at scales 1-4 and ssim at scale 5, relu,
  avg_pool2d(kernel 2, stride 2, padding = size % 2, count_include_pad=True) between scales,
  product of powers per channel, mean over channels).
"""
import json, os, subprocess, tempfile
import numpy as np
from PIL import Image
from skimage.metrics import structural_similarity

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = "/work/shared/data"

# name, clip, first frame, second frame, crop (x, y, w, h)
PAIRS = [
    ("vox_a", "voxceleb2/Input_00002.mp4", 30, 31, (64, 64, 96, 80)),
    ("grid_a", "grid/bbaf2n.mpg", 40, 41, (130, 90, 96, 80)),
    ("vox_far", "voxceleb2/Pose_Source_00473.mp4", 20, 24, (16, 24, 192, 176)),
    ("grid_odd", "grid/lbax4n.mpg", 50, 54, (90, 60, 181, 167)),
    ("obama_b", "obama/sent1.mp4", 60, 61, (540, 120, 192, 176)),
]

WEIGHTS = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]


def frame(clip, index):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "f.png")
        subprocess.run(["ffmpeg", "-v", "error", "-i", os.path.join(DATA, clip), "-vf",
                        f"select=eq(n\\,{index})", "-vframes", "1", "-pix_fmt", "rgb24", out], check=True)
        return np.array(Image.open(out).convert("RGB"))


def luma601(x):
    # x: H x W x 3 in [0,1]; MATLAB rgb2ycbcr Y / 255 (studio range 16..235).
    return (16.0 + 65.481 * x[..., 0] + 128.553 * x[..., 1] + 24.966 * x[..., 2]) / 255.0


def psnr(a, b):
    mse = np.mean((a - b) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(1.0 / mse)


def gauss1d(size=11, sigma=1.5):
    coords = np.arange(size, dtype=np.float64) - size // 2
    g = np.exp(-(coords ** 2) / (2 * sigma ** 2))
    return g / g.sum()


def filt_valid(x, g):
    # x: C x H x W; valid correlation along H then W (pytorch-msssim skips a dim smaller than the window)
    k = len(g)
    if x.shape[1] >= k:
        x = sum(g[i] * x[:, i:x.shape[1] - k + 1 + i, :] for i in range(k))
    if x.shape[2] >= k:
        x = sum(g[i] * x[:, :, i:x.shape[2] - k + 1 + i] for i in range(k))
    return x


def ssim_cs(x, y, g, c1=0.01 ** 2, c2=0.03 ** 2):
    mu1, mu2 = filt_valid(x, g), filt_valid(y, g)
    s11 = filt_valid(x * x, g) - mu1 ** 2
    s22 = filt_valid(y * y, g) - mu2 ** 2
    s12 = filt_valid(x * y, g) - mu1 * mu2
    cs = (2 * s12 + c2) / (s11 + s22 + c2)
    ssim = (2 * mu1 * mu2 + c1) / (mu1 ** 2 + mu2 ** 2 + c1) * cs
    return ssim.reshape(ssim.shape[0], -1).mean(-1), cs.reshape(cs.shape[0], -1).mean(-1)


def avg_pool(x):
    # F.avg_pool2d(x, kernel_size=2, padding=[h % 2, w % 2]) with count_include_pad=True
    c, h, w = x.shape
    ph, pw = h % 2, w % 2
    p = np.zeros((c, h + 2 * ph, w + 2 * pw))
    p[:, ph:ph + h, pw:pw + w] = x
    oh, ow = (h + 2 * ph - 2) // 2 + 1, (w + 2 * pw - 2) // 2 + 1
    p = p[:, :2 * oh, :2 * ow]
    return (p[:, 0::2, 0::2] + p[:, 1::2, 0::2] + p[:, 0::2, 1::2] + p[:, 1::2, 1::2]) / 4.0


def ms_ssim(x, y):
    # x, y: C x H x W float64 in [0, 1]
    assert min(x.shape[1:]) > 160
    g = gauss1d()
    mcs = []
    for i in range(len(WEIGHTS)):
        ssim_c, cs = ssim_cs(x, y, g)
        if i < len(WEIGHTS) - 1:
            mcs.append(np.maximum(cs, 0))
            x, y = avg_pool(x), avg_pool(y)
    vals = np.stack(mcs + [np.maximum(ssim_c, 0)])  # levels x C
    per_channel = np.prod(vals ** np.array(WEIGHTS)[:, None], axis=0)
    return float(per_channel.mean())


def main():
    out = {"generator": "make_fixtures.py", "skimage": __import__("skimage").__version__, "pairs": []}
    for name, clip, i0, i1, (x, y, w, h) in PAIRS:
        a = frame(clip, i0)[y:y + h, x:x + w]
        b = frame(clip, i1)[y:y + h, x:x + w]
        assert a.shape == (h, w, 3) and b.shape == (h, w, 3), (name, a.shape)
        Image.fromarray(a).save(os.path.join(HERE, f"{name}_0.png"))
        Image.fromarray(b).save(os.path.join(HERE, f"{name}_1.png"))
        fa, fb = a.astype(np.float64) / 255, b.astype(np.float64) / 255
        ya, yb = luma601(fa), luma601(fb)
        entry = {
            "name": name, "clip": clip, "frames": [i0, i1], "crop": [x, y, w, h],
            "psnr_rgb": psnr(fa, fb), "psnr_y": psnr(ya, yb),
            "ssim_rgb": float(structural_similarity(fa, fb, gaussian_weights=True, sigma=1.5,
                                                    use_sample_covariance=False, data_range=1,
                                                    channel_axis=-1)),
            "ssim_y": float(structural_similarity(ya, yb, gaussian_weights=True, sigma=1.5,
                                                  use_sample_covariance=False, data_range=1)),
        }
        if min(w, h) > 160:
            entry["msssim_rgb"] = ms_ssim(fa.transpose(2, 0, 1), fb.transpose(2, 0, 1))
            entry["msssim_y"] = ms_ssim(ya[None], yb[None])
        # cross-check: the numpy SSIM port must agree with skimage (same kernel, valid region)
        port = float(ssim_cs(fa.transpose(2, 0, 1), fb.transpose(2, 0, 1), gauss1d())[0].mean())
        assert abs(port - entry["ssim_rgb"]) < 1e-9, (name, port, entry["ssim_rgb"])
        out["pairs"].append(entry)
        print(entry)
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
