"""Shared helpers: float32 rounding of inputs, TENSOR objects, tolerance bounds, JSON writer.

Format: hebb4j test vectors, format 1 (schema "hebb4j-test-vectors/1"), see spec/test-vectors.md.
"""

import math

import numpy as np

SCHEMA = "hebb4j-test-vectors/1"
GENERATOR = {"name": "numpy-float64-reference", "version": "1"}

# Unit roundoff of binary32 (round to nearest): half the distance from 1 to the next float.
U32 = 2.0 ** -24


# ---------------------------------------------------------------------------------------------
# Inputs

def f32(a):
    """Round to the nearest float32, returned as float64 (exactly representable)."""
    return np.asarray(a, dtype=np.float64).astype(np.float32).astype(np.float64)


def draw(rng, shape, lo=-1.0, hi=1.0):
    """Uniform draw in [lo, hi), ROUNDED TO FLOAT32, returned as a float64 array.

    Every expected value is computed in float64 from these rounded inputs, so the inputs in the
    file are exactly the numbers the expected values were computed from.
    """
    return f32(rng.uniform(lo, hi, size=tuple(shape)))


# ---------------------------------------------------------------------------------------------
# Tolerances

def sum_bound_atol(nterms, abs_sum, safety=2.0):
    """Absolute error bound for a float32 sum of `nterms` rounded products, in ANY order.

    First-order rounding analysis: evaluating sum_t a_t b_t in float32 with any association
    (sequential, pairwise, SIMD lanes, blocked, with or without FMA) gives
        |computed - exact| <= (nterms - 1 + 1) u sum_t |a_t b_t|
    (nterms - 1 additions, one rounding per product). Three more roundings cover a final scaling
    (alpha, 1/size^2), an added term (beta C, bias) and the float32 rounding of the expected value
    when the verifier reads it. `abs_sum` is max over elements of sum_t |a_t b_t| (plus the
    absolute value of any added term). The result is multiplied by `safety`.
    """
    return float(safety * (nterms + 3) * U32 * abs_sum)


def tol(rtol, atol):
    """A tolerance object; atol is rounded up to 2 significant digits for readability."""
    if atol > 0:
        e = math.floor(math.log10(atol))
        up = float("%.2g" % (math.ceil(atol / 10.0 ** (e - 1)) * 10.0 ** (e - 1)))
        atol = up if up >= atol else float("%.2g" % (up * 1.05))
    return {"rtol": rtol, "atol": atol}


# ---------------------------------------------------------------------------------------------
# TENSOR objects and cases

class Tensor:
    """A TENSOR: shape + row-major data, dtype float32 (default) or int32."""

    def __init__(self, data, dtype="float32", shape=None):
        arr = np.asarray(data)
        self.shape = list(arr.shape) if shape is None else list(shape)
        self.dtype = dtype
        flat = arr.reshape(-1)
        if dtype == "float32":
            flat = flat.astype(np.float64)
            # Round to float32 once; '%.9g' then round-trips that float32 exactly. NaN and the
            # infinities are written as the strings "NaN", "Infinity", "-Infinity" (the contract).
            big = np.isfinite(flat) & (np.abs(flat) >= 2.0 ** 128)
            if np.any(big):
                raise ValueError("finite value beyond float32 range in tensor")
            self.data = [float(v) for v in flat.astype(np.float32)]
        elif dtype == "int32":
            vals = [int(v) for v in flat]
            for v in vals:
                if not -2 ** 31 <= v < 2 ** 31:
                    raise ValueError("int32 out of range: %d" % v)
            self.data = vals
        else:
            raise ValueError("unknown dtype " + dtype)
        if int(np.prod(self.shape)) != len(self.data):
            raise ValueError("shape %s does not match %d elements" % (self.shape, len(self.data)))


def T(data, dtype="float32"):
    return Tensor(data, dtype)


class Case:
    def __init__(self, id, params, inputs, expected, tolerance=None, comment=None, flags=None):
        for fl in flags or []:
            if fl not in FLAGS:
                raise ValueError("unknown flag %r in case %s" % (fl, id))
        self.flags = list(flags or [])
        self.id = id
        self.params = params
        self.inputs = inputs
        self.expected = expected
        self.tolerance = tolerance
        self.comment = comment


class OpFile:
    """One JSON file: one op family, written to test-vectors/<op>.json."""

    def __init__(self, op, spec, comment, tolerance, cases, filename=None):
        self.op = op
        self.spec = spec
        self.comment = comment
        self.tolerance = tolerance
        self.cases = cases
        self.filename = filename or (op + ".json")
        ids = [c.id for c in cases]
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate case ids in " + op)


# ---------------------------------------------------------------------------------------------
# JSON writer (hand-rolled so the number format and layout are fixed: byte-identical reruns)

# Hazard flags of edge cases (Wycheproof style), glossary in spec/test-vectors.md#flags.
FLAGS = {
    "tiny", "huge", "mixed", "subnormal", "nan", "infinity", "empty", "length1", "zero",
    "width-1", "width", "width+1", "ties", "alpha0", "beta0", "constant", "saturation",
    "peaked",
}


def _data_num(v):
    """A float32 element of `data`: a number, or "NaN" / "Infinity" / "-Infinity"."""
    v = float(v)
    if math.isnan(v):
        return '"NaN"'
    if math.isinf(v):
        return '"Infinity"' if v > 0 else '"-Infinity"'
    return _num(v)


def _num(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    v = float(v)
    if not math.isfinite(v):
        raise ValueError("non-finite number")
    s = "%.9g" % v
    return s


def _str(s):
    import json
    return json.dumps(s, ensure_ascii=False)


def _scalar(v):
    if isinstance(v, str):
        return _str(v)
    return _num(v)


def _tensor(t):
    parts = ['"shape": [' + ", ".join(str(d) for d in t.shape) + "]"]
    if t.dtype != "float32":
        parts.append('"dtype": ' + _str(t.dtype))
    if t.dtype == "int32":
        data = ", ".join(str(v) for v in t.data)
    else:
        data = ", ".join(_data_num(v) for v in t.data)
    parts.append('"data": [' + data + "]")
    return "{" + ", ".join(parts) + "}"


def _obj_inline(d):
    return "{" + ", ".join(_str(k) + ": " + _scalar(v) for k, v in d.items()) + "}"


def _tensor_map(d, indent):
    if not d:
        return "{}"
    pad = " " * indent
    lines = [pad + "  " + _str(k) + ": " + _tensor(v) for k, v in d.items()]
    return "{\n" + ",\n".join(lines) + "\n" + pad + "}"


def render(f):
    out = ["{"]
    out.append('  "schema": ' + _str(SCHEMA) + ",")
    out.append('  "op": ' + _str(f.op) + ",")
    out.append('  "spec": ' + _str(f.spec) + ",")
    out.append('  "generator": ' + _obj_inline(GENERATOR) + ",")
    out.append('  "comment": ' + _str(f.comment) + ",")
    out.append('  "tolerance": ' + _obj_inline(f.tolerance) + ",")
    out.append('  "cases": [')
    cases = []
    for c in f.cases:
        lines = ["    {", '      "id": ' + _str(c.id) + ","]
        if c.comment:
            lines.append('      "comment": ' + _str(c.comment) + ",")
        if c.flags:
            lines.append('      "flags": [' + ", ".join(_str(fl) for fl in c.flags) + "],")
        lines.append('      "params": ' + _obj_inline(c.params) + ",")
        lines.append('      "inputs": ' + _tensor_map(c.inputs, 6) + ",")
        if c.tolerance is not None:
            lines.append('      "expected": ' + _tensor_map(c.expected, 6) + ",")
            lines.append('      "tolerance": ' + _obj_inline(c.tolerance))
        else:
            lines.append('      "expected": ' + _tensor_map(c.expected, 6))
        lines.append("    }")
        cases.append("\n".join(lines))
    out.append(",\n".join(cases))
    out.append("  ]")
    out.append("}")
    return "\n".join(out) + "\n"


def write(f, directory):
    import os
    path = os.path.join(directory, f.filename)
    text = render(f)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    return path, len(text.encode("utf-8"))
