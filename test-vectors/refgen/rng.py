"""The `rng` op: hebb4j's SplitMix64 random-number generator, from spec/rng.md.

Everything is on Python ints masked to 64 bits; Gaussian draws use math.log / math.cos /
math.sqrt in binary64 (spec/rng.md#gaussian). Tolerance 0: the outputs must match bit for bit.
"""

import math
import struct

from .common import Case, OpFile, T

M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
TWO_PI = 2.0 * math.pi          # the double nearest to 2*pi
TWO_POW_M53 = 2.0 ** -53
TWO_POW_M24 = 2.0 ** -24


def mix64(z):
    """(R2) SplitMix64 finaliser."""
    z &= M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def fnv1a64(s):
    """(R10) FNV-1a over the UTF-8 bytes of s."""
    h = 0xCBF29CE484222325
    for byte in s.encode("utf-8"):
        h = ((h ^ byte) * 0x100000001B3) & M64
    return h


def round_f32(v):
    return struct.unpack("<f", struct.pack("<f", v))[0]


class Rng:
    def __init__(self, seed):
        self.seed = seed & M64      # (R1)
        self.state = self.seed

    def raw(self):
        """(R3)"""
        self.state = (self.state + GOLDEN) & M64
        return mix64(self.state)

    def derive(self, name):
        """(R9) child seed = mix64(parent's starting seed ^ fnv1a64(name))."""
        return Rng(mix64(self.seed ^ fnv1a64(name)))

    def uniform_double(self):
        """(R4)"""
        return (self.raw() >> 11) * TWO_POW_M53

    def uniform_float(self):
        """(R5)"""
        return (self.raw() >> 40) * TWO_POW_M24

    def next_int(self, bound):
        """(R7) rejection sampling, no modulo bias."""
        assert 0 < bound < 2 ** 31
        top = (1 << 63) - 1
        limit = top - (top % bound)
        while True:
            u = self.raw() >> 1
            if u < limit:
                return u % bound

    def gaussian_double(self):
        """(R6) Box-Muller, cosine branch; exactly two raw draws."""
        u1 = 1.0 - self.uniform_double()
        u2 = self.uniform_double()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(TWO_PI * u2)

    def gaussian(self):
        return round_f32(self.gaussian_double())


def stream(seed, chain):
    r = Rng(seed)
    if chain:
        for name in chain.split("/"):
            r = r.derive(name)
    return r


def _signed32(v):
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >= (1 << 31) else v


def _safe_for_f32(g):
    """True unless g sits so close to a float32 rounding boundary that a one-ulp difference in
    log/cos (fdlibm vs this libm) could change round_f32(g). See spec/rng.md#gaussian."""
    f = round_f32(g)
    if f == g:
        return True
    # neighbouring float32 in the direction of g, and the midpoint between them
    up = g > f
    bits = struct.unpack("<I", struct.pack("<f", f))[0]
    if (f >= 0) == up:
        bits += 1
    else:
        bits -= 1
    nb = struct.unpack("<f", struct.pack("<I", bits))[0]
    mid = (f + nb) / 2.0
    return abs(g - mid) > 64 * abs(g) * 2.0 ** -52


# Self-check values computed by hand from (R1)-(R3): the first SplitMix64 outputs for seed 0
# are the well-known 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F.
_KNOWN_SEED0 = [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F]


def _self_check():
    r = Rng(0)
    assert [r.raw() for _ in range(3)] == _KNOWN_SEED0, "SplitMix64 self-check"
    assert fnv1a64("") == 0xCBF29CE484222325
    assert fnv1a64("a") == 0xAF63DC4C8601EC8C, "FNV-1a self-check"
    # derive depends only on the starting seed, not on draws made
    a = Rng(7)
    b = Rng(7)
    for _ in range(5):
        b.raw()
    assert a.derive("x").raw() == b.derive("x").raw()


def _case(seed, chain, dist, count, bound=None):
    r = stream(seed, chain)
    params = {"seed": seed, "stream": chain, "dist": dist, "count": count}
    if dist == "raw":
        raws = [r.raw() for _ in range(count)]
        expected = {"hi": T([_signed32(v >> 32) for v in raws], "int32"),
                    "lo": T([_signed32(v) for v in raws], "int32")}
    elif dist == "uniform_float":
        expected = {"values": T([r.uniform_float() for _ in range(count)])}
    elif dist == "gaussian":
        gs = [r.gaussian_double() for _ in range(count)]
        for g in gs:
            assert _safe_for_f32(g), ("gaussian draw too close to a float32 rounding boundary",
                                      seed, chain, g)
        expected = {"values": T([round_f32(g) for g in gs])}
    elif dist == "int":
        params["bound"] = bound
        expected = {"values": T([r.next_int(bound) for _ in range(count)], "int32")}
    else:
        raise ValueError(dist)
    name = chain.replace("/", ".") if chain else "root"
    if not name.isascii():
        name = "utf8name"
    cid = "seed%d-%s-%s%s-%d" % (seed, name, dist,
                                 "" if bound is None else str(bound), count)
    return Case(cid, params, {}, expected, {"rtol": 0, "atol": 0})


def rng_file():
    _self_check()
    big = 2 ** 53 - 1
    specs = [
        (0, "", "raw", 16, None),
        (0, "", "uniform_float", 32, None),
        (0, "", "gaussian", 32, None),
        (0, "", "int", 32, 10),
        (1, "", "raw", 16, None),
        (42, "", "raw", 16, None),
        (42, "init", "raw", 16, None),
        (42, "init/layer1", "raw", 16, None),
        (42, "init/layer1", "gaussian", 64, None),
        (42, "init/layer2", "uniform_float", 32, None),
        (42, "data/shuffle", "int", 64, 60000),
        (123456789, "noise", "gaussian", 48, None),
        (123456789, "init/conv1/w", "uniform_float", 24, None),
        (123456789, "", "int", 32, 1),
        (123456789, "", "int", 32, 2),
        (big, "", "raw", 16, None),
        (big, "", "uniform_float", 16, None),
        (big, "", "gaussian", 32, None),
        (big, "init/layer1", "int", 32, 2 ** 31 - 1),
        (big, "pruning", "int", 32, 1000003),
        (2 ** 32 + 5, "caf\u00e9/\u03bb", "raw", 16, None),   # non-ASCII names: UTF-8 bytes
        (7, "x", "gaussian", 16, None),
    ]
    cases = [_case(*sp) for sp in specs]
    return OpFile(
        "rng", "spec/rng.md#vectors",
        "SplitMix64 streams (R1)-(R10). params: seed (< 2^53), stream ('/'-separated derive "
        "chain, empty = root), dist, count, bound (int only). raw: hi/lo int32 halves of each "
        "64-bit draw (two's complement); otherwise values (float32, or int32 for int). "
        "Bit-exact: tolerance 0.",
        {"rtol": 0, "atol": 0}, cases)


def files():
    return [rng_file()]
