"""Reference kernels: gemm (K11), conv2d (K12)-(K15), avgpool2d (K16)-(K17).

Written from spec/kernels.md and the test-vector contract only. Float64 throughout; the inputs
are float32-rounded before anything is computed. Convolution is computed directly from the sums
(K12)-(K15) (loops over kernel offsets, einsum over channels), NOT via the im2col lowering (K18),
and every case is self-checked before it is written:
  * forward outputs against literal scalar loops over the written-out sums,
  * conv2d dx against the gather form of (K13) (literal loops), and dx, dw, db against central
    finite differences of L = sum(dy * y) in float64,
  * avgpool2d dx against central finite differences of sum(dy * y).
"""

import itertools

import numpy as np

from .common import Case, OpFile, T, draw, f32, sum_bound_atol, tol

RTOL = 1e-4

# One seeded numpy Generator per op family, so the families are independent of each other.
SEED_GEMM = 20240611
SEED_CONV2D = 20240612
SEED_AVGPOOL2D = 20240613
SEED_GEMM_EDGE = 20261130


def _fmt(v):
    return ("%g" % v)


# =============================================================================================
# gemm (K11)

def gemm_ref(A, B, C, transA, transB, alpha, beta):
    opA = A.T if transA else A
    opB = B.T if transB else B
    Y = alpha * (opA @ opB)
    if beta != 0:           # BLAS: beta == 0 never reads C
        Y = Y + beta * C
    return Y


def _gemm_literal(A, B, C, transA, transB, alpha, beta, m, n, k):
    """(K11) written out element by element, with the spec's index formulas."""
    Y = np.zeros((m, n))
    for i in range(m):
        for j in range(n):
            acc = 0.0
            for l in range(k):
                a = A[l][i] if transA else A[i][l]
                b = B[j][l] if transB else B[l][j]
                acc += a * b
            Y[i, j] = alpha * acc + (beta * C[i][j] if beta != 0 else 0.0)
    return Y


def _gemm_case(rng, m, n, k, transA, transB, alpha, beta, scale=1.0, tag=""):
    A = draw(rng, (k, m) if transA else (m, k), -scale, scale)
    B = draw(rng, (n, k) if transB else (k, n), -scale, scale)
    C = draw(rng, (m, n), -scale, scale)
    Y = gemm_ref(A, B, C, transA, transB, alpha, beta)
    lit = _gemm_literal(A, B, C, transA, transB, alpha, beta, m, n, k)
    err = np.max(np.abs(Y - lit))
    assert err <= 1e-12 * max(1.0, np.max(np.abs(Y))), ("gemm self-check", err)
    # error bound: k products summed, plus beta*C, any order
    S = abs(alpha) * (np.abs(A.T if transA else A) @ np.abs(B.T if transB else B)) \
        + abs(beta) * np.abs(C)
    atol = sum_bound_atol(k + 1, np.max(S))
    cid = "%s%s-%dx%dx%d-alpha%s-beta%s%s" % ("t" if transA else "n", "t" if transB else "n",
                                              m, n, k, _fmt(alpha), _fmt(beta), tag)
    return Case(cid,
                {"transA": transA, "transB": transB, "alpha": alpha, "beta": beta},
                {"A": T(A), "B": T(B), "C": T(C)},
                {"Y": T(Y)},
                tol(RTOL, atol),
                comment="m=%d n=%d k=%d; A is %s, B is %s" % (
                    m, n, k, "[k,m]" if transA else "[m,k]", "[n,k]" if transB else "[k,n]"))


def gemm_edge_ref(A, B, C, transA, transB, alpha, beta):
    """(K11) with the BLAS reading rules: alpha = 0 reads neither A nor B, beta = 0 not C;
    otherwise IEEE arithmetic on whatever the operands hold (NaN, infinities)."""
    m = A.shape[1] if transA else A.shape[0]
    n = B.shape[0] if transB else B.shape[1]
    if alpha == 0:
        P = np.zeros((m, n))
    else:
        opA = A.T if transA else A
        opB = B.T if transB else B
        with np.errstate(invalid="ignore", over="ignore"):
            # element by element: np.matmul may not propagate NaN/inf as IEEE sums would
            P = np.array([[alpha * sum(opA[i, l] * opB[l, j] for l in range(opA.shape[1]))
                           for j in range(n)] for i in range(m)]).reshape(m, n)
    if beta == 0:
        return P
    with np.errstate(invalid="ignore"):
        return P + beta * C


def _gemm_edge_case(cid, flags, A, B, C, transA, transB, alpha, beta, comment):
    A, B, C = f32(A), f32(B), f32(C)
    Y = gemm_edge_ref(A, B, C, transA, transB, alpha, beta)
    opA = np.abs(A.T if transA else A)
    opB = np.abs(B.T if transB else B)
    k = opA.shape[1]
    fin = np.isfinite(Y)
    if alpha != 0 and k > 0:
        with np.errstate(invalid="ignore"):
            S = abs(alpha) * np.array([[sum(opA[i, l] * opB[l, j] for l in range(k))
                                        for j in range(Y.shape[1])] for i in range(Y.shape[0])]
                         ).reshape(Y.shape)
    else:
        S = np.zeros(Y.shape)
    if beta != 0:
        S = S + abs(beta) * np.abs(C)
    smax = float(np.max(S[fin])) if np.any(fin) else 0.0
    # any-order float32 bound, plus the underflow of each product (at most 2^-150 each)
    atol = sum_bound_atol(k + 1, smax) + (k + 2) * 2.0 ** -149
    return Case(cid, {"transA": transA, "transB": transB, "alpha": alpha, "beta": beta},
                {"A": T(A), "B": T(B), "C": T(C)}, {"Y": T(Y)}, tol(RTOL, atol),
                comment=comment, flags=flags)


def gemm_edge_cases():
    """Edge cases: the BLAS reading rules, IEEE propagation, empty shapes, lengths around the
    vector widths 4, 8 and 16 floats, tiny and huge magnitudes (spec/test-vectors.md#flags)."""
    rng = np.random.default_rng(SEED_GEMM_EDGE)
    nan, inf = float("nan"), float("inf")
    cases = []
    shapes = lambda m, n, k, ta, tb: ((k, m) if ta else (m, k), (n, k) if tb else (k, n))
    for ta, tb in [(False, False), (True, True)]:
        sa, sb = shapes(5, 6, 7, ta, tb)
        A = draw(rng, sa)
        A[0, 0], A[1, 2] = nan, inf
        B = draw(rng, sb)
        B[2, 1], B[0, 3] = nan, -inf
        tr = ("t" if ta else "n") + ("t" if tb else "n")
        cases.append(_gemm_edge_case(
            "edge-alpha0-nan-inf-in-a-b-" + tr, ["alpha0", "nan", "infinity"], A, B,
            draw(rng, (5, 6)), ta, tb, 0.0, 0.5,
            "alpha = 0: A and B hold NaN and infinities, which must not be read: Y = beta C"))
        C = draw(rng, (5, 6))
        C[0, 0], C[4, 5] = nan, -inf
        cases.append(_gemm_edge_case(
            "edge-alpha0-beta0-" + tr, ["alpha0", "beta0", "nan", "infinity"], A, B, C, ta, tb,
            0.0, 0.0, "alpha = 0 and beta = 0: nothing is read, Y = 0"))
        cases.append(_gemm_edge_case(
            "edge-beta0-nan-inf-in-c-" + tr, ["beta0", "nan", "infinity"], draw(rng, sa),
            draw(rng, sb), C, ta, tb, 1.5, 0.0,
            "beta = 0: C holds NaN and -infinity, which must not be read: Y = alpha op(A) op(B)"))
    # IEEE propagation: positive B, so one +inf in a row of A makes that row +inf (alpha > 0),
    # +inf and -inf in one row give NaN, a NaN in A a NaN row, a NaN in C (beta != 0) its element
    A = draw(rng, (4, 9), 0.5, 1.0)
    B = draw(rng, (9, 5), 0.5, 1.0)
    A[0, 3] = inf
    A[1, 2], A[1, 7] = inf, -inf
    A[2, 8] = nan
    C = draw(rng, (4, 5))
    C[3, 4] = nan
    C[3, 0] = -inf
    cases.append(_gemm_edge_case(
        "edge-ieee-propagation", ["nan", "infinity"], A, B, C, False, False, 2.0, 1.0,
        "row 0: +inf; row 1: inf - inf = NaN; row 2: NaN; C[3,4] NaN and C[3,0] -inf reach Y"))
    cases.append(_gemm_edge_case(
        "edge-inf-times-zero", ["infinity", "nan"], np.array([[inf, 1.0]]),
        np.array([[0.0, 2.0], [3.0, 4.0]]), np.zeros((1, 2)), False, False, 1.0, 0.0,
        "inf * 0 = NaN in Y[0,0] (IEEE, no skipping of zero elements); Y[0,1] = +inf"))
    # empty shapes: no element of Y, or k = 0 (Y = beta C)
    for (m, n, k) in [(0, 3, 4), (3, 0, 4), (3, 4, 0), (0, 0, 0)]:
        cases.append(_gemm_edge_case(
            "edge-empty-%dx%dx%d" % (m, n, k), ["empty"], draw(rng, (m, k)), draw(rng, (k, n)),
            draw(rng, (m, n)), False, False, 1.0, 0.5,
            "m, n or k = 0; with k = 0, Y = beta C"))
    # length 1 and lengths around the vector widths 4, 8, 16 (n: lanes of C, k: the sum)
    cases.append(_gemm_edge_case(
        "edge-length1-1x1x1", ["length1"], draw(rng, (1, 1)), draw(rng, (1, 1)),
        draw(rng, (1, 1)), False, False, -1.0, 2.0, "1 x 1 x 1"))
    for w in (4, 8, 16):
        for d, flag in ((-1, "width-1"), (0, "width"), (1, "width+1")):
            L = w + d
            for ta, tb in [(False, False), (True, False), (False, True)]:
                m = 3 if tb else L
                sa, sb = shapes(m, L, L, ta, tb)
                cases.append(_gemm_edge_case(
                    "edge-width%d%+d-%dx%dx%d-%s%s" % (w, d, m, L, L, "t" if ta else "n",
                                                       "t" if tb else "n"),
                    [flag], draw(rng, sa), draw(rng, sb), draw(rng, (m, L)), ta, tb, 1.0,
                    0.75, "n = k = %d, around the vector width %d floats" % (L, w)))
    # magnitudes: huge (products near 1e36), tiny (products subnormal or 0 in float32)
    cases.append(_gemm_edge_case(
        "edge-huge-1e18", ["huge"], draw(rng, (6, 9), -1e18, 1e18), draw(rng, (9, 7), -1e18, 1e18),
        draw(rng, (6, 7), -1e36, 1e36), False, False, 1.0, 1.0, "entries near 1e18"))
    cases.append(_gemm_edge_case(
        "edge-tiny-1e-22", ["tiny", "subnormal"], draw(rng, (6, 9), -1e-22, 1e-22),
        draw(rng, (9, 7), -1e-22, 1e-22), draw(rng, (6, 7), -1e-44, 1e-44), False, False, 1.0,
        1.0, "products near 1e-44: subnormal in float32, the error is bounded by k+2 half "
        "subnormal steps"))
    return cases


def gemm_file():
    rng = np.random.default_rng(SEED_GEMM)
    sizes = [(1, 1, 1), (3, 7, 17), (17, 33, 7), (33, 17, 65), (64, 64, 64)]
    trans = [(False, False), (False, True), (True, False), (True, True)]
    combos = list(itertools.product([1.0, -0.5, 2.5], [0.0, 1.0, 0.75]))
    cases = []
    idx = 0
    for (m, n, k) in sizes:
        # 64x64x64 only twice (nn and tt), to keep the file small
        for (ta, tb) in (trans if m < 64 else [trans[0], trans[3]]):
            alpha, beta = combos[idx % len(combos)]
            idx += 1
            cases.append(_gemm_case(rng, m, n, k, ta, tb, alpha, beta))
    # odd shapes: vectors, k = 1 (outer product), multiples of 8/16 plus one, large magnitude
    extra = [
        (1, 33, 64, False, False, 1.0, 0.0, 1.0, ""),
        (33, 1, 17, True, False, -0.5, 1.0, 1.0, ""),
        (9, 5, 1, False, True, 2.5, 0.75, 1.0, ""),
        (16, 16, 16, False, False, 1.0, 1.0, 1.0, ""),
        (8, 24, 40, True, True, -0.5, 0.0, 1.0, ""),
        (15, 31, 9, False, True, 1.0, 0.75, 1.0, ""),
        (12, 20, 33, False, False, 2.5, 1.0, 100.0, "-scale100"),
        (7, 9, 25, True, False, 1.0, 0.75, 1e-3, "-scale1e-3"),
    ]
    for (m, n, k, ta, tb, alpha, beta, scale, tag) in extra:
        cases.append(_gemm_case(rng, m, n, k, ta, tb, alpha, beta, scale, tag))
    cases += gemm_edge_cases()
    return OpFile(
        "gemm", "spec/kernels.md#gemm",
        "Y = alpha op(A) op(B) + beta C (K11). A is stored [m,k], or [k,m] when transA; B is "
        "[k,n], or [n,k] when transB; C and Y are [m,n]. With beta = 0, C is given but must not "
        "affect Y. Per-case atol = 2 (k+4) 2^-24 max_ij(|alpha| sum_l |op(A)_il op(B)_lj| + "
        "|beta C_ij|): a float32 error bound valid for any summation order.",
        {"rtol": RTOL, "atol": 1e-4}, cases)


# =============================================================================================
# conv2d (K12)-(K15)

def conv_out(H, W, KH, KW, s, p):
    return (H + 2 * p - KH) // s + 1, (W + 2 * p - KW) // s + 1


def _taps(OH, H, s, p, u):
    """For kernel row u: output rows i whose input row i*s - p + u lies inside [0, H)."""
    i = np.arange(OH)
    h = i * s - p + u
    ok = (h >= 0) & (h < H)
    return i[ok], h[ok]


def conv2d_forward(x, w, b, s, p):
    """(K12): y[n,o,i,j] = b_o + sum_{c,u,v} w[o,c,u,v] x[n,c,i*s-p+u,j*s-p+v], 0 outside."""
    N, C, H, W = x.shape
    O, C2, KH, KW = w.shape
    assert C == C2
    OH, OW = conv_out(H, W, KH, KW, s, p)
    y = np.zeros((N, O, OH, OW))
    for u in range(KH):
        ii, hh = _taps(OH, H, s, p, u)
        for v in range(KW):
            jj, ww = _taps(OW, W, s, p, v)
            if len(ii) == 0 or len(jj) == 0:
                continue
            xs = x[:, :, hh][:, :, :, ww]                       # [N, C, len(ii), len(jj)]
            y[np.ix_(range(N), range(O), ii, jj)] += np.einsum("oc,nchw->nohw", w[:, :, u, v], xs)
    if b is not None:
        y += b[None, :, None, None]
    return y


def conv2d_backward_data(dy, w, x_shape, s, p):
    """(K13): dx[n,c,h,w'] = sum over (o,u,v,i,j) with i*s-p+u = h, j*s-p+v = w' of w dy."""
    N, C, H, W = x_shape
    O, _, KH, KW = w.shape
    OH, OW = dy.shape[2], dy.shape[3]
    dx = np.zeros(x_shape)
    for u in range(KH):
        ii, hh = _taps(OH, H, s, p, u)
        for v in range(KW):
            jj, ww = _taps(OW, W, s, p, v)
            if len(ii) == 0 or len(jj) == 0:
                continue
            g = np.einsum("oc,nohw->nchw", w[:, :, u, v], dy[:, :, ii][:, :, :, jj])
            # for a fixed (u, v), i -> h and j -> w' are one-to-one, so plain += is exact
            dx[np.ix_(range(N), range(C), hh, ww)] += g
    return dx


def conv2d_backward_weights(x, dy, w_shape, s, p):
    """(K14): dw[o,c,u,v] = sum_{n,i,j} dy[n,o,i,j] x[n,c,i*s-p+u,j*s-p+v], 0 outside."""
    N, C, H, W = x.shape
    O, _, KH, KW = w_shape
    OH, OW = dy.shape[2], dy.shape[3]
    dw = np.zeros(w_shape)
    for u in range(KH):
        ii, hh = _taps(OH, H, s, p, u)
        for v in range(KW):
            jj, ww = _taps(OW, W, s, p, v)
            if len(ii) == 0 or len(jj) == 0:
                continue
            dw[:, :, u, v] = np.einsum("nohw,nchw->oc", dy[:, :, ii][:, :, :, jj],
                                       x[:, :, hh][:, :, :, ww])
    return dw


def conv2d_backward_bias(dy):
    """(K15): db_o = sum_{n,i,j} dy[n,o,i,j]."""
    return dy.sum(axis=(0, 2, 3))


def _conv_literal_y(x, w, b, s, p):
    N, C, H, W = x.shape
    O, _, KH, KW = w.shape
    OH, OW = conv_out(H, W, KH, KW, s, p)
    y = np.zeros((N, O, OH, OW))
    for n, o, i, j in itertools.product(range(N), range(O), range(OH), range(OW)):
        acc = 0.0 if b is None else b[o]
        for c, u, v in itertools.product(range(C), range(KH), range(KW)):
            h, ww = i * s - p + u, j * s - p + v
            if 0 <= h < H and 0 <= ww < W:
                acc += w[o, c, u, v] * x[n, c, h, ww]
        y[n, o, i, j] = acc
    return y


def _conv_literal_dx(dy, w, x_shape, s, p):
    """Gather form of (K13): for each input position, find the (i, j) that read it."""
    N, C, H, W = x_shape
    O, _, KH, KW = w.shape
    OH, OW = dy.shape[2], dy.shape[3]
    dx = np.zeros(x_shape)
    for n, c, h, ww in itertools.product(range(N), range(C), range(H), range(W)):
        acc = 0.0
        for o, u, v in itertools.product(range(O), range(KH), range(KW)):
            ti, tj = h + p - u, ww + p - v
            if ti % s or tj % s:
                continue
            i, j = ti // s, tj // s
            if 0 <= i < OH and 0 <= j < OW:
                acc += w[o, c, u, v] * dy[n, o, i, j]
        dx[n, c, h, ww] = acc
    return dx


def _fd_check(name, f, arr, grad, rng, nsample=12, h=0.25):
    """Central differences of the scalar f at sampled elements of arr, against grad."""
    flat = arr.reshape(-1)
    idx = sorted(set([0, flat.size - 1] + list(rng.integers(0, flat.size, size=nsample))))
    scale = max(1.0, float(np.max(np.abs(grad))))
    for t in idx:
        old = flat[t]
        flat[t] = old + h
        fp = f()
        flat[t] = old - h
        fm = f()
        flat[t] = old
        fd = (fp - fm) / (2 * h)
        g = grad.reshape(-1)[t]
        assert abs(fd - g) <= 1e-9 * scale * max(1.0, abs(fp) + abs(fm)), \
            ("finite-difference check failed", name, t, fd, g)


def _conv_case(rng, N, C, H, W, O, KH, KW, s, p, bias=True, grad=True, scale=1.0, tag=""):
    x = draw(rng, (N, C, H, W), -scale, scale)
    w = draw(rng, (O, C, KH, KW), -1.0, 1.0)
    b = draw(rng, (O,), -1.0, 1.0) if bias else None
    y = conv2d_forward(x, w, b, s, p)
    OH, OW = y.shape[2], y.shape[3]
    assert OH >= 1 and OW >= 1
    lit = _conv_literal_y(x, w, b, s, p)
    assert np.max(np.abs(y - lit)) <= 1e-12 * max(1.0, np.max(np.abs(y))), "conv2d y self-check"

    inputs = {"x": T(x), "w": T(w)}
    if bias:
        inputs["b"] = T(b)
    expected = {"y": T(y)}
    ax, aw = np.abs(x), np.abs(w)
    Sy = conv2d_forward(ax, aw, None if b is None else np.abs(b), s, p)
    atol = sum_bound_atol(C * KH * KW + 1, np.max(Sy))
    if grad:
        dy = draw(rng, (N, O, OH, OW), -1.0, 1.0)
        dx = conv2d_backward_data(dy, w, x.shape, s, p)
        dw = conv2d_backward_weights(x, dy, w.shape, s, p)
        db = conv2d_backward_bias(dy)
        lit = _conv_literal_dx(dy, w, x.shape, s, p)
        assert np.max(np.abs(dx - lit)) <= 1e-12 * max(1.0, np.max(np.abs(dx))), "dx self-check"

        def L():
            return float(np.sum(dy * conv2d_forward(x, w, b, s, p)))
        _fd_check("dx", L, x, dx, rng)
        _fd_check("dw", L, w, dw, rng)
        if b is not None:
            _fd_check("db", L, b, db, rng)
        else:
            bz = np.zeros(O)

            def Lb():
                return float(np.sum(dy * conv2d_forward(x, w, bz, s, p)))
            _fd_check("db", Lb, bz, db, rng)

        inputs["dy"] = T(dy)
        expected["dx"] = T(dx)
        expected["dw"] = T(dw)
        expected["db"] = T(db)
        ady = np.abs(dy)
        atol = max(atol,
                   sum_bound_atol(O * KH * KW, np.max(conv2d_backward_data(ady, aw, x.shape, s, p))),
                   sum_bound_atol(N * OH * OW, np.max(conv2d_backward_weights(ax, ady, w.shape, s, p))),
                   sum_bound_atol(N * OH * OW, np.max(conv2d_backward_bias(ady))))
    cid = "k%dx%d-s%d-p%d-n%dc%dh%dw%d-o%d-%s%s%s" % (
        KH, KW, s, p, N, C, H, W, O, "bias" if bias else "nobias", "-grad" if grad else "", tag)
    return Case(cid, {"stride": s, "padding": p}, inputs, expected, tol(RTOL, atol),
                comment="x[%d,%d,%d,%d] w[%d,%d,%d,%d] -> y[%d,%d,%d,%d]" % (
                    N, C, H, W, O, C, KH, KW, N, O, OH, OW))


def conv2d_file():
    rng = np.random.default_rng(SEED_CONV2D)
    # (N, C, H, W, O, KH, KW, stride, padding, bias, grad, scale, tag)
    specs = [
        (2, 3, 5, 6, 4, 1, 1, 1, 0, True, True, 1.0, ""),
        (1, 2, 7, 5, 3, 1, 1, 2, 1, False, True, 1.0, ""),
        (2, 3, 8, 8, 5, 3, 3, 1, 0, True, True, 1.0, ""),
        (2, 3, 8, 7, 5, 3, 3, 1, 1, True, True, 1.0, ""),
        (3, 3, 9, 9, 5, 3, 3, 2, 1, True, True, 1.0, ""),
        (2, 4, 10, 7, 2, 3, 3, 2, 0, False, True, 1.0, ""),    # leftover rows/cols unused
        (1, 1, 5, 5, 1, 3, 3, 1, 2, True, True, 1.0, ""),      # output larger than input
        (2, 3, 9, 11, 4, 5, 5, 1, 2, True, True, 1.0, ""),
        (2, 2, 12, 9, 3, 5, 5, 2, 2, True, True, 1.0, ""),
        (1, 3, 7, 6, 2, 5, 5, 1, 0, False, False, 1.0, ""),
        (2, 2, 6, 9, 3, 3, 5, 1, 1, True, True, 1.0, ""),      # non-square kernel
        (2, 3, 11, 6, 4, 5, 3, 2, 2, False, True, 1.0, ""),
        (2, 2, 7, 10, 3, 2, 4, 2, 1, True, True, 1.0, ""),     # even kernel
        (2, 3, 5, 5, 4, 5, 5, 1, 0, True, True, 1.0, ""),      # kernel = image: 1x1 output
        (1, 2, 10, 8, 3, 3, 3, 3, 1, True, True, 1.0, ""),     # stride 3
        (2, 3, 6, 7, 5, 3, 3, 1, 1, True, False, 1.0, ""),     # forward only
        (1, 1, 1, 1, 1, 1, 1, 1, 0, True, True, 1.0, ""),      # minimal
        (2, 2, 1, 1, 3, 3, 3, 1, 1, False, True, 1.0, ""),     # 1x1 image, only the centre tap
        (2, 6, 6, 6, 8, 3, 3, 1, 1, True, True, 1.0, ""),      # more channels
        (4, 2, 4, 5, 2, 3, 2, 1, 1, True, True, 1.0, ""),      # batch 4
        # other magnitudes, forward only (one tolerance per case: with dy the outputs would have
        # very different scales and the largest would set a loose atol for the others)
        (2, 3, 7, 7, 3, 3, 3, 1, 1, True, False, 100.0, "-xscale100"),
        (2, 3, 7, 7, 3, 3, 3, 2, 1, True, False, 1e-3, "-xscale1e-3"),
    ]
    cases = [_conv_case(rng, *sp) for sp in specs]
    for c in cases:
        if c.id.startswith("k1x1-s1-p0-n1c1h1w1-o1"):
            c.flags = ["length1"]       # one input, one weight: the smallest convolution
        elif "h1w1" in c.id:
            c.flags = ["length1"]       # a 1x1 image
    return OpFile(
        "conv2d", "spec/kernels.md#conv2d",
        "Cross-correlation with zero padding (K12); dx, dw, db (K13)-(K15) are the gradient of "
        "sum(dy * y). b is optional (absent = 0). Whenever dy is given, dx, dw AND db are expected, "
        "db = sum of dy over n, i, j, also when b is absent. Per-case atol = max over outputs of "
        "2 (K+3) 2^-24 max(sum of |terms|), K the number of terms in that output's sum.",
        {"rtol": RTOL, "atol": 1e-4}, cases)


# =============================================================================================
# avgpool2d (K16)-(K17)

def pool_out(H, W, size, stride):
    return (H - size) // stride + 1, (W - size) // stride + 1


def avgpool2d_forward(x, size, stride):
    """(K16): y[n,c,i,j] = (1/size^2) sum_{u,v<size} x[n,c,i*stride+u,j*stride+v]."""
    N, C, H, W = x.shape
    OH, OW = pool_out(H, W, size, stride)
    y = np.zeros((N, C, OH, OW))
    ri, rj = np.arange(OH) * stride, np.arange(OW) * stride
    for u in range(size):
        for v in range(size):
            y += x[:, :, ri + u][:, :, :, rj + v]
    return y / (size * size)


def avgpool2d_backward(dy, x_shape, size, stride):
    """(K17): each dy[n,c,i,j] spread as dy/size^2 over its window, accumulating overlaps."""
    N, C, H, W = x_shape
    OH, OW = dy.shape[2], dy.shape[3]
    dx = np.zeros(x_shape)
    for i in range(OH):
        for j in range(OW):
            dx[:, :, i * stride:i * stride + size, j * stride:j * stride + size] += \
                dy[:, :, i:i + 1, j:j + 1] / (size * size)
    return dx


def _pool_literal_y(x, size, stride):
    N, C, H, W = x.shape
    OH, OW = pool_out(H, W, size, stride)
    y = np.zeros((N, C, OH, OW))
    for n, c, i, j in itertools.product(range(N), range(C), range(OH), range(OW)):
        acc = 0.0
        for u, v in itertools.product(range(size), range(size)):
            acc += x[n, c, i * stride + u, j * stride + v]
        y[n, c, i, j] = acc / (size * size)
    return y


def _pool_case(rng, N, C, H, W, size, stride, grad=True):
    x = draw(rng, (N, C, H, W), -1.0, 1.0)
    y = avgpool2d_forward(x, size, stride)
    OH, OW = y.shape[2], y.shape[3]
    assert OH >= 1 and OW >= 1
    assert np.max(np.abs(y - _pool_literal_y(x, size, stride))) <= 1e-12, "avgpool y self-check"
    inputs = {"x": T(x)}
    expected = {"y": T(y)}
    atol = sum_bound_atol(size * size, np.max(avgpool2d_forward(np.abs(x), size, stride)))
    if grad:
        dy = draw(rng, (N, C, OH, OW), -1.0, 1.0)
        dx = avgpool2d_backward(dy, x.shape, size, stride)

        def L():
            return float(np.sum(dy * avgpool2d_forward(x, size, stride)))
        _fd_check("dx", L, x, dx, rng)
        inputs["dy"] = T(dy)
        expected["dx"] = T(dx)
        overlap = -(-size // stride)  # windows covering one input, per axis
        atol = max(atol, sum_bound_atol(overlap * overlap,
                                        np.max(avgpool2d_backward(np.abs(dy), x.shape, size, stride))))
    cid = "size%d-stride%d-n%dc%dh%dw%d%s" % (size, stride, N, C, H, W, "-grad" if grad else "")
    return Case(cid, {"size": size, "stride": stride}, inputs, expected, tol(RTOL, atol),
                comment="x[%d,%d,%d,%d] -> y[%d,%d,%d,%d]" % (N, C, H, W, N, C, OH, OW))


def avgpool2d_file():
    rng = np.random.default_rng(SEED_AVGPOOL2D)
    # (N, C, H, W, size, stride, grad)
    specs = [
        (2, 3, 8, 8, 2, 2, True),
        (2, 3, 8, 6, 2, 2, False),
        (1, 2, 7, 9, 2, 2, True),      # odd H/W: last row/column unused
        (2, 2, 7, 7, 3, 1, True),      # overlapping windows
        (1, 3, 6, 9, 3, 1, False),
        (2, 2, 9, 8, 2, 3, True),      # gaps between windows
        (1, 1, 11, 7, 2, 3, True),
        (2, 3, 9, 9, 3, 3, True),
        (2, 2, 9, 7, 3, 2, True),      # overlap of one row/column
        (1, 2, 6, 5, 2, 1, True),
        (2, 4, 5, 5, 5, 1, True),      # global pooling
        (2, 2, 4, 6, 1, 1, True),      # size 1: identity
        (3, 2, 10, 6, 4, 2, True),
    ]
    cases = [_pool_case(rng, *sp) for sp in specs]
    for c in cases:
        if c.id.startswith("size1-"):
            c.flags = ["length1"]       # a 1x1 window: the identity
    return OpFile(
        "avgpool2d", "spec/kernels.md#avgpool2d",
        "Average pooling, no padding (K16); dx (K17) given dy, accumulating where windows "
        "overlap and 0 at inputs outside every window. Per-case atol from the float32 sum "
        "bound 2 (K+3) 2^-24 max(sum of |terms|).",
        {"rtol": RTOL, "atol": 1e-5}, cases)


def files():
    return [gemm_file(), conv2d_file(), avgpool2d_file()]
