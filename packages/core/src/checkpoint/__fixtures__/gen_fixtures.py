"""Generates the small checkpoint fixtures in this folder and expected.json.

Run once with Debian's PyTorch (apt-get install python3-torch):

    cd packages/core/src/checkpoint/__fixtures__ && /usr/bin/python3 gen_fixtures.py

The tests never run this script; they read the committed outputs. Everything is deterministic
(fixed values, fixed seed) except the legacy files, whose storage keys are memory addresses.
"""

import io
import json
import math
import os
import pickle
import struct
import zipfile
from collections import OrderedDict

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(7)

TORCH_DTYPE = {
    torch.float32: "float32", torch.float16: "float16", torch.bfloat16: "bfloat16",
    torch.float64: "float64", torch.int64: "int64", torch.int32: "int32", torch.int16: "int16",
    torch.int8: "int8", torch.uint8: "uint8", torch.bool: "bool",
}
SAFETENSORS_DTYPE = {
    "float32": "F32", "float16": "F16", "bfloat16": "BF16", "float64": "F64", "int64": "I64",
    "int32": "I32", "int16": "I16", "int8": "I8", "uint8": "U8", "bool": "BOOL",
}
SPECIALS = [0.0, -0.0, 1.0, -2.5, 0.1, float("inf"), float("-inf"), float("nan")]


def value_sets():
    """Independent tensors (one storage each) covering every dtype and special values."""
    return OrderedDict([
        ("f32", torch.tensor(SPECIALS + [3.0e-5, 1e30, -1e-40], dtype=torch.float32)),
        ("f16", torch.tensor(SPECIALS + [65504.0, 5.960464477539063e-08, 6.1e-05, 1000.5], dtype=torch.float16)),
        ("bf16", torch.tensor(SPECIALS + [3.0e38, 1e-39, -7.25], dtype=torch.bfloat16)),
        ("f64", torch.tensor(SPECIALS + [math.pi, -1e300, 5e-324], dtype=torch.float64).view(1, 11)),
        ("i64", torch.tensor([0, -1, 2**62 + 1, -2**63, 2**63 - 1, 1234567890123], dtype=torch.int64).view(2, 3)),
        ("i32", torch.tensor([0, -1, 2**31 - 1, -2**31, 77], dtype=torch.int32)),
        ("i16", torch.tensor([0, -1, 32767, -32768], dtype=torch.int16)),
        ("i8", torch.tensor([0, -1, 127, -128], dtype=torch.int8)),
        ("u8", torch.tensor([0, 1, 128, 255], dtype=torch.uint8)),
        ("bool", torch.tensor([True, False, True], dtype=torch.bool)),
        ("scalar_i64", torch.tensor(7, dtype=torch.int64)),
        ("empty", torch.zeros(0, 3)),
        ("param", torch.nn.Parameter(torch.randn(2, 2))),
    ])


def view_sets():
    """Tensors sharing storages through offsets and strides."""
    base = torch.arange(12, dtype=torch.float32)
    cube = torch.arange(24, dtype=torch.float64).view(2, 3, 4)
    shared = torch.randn(6)
    return OrderedDict([
        ("base", base),
        ("offset_view", base[2:8].view(2, 3)),  # storage offset 2, stride (3, 1)
        ("transposed", base.view(3, 4).t()),  # stride (1, 4)
        ("strided", base.view(3, 4)[:, ::2]),  # stride (4, 2)
        ("permuted", cube.permute(2, 0, 1)),  # stride (1, 12, 4)
        ("shared_a", shared),
        ("shared_b", shared[1:4]),
    ])


def all_values():
    out = value_sets()
    out.update(view_sets())
    return out


def json_number(x):
    if isinstance(x, float):
        if math.isnan(x):
            return "NaN"
        if math.isinf(x):
            return "Infinity" if x > 0 else "-Infinity"
    return x


def describe(t):
    """Expected TensorData: dtype as stored, shape, row-major values (int64 as strings)."""
    t = t.detach()
    dtype = TORCH_DTYPE[t.dtype]
    flat = t.contiguous().reshape(-1)
    if dtype == "int64":
        values = [str(v) for v in flat.tolist()]
    elif dtype == "bool":
        values = [int(v) for v in flat.tolist()]
    elif dtype in ("float16", "bfloat16"):
        values = [json_number(v) for v in flat.float().tolist()]
    else:
        values = [json_number(v) for v in flat.tolist()]
    return {"dtype": dtype, "shape": list(t.shape), "values": values}


def summarize(v):
    """Mirror of summarize-extras.ts: the JSON-safe summary readCheckpoint returns in extras."""
    if isinstance(v, np.generic):  # before float: np.float64 subclasses float
        return {"$type": "opaque", "global": "numpy.core.multiarray.scalar"}
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v if abs(v) <= 2**53 - 1 else str(v)
    if isinstance(v, float):
        return json_number(v)
    if isinstance(v, (bytes, bytearray)):
        return {"$type": "bytes", "length": len(v)}
    if isinstance(v, torch.Tensor):
        return {"$type": "tensor", "dtype": TORCH_DTYPE[v.dtype], "shape": list(v.shape)}
    if isinstance(v, torch.dtype):
        return {"$type": "global", "name": str(v)}
    if isinstance(v, torch.device):
        return str(v)
    if isinstance(v, (list, tuple, set, frozenset)):
        return [summarize(x) for x in v]
    if isinstance(v, dict):
        return {str(k): summarize(x) for k, x in v.items()}
    raise TypeError(type(v))


def save(obj, name, legacy=False):
    path = os.path.join(HERE, name)
    torch.save(obj, path, _use_new_zipfile_serialization=not legacy)
    return path


def expect(name, fmt, obj_tensors, wrapper="none", prefix=None, ignored=(), extras=None):
    return name, {
        "format": fmt, "wrapper": wrapper, "prefix": prefix, "ignored": list(ignored),
        "extras": extras or {},
        "tensors": OrderedDict((k, describe(t)) for k, t in obj_tensors.items()),
    }


def big_endian_zip(src_bytes, name):
    """Rewrites a little-endian torch zip as a big-endian one (what torch>=2.1 writes on s390x):
    adds '<prefix>/byteorder' = 'big' and byte-swaps every storage. Written with Python's zipfile
    (real sizes in local headers, no 64-byte alignment), plus an unrelated deflated entry that a
    reader must ignore."""
    src = zipfile.ZipFile(io.BytesIO(src_bytes))
    prefix = src.namelist()[0].split("/")[0]
    sizes = {}

    class Probe(pickle.Unpickler):
        def persistent_load(self, pid):
            _, cls, key, _, numel = pid
            sizes[key] = torch.tensor([], dtype=cls(0).dtype).element_size()
            return cls(numel)

    Probe(io.BytesIO(src.read(f"{prefix}/data.pkl"))).load()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            key = info.filename[len(prefix) + len("/data/"):]
            if info.filename.startswith(f"{prefix}/data/") and sizes.get(key, 1) > 1:
                es = sizes[key]
                data = b"".join(data[i:i + es][::-1] for i in range(0, len(data), es))
            dst.writestr(info.filename, data)
        dst.writestr(f"{prefix}/byteorder", b"big")
        dst.writestr(f"{prefix}/extra/notes.txt", b"ignored " * 20, compress_type=zipfile.ZIP_DEFLATED)
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(out.getvalue())


def deflated_zip(src_bytes, name):
    """Same archive with every entry deflated: a reader must refuse data.pkl by name."""
    src = zipfile.ZipFile(io.BytesIO(src_bytes))
    with zipfile.ZipFile(os.path.join(HERE, name), "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))


def write_safetensors(tensors, name, metadata):
    """safetensors by hand: u64 LE header length, JSON header, data. The JSON lists tensors in
    reverse name order while the data follow insertion order, so readers must order by offset."""
    header, chunks, offset = {}, [], 0
    for key, t in tensors.items():
        t = t.detach().contiguous()
        raw = t.view(torch.int16).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        header[key] = {"dtype": SAFETENSORS_DTYPE[TORCH_DTYPE[t.dtype]], "shape": list(t.shape),
                       "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    ordered = {"__metadata__": metadata}
    ordered.update({k: header[k] for k in sorted(header, reverse=True)})
    text = json.dumps(ordered, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


class Evil:
    """What a malicious checkpoint looks like: unpickling it would run a shell command."""

    def __reduce__(self):
        return (os.system, ("echo pwned",))


def main():
    files = OrderedDict()
    values = all_values()

    save(values, "values.pth")
    files.__setitem__(*expect("values.pth", "torch-zip", values))
    save(values, "values_legacy.pth", legacy=True)
    files.__setitem__(*expect("values_legacy.pth", "torch-legacy", values))

    buf = io.BytesIO()
    torch.save(values, buf, _use_new_zipfile_serialization=True)  # archive name 'archive'
    with open(os.path.join(HERE, "values_buffer.pth"), "wb") as f:
        f.write(buf.getvalue())
    files.__setitem__(*expect("values_buffer.pth", "torch-zip", values))

    big_endian_zip(buf.getvalue(), "values_bigendian.pth")
    files.__setitem__(*expect("values_bigendian.pth", "torch-zip", values))

    small = OrderedDict((k, value_sets()[k]) for k in ("f32", "i64"))
    sbuf = io.BytesIO()
    torch.save(small, sbuf)
    deflated_zip(sbuf.getvalue(), "deflated.pth")
    files["deflated.pth"] = {"error": "UNSUPPORTED", "message_includes": "archive/data.pkl"}

    st = OrderedDict((k, t) for k, t in value_sets().items() if k not in ("empty", "param"))
    st["empty"] = torch.zeros(0, 3)
    write_safetensors(st, "tensors.safetensors", {"format": "pt", "note": "hand-written"})
    files.__setitem__(*expect("tensors.safetensors", "safetensors", st,
                              extras={"__metadata__": {"format": "pt", "note": "hand-written"}}))

    weights = OrderedDict([
        ("backbone.conv1.weight", torch.randn(4, 3, 3, 3)),
        ("backbone.bn1.running_mean", torch.randn(4)),
        ("backbone.bn1.num_batches_tracked", torch.tensor(0)),
        ("neck.fpn_convs.0.conv.bias", torch.randn(4)),
    ])
    meta = {
        "mmcv_version": "1.3.8", "CLASSES": ("person", "car"), "epoch": 12, "iter": 7330,
        "config": "model = dict(type='FasterRCNN')", "lr": 0.02, "best": float("nan"),
        "np_scalar": np.float64(0.5), "np_int": np.int64(3), "size": torch.Size([2, 3]),
        "device": torch.device("cpu"), "dtype": torch.float16, "tags": {"a"},
        "raw": b"abc", "mutable": bytearray(b"xy"), "huge": 2**70, "none": None,
        "nested": [1, [2, (3, 4.5)], {"k": "v"}], 7: "int key",
    }
    optimizer = {"state": {0: {"momentum_buffer": torch.zeros(4)}},
                 "param_groups": [{"lr": 0.02, "momentum": 0.9, "params": [0, 1]}]}
    save({"meta": meta, "state_dict": weights, "optimizer": optimizer}, "mmdet_meta.pth")
    files.__setitem__(*expect("mmdet_meta.pth", "torch-zip", weights, wrapper="meta+state_dict",
                              extras={"meta": summarize(meta), "optimizer": summarize(optimizer)}))

    seg = OrderedDict([
        ("conv1.weight", torch.randn(2, 3, 3, 3)),
        ("last_layer.3.bias", torch.randn(5)),
    ])
    class_weight = torch.tensor([0.8, 1.0, 1.2, 0.9, 1.1])
    full = OrderedDict([("model." + k, v) for k, v in seg.items()] + [("loss.criterion.weight", class_weight)])
    save(full, "seg_fullmodel.pth")
    files.__setitem__(*expect("seg_fullmodel.pth", "torch-zip", seg, prefix="model.",
                              ignored=["loss.criterion.weight"]))
    dp = OrderedDict(("module." + k, v) for k, v in full.items())
    save({"epoch": 5, "best_mIoU": 0.25, "state_dict": dp}, "seg_fullmodel_dp.pth", legacy=True)
    files.__setitem__(*expect("seg_fullmodel_dp.pth", "torch-legacy", seg, wrapper="state_dict",
                              prefix="module.model.", ignored=["module.loss.criterion.weight"],
                              extras={"epoch": 5, "best_mIoU": 0.25}))

    evil = OrderedDict([("w", torch.ones(2)), ("evil", Evil())])
    save(evil, "forbidden_global.pth")
    save(evil, "forbidden_global_legacy.pth", legacy=True)
    for name in ("forbidden_global.pth", "forbidden_global_legacy.pth"):
        files[name] = {"error": "UNSAFE_GLOBAL", "message_includes": f"{os.system.__module__}.system"}

    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump({"torch_version": torch.__version__, "files": files}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
