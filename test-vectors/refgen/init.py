"""Op dense_init: a dense layer's initial weights and bias under the conventions hebb4j (E10)
and torch (E27) of spec/emergence.md#conventions, from a seeded, derived SplitMix64 stream.

Written from the spec only: hebb4j draws W row-major as float32(float32(1/sqrt(I)) * g), g the
Box-Muller double of (R6), and sets b = 0; torch draws every weight, then every bias, as
float32(bound * (2u - 1)), bound = 1/sqrt(I) in double and u the 53-bit uniform double (R4).
Python integers and IEEE double arithmetic (and, for hebb4j, math.log and math.cos, whose draws
are refused near a float32 rounding boundary as the rng op's are), so the values are exact:
tolerance 0.
"""

import math

from refgen.common import Case, OpFile, T
from refgen.rng import _safe_for_f32, round_f32, stream


def _draw(seed, chain, fan_in, fan_out, bias, conventions):
    r = stream(seed, chain)
    n = fan_in * fan_out
    if conventions == "hebb4j":
        std = round_f32(1.0 / math.sqrt(fan_in))
        prods = [std * r.gaussian_double() for _ in range(n)]
        for v in prods:  # libm's log and cos may differ by an ulp: refuse near-ties
            assert _safe_for_f32(v), ("gaussian weight too close to a float32 boundary", v)
        w = [round_f32(v) for v in prods]
        b = [0.0] * fan_out
    else:
        bound = 1.0 / math.sqrt(fan_in)
        w = [round_f32(bound * (2.0 * r.uniform_double() - 1.0)) for _ in range(n)]
        b = [round_f32(bound * (2.0 * r.uniform_double() - 1.0)) for _ in range(fan_out)]
        for v in w + b:
            assert abs(v) <= bound, ("torch init outside its bound", v, bound)
    return w, b


def _case(seed, chain, fan_in, fan_out, bias, conventions):
    w, b = _draw(seed, chain, fan_in, fan_out, bias, conventions)
    params = {"seed": seed, "stream": chain, "in": fan_in, "out": fan_out, "bias": bias,
              "conventions": conventions}
    expected = {"W": T([w[i * fan_in:(i + 1) * fan_in] for i in range(fan_out)])}
    if bias:
        expected["b"] = T(b)
    cid = "%s-seed%d-%s-%dx%d%s" % (conventions, seed, chain.replace("/", ".") or "root",
                                     fan_out, fan_in, "" if bias else "-nobias")
    return Case(cid, params, {}, expected, {"rtol": 0, "atol": 0})


def dense_init_file():
    specs = []
    for conv in ("hebb4j", "torch"):
        specs += [
            (1, "student/layer1", 32, 128, True, conv),
            (1, "student/layer2", 128, 32, True, conv),
            (7, "teacher/layer1", 3, 5, True, conv),
            (7, "", 1, 4, False, conv),
            (2 ** 40 + 3, "b1.Wq", 32, 32, True, conv),
        ]
    cases = [_case(*s) for s in specs]
    return OpFile(
        "dense_init", "spec/emergence.md#conventions",
        "A dense layer's initial parameters. params: seed, stream ('/'-separated derive chain), "
        "in, out, bias, conventions (hebb4j: (E10) W ~ N(0, 1/in), b = 0; torch: (E27) W then b "
        "~ U(-1/sqrt(in), 1/sqrt(in))). expected: W [out, in], b [out] (with bias). Bit-exact: "
        "tolerance 0.",
        {"rtol": 0, "atol": 0}, cases)


def files():
    return [dense_init_file()]
