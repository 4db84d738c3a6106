"""SoftHebb and Krotov-Hopfield ops: batch_norm2d, softhebb_conv2d, softhebb_step, krotov_dense
(semantics of the test-vector contract, second set; spec/softhebb.md, spec/krotov.md).

Written from those pages and the contract only, never from the Java code. Float64 throughout;
every input is rounded to float32 before anything is computed. Every case is self-checked before
it is written:
  * batch_norm2d against literal per-channel loops;
  * softhebb_conv2d: the padding against the literal index map (SH2), u against a literal patch
    loop, dw against a literal loop over (n, position) of y_o (x_patch - u_o w_o);
  * krotov_dense against a literal per-sample sort of (current desc, unit asc);
  * softhebb_conv2d, softhebb_step, krotov_dense: the same reference run in float32 (numpy float32
    arrays, another summation order than the Java code) must pass the case's tolerance with a
    factor 2 to spare.

Winner choice. A float32 implementation's u (or currents I) differ from the float64 ones by a
rounding error, so a random case whose two largest values lie closer than a few times that error
could elect another winner: such draws are rejected (redrawn). The 'ties' cases use inputs on a
coarse grid (small multiples of powers of 2) whose every sum is exact in float32, so their ties
are exact in any summation order and the lowest index must win.
"""

import itertools

import numpy as np

from .common import U32, Case, OpFile, T, draw, f32, sum_bound_atol, tol

RTOL = 1e-4

SEED_BN = 20261401
SEED_SHC = 20261402
SEED_STEP = 20261403
SEED_KH = 20261404


# =============================================================================================
# batch_norm2d (SH1)

def batch_norm2d_ref(x, eps):
    m = x.mean(axis=(0, 2, 3), keepdims=True)
    var = ((x - m) ** 2).mean(axis=(0, 2, 3), keepdims=True)
    return (x - m) / np.sqrt(var + eps)


def _bn_literal(x, eps):
    N, C, H, W = x.shape
    y = np.zeros(x.shape)
    for c in range(C):
        vals = [x[n, c, h, w] for n, h, w in itertools.product(range(N), range(H), range(W))]
        m = sum(vals) / len(vals)
        var = sum((v - m) ** 2 for v in vals) / len(vals)
        for n, h, w in itertools.product(range(N), range(H), range(W)):
            y[n, c, h, w] = (x[n, c, h, w] - m) / np.sqrt(var + eps)
    return y


def _bn_case(cid, x, eps, flags=None, comment=None):
    x = f32(x)
    y = batch_norm2d_ref(x, eps)
    assert np.max(np.abs(y - _bn_literal(x, eps))) <= 1e-9 * max(1.0, np.max(np.abs(y)))
    n = x.shape[0] * x.shape[2] * x.shape[3]
    # the statistics carry no float32 error (double accumulation, spec/kernels.md#reductions):
    # y is off by its own few roundings
    atol = 4 * (n + 5) * U32 * max(1e-30, float(np.max(np.abs(y))))
    return Case(cid, {"eps": eps}, {"x": T(x)}, {"y": T(y)}, tol(RTOL, atol), comment=comment,
                flags=flags)


def batch_norm2d_file():
    rng = np.random.default_rng(SEED_BN)
    const = draw(rng, (2, 3, 3, 4))
    const[:, 1] = 0.75
    cases = [
        _bn_case("n2c3h4w4-eps1e-5", draw(rng, (2, 3, 4, 4)), 1e-5),
        _bn_case("n3c2h3w5-eps1e-3", 3.0 * draw(rng, (3, 2, 3, 5)) + 1.0, 1e-3),
        _bn_case("n1c4h5w5-eps0", draw(rng, (1, 4, 5, 5)), 0.0),
        _bn_case("n4c1h2w2-eps0.5", draw(rng, (4, 1, 2, 2)), 0.5),
        _bn_case("n2c5h1w3-eps1e-5", draw(rng, (2, 5, 1, 3), 0.0, 1.0), 1e-5),
        _bn_case("n3c2h6w4-eps1e-5", draw(rng, (3, 2, 6, 4), 0.0, 1.0), 1e-5),
        _bn_case("edge-constant-channel", const, 1e-5, ["constant"],
                 "channel 1 is constant: y = 0 there"),
        _bn_case("edge-offset-1e4", 1e4 + draw(rng, (2, 2, 3, 3)), 1e-5, ["huge"],
                 "values 1e4 + [-1, 1): the mean must not be a float32 sum"),
        _bn_case("edge-one-value-per-channel", draw(rng, (1, 3, 1, 1)), 1e-5, ["length1"],
                 "N = H = W = 1: y = 0"),
        _bn_case("edge-tiny-1e-20", 1e-20 * draw(rng, (2, 2, 2, 3)), 0.0, ["tiny"],
                 "variance near 1e-40, below float32's normal range; eps = 0"),
        _bn_case("edge-width16+1", draw(rng, (1, 2, 1, 17)), 1e-5, ["width+1"],
                 "17 values per channel"),
    ]
    return OpFile(
        "batch_norm2d", "spec/softhebb.md#batch-norm",
        "Batch normalisation without affine, batch statistics (SH1): per channel y = (x - mean) "
        "/ sqrt(var + eps) over (N, H, W), population variance. Per-case atol = 4 (n+5) 2^-24 "
        "max|y|, n = N H W: the statistics must not carry float32 error.",
        {"rtol": RTOL, "atol": 1e-5}, cases)


# =============================================================================================
# softhebb_conv2d (SH2)-(SH5)

def pad2d(x, p, mode):
    if p == 0:
        return x.copy()
    if mode == "zeros":
        return np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), mode="constant")
    return np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), mode="reflect")


def _reflect_index(i, n):
    if i < 0:
        return -i
    if i > n - 1:
        return 2 * (n - 1) - i
    return i


def _pad_literal(x, p, mode):
    N, C, H, W = x.shape
    out = np.zeros((N, C, H + 2 * p, W + 2 * p))
    for i, j in itertools.product(range(-p, H + p), range(-p, W + p)):
        if mode == "zeros":
            if 0 <= i < H and 0 <= j < W:
                out[:, :, i + p, j + p] = x[:, :, i, j]
        else:
            out[:, :, i + p, j + p] = x[:, :, _reflect_index(i, H), _reflect_index(j, W)]
    return out


def patches(xp, KH, KW, s):
    """[N, OH, OW, C*KH*KW] patches of the padded input, ordered like a row of w."""
    N, C, HP, WP = xp.shape
    OH, OW = (HP - KH) // s + 1, (WP - KW) // s + 1
    P = np.zeros((N, OH, OW, C, KH, KW), dtype=xp.dtype)
    for i, j in itertools.product(range(OH), range(OW)):
        P[:, i, j] = xp[:, :, i * s:i * s + KH, j * s:j * s + KW]
    return P.reshape(N, OH, OW, C * KH * KW)


def softwta(u, t_inv):
    """(SH4) at every (n, position): y = +softmax for the argmax channel (lowest index on ties),
    -softmax for every other; u [N, O, OH, OW]."""
    a = t_inv * u
    e = np.exp(a - a.max(axis=1, keepdims=True))
    s = e / e.sum(axis=1, keepdims=True)
    win = np.argmax(u, axis=1)                   # numpy: first occurrence = lowest index
    y = -s
    onehot = np.arange(u.shape[1])[None, :, None, None] == win[:, None, :, :]
    y[onehot] = s[onehot]
    return y


def softhebb_conv2d_ref(x, w, t_inv, s, p, mode, dtype=np.float64):
    x, w = x.astype(dtype), w.astype(dtype)
    O = w.shape[0]
    P = patches(pad2d(x, p, mode), w.shape[2], w.shape[3], s)     # [N, OH, OW, K]
    wf = w.reshape(O, -1)
    u = np.einsum("nijk,ok->noij", P, wf)
    y = softwta(u, dtype(t_inv))
    dw = np.einsum("noij,nijk->ok", y, P) - (y * u).sum(axis=(0, 2, 3))[:, None] * wf
    return u, y, dw.reshape(w.shape), P


def _shc_literal(x, w, t_inv, s, p, mode):
    xp = _pad_literal(x, p, mode)
    assert np.array_equal(xp, pad2d(x, p, mode)), "padding self-check (SH2)"
    N = x.shape[0]
    O, C, KH, KW = w.shape
    OH, OW = (xp.shape[2] - KH) // s + 1, (xp.shape[3] - KW) // s + 1
    u = np.zeros((N, O, OH, OW))
    dw = np.zeros(w.shape)
    for n, i, j in itertools.product(range(N), range(OH), range(OW)):
        patch = xp[n, :, i * s:i * s + KH, j * s:j * s + KW]
        for o in range(O):
            u[n, o, i, j] = float(np.sum(patch * w[o]))
        best = max(range(O), key=lambda o: (u[n, o, i, j], -o))
        ex = [np.exp(t_inv * u[n, o, i, j] - t_inv * u[n, best, i, j]) for o in range(O)]
        for o in range(O):
            yo = ex[o] / sum(ex) * (1.0 if o == best else -1.0)
            dw[o] += yo * (patch - u[n, o, i, j] * w[o])
    return u, dw


def _top_gap(v, axis):
    srt = np.sort(v, axis=axis)
    return np.take(srt, -1, axis=axis) - np.take(srt, -2, axis=axis)


def _shc_tolerances(P, w, u, y, t_inv):
    """First-order float32 error bounds of u, y and dw.

    u: any-order float32 sum of K products (sum_bound_atol). y: a perturbation du of every u
    changes s_o by at most s_o 2 t_inv du (first order), and the softmax's own roundings by
    (O + 5) u s_o, so |dy_o| <= ry |y_o| with ry = 2 t_inv atol_u + (O + 5) u. dw: the float32
    sums of its terms (sum_bound_atol over N OH OW + 1 terms) plus ry times their magnitude and
    the error of u in (sum y u) w.
    """
    K = P.shape[-1]
    O = w.shape[0]
    wf = np.abs(w.reshape(O, -1))
    au = np.einsum("nijk,ok->noij", np.abs(P), wf)                # sum |w x|
    atol_u = sum_bound_atol(K, np.max(au))
    ry = 2.0 * t_inv * atol_u + (O + 5) * U32
    atol_y = 2.0 * ry * float(np.max(np.abs(y)))
    ay = np.abs(y)
    npos = u.shape[0] * u.shape[2] * u.shape[3]
    terms = np.einsum("noij,nijk->ok", ay, np.abs(P)) + \
        (ay * np.abs(u)).sum(axis=(0, 2, 3))[:, None] * wf
    prop = ry * terms + (ay * atol_u).sum(axis=(0, 2, 3))[:, None] * wf
    atol_dw = sum_bound_atol(npos + 1, np.max(terms)) + 2.0 * np.max(prop)
    return atol_u, atol_y, atol_dw, 8.0 * atol_u


def _shc_case(rng, N, C, H, W, O, KH, KW, s, p, mode, t_inv, grid=None, dup=False, flags=None,
              tag=""):
    for attempt in range(200):
        if grid is None:
            x = draw(rng, (N, C, H, W), 0.0, 1.0) if attempt % 2 == 0 else \
                draw(rng, (N, C, H, W), -1.0, 1.0)
            w = draw(rng, (O, C, KH, KW), -1.0, 1.0)
        else:
            x = rng.integers(-grid, grid + 1, size=(N, C, H, W)) / 4.0
            w = rng.integers(-1, 2, size=(O, C, KH, KW)).astype(np.float64)
        if dup:
            w[O - 1] = w[0]
        x, w = f32(x), f32(w)
        u, y, dw, P = softhebb_conv2d_ref(x, w, t_inv, s, p, mode)
        atol_u, atol_y, atol_dw, gap = _shc_tolerances(P, w, u, y, t_inv)
        if grid is not None:
            assert np.all(f32(u) == u), "grid case: u must be exact in float32"
            ties = int(np.sum(_top_gap(u, 1) == 0))
            if ties > 0:
                break
        elif np.min(_top_gap(u, 1)) > gap:
            ties = 0
            break
    else:
        raise AssertionError("no acceptable draw for softhebb_conv2d " + tag)
    lu, ldw = _shc_literal(x, w, t_inv, s, p, mode)
    assert np.max(np.abs(lu - u)) <= 1e-12 * max(1.0, np.max(np.abs(u))), "u self-check"
    assert np.max(np.abs(ldw - dw)) <= 1e-10 * max(1.0, np.max(np.abs(dw))), "dw self-check"
    u32, y32, dw32, _ = softhebb_conv2d_ref(x, w, t_inv, s, p, mode, np.float32)
    for name, a, b, at in (("u", u32, u, atol_u), ("y", y32, y, atol_y),
                           ("dw", dw32, dw, atol_dw)):
        err = np.abs(a.astype(np.float64) - b) - RTOL * np.abs(b)
        assert np.max(err) <= at / 2, "float32 self-check %s %s: %g > %g" % (
            tag, name, np.max(err), at / 2)
    OH, OW = u.shape[2], u.shape[3]
    cid = "%s-p%d-s%d-k%dx%d-n%dc%dh%dw%d-o%d-tinv%g%s" % (mode, p, s, KH, KW, N, C, H, W, O,
                                                         t_inv, tag)
    fl = list(flags or [])
    if ties and "ties" not in fl:
        fl.append("ties")
    # one case per output, each with its own bound (a case has a single tolerance)
    params = {"t_inv": t_inv, "stride": s, "padding": p, "pad_mode": mode}
    note = "u[%d,%d,%d,%d]; %d positions with a tie for the largest u" % (N, O, OH, OW, ties)
    return [Case(cid + "-" + name, params, {"x": T(x), "w": T(w)}, {name: T(val)},
                 tol(RTOL, at), comment=note, flags=fl or None)
            for name, val, at in (("u", u, atol_u), ("y", y, atol_y), ("dw", dw, atol_dw))]


def softhebb_conv2d_file():
    rng = np.random.default_rng(SEED_SHC)
    # (N, C, H, W, O, KH, KW, stride, padding, mode, t_inv)
    specs = [
        (1, 1, 3, 3, 2, 1, 1, 1, 0, "zeros", 1.0),
        (2, 2, 5, 5, 3, 3, 3, 1, 1, "reflect", 1.0),
        (2, 2, 5, 5, 3, 3, 3, 1, 1, "zeros", 1.0),
        (2, 3, 6, 6, 4, 5, 5, 1, 2, "reflect", 0.65),
        (1, 2, 7, 6, 5, 3, 3, 2, 1, "reflect", 0.25),
        (2, 1, 8, 7, 4, 3, 3, 3, 2, "reflect", 4.0),
        (2, 2, 6, 5, 3, 2, 3, 2, 1, "zeros", 0.25),
        (1, 3, 4, 4, 6, 3, 3, 1, 3, "reflect", 1.0),      # padding = side - 1, the most allowed
        (3, 1, 5, 4, 8, 5, 5, 1, 2, "reflect", 0.7),
    ]
    cases = [c for sp in specs for c in _shc_case(rng, *sp)]
    for more in [
        _shc_case(rng, 2, 2, 4, 4, 4, 3, 3, 1, 1, "reflect", 1.0, grid=2, tag="-ties"),
        _shc_case(rng, 1, 1, 5, 5, 3, 3, 3, 2, 1, "zeros", 0.5, grid=1, tag="-ties"),
        _shc_case(rng, 2, 1, 4, 5, 3, 2, 2, 1, 0, "zeros", 1.0, grid=2, dup=True,
                  tag="-duplicate-rows"),
        _shc_case(rng, 1, 2, 5, 5, 4, 3, 3, 1, 1, "reflect", 20.0, flags=["peaked"],
                  tag="-peaked"),
    ]:
        cases += more
    return OpFile(
        "softhebb_conv2d", "spec/softhebb.md#softwta",
        "SoftHebb convolution and plastic update (SH2)-(SH5): u = conv2d(pad(x), w) (zeros or "
        "reflect padding, no bias); at each (n, position) s = softmax_o(t_inv u), y = s for the "
        "channel with the largest u (lowest index on ties), -s for the others; dw_o = sum y_o "
        "x_patch - (sum y_o u_o) w_o. Random draws whose two largest u lie within 8x u's error "
        "bound are redrawn; '-ties' cases use grid inputs with exact ties. One case per output "
        "(-u, -y, -dw), each with a first-order float32 bound (refgen/softhebb.py "
        "_shc_tolerances).",
        {"rtol": RTOL, "atol": 1e-5}, cases)


# =============================================================================================
# softhebb_step (SH6)

def softhebb_step_ref(w, dw, lr, power, dtype=np.float64):
    w, dw = w.astype(dtype), dw.astype(dtype)
    O = w.shape[0]
    norms = np.sqrt((w.reshape(O, -1) ** 2).sum(axis=1))
    rate = dtype(lr) * (np.abs(norms - 1) + dtype(1e-10)) ** dtype(power)
    scale = np.max(np.abs(dw)) + dtype(1e-30)
    return w + (rate.reshape((O,) + (1,) * (w.ndim - 1)) * dw) / scale


def _step_case(cid, w, dw, lr, power, flags=None, comment=None):
    w, dw = f32(w), f32(dw)
    wn = softhebb_step_ref(w, dw, lr, power)
    O = w.shape[0]
    for o in range(O):      # literal
        norm = float(np.sqrt(sum(v * v for v in w[o].reshape(-1))))
        r = lr * (abs(norm - 1) + 1e-10) ** power
        m = max(abs(v) for v in dw.reshape(-1)) + 1e-30
        lit = w[o] + r * dw[o] / m
        assert np.max(np.abs(lit - wn[o])) <= 1e-12 * max(1.0, np.max(np.abs(wn)))
    # float32 error: the norm (K roundings), pow, the division, the add
    K = w[0].size
    delta = np.abs(wn - w)
    atol = 2 * (K + 10) * U32 * (float(np.max(np.abs(wn))) + float(np.max(delta)) *
                                 max(1.0, power * float(np.max(np.abs(w))) * K))
    atol = max(atol, 1e-30)
    w32 = softhebb_step_ref(w, dw, lr, power, np.float32).astype(np.float64)
    assert np.max(np.abs(w32 - wn) - RTOL * np.abs(wn)) <= atol / 2, "float32 self-check " + cid
    return Case(cid, {"lr": lr, "power": power}, {"w": T(w), "dw": T(dw)}, {"w_next": T(wn)},
                tol(RTOL, atol), comment=comment, flags=flags)


def softhebb_step_file():
    rng = np.random.default_rng(SEED_STEP)
    unit = np.zeros((3, 2, 2, 2))
    unit[0, 0, 0, 0] = 1.0
    unit[1, 1, 1, 1] = -1.0
    unit[2] = 0.5         # norm sqrt(8) / 2 = 1.414
    cases = [
        _step_case("o4c2k3-lr0.08-p0.5", 3 * draw(rng, (4, 2, 3, 3)), draw(rng, (4, 2, 3, 3)),
                   0.08, 0.5),
        _step_case("o6c3k1-lr0.005-p0.5", 0.2 * draw(rng, (6, 3, 1, 1)),
                   draw(rng, (6, 3, 1, 1)), 0.005, 0.5, comment="norms below 1"),
        _step_case("o5i7-lr0.01-p1", 2 * draw(rng, (5, 7)), 50 * draw(rng, (5, 7)), 0.01, 1.0,
                   comment="dense [O, I] weights; power 1"),
        _step_case("o2c1k5-lr1-p0.5", 10 * draw(rng, (2, 1, 5, 5)), 1e-3 * draw(rng, (2, 1, 5, 5)),
                   1.0, 0.5, comment="norms far above 1, small dw (scaled to 1)"),
        _step_case("edge-norm-exactly-1", unit, draw(rng, unit.shape), 1.0, 0.5,
                   comment="rows 0 and 1 have norm exactly 1: rate lr 1e-5 (the 1e-10 matters)"),
        _step_case("edge-dw-zero", draw(rng, (3, 4)), np.zeros((3, 4)), 0.1, 0.5, ["zero"],
                   "dw = 0: max|dw| + 1e-30 keeps the step finite and w unchanged"),
        _step_case("edge-w-zero", np.zeros((2, 5)), draw(rng, (2, 5)), 0.05, 0.5, ["zero"],
                   "w = 0: norm 0, rate lr (1 + 1e-10)^0.5"),
        _step_case("edge-dw-tiny", draw(rng, (3, 3)), 1e-35 * draw(rng, (3, 3)), 0.1, 0.5,
                   ["tiny", "subnormal"], "max|dw| ~ 1e-35 < 1e-30: the step is about 1e-5 lr"),
        _step_case("edge-one-neuron", draw(rng, (1, 1, 1, 1)), draw(rng, (1, 1, 1, 1)), 0.5, 0.5,
                   ["length1"], "a single weight"),
    ]
    return OpFile(
        "softhebb_step", "spec/softhebb.md#step",
        "SoftHebb step (SH6): w_next_o = w_o + lr (|norm(w_o) - 1| + 1e-10)^power dw_o / "
        "(max|dw| + 1e-30), the max over the whole tensor, the norm of row o before the step. "
        "Per-case atol: a first-order float32 bound (refgen/softhebb.py _step_case).",
        {"rtol": RTOL, "atol": 1e-6}, cases)


# =============================================================================================
# krotov_dense (KH1)-(KH3)

def krotov_currents(v, W, p, dtype=np.float64):
    v, W = v.astype(dtype), W.astype(dtype)
    return v @ (np.sign(W) * np.abs(W) ** dtype(p - 1)).T          # [B, O]


def krotov_g(I, k, delta):
    B, O = I.shape
    g = np.zeros(I.shape)
    for b in range(B):
        order = sorted(range(O), key=lambda o: (-I[b, o], o))        # current desc, unit asc
        g[b, order[0]] = 1.0
        g[b, order[k - 1]] = -delta
    return g


def krotov_dense_ref(v, W, p, k, delta, dtype=np.float64):
    I = krotov_currents(v, W, p, dtype)
    g = krotov_g(I.astype(np.float64), k, delta).astype(dtype)
    ds = g.T @ v.astype(dtype) - (g * I).sum(axis=0)[:, None] * W.astype(dtype)
    return ds, I, g


def _kh_literal(v, W, p, k, delta):
    B, In = v.shape
    O = W.shape[0]
    ds = np.zeros(W.shape)
    for b in range(B):
        cur = [sum(np.sign(W[o, i]) * abs(W[o, i]) ** (p - 1) * v[b, i] for i in range(In))
               for o in range(O)]
        ranked = sorted(range(O), key=lambda o: (-cur[o], o))
        for o in range(O):
            g = 1.0 if o == ranked[0] else (-delta if o == ranked[k - 1] else 0.0)
            for i in range(In):
                ds[o, i] += g * v[b, i] - g * cur[o] * W[o, i]
    return ds


def _deciding_ties(I, k):
    n = 0
    for r in I:
        srt = sorted(r.tolist(), reverse=True)
        if srt[0] == srt[1] or srt[k - 1] == srt[k - 2] or (k < len(srt) and
                                                               srt[k - 1] == srt[k]):
            n += 1
    return n


def _kh_case(rng, B, In, O, p, k, delta, grid=False, dup=False, flags=None, tag=""):
    for _ in range(200):
        if grid:
            v = rng.integers(0, 3, size=(B, In)) / 2.0
            W = rng.integers(-2, 3, size=(O, In)) / 2.0
        else:
            v = draw(rng, (B, In), 0.0, 1.0)
            W = draw(rng, (O, In), -1.0, 1.0)
        if dup:
            W[O - 1] = W[0]
        v, W = f32(v), f32(W)
        ds, I, g = krotov_dense_ref(v, W, p, k, delta)
        aI = np.abs(v) @ (np.abs(W) ** (p - 1)).T
        atol_I = sum_bound_atol(In + 2, np.max(aI))
        srt = -np.sort(-I, axis=1)
        gaps = [srt[:, r] - srt[:, r + 1] for r in (0, k - 2, k - 1) if r + 1 < O]
        gaps = np.min(np.concatenate(gaps)) if gaps else np.inf
        if grid:
            assert np.all(f32(I) == I), "grid case: currents must be exact in float32"
            # samples where a tie decides the winner or the k-th unit
            ties = _deciding_ties(I, k)
            if ties > 0:
                break
        elif gaps > 8 * atol_I:
            ties = 0
            break
    else:
        raise AssertionError("no acceptable draw for krotov_dense " + tag)
    lit = _kh_literal(v, W, p, k, delta)
    assert np.max(np.abs(lit - ds)) <= 1e-10 * max(1.0, np.max(np.abs(ds))), "krotov self-check"
    ag = np.abs(g)
    terms = ag.T @ np.abs(v) + (ag * np.abs(I)).sum(axis=0)[:, None] * np.abs(W)
    atol = sum_bound_atol(2 * B + 1, np.max(terms)) + \
        2.0 * np.max(ag.sum(axis=0)[:, None] * atol_I * np.abs(W))
    ds32 = krotov_dense_ref(v, W, p, k, delta, np.float32)[0].astype(np.float64)
    assert np.max(np.abs(ds32 - ds) - RTOL * np.abs(ds)) <= atol / 2, "float32 self-check " + tag
    fl = list(flags or [])
    if ties and "ties" not in fl:
        fl.append("ties")
    cid = "b%di%do%d-p%g-k%d-delta%g%s" % (B, In, O, p, k, delta, tag)
    return Case(cid, {"p": p, "k": k, "delta": delta}, {"v": T(v), "W": T(W)}, {"ds": T(ds)},
                tol(RTOL, atol), flags=fl or None,
                comment="%d samples where a tie decides the winner or the k-th unit" % ties)


def krotov_dense_file():
    rng = np.random.default_rng(SEED_KH)
    cases = [
        _kh_case(rng, 4, 6, 5, 2.0, 2, 0.4),
        _kh_case(rng, 6, 10, 8, 3.0, 7, 0.4),
        _kh_case(rng, 3, 9, 6, 4.5, 3, 0.4),
        _kh_case(rng, 5, 7, 4, 3.0, 4, 1.0, tag="-k-is-O"),
        _kh_case(rng, 2, 5, 3, 2.0, 2, 0.0, tag="-delta0"),
        _kh_case(rng, 8, 16, 12, 3.0, 7, 0.4),
        _kh_case(rng, 1, 1, 2, 3.0, 2, 0.4, flags=["length1"], tag="-one-input"),
        _kh_case(rng, 4, 5, 6, 2.0, 2, 0.4, grid=True, tag="-ties"),
        _kh_case(rng, 4, 6, 5, 3.0, 3, 0.4, grid=True, tag="-ties"),
        _kh_case(rng, 3, 6, 4, 3.0, 2, 0.4, grid=True, dup=True, tag="-duplicate-rows"),
    ]
    return OpFile(
        "krotov_dense", "spec/krotov.md#update",
        "Krotov-Hopfield update before the step (KH1)-(KH3): per sample I_o = sum_i sign(W_oi) "
        "|W_oi|^(p-1) v_i; g = 1 for the largest I, -delta for the k-th largest (ties to the "
        "lower unit), 0 otherwise; ds = sum_b (g v^T - diag(g I) W). Random draws whose ranks "
        "1, k-1, k, k+1 lie within 8x the currents' error bound are redrawn; '-ties' cases use "
        "grid inputs with exact ties. atol: a first-order float32 bound (_kh_case).",
        {"rtol": RTOL, "atol": 1e-5}, cases)


def files():
    return [batch_norm2d_file(), softhebb_conv2d_file(), softhebb_step_file(),
            krotov_dense_file()]
