"""Hebbian-CNN ops: hebb_dense, hebb_conv2d, kwta, triangle, standardize, zca_fit, ridge_fit,
and hebb4j's own zca_eigen_rng (a 784 x 784 covariance built from the project RNG).

Written from spec/hebbian-rules.md, spec/hebbcnn.md and the test-vector contract only, never from
the Java code. Float64 throughout; every input is rounded to float32 before anything is computed
(refgen.common.draw), so the expected values are those of exactly the numbers in the file. Every
case is self-checked before it is written:
  * hebb_dense / hebb_conv2d against literal loops over the written-out sums (H4)/(H5), the conv
    sum itself computed from the kernel-offset form of (K14) in refgen.kernels, not im2col;
  * kwta against a literal sort of (value desc, channel asc) per position;
  * triangle and standardize against literal per-element loops;
  * zca_fit: W (C + eps I) W = I and W symmetric;
  * ridge_fit: against an independent least-squares solve of the augmented system
    [Xc; sqrt(alpha) I] W = [Yc; 0];
  * zca_eigen_rng: the RNG stream against refgen.rng, W (C + eps I) W = I.
"""

import itertools
import math

import numpy as np

from .common import Case, OpFile, T, U32, draw, f32, sum_bound_atol, tol
from .kernels import conv2d_backward_weights, conv_out
from .rng import Rng

RTOL = 1e-4

SEED_HEBB_DENSE = 20240701
SEED_HEBB_CONV2D = 20240702
SEED_KWTA = 20240703
SEED_TRIANGLE = 20240704
SEED_STANDARDIZE = 20240705
SEED_ZCA = 20240706
SEED_RIDGE = 20240707
SEED_STANDARDIZE_EDGE = 20261133

RULES = ("plain", "instar", "oja")


def _y(rng, shape, binary):
    if binary:
        return (rng.uniform(0, 1, size=shape) < 0.35).astype(np.float64)
    return draw(rng, shape, -0.5, 2.0)


# =============================================================================================
# hebb_dense (H4)

def hebb_dense_ref(rule, x, y, w):
    dw = y.T @ x
    if rule == "instar":
        dw -= y.sum(axis=0)[:, None] * w
    elif rule == "oja":
        dw -= (y * y).sum(axis=0)[:, None] * w
    return dw


def _hebb_dense_literal(rule, x, y, w):
    B, I = x.shape
    O = w.shape[0]
    dw = np.zeros((O, I))
    for o, j in itertools.product(range(O), range(I)):
        acc = 0.0
        for b in range(B):
            if rule == "plain":
                acc += y[b, o] * x[b, j]
            elif rule == "instar":
                acc += y[b, o] * (x[b, j] - w[o, j])
            else:
                acc += y[b, o] * (x[b, j] - y[b, o] * w[o, j])
        dw[o, j] = acc
    return dw


def _correction_abs(rule, y, w):
    """Per-element sum of |correction terms|: (sum |y|) |w| (instar) or (sum y^2) |w| (oja)."""
    if rule == "plain":
        return np.zeros_like(w)
    s = np.abs(y).sum(axis=0) if rule == "instar" else (y * y).sum(axis=0)
    return s[:, None] * np.abs(w)


def _hebb_dense_case(rng, B, I, O, binary, tag=""):
    x = draw(rng, (B, I), -1.0, 1.0)
    y = _y(rng, (B, O), binary)
    w = draw(rng, (O, I), -1.0, 1.0)
    cases = []
    for rule in RULES:
        dw = hebb_dense_ref(rule, x, y, w)
        lit = _hebb_dense_literal(rule, x, y, w)
        assert np.max(np.abs(dw - lit)) <= 1e-12 * max(1.0, np.max(np.abs(dw))), "dense self-check"
        absum = np.abs(y).T @ np.abs(x) + _correction_abs(rule, y, w)
        atol = sum_bound_atol(B + 1, np.max(absum))
        cid = "%s-b%di%do%d-%s%s" % (rule, B, I, O, "binary" if binary else "real", tag)
        cases.append(Case(cid, {"rule": rule}, {"x": T(x), "y": T(y), "w": T(w)},
                          {"dw": T(dw)}, tol(RTOL, atol),
                          comment="x[%d,%d] y[%d,%d] w[%d,%d]" % (B, I, B, O, O, I)))
    return cases


def hebb_dense_file():
    rng = np.random.default_rng(SEED_HEBB_DENSE)
    specs = [(1, 1, 1, False), (3, 5, 4, False), (7, 3, 6, False), (4, 9, 2, True),
             (16, 12, 10, False), (5, 17, 3, True), (2, 33, 9, False)]
    cases = []
    for sp in specs:
        cases += _hebb_dense_case(rng, *sp)
    return OpFile(
        "hebb_dense", "spec/hebbian-rules.md#dense-rule",
        "Dense Hebbian updates (H4), summed over the batch: plain sum_b y_bo x_b; instar "
        "sum_b y_bo (x_b - w_o); oja sum_b y_bo (x_b - y_bo w_o). y real-valued (some negative) "
        "or binary. Per-case atol = 2 (K+3) 2^-24 max(sum |y x| + |correction terms|), K = B + 1.",
        {"rtol": RTOL, "atol": 1e-5}, cases)


# =============================================================================================
# hebb_conv2d (H5)

def hebb_conv2d_ref(rule, x, y, w, s, p):
    dw = conv2d_backward_weights(x, y, w.shape, s, p)   # sum_{n,i,j} y_noij x_nij  (K14 form)
    O = w.shape[0]
    if rule == "instar":
        dw -= y.sum(axis=(0, 2, 3)).reshape(O, 1, 1, 1) * w
    elif rule == "oja":
        dw -= (y * y).sum(axis=(0, 2, 3)).reshape(O, 1, 1, 1) * w
    return dw


def _hebb_conv2d_literal(rule, x, y, w, s, p):
    N, C, H, W = x.shape
    O, _, KH, KW = w.shape
    OH, OW = y.shape[2], y.shape[3]
    dw = np.zeros(w.shape)
    for n, o, i, j in itertools.product(range(N), range(O), range(OH), range(OW)):
        yv = y[n, o, i, j]
        for c, u, v in itertools.product(range(C), range(KH), range(KW)):
            h, ww = i * s - p + u, j * s - p + v
            xv = x[n, c, h, ww] if (0 <= h < H and 0 <= ww < W) else 0.0
            if rule == "plain":
                dw[o, c, u, v] += yv * xv
            elif rule == "instar":
                dw[o, c, u, v] += yv * (xv - w[o, c, u, v])
            else:
                dw[o, c, u, v] += yv * (xv - yv * w[o, c, u, v])
    return dw


def _hebb_conv2d_case(rng, N, C, H, W, O, KH, KW, s, p, binary):
    OH, OW = conv_out(H, W, KH, KW, s, p)
    assert OH >= 1 and OW >= 1
    x = draw(rng, (N, C, H, W), -1.0, 1.0)
    y = _y(rng, (N, O, OH, OW), binary)
    w = draw(rng, (O, C, KH, KW), -1.0, 1.0)
    cases = []
    for rule in RULES:
        dw = hebb_conv2d_ref(rule, x, y, w, s, p)
        lit = _hebb_conv2d_literal(rule, x, y, w, s, p)
        assert np.max(np.abs(dw - lit)) <= 1e-12 * max(1.0, np.max(np.abs(dw))), "conv self-check"
        ay = np.abs(y)
        absum = conv2d_backward_weights(np.abs(x), ay, w.shape, s, p)
        if rule == "instar":
            absum = absum + ay.sum(axis=(0, 2, 3)).reshape(O, 1, 1, 1) * np.abs(w)
        elif rule == "oja":
            absum = absum + (y * y).sum(axis=(0, 2, 3)).reshape(O, 1, 1, 1) * np.abs(w)
        atol = sum_bound_atol(N * OH * OW + 1, np.max(absum))
        cid = "%s-k%dx%d-s%d-p%d-n%dc%dh%dw%d-o%d-%s" % (rule, KH, KW, s, p, N, C, H, W, O,
                                                       "binary" if binary else "real")
        cases.append(Case(cid, {"rule": rule, "stride": s, "padding": p},
                          {"x": T(x), "y": T(y), "w": T(w)}, {"dw": T(dw)}, tol(RTOL, atol),
                          comment="x[%d,%d,%d,%d] y[%d,%d,%d,%d] w[%d,%d,%d,%d]" % (
                              N, C, H, W, N, O, OH, OW, O, C, KH, KW)))
    return cases


def hebb_conv2d_file():
    rng = np.random.default_rng(SEED_HEBB_CONV2D)
    # (N, C, H, W, O, KH, KW, stride, padding, binary)
    specs = [
        (1, 1, 3, 3, 1, 1, 1, 1, 0, False),
        (2, 2, 6, 5, 3, 3, 3, 1, 0, False),
        (2, 3, 7, 7, 4, 3, 3, 1, 1, False),
        (2, 2, 8, 9, 3, 3, 3, 2, 1, True),
        (1, 3, 9, 8, 2, 5, 5, 1, 2, False),
        (2, 1, 10, 10, 4, 5, 5, 2, 0, True),
        (1, 2, 7, 9, 3, 3, 5, 1, 1, False),      # non-square kernel
        (2, 2, 10, 7, 2, 2, 4, 3, 1, False),     # stride 3, even kernel
        (3, 2, 5, 5, 3, 5, 5, 1, 0, False),      # kernel = image: one position
        (2, 4, 6, 6, 5, 3, 3, 1, 2, True),       # padding larger than needed
    ]
    cases = []
    for sp in specs:
        cases += _hebb_conv2d_case(rng, *sp)
    return OpFile(
        "hebb_conv2d", "spec/hebbian-rules.md#conv-rule",
        "Convolutional Hebbian updates (H5): the dense rules summed over the batch and every "
        "output position, x replaced by the input patch under the position (zero padding). "
        "Per-case atol = 2 (K+3) 2^-24 max(sum |y x| + |correction terms|), K = N OH OW + 1.",
        {"rtol": RTOL, "atol": 1e-5}, cases)


# =============================================================================================
# kwta (C1)-(C2)

def kwta_ref(u, theta, k):
    v = u - theta[None, :, None, None]
    N, O, H, W = u.shape
    y = np.zeros(u.shape)
    for n, i, j in itertools.product(range(N), range(H), range(W)):
        order = sorted(range(O), key=lambda o: (-v[n, o, i, j], o))   # value desc, channel asc
        for o in order[:k]:
            if v[n, o, i, j] > 0:
                y[n, o, i, j] = 1.0
    return y


def _grid(rng, shape, lo, hi):
    """Multiples of 2^-6 in [lo, hi]: exact in float32, and so is any difference of two."""
    return rng.integers(int(lo * 64), int(hi * 64) + 1, size=shape).astype(np.float64) / 64.0


def _kwta_case(rng, N, O, H, W, k, coarse, tag=""):
    # coarse grids make many exact ties; theta sometimes all equal
    step = 16 if coarse else 1
    u = _grid(rng, (N, O, H, W), -2, 2)
    if coarse:
        u = np.round(u * 64 / step) * step / 64
    theta = _grid(rng, (O,), -1, 1)
    if coarse:
        theta = np.zeros(O) if tag == "-theta0" else np.round(theta * 4) / 4
    assert np.all(f32(u) == u) and np.all(f32(theta) == theta)
    y = kwta_ref(u, theta, k)
    v = u - theta[None, :, None, None]
    assert np.all(f32(v) == v), "u - theta must be exact in float32"
    ties = 0
    for n, i, j in itertools.product(range(N), range(H), range(W)):
        vals = v[n, :, i, j]
        ties += len(vals) - len(set(vals.tolist()))
    cid = "k%d-n%do%dh%dw%d%s%s" % (k, N, O, H, W, "-ties" if coarse else "", tag)
    return Case(cid, {"k": k}, {"u": T(u), "theta": T(theta)}, {"y": T(y)}, tol(0.0, 0.0),
                comment="%d positions, %d tied values" % (N * H * W, ties),
                flags=["ties"] if ties else None)


def kwta_file():
    rng = np.random.default_rng(SEED_KWTA)
    specs = [(1, 3, 2, 2, 1, False, ""), (2, 5, 3, 4, 1, False, ""), (2, 5, 3, 4, 2, False, ""),
             (2, 6, 3, 3, 1, True, ""), (2, 6, 3, 3, 2, True, ""), (1, 8, 4, 4, 3, True, ""),
             (2, 4, 3, 3, 1, True, "-theta0"), (1, 4, 3, 3, 4, True, "-theta0"),
             (2, 7, 2, 5, 7, False, ""), (3, 10, 2, 2, 1, False, "")]
    cases = [_kwta_case(rng, *sp) for sp in specs]
    return OpFile(
        "kwta", "spec/hebbian-rules.md#kwta",
        "k-winners-take-all across channels at every (n, h, w): y = 1 where channel o is among "
        "the k largest of u - theta (ties to the lower channel) and u - theta > 0, else 0. Inputs "
        "are multiples of 2^-6 below 4 in magnitude, so u - theta is exact in float32: exact "
        "comparison, tolerance 0. '-ties' cases use coarse grids with many exact ties.",
        {"rtol": 0.0, "atol": 0.0}, cases)


# =============================================================================================
# triangle (C3)

def triangle_ref(u, theta):
    v = u - theta[None, :, None, None]
    return np.maximum(0.0, v - v.mean(axis=1, keepdims=True))


def _triangle_literal(u, theta):
    N, O, H, W = u.shape
    z = np.zeros(u.shape)
    for n, i, j in itertools.product(range(N), range(H), range(W)):
        m = sum(u[n, o, i, j] - theta[o] for o in range(O)) / O
        for o in range(O):
            z[n, o, i, j] = max(0.0, (u[n, o, i, j] - theta[o]) - m)
    return z


def _triangle_case(rng, N, O, H, W, scale=1.0, tag=""):
    u = draw(rng, (N, O, H, W), -scale, scale)
    theta = draw(rng, (O,), -0.5 * scale, 0.5 * scale)
    z = triangle_ref(u, theta)
    assert np.max(np.abs(z - _triangle_literal(u, theta))) <= 1e-12 * scale, "triangle self-check"
    atol = sum_bound_atol(O, np.max(np.abs(u)) + np.max(np.abs(theta)))
    cid = "n%do%dh%dw%d%s" % (N, O, H, W, tag)
    return Case(cid, {}, {"u": T(u), "theta": T(theta)}, {"z": T(z)}, tol(RTOL, atol))


def triangle_file():
    rng = np.random.default_rng(SEED_TRIANGLE)
    specs = [(1, 1, 2, 2), (2, 3, 3, 3), (2, 8, 2, 5), (1, 16, 4, 4), (3, 5, 1, 1),
             (2, 6, 3, 2, 50.0, "-scale50"), (2, 6, 3, 2, 1e-3, "-scale1e-3")]
    cases = [_triangle_case(rng, *sp) for sp in specs]
    return OpFile(
        "triangle", "spec/hebbian-rules.md#triangle",
        "Triangle activation z = relu((u - theta) - mean_o(u - theta)), mean over channels at "
        "every (n, h, w). Per-case atol = 2 (O+3) 2^-24 (max|u| + max|theta|).",
        {"rtol": RTOL, "atol": 1e-5}, cases)


# =============================================================================================
# standardize (T1)

def standardize_ref(x, eps):
    N = x.shape[0]
    flat = x.reshape(N, -1)
    m = flat.mean(axis=1, keepdims=True)
    var = ((flat - m) ** 2).mean(axis=1, keepdims=True)   # population variance
    return ((flat - m) / np.sqrt(var + eps)).reshape(x.shape), np.sqrt(var + eps).reshape(-1)


def _standardize_case(rng, shape, eps, offset=0.0, scale=1.0, constant_row=False, tag=""):
    x = f32(draw(rng, shape, -scale, scale) + offset)
    if constant_row:
        x[0] = f32(np.full(x[0].shape, offset + 0.25))
    z, sd = standardize_ref(x, eps)
    N = shape[0]
    n = int(np.prod(shape[1:]))
    flat = x.reshape(N, -1)
    for r in range(N):
        m = sum(flat[r]) / n
        var = sum((v - m) ** 2 for v in flat[r]) / n
        for t in range(n):
            assert abs((flat[r][t] - m) / math.sqrt(var + eps) - z.reshape(N, -1)[r][t]) <= 1e-9
    atol = 2 * (n + 5) * U32 * (np.max(np.abs(z)) + np.max(np.abs(flat).max(axis=1) / sd))
    cid = "shape%s-eps%g%s" % ("x".join(str(d) for d in shape), eps, tag)
    return Case(cid, {"eps": eps}, {"x": T(x)}, {"z": T(z)}, tol(RTOL, atol))


def _standardize_edge(cid, x, eps, flags, comment):
    """An edge case with a tight tolerance: the mean and variance of float32 data have no error
    that reaches float32 (spec/kernels.md#reductions), so z is off by its own rounding only."""
    x = f32(x)
    z, _ = standardize_ref(x, eps)
    n = int(np.prod(x.shape[1:]))
    atol = 4 * (n + 5) * U32 * max(1e-30, float(np.max(np.abs(z))))
    return Case(cid, {"eps": eps}, {"x": T(x)}, {"z": T(z)}, tol(RTOL, atol), comment=comment,
                flags=flags)


def standardize_edge_cases():
    rng = np.random.default_rng(SEED_STANDARDIZE_EDGE)
    return [
        _standardize_edge("edge-constant-1e30", np.full((2, 20), 1e30), 1e-5,
                          ["constant", "huge"], "a constant sample of 1e30: z = 0"),
        _standardize_edge("edge-offset-1e6", 1e6 + draw(rng, (2, 24)), 0.0, ["huge"],
                          "values 1e6 + [-1, 1): float32 spacing 1/16; the mean must not be "
                          "rounded to float32"),
        _standardize_edge("edge-offset-1e8-spacing", np.array([[1e8 - 8, 1e8 + 8, 1e8 - 8,
                                                                1e8 + 8]]), 0.0, ["huge"],
                          "mean 1e8 lies between float32 neighbours: z = -1, 1, -1, 1"),
        _standardize_edge("edge-huge-1e30", 1e30 * draw(rng, (2, 17)), 1e-5, ["huge"],
                          "variance near 1e60, beyond float32"),
        _standardize_edge("edge-near-max", np.array([[-3e38, 3e38, -3e38, 3e38]]), 0.0,
                          ["huge"], "values near the float32 maximum: x - mean overflows float32"),
        _standardize_edge("edge-tiny-1e-25", 1e-25 * draw(rng, (2, 15)), 0.0, ["tiny"],
                          "variance near 1e-50, below float32"),
        _standardize_edge("edge-subnormal", 1e-41 * draw(rng, (1, 9)), 0.0,
                          ["tiny", "subnormal"], "subnormal values, eps = 0"),
        _standardize_edge("edge-length1", draw(rng, (3, 1)), 1e-5, ["length1"],
                          "one value per sample: z = 0"),
        _standardize_edge("edge-width16+1", draw(rng, (2, 17)), 1e-8, ["width+1"],
                          "17 values per sample"),
    ]


def standardize_file():
    rng = np.random.default_rng(SEED_STANDARDIZE)
    cases = [
        _standardize_case(rng, (1, 5), 0.0),
        _standardize_case(rng, (3, 7), 1e-8),
        _standardize_case(rng, (2, 3, 4, 4), 1e-5),
        _standardize_case(rng, (2, 1, 6, 5), 1e-3),
        _standardize_case(rng, (4, 2, 3, 3), 0.5),
        _standardize_case(rng, (2, 20), 1e-8, offset=50.0, tag="-offset50"),
        _standardize_case(rng, (3, 12), 1e-5, offset=-2.0, scale=1e-2, tag="-small"),
        _standardize_case(rng, (2, 2, 3, 3), 1e-5, offset=3.0, constant_row=True,
                          tag="-constant"),
    ] + standardize_edge_cases()
    return OpFile(
        "standardize", "spec/hebbian-rules.md#standardize",
        "Per-sample standardisation z = (x - mean) / sqrt(var + eps) over all values of each "
        "sample (first axis), population variance. A constant sample (with eps > 0) maps to 0. "
        "Per-case atol = 2 (n+5) 2^-24 (max|z| + max|x| / sd).",
        {"rtol": RTOL, "atol": 1e-5}, cases)


# =============================================================================================
# zca_fit (Z1)-(Z3)

def zca_ref(X, eps):
    n = X.shape[0]
    mean = X.mean(axis=0)
    Xc = X - mean
    C = (Xc.T @ Xc) / n                          # divided by the number of SAMPLES
    lam, U = np.linalg.eigh(C)
    W = (U * (1.0 / np.sqrt(lam + eps))) @ U.T   # sign of each eigenvector cancels
    return mean, W, C, lam


def _exact_zeros(lam):
    """Eigenvalues at float64 noise level (|lambda| < 1e-12 lambda_max) as exact zeros: their
    values are the LAPACK build's rounding, so writing them would make the files depend on it."""
    return np.where(np.abs(lam) < 1e-12 * lam[-1], 0.0, lam)


def _zca_check(W, C, eps):
    d = C.shape[0]
    M = W @ (C + eps * np.eye(d)) @ W
    assert np.max(np.abs(M - np.eye(d))) <= 1e-9, "zca self-check W (C + eps) W = I"
    assert np.max(np.abs(W - W.T)) <= 1e-12 * max(1.0, np.max(np.abs(W))), "W symmetric"


def _zca_atol(X, C, lam, eps, W):
    """First-order bound for a float32 computation of C (any order), propagated to W and mean.

    |dC_ij| <= 2 (n+3) u (1/n) sum_s |x_si| |x_sj| (uncentred magnitudes also cover the error of
    the centring); ||dC||_2 <= d max|dC_ij|; the Frechet derivative of A -> (A + eps)^-1/2 has
    norm <= 1/2 (lambda_min + eps)^-3/2, so |dW_ij| <= that times ||dC||_2.
    """
    n, d = X.shape
    A = np.abs(X)
    dC = 2 * (n + 3) * U32 * np.max(A.T @ A) / n
    dW = d * dC * 0.5 * (max(lam[0], 0.0) + eps) ** -1.5
    dmean = 2 * (n + 3) * U32 * np.max(A)
    return 2.0 * max(dW, dmean)


def _zca_case(rng, n, d, eps, rank=None, tag=""):
    if rank is None:
        mix = draw(rng, (d, d), -1.0, 1.0) + 2.0 * np.eye(d)
        X = f32(draw(rng, (n, d), -1.0, 1.0) @ mix + draw(rng, (1, d), -2.0, 2.0))
    else:
        X = f32(draw(rng, (n, rank), -1.0, 1.0) @ draw(rng, (rank, d), -1.0, 1.0))
    mean, W, C, lam = zca_ref(X, eps)
    _zca_check(W, C, eps)
    atol = _zca_atol(X, C, lam, eps, W)
    cid = "n%dd%d-eps%g%s" % (n, d, eps, tag)
    return Case(cid, {"eps": eps}, {"X": T(X)}, {"mean": T(mean), "W": T(W)}, tol(RTOL, atol),
                comment="eigenvalues of C from %.3g to %.3g" % (_exact_zeros(lam)[0], lam[-1]))


def zca_fit_file():
    rng = np.random.default_rng(SEED_ZCA)
    cases = [
        _zca_case(rng, 40, 3, 1e-3),
        _zca_case(rng, 60, 5, 1e-2),
        _zca_case(rng, 100, 8, 1e-3),
        _zca_case(rng, 200, 12, 0.1),
        _zca_case(rng, 30, 6, 0.5, rank=2, tag="-rank2"),
        _zca_case(rng, 4, 6, 1.0, tag="-fewer-samples"),
    ]
    return OpFile(
        "zca_fit", "spec/hebbcnn.md#zca",
        "ZCA whitening: mean = column means of X, C = (1/n) Xc^T Xc (divided by the number of "
        "samples n), W = U diag(1/sqrt(lambda + eps)) U^T; eigenvector signs (and bases of "
        "repeated eigenvalues) do not affect W. Per-case atol: first-order bound of a float32 "
        "computation of C propagated through (C + eps)^-1/2 (see refgen/hebbian.py _zca_atol).",
        {"rtol": RTOL, "atol": 1e-4}, cases)


# =============================================================================================
# ridge_fit (L1)-(L4)

def ridge_ref(X, Y, alpha):
    mx, my = X.mean(axis=0), Y.mean(axis=0)
    Xc, Yc = X - mx, Y - my
    d = X.shape[1]
    W = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(d), Xc.T @ Yc)
    b = my - mx @ W
    return W, b, Xc, Yc


def _ridge_check(X, Y, alpha, W, b):
    n, d = X.shape
    mx, my = X.mean(axis=0), Y.mean(axis=0)
    A = np.vstack([X - mx, math.sqrt(alpha) * np.eye(d)])
    B = np.vstack([Y - my, np.zeros((d, Y.shape[1]))])
    W2 = np.linalg.lstsq(A, B, rcond=None)[0]
    assert np.max(np.abs(W - W2)) <= 1e-9 * max(1.0, np.max(np.abs(W))), "ridge self-check"
    assert np.max(np.abs(b - (my - mx @ W2))) <= 1e-8 * max(1.0, np.max(np.abs(b)))


def _ridge_atol(X, Y, alpha, W, Xc):
    """dW ~ A^-1 (dB - dA W) with float32 errors in A = Xc^T Xc + alpha I and B = Xc^T Yc."""
    n, d = X.shape
    AX, AY = np.abs(X), np.abs(Y)
    dA = 2 * (n + 3) * U32 * np.max(AX.T @ AX)
    dB = 2 * (n + 3) * U32 * np.max(AX.T @ AY)
    lam_min = np.linalg.eigvalsh(Xc.T @ Xc)[0]
    inv = 1.0 / (max(lam_min, 0.0) + alpha)
    dW = inv * d * (dB + dA * np.max(np.abs(W)) * W.shape[1])
    db = d * np.max(np.abs(X.mean(axis=0))) * dW + 2 * (n + 3) * U32 * np.max(AY)
    return 2.0 * max(dW, db)


def _ridge_case(rng, n, d, c, alpha, onehot=False, tag=""):
    X = f32(draw(rng, (n, d), -1.0, 1.0) + draw(rng, (1, d), -1.0, 1.0))
    if onehot:
        labels = rng.integers(0, c, size=n)
        Y = np.zeros((n, c))
        Y[np.arange(n), labels] = 1.0
    else:
        Y = f32(X @ draw(rng, (d, c), -1.0, 1.0) + 0.1 * draw(rng, (n, c), -1.0, 1.0))
    W, b, Xc, Yc = ridge_ref(X, Y, alpha)
    _ridge_check(X, Y, alpha, W, b)
    atol = _ridge_atol(X, Y, alpha, W, Xc)
    cid = "n%dd%dc%d-alpha%g%s" % (n, d, c, alpha, tag)
    return Case(cid, {"alpha": alpha}, {"X": T(X), "Y": T(Y)}, {"W": T(W), "b": T(b)},
                tol(RTOL, atol))


def ridge_fit_file():
    rng = np.random.default_rng(SEED_RIDGE)
    cases = [
        _ridge_case(rng, 20, 3, 2, 1.0),
        _ridge_case(rng, 50, 6, 3, 1.0),
        _ridge_case(rng, 80, 10, 4, 0.1),
        _ridge_case(rng, 40, 5, 10, 1.0, onehot=True, tag="-onehot"),
        _ridge_case(rng, 6, 9, 2, 1.0, tag="-fewer-samples"),
        _ridge_case(rng, 30, 4, 1, 10.0),
    ]
    return OpFile(
        "ridge_fit", "spec/hebbcnn.md#ridge",
        "Ridge regression with unpenalised intercept: W = (Xc^T Xc + alpha I)^-1 Xc^T Yc, "
        "b = mean(Y) - mean(X) W, X and Y centred by their column means. Per-case atol: "
        "first-order bound of float32 errors in the normal equations (refgen/hebbian.py "
        "_ridge_atol).",
        {"rtol": RTOL, "atol": 1e-4}, cases)


# =============================================================================================
# zca_eigen_rng (hebb4j): a 784 x 784 covariance from the project RNG, spec/hebbcnn.md#eigen-check

def eigen_rng_data(seed, stream, n, side):
    """X[s, r*side + c] = U[s, r, c] + U[s, r, c+1] + U[s, r+1, c] (terms outside the image are
    0), U the uniform_float draws (R5) of the stream, row-major [n, side, side]. Sums of at most
    three multiples of 2^-24 below 3: exact in binary64."""
    r = Rng(seed)
    for name in stream.split("/"):
        r = r.derive(name)
    U = np.array([r.uniform_float() for _ in range(n * side * side)]).reshape(n, side, side)
    X = U.copy()
    X[:, :, :-1] += U[:, :, 1:]
    X[:, :-1, :] += U[:, 1:, :]
    return X.reshape(n, side * side)


def zca_eigen_rng_file():
    seed, stream, n, side, eps = 20240708, "test/eigen784", 500, 28, 1e-3
    d = side * side
    # RNG self-check against the published SplitMix64 values (refgen.rng checks them too)
    assert Rng(0).raw() == 0xE220A8397B1DCDAF
    X = eigen_rng_data(seed, stream, n, side)
    mean, W, C, lam = zca_ref(X, eps)
    _zca_check(W, C, eps)
    rows = [0, 1, d // 2, d - 1]
    # float64 solver bound: backward error ~ d 2^-53 ||C||, through (C + eps)^-1/2
    normC = np.linalg.norm(C, 2)
    dC = d * 2.0 ** -53 * normC
    atol = 100.0 * max(dC, dC * 0.5 * (max(lam[0], 0.0) + eps) ** -1.5)
    case = Case("n500-d784-eps0.001", {"seed": seed, "stream": stream, "n": n, "side": side,
                                       "eps": eps},
                {}, {"lambda": T(_exact_zeros(lam)), "mean": T(mean), "W_rows": T(W[rows])},
                tol(1e-5, atol),
                comment="rank <= 499: %d eigenvalues below 1e-10 (a degenerate cluster), largest "
                        "%.6g; W_rows = rows %s of W" % (int(np.sum(lam < 1e-10)), lam[-1], rows))
    return OpFile(
        "zca_eigen_rng", "spec/hebbcnn.md#eigen-check",
        "hebb4j op: the symmetric eigendecomposition and ZCA matrix of a 784 x 784 covariance "
        "whose data come from the project RNG (no inputs; params seed, stream, n, side, eps). "
        "Outputs: eigenvalues ascending, column means, and rows 0, 1, 392, 783 of W (sign "
        "invariant). Computed in float64; atol = 100 x a float64 backward-error bound.",
        {"rtol": 1e-5, "atol": 1e-6}, [case])


def files():
    return [hebb_dense_file(), hebb_conv2d_file(), kwta_file(), triangle_file(),
            standardize_file(), zca_fit_file(), ridge_fit_file(), zca_eigen_rng_file()]
