#!/usr/bin/env python3
"""Makes the landmark fixture: a few real frames of ../shared/data as PNGs and the 68 points dlib's own Python
binding finds on them (landmarks_reference.json).

Independent of dropfill: ffmpeg cuts the frames, dlib's HOG frontal face detector finds each face (upsampling once),
and dlib's shape predictor (the same model file Debian's libdlib-data installs) places the points. The Swift test
runs dropfill's C++ wrapper on the same pixels and the same box and expects the same points within a pixel.

    python3 -m venv /tmp/dlib-venv && /tmp/dlib-venv/bin/pip install dlib-bin==20.0.1.post1 numpy pillow
    cd Tests/LandmarksTests/Fixtures && /tmp/dlib-venv/bin/python make_landmarks_fixture.py ../../../../shared/data
"""
import json
import os
import subprocess
import sys

import dlib
import numpy as np
from PIL import Image

MODEL = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"

# name, clip, frame index, ffmpeg filter after the frame is selected (crops/scales keep the PNGs small)
FRAMES = [
    ("grid-bbaf2n-closed", "grid/bbaf2n.mpg", 1, None),
    ("grid-bbaf2n-open", "grid/bbaf2n.mpg", 37, None),
    ("grid-lbax4n", "grid/lbax4n.mpg", 40, None),
    ("grid-lwbsza", "grid/lwbsza.mpg", 40, None),
    ("vox-input00010", "voxceleb2/Input_00010.mp4", 25, None),
    ("obama-sent1", "obama/sent1.mp4", 30, "crop=480:480:268:60,scale=256:256"),
    ("obama-edtalk", "talking-extra/edtalk-uncrop_Obama.mp4", 100, "scale=256:256"),
]


def cut(data, name, clip, index, extra):
    out = f"{name}.png"
    chain = f"select=eq(n\\,{index})" + (f",{extra}" if extra else "")
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", os.path.join(data, clip), "-vf", chain,
                    "-frames:v", "1", "-pix_fmt", "rgb24", out], check=True)
    return out


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else "../../../../shared/data"
    detector = dlib.get_frontal_face_detector()
    predictor = dlib.shape_predictor(MODEL)
    frames = []
    for name, clip, index, extra in FRAMES:
        png = cut(data, name, clip, index, extra)
        img = np.array(Image.open(png).convert("RGB"))
        faces = detector(img, 1)
        if not faces:
            sys.exit(f"no face in {png}")
        box = max(faces, key=lambda r: r.area())
        shape = predictor(img, box)
        frames.append({
            "file": png, "clip": clip, "frame": index, "filter": extra or "",
            "width": int(img.shape[1]), "height": int(img.shape[0]),
            "box": {"left": box.left(), "top": box.top(), "right": box.right(), "bottom": box.bottom()},
            "points": [[shape.part(i).x, shape.part(i).y] for i in range(shape.num_parts)],
        })
    meta = {"tool": f"dlib {dlib.__version__} (Python binding)", "model": os.path.basename(MODEL),
            "detector": "dlib.get_frontal_face_detector(), upsample 1, largest box", "frames": frames}
    with open("landmarks_reference.json", "w") as f:
        json.dump(meta, f, indent=1)
    print(f"wrote {len(frames)} frames")


if __name__ == "__main__":
    main()
