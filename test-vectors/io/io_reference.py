#!/usr/bin/env python3
"""Reference files for hebb4j's safetensors / .npy / .npz I/O (spec/io.md), with numpy alone.

No safetensors, torch or other package: the safetensors layout is written and read here by hand
(an 8-byte little-endian header size, a JSON header, the little-endian data), so this script is
an independent second implementation of the format.

Subcommands:

  python3 io_reference.py write DIR
      Writes the sample files below into DIR, with fixed values (rerunning changes nothing):
        sample.safetensors      F32 'layer.weight' [2, 3], 'layer.bias' [5] (-0.0, inf, nan,
                                the smallest subnormal, the largest float32), 'cube' [2, 2, 2],
                                'scale' [] (a scalar), 'empty' [0]; I32 'labels' [4]; and
                                __metadata__ with non-ASCII text and quotes
        sample.npy              float32 [3, 4], numpy.save
        sample_int.npy          int32 [2, 3], numpy.save
        sample_f8.npy           float64 [4] (read by hebb4j rounded to float32)
        sample_i8.npy           int64 [3], every value within int32
        sample.npz              numpy.savez: 'w' float32 [2, 3], 'b' float32 [3], 's' float32 []
        sample_compressed.npz   numpy.savez_compressed of the same arrays
      The committed copies live next to this script; hebb4j's tests (IoReferenceFilesTest)
      check that hebb4j reads exactly these values.

  python3 io_reference.py mlp DIR
      Writes a 4-8-3 tanh MLP (linear output, biases) with fixed values as PyTorch's
      torch.nn.Sequential(Linear(4, 8), Tanh(), Linear(8, 3)).state_dict() names it, in the
      layout of spec/emergence.md#mlp-state, and its predictions for a fixed input:
        mlp.safetensors         F32 '0.weight' [8, 4], '0.bias' [8], '2.weight' [3, 8],
                                '2.bias' [3]; __metadata__ format hebb4j.mlp/1, input 4,
                                hidden 8, output 3, activation tanh, output_activation linear,
                                bias true
        mlp_input.npy           float32 [5, 4], the input rows
        mlp_expected.npy        float64 [5, 3], tanh(x W0^T + b0) W2^T + b2 computed in float64
                                from the float32 values
      hebb4j's MlpReferenceFileTest loads mlp.safetensors with Mlp.load and compares predict().

  python3 io_reference.py check FILE EXPECTED.json
      Loads FILE with numpy alone and compares it with EXPECTED.json exactly; exits 1 listing
      every difference. FILE is a .safetensors (parsed by hand: np.frombuffer over the header's
      data_offsets, after checking the header's layout: size, padding to 8 bytes, dtypes, and
      tensors tiling the data buffer with no gap or overlap), a .npy (numpy.load) or a .npz
      (numpy.load). EXPECTED.json is
        {"metadata": {str: str},                   # safetensors only
         "tensors": [{"name": str, "dtype": "F32" | "I32", "shape": [int, ...],
                      "bits": [int, ...]}, ...]}   # in file order
      where "bits" are the values' 32-bit patterns as unsigned integers (row-major), so NaN
      payloads and -0.0 compare exactly. hebb4j's IoPythonCheckTest writes both files.
"""
import json
import struct
import sys
from pathlib import Path

import numpy as np

DTYPES = {"F32": np.dtype("<f4"), "I32": np.dtype("<i4")}


def sample_tensors():
    """The sample safetensors content: (name, array) in file order, and the metadata."""
    bias = np.array([-0.0, np.inf, np.nan, 0.0, 0.0], dtype="<f4")
    bias.view("<u4")[3] = 1                     # smallest subnormal, 2^-149
    bias[4] = np.finfo(np.float32).max
    tensors = [
        ("layer.weight", ((np.arange(6, dtype="<f4") - 2.5) / 4).reshape(2, 3)),
        ("layer.bias", bias),
        ("cube", (np.arange(8, dtype="<f4") * 0.125 - 0.5).reshape(2, 2, 2)),
        ("scale", np.array(0.5, dtype="<f4")),
        ("empty", np.zeros(0, dtype="<f4")),
        ("labels", np.array([0, -1, 2147483647, -2147483648], dtype="<i4")),
    ]
    metadata = {"format": "pt", "note": "caf\u00e9 \u03b7 \U0001F600 \"quoted\" \\ back",
                "config": json.dumps({"layers": [784, 10], "rule": "hebb"})}
    return tensors, metadata


def sample_arrays():
    """The sample .npz content, name to array."""
    return {"w": (np.arange(6, dtype="<f4") * 0.5 - 1).reshape(2, 3),
            "b": np.array([1.5, -2.25, 3.0], dtype="<f4"),
            "s": np.array(-0.75, dtype="<f4")}


def safetensors_bytes(tensors, metadata):
    """A safetensors file as the reference writer lays it out: compact JSON, space padding."""
    header = {"__metadata__": metadata}
    data = b""
    for name, a in tensors:
        dtype = {np.dtype("<f4"): "F32", np.dtype("<i4"): "I32"}[a.dtype]
        raw = np.ascontiguousarray(a).tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape),
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def write(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tensors, metadata = sample_tensors()
    (out / "sample.safetensors").write_bytes(safetensors_bytes(tensors, metadata))
    np.save(out / "sample.npy", (np.arange(12, dtype="<f4") / 8 - 0.5).reshape(3, 4))
    np.save(out / "sample_int.npy", np.array([[-3, -2, -1], [0, 1, 2**31 - 1]], dtype="<i4"))
    np.save(out / "sample_f8.npy", np.array([0.1, -1e300, 1.0 + 2**-30, 2.5], dtype="<f8"))
    np.save(out / "sample_i8.npy", np.array([-2**31, 0, 2**31 - 1], dtype="<i8"))
    arrays = sample_arrays()
    np.savez(out / "sample.npz", **arrays)
    np.savez_compressed(out / "sample_compressed.npz", **arrays)


def mlp_tensors():
    """The reference MLP 4-8-3: (name, float32 array) in state_dict order, and the metadata."""
    def values(shape, phase):
        n = int(np.prod(shape))
        return (0.6 * np.sin(0.7 * np.arange(n) + phase)).astype("<f4").reshape(shape)
    tensors = [("0.weight", values((8, 4), 0.1)), ("0.bias", values((8,), 1.3) * 0.5),
               ("2.weight", values((3, 8), 2.2)), ("2.bias", values((3,), 0.4) * 0.5)]
    metadata = {"format": "hebb4j.mlp/1", "input": "4", "hidden": "8", "output": "3",
                "activation": "tanh", "output_activation": "linear", "bias": "true"}
    return tensors, metadata


def write_mlp(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tensors, metadata = mlp_tensors()
    (out / "mlp.safetensors").write_bytes(safetensors_bytes(tensors, metadata))
    x = (np.cos(1.1 * np.arange(20) + 0.3) * 1.5).astype("<f4").reshape(5, 4)
    p = {name: a.astype(np.float64) for name, a in tensors}
    h = np.tanh(x.astype(np.float64) @ p["0.weight"].T + p["0.bias"])
    y = h @ p["2.weight"].T + p["2.bias"]
    np.save(out / "mlp_input.npy", x)
    np.save(out / "mlp_expected.npy", y.astype("<f8"))


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    dup = {k for k in keys if keys.count(k) > 1}
    if dup:
        raise ValueError(f"duplicate JSON keys {sorted(dup)}")
    return dict(pairs)


def load_safetensors(path):
    """(metadata, [(name, dtype name, array)]) of a safetensors file, layout checked."""
    raw = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    if n % 8 != 0:
        raise ValueError(f"header size {n} is not a multiple of 8")
    header = json.loads(raw[8:8 + n].decode("utf-8"), object_pairs_hook=no_duplicates)
    buf = raw[8 + n:]
    metadata = header.pop("__metadata__", {})
    tensors, at = [], 0
    for name, info in header.items():
        begin, end = info["data_offsets"]
        if begin != at:
            raise ValueError(f"tensor {name!r} begins at {begin}, expected {at}")
        dtype = DTYPES[info["dtype"]]
        count = int(np.prod(info["shape"], dtype=np.int64))
        if end - begin != count * dtype.itemsize:
            raise ValueError(f"tensor {name!r}: {end - begin} bytes for shape {info['shape']}")
        a = np.frombuffer(buf, dtype=dtype, count=count, offset=begin).reshape(info["shape"])
        tensors.append((name, info["dtype"], a))
        at = end
    if at != len(buf):
        raise ValueError(f"data buffer has {len(buf)} bytes, tensors cover {at}")
    return metadata, tensors


def check(path, expected_path):
    expected = json.loads(Path(expected_path).read_text(encoding="utf-8"))
    if str(path).endswith(".safetensors"):
        metadata, tensors = load_safetensors(path)
    elif str(path).endswith(".npz"):
        with np.load(path) as z:
            metadata, tensors = {}, [(k, None, z[k]) for k in z.files]
    else:
        metadata, tensors = {}, [("", None, np.load(path))]
    errors = []
    if metadata != expected.get("metadata", {}):
        errors.append(f"metadata {metadata!r} != expected {expected.get('metadata', {})!r}")
    names = [t[0] for t in tensors]
    want_names = [t["name"] for t in expected["tensors"]]
    if names != want_names:
        errors.append(f"names {names} != expected {want_names}")
    for (name, dtype, a), want in zip(tensors, expected["tensors"]):
        want_dtype = DTYPES[want["dtype"]]
        if a.dtype != want_dtype or (dtype is not None and dtype != want["dtype"]):
            errors.append(f"{name!r}: dtype {dtype or a.dtype} != expected {want['dtype']}")
            continue
        if list(a.shape) != want["shape"]:
            errors.append(f"{name!r}: shape {list(a.shape)} != expected {want['shape']}")
            continue
        bits = np.ascontiguousarray(a).reshape(-1).view("<u4").tolist()
        if bits != want["bits"]:
            bad = next(i for i, (x, y) in enumerate(zip(bits, want["bits"])) if x != y) \
                if len(bits) == len(want["bits"]) else None
            errors.append(f"{name!r}: values differ (first at flat index {bad})")
    for e in errors:
        print(f"{path}: {e}", file=sys.stderr)
    if errors:
        sys.exit(1)
    print(f"{path}: {len(tensors)} tensors match")


def main(argv):
    if len(argv) == 3 and argv[1] == "write":
        write(argv[2])
    elif len(argv) == 3 and argv[1] == "mlp":
        write_mlp(argv[2])
    elif len(argv) == 4 and argv[1] == "check":
        try:
            check(argv[2], argv[3])
        except (ValueError, KeyError, UnicodeDecodeError, struct.error) as e:
            print(f"{argv[2]}: {e}", file=sys.stderr)
            sys.exit(1)
    else:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        print("usage: io_reference.py write DIR | mlp DIR | check FILE EXPECTED.json",
              file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv)
