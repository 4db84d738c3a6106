"""Reference ops of spec/transformer.md: layer_norm, attention, transformer_sre (semantics of the
test-vector contract, second set).

Written from spec/transformer.md and the contract only, never from the Java code. Float64
throughout; every input is rounded to float32 before anything is computed. The backward passes
are written out by hand from (T13)-(T20), not by automatic differentiation. Before a case is
written it is self-checked:
  * every gradient against central finite differences in float64 (every parameter tensor and dx,
    sampled elements) of sum(dy * y) (layer_norm, attention) or of the loss (transformer_sre);
  * the same reference run entirely in float32 (every input, parameter and intermediate a float32
    array: numpy's float32 BLAS and ufuncs, another summation order and exp than the Java code)
    must pass the case's tolerance with a factor 4 to spare.

Tolerance. These ops are deep (layer norm divides by a standard deviation, softmax, two blocks),
so instead of propagating first-order bounds stage by stage as refgen/emergence.py does, a case
uses rtol = 1e-4 and atol = 1e-5 max(1, M), M the largest magnitude among its expected outputs:
about 170 float32 ulps of the case's scale. A float32 implementation's error on these small
networks is below 1e-6 M (the float32 self-check above measures it), and a wrong formula (a
missing 1/sqrt(dh), a transposed map, a missing residual or 1/T) changes outputs by a fraction of
M, far beyond it.
"""

import numpy as np

from .common import Case, OpFile, T, draw, tol
from .emergence import ACTS, _fd_check

RTOL = 1e-4
ATOL_REL = 1e-5
EPS = 1e-5
D = 32

SEED_LN = 20261211
SEED_ATTN = 20261212
SEED_TF = 20261213


# =============================================================================================
# activations, dtype-preserving (spec/kernels.md (K8), (K9))

def act_f(name, a):
    if name == "linear":
        return a.copy()
    if name == "relu":
        return np.maximum(a, 0)
    if name == "tanh":
        return np.tanh(a)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-a))
    raise ValueError(name)


def act_d(name, a):
    if name == "linear":
        return np.ones_like(a)
    if name == "relu":
        return (a > 0).astype(a.dtype)
    if name == "tanh":
        return 1 - np.tanh(a) ** 2
    if name == "sigmoid":
        s = 1 / (1 + np.exp(-a))
        return s * (1 - s)
    raise ValueError(name)


# =============================================================================================
# layer norm (T8), (T14)

def ln_forward(x, g, b, eps=EPS):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    s = np.sqrt(var + eps)
    xh = (x - mu) / s
    return xh * g + b, (xh, s)


def ln_backward(dy, g, cache):
    """(T14): dx, dgamma, dbeta; rows are every axis but the last."""
    xh, s = cache
    dxh = dy * g
    dx = (dxh - dxh.mean(axis=-1, keepdims=True)
          - xh * (dxh * xh).mean(axis=-1, keepdims=True)) / s
    axes = tuple(range(dy.ndim - 1))
    return dx, (dy * xh).sum(axis=axes), dy.sum(axis=axes)


# =============================================================================================
# attention (T9)-(T11), (T17)-(T19)

def _split(a, heads):
    """[B, T, D] -> [B, heads, T, dh]."""
    B, Tn, Dm = a.shape
    return a.reshape(B, Tn, heads, Dm // heads).transpose(0, 2, 1, 3)


def _merge(a):
    """[B, heads, T, dh] -> [B, T, D]."""
    B, H, Tn, dh = a.shape
    return a.transpose(0, 2, 1, 3).reshape(B, Tn, H * dh)


def softmax(s):
    m = s.max(axis=-1, keepdims=True)
    e = np.exp(s - m)
    return e / e.sum(axis=-1, keepdims=True)


def attn_forward(x, p, heads):
    """x [B, T, D]; p holds Wq, bq, Wk, bk, Wv, bv, Wo, bo."""
    dh = x.shape[-1] // heads
    q = x @ p["Wq"].T + p["bq"]
    k = x @ p["Wk"].T + p["bk"]
    v = x @ p["Wv"].T + p["bv"]
    qh, kh, vh = _split(q, heads), _split(k, heads), _split(v, heads)
    P = softmax(qh @ kh.transpose(0, 1, 3, 2) / np.sqrt(dh))
    o = _merge(P @ vh)
    y = o @ p["Wo"].T + p["bo"]
    return y, (x, qh, kh, vh, P, o)


def attn_backward(dy, p, heads, cache):
    """(T17)-(T19): dx and the gradients named dWq, dbq, ..., dbo."""
    x, qh, kh, vh, P, o = cache
    dh = x.shape[-1] // heads
    B, Tn, Dm = x.shape
    dy2, o2, x2 = dy.reshape(-1, Dm), o.reshape(-1, Dm), x.reshape(-1, Dm)
    g = {"dWo": dy2.T @ o2, "dbo": dy2.sum(axis=0)}
    do = _split(dy @ p["Wo"], heads)
    dP = do @ vh.transpose(0, 1, 3, 2)
    dv = P.transpose(0, 1, 3, 2) @ do
    dS = P * (dP - (dP * P).sum(axis=-1, keepdims=True))
    dq = dS @ kh / np.sqrt(dh)
    dk = dS.transpose(0, 1, 3, 2) @ qh / np.sqrt(dh)
    dx = np.zeros_like(x2)
    for name, d in (("q", dq), ("k", dk), ("v", dv)):
        d2 = _merge(d).reshape(-1, Dm)
        g["dW" + name] = d2.T @ x2
        g["db" + name] = d2.sum(axis=0)
        dx = dx + d2 @ p["W" + name]
    return dx.reshape(B, Tn, Dm), g


# =============================================================================================
# transformer_sre (T1)-(T20)

def block_names(L, norm):
    names = []
    for l in range(1, L + 1):
        p = "b%d." % l
        if norm == "pre":
            names += [p + "ln1.g", p + "ln1.b"]
        names += [p + n for n in ("Wq", "bq", "Wk", "bk", "Wv", "bv", "Wo", "bo")]
        if norm == "pre":
            names += [p + "ln2.g", p + "ln2.b"]
        names += [p + n for n in ("W1", "b1", "W2", "b2")]
    return names


def param_names(L, norm):
    return ["E", "e", "P"] + block_names(L, norm) + (["lnf.g", "lnf.b"] if norm == "pre" else []) \
        + ["R", "r"]


def _attn_params(P, pre):
    return {n: P[pre + n] for n in ("Wq", "bq", "Wk", "bk", "Wv", "bv", "Wo", "bo")}


def tf_forward(x, P, tokens, heads, act, norm, L):
    B = x.shape[0]
    F = D // tokens
    X = x.reshape(B, tokens, F)
    h = X @ P["E"].T + P["e"] + P["P"]                                   # (T1)
    caches = []
    for l in range(1, L + 1):
        p = "b%d." % l
        c = {"hin": h}
        if norm == "pre":
            u, c["ln1"] = ln_forward(h, P[p + "ln1.g"], P[p + "ln1.b"])  # (T2)
        else:
            u = h
        y, c["attn"] = attn_forward(u, _attn_params(P, p), heads)
        a = h + y                                                        # (T3)
        if norm == "pre":
            v, c["ln2"] = ln_forward(a, P[p + "ln2.g"], P[p + "ln2.b"])
        else:
            v = a
        f = v @ P[p + "W1"].T + P[p + "b1"]                              # (T4)
        z = act_f(act, f)
        h = a + z @ P[p + "W2"].T + P[p + "b2"]                          # (T5)
        c.update(u=u, v=v, f=f, z=z)
        caches.append(c)
    if norm == "pre":
        hf, lnf = ln_forward(h, P["lnf.g"], P["lnf.b"])                  # (T6)
    else:
        hf, lnf = h, None
    m = hf.mean(axis=1)
    out = m @ P["R"].T + P["r"]                                          # (T7)
    return out, (X, caches, lnf, m)


def loss_and_e(out, y, loss):
    """(T12): the loss and e = dL/dout."""
    d = out - y
    if loss == "mse":
        return 0.5 * np.sum(d * d) / out.shape[0], d / out.shape[0]
    if loss == "mse_mean":
        return np.sum(d * d) / d.size, 2 * d / d.size
    raise ValueError(loss)


def tf_backward(e, P, tokens, heads, act, norm, L, cache):
    X, caches, lnf, m = cache
    B = e.shape[0]
    G = {"R": e.T @ m, "r": e.sum(axis=0)}                               # (T13)
    dm = e @ P["R"]
    dhf = np.repeat(dm[:, None, :], tokens, axis=1) / tokens
    if norm == "pre":
        dh, G["lnf.g"], G["lnf.b"] = ln_backward(dhf, P["lnf.g"], lnf)   # (T14)
    else:
        dh = dhf
    for l in range(L, 0, -1):
        p = "b%d." % l
        c = caches[l - 1]
        N = B * tokens
        dh2, z2, v2 = dh.reshape(N, D), c["z"].reshape(N, -1), c["v"].reshape(N, D)
        G[p + "W2"] = dh2.T @ z2                                         # (T15)
        G[p + "b2"] = dh2.sum(axis=0)
        df = (dh @ P[p + "W2"]) * act_d(act, c["f"])
        df2 = df.reshape(N, -1)
        G[p + "W1"] = df2.T @ v2
        G[p + "b1"] = df2.sum(axis=0)
        dv = df @ P[p + "W1"]
        if norm == "pre":
            dv, G[p + "ln2.g"], G[p + "ln2.b"] = ln_backward(dv, P[p + "ln2.g"], c["ln2"])
        da = dh + dv
        du, ga = attn_backward(da, _attn_params(P, p), heads, c["attn"])  # (T16)
        for n in ("Wq", "bq", "Wk", "bk", "Wv", "bv", "Wo", "bo"):
            G[p + n] = ga["d" + n]
        if norm == "pre":
            du, G[p + "ln1.g"], G[p + "ln1.b"] = ln_backward(du, P[p + "ln1.g"], c["ln1"])
        dh = da + du
    F = D // tokens
    dh2 = dh.reshape(-1, D)
    G["E"] = dh2.T @ X.reshape(-1, F)                                    # (T20)
    G["e"] = dh2.sum(axis=0)
    G["P"] = dh.sum(axis=0)
    return G


# =============================================================================================
# tolerance and self-checks

def _scale(expected):
    return max(1.0, max(float(np.max(np.abs(v))) for v in expected.values()))


def _worst(actual, expected, t):
    w = 0.0
    for k, e in expected.items():
        a = np.asarray(actual[k], dtype=np.float64)
        w = max(w, float(np.max(np.abs(a - e) / (t["atol"] + t["rtol"] * np.abs(e)))))
    return w


def _check_f32(name, expected, actual32, t):
    w = _worst(actual32, expected, t)
    assert w <= 0.25, ("%s: the float32 run uses %.2f of the tolerance" % (name, w))


def _f32(d):
    return {k: np.asarray(v, dtype=np.float32) for k, v in d.items()}


# =============================================================================================
# layer_norm

def _ln_case(rng, N, Dm, with_dy, offset=0.0, scale=1.0, constant=False, flags=None, tag=""):
    x = draw(rng, (N, Dm), offset - scale, offset + scale)
    if constant:
        x[0, :] = x[0, 0]
    g = draw(rng, (Dm,), 0.5, 1.5)
    b = draw(rng, (Dm,), -0.5, 0.5)
    y, cache = ln_forward(x, g, b)
    inputs = {"x": T(x), "gamma": T(g), "beta": T(b)}
    expected = {"y": y}
    if with_dy:
        dy = draw(rng, (N, Dm))
        dx, dg, db = ln_backward(dy, g, cache)
        expected.update(dx=dx, dgamma=dg, dbeta=db)
        inputs["dy"] = T(dy)
        xs = {"x": x.copy(), "g": g.copy(), "b": b.copy()}

        def f():
            return float(np.sum(dy * ln_forward(xs["x"], xs["g"], xs["b"])[0]))
        # at a 1e4 offset a float64 difference quotient of x loses 8 digits: LN is shift
        # invariant, so dx is checked by the other cases
        for n, gr in ((("x", dx),) if offset == 0 else ()) + (("g", dg), ("b", db)):
            _fd_check("layer_norm " + n, f, xs[n], gr, rng)
    t = tol(RTOL, ATOL_REL * _scale(expected))
    i32 = _f32({"x": x, "g": g, "b": b})
    y32, c32 = ln_forward(i32["x"], i32["g"], i32["b"], np.float32(EPS))
    act32 = {"y": y32}
    if with_dy:
        dx32, dg32, db32 = ln_backward(dy.astype(np.float32), i32["g"], c32)
        act32.update(dx=dx32, dgamma=dg32, dbeta=db32)
    cid = "n%dd%d%s%s" % (N, Dm, "-dy" if with_dy else "", tag)
    if "huge" not in (flags or []):  # a float32 mean of 1e4-sized values is not the contract's
        _check_f32("layer_norm " + cid, expected, act32, t)
    return Case(cid, {"eps": EPS}, inputs, {k: T(v) for k, v in expected.items()}, t,
                flags=flags)


def layer_norm_file():
    rng = np.random.default_rng(SEED_LN)
    cases = [_ln_case(rng, 5, 32, False), _ln_case(rng, 5, 32, True),
             _ln_case(rng, 12, 32, True, scale=3.0), _ln_case(rng, 3, 5, True)]
    for w in (8, 16):
        for dd, flag in ((-1, "width-1"), (0, "width"), (1, "width+1")):
            cases.append(_ln_case(rng, 3, w + dd, True, flags=[flag], tag="-edge"))
    cases.append(_ln_case(rng, 4, 32, True, constant=True, flags=["constant"],
                          tag="-edge-constant"))
    cases.append(_ln_case(rng, 4, 32, True, offset=1e4, flags=["huge"], tag="-edge-offset1e4"))
    cases.append(_ln_case(rng, 3, 1, True, flags=["length1"], tag="-edge-length1"))
    return OpFile(
        "layer_norm", "spec/transformer.md#layer-norm",
        "Layer norm (T8) over the last axis, population variance: y = (x - mean) / sqrt(var + "
        "eps) * gamma + beta; with dy also dx, dgamma, dbeta (T14). Per-case atol = 1e-5 "
        "max(1, largest expected magnitude), rtol = 1e-4 (refgen/transformer.py).",
        {"rtol": RTOL, "atol": 1e-5}, cases)


# =============================================================================================
# attention

ATTN_NAMES = ("Wq", "bq", "Wk", "bk", "Wv", "bv", "Wo", "bo")


def _attn_case(rng, B, Tn, Dm, heads, with_dy, qscale=1.0, flags=None, tag=""):
    x = draw(rng, (B, Tn, Dm))
    p = {}
    for n in ATTN_NAMES:
        shape = (Dm, Dm) if n.startswith("W") else (Dm,)
        s = 1.0 / np.sqrt(Dm) * (qscale if n in ("Wq", "Wk") else 1.0) * (1.0 if n[0] == "W"
                                                                            else 0.3)
        p[n] = draw(rng, shape, -s * np.sqrt(3), s * np.sqrt(3))
    y, cache = attn_forward(x, p, heads)
    inputs = {"x": T(x)}
    inputs.update({n: T(p[n]) for n in ATTN_NAMES})
    expected = {"y": y}
    if with_dy:
        dy = draw(rng, (B, Tn, Dm))
        dx, g = attn_backward(dy, p, heads, cache)
        expected["dx"] = dx
        for n in ATTN_NAMES:
            expected["d" + n] = g["d" + n]
        ps = {n: p[n].copy() for n in ATTN_NAMES}
        ps["x"] = x.copy()

        def f():
            return float(np.sum(dy * attn_forward(ps["x"], ps, heads)[0]))
        _fd_check("attention dx", f, ps["x"], dx, rng)
        for n in ATTN_NAMES:
            _fd_check("attention d" + n, f, ps[n], g["d" + n], rng)
        inputs["dy"] = T(dy)
    t = tol(RTOL, ATOL_REL * _scale(expected))
    p32 = _f32(p)
    y32, c32 = attn_forward(x.astype(np.float32), p32, heads)
    act32 = {"y": y32}
    if with_dy:
        dx32, g32 = attn_backward(dy.astype(np.float32), p32, heads, c32)
        act32["dx"] = dx32
        act32.update(g32)
    cid = "b%dt%dd%dh%d%s%s" % (B, Tn, Dm, heads, "-dy" if with_dy else "", tag)
    _check_f32("attention " + cid, expected, act32, t)
    return Case(cid, {"heads": heads}, inputs, {k: T(v) for k, v in expected.items()}, t,
                flags=flags)


def attention_file():
    rng = np.random.default_rng(SEED_ATTN)
    cases = []
    for heads in (1, 2, 4):
        cases.append(_attn_case(rng, 2, 4, 16, heads, False))
        cases.append(_attn_case(rng, 2, 4, 32, heads, True))
    cases.append(_attn_case(rng, 3, 8, 32, 4, True))
    cases.append(_attn_case(rng, 1, 5, 6, 3, True))
    cases.append(_attn_case(rng, 2, 1, 32, 4, True, flags=["length1"], tag="-edge-onetoken"))
    cases.append(_attn_case(rng, 1, 4, 8, 2, True, qscale=40.0, flags=["peaked"],
                            tag="-edge-peaked"))
    return OpFile(
        "attention", "spec/transformer.md#attention",
        "Multi-head self-attention (T9)-(T11): q, k, v = x W^T + b; head h takes columns h dh .. "
        "(h+1) dh - 1; P = softmax over keys of q_h k_h^T / sqrt(dh); o_h = P v_h; y = o Wo^T + "
        "bo; no mask. With dy also dx and every parameter's gradient (T17)-(T19). Per-case atol "
        "= 1e-5 max(1, largest expected magnitude), rtol = 1e-4 (refgen/transformer.py).",
        {"rtol": RTOL, "atol": 1e-5}, cases)


# =============================================================================================
# transformer_sre

def _tf_params(rng, tokens, L, norm, ffn):
    F = D // tokens
    P = {}
    for n in param_names(L, norm):
        base = n.split(".")[-1]
        if n == "E":
            P[n] = draw(rng, (D, F), -np.sqrt(3.0 / F), np.sqrt(3.0 / F))
        elif n == "P":
            P[n] = draw(rng, (tokens, D), -0.3, 0.3)
        elif base == "g":
            P[n] = draw(rng, (D,), 0.7, 1.3)
        elif n == "R" or base in ("Wq", "Wk", "Wv", "Wo", "W1"):
            rows = ffn if base == "W1" else D
            P[n] = draw(rng, (rows, D), -np.sqrt(3.0 / D), np.sqrt(3.0 / D))
        elif base == "W2":
            P[n] = draw(rng, (D, ffn), -np.sqrt(3.0 / ffn), np.sqrt(3.0 / ffn))
        else:  # biases, LN shifts
            P[n] = draw(rng, (ffn,) if base == "b1" else (D,), -0.2, 0.2)
    return P


def _tf_case(rng, tokens, heads, act, norm, loss, L, B=3, ffn=8, flags=None):
    P = _tf_params(rng, tokens, L, norm, ffn)
    x = draw(rng, (B, D))
    y = draw(rng, (B, D))
    out, cache = tf_forward(x, P, tokens, heads, act, norm, L)
    Lval, e = loss_and_e(out, y, loss)
    G = tf_backward(e, P, tokens, heads, act, norm, L, cache)
    assert sorted(G) == sorted(P), "a gradient for every parameter"
    Pc = {n: v.copy() for n, v in P.items()}

    def f():
        return loss_and_e(tf_forward(x, Pc, tokens, heads, act, norm, L)[0], y, loss)[0]
    for n in param_names(L, norm):
        _fd_check("transformer_sre " + n, f, Pc[n], G[n], rng, nsample=4)
    expected = {"out": out, "loss": np.array(Lval)}
    for n in param_names(L, norm):
        expected["grad." + n] = G[n]
    t = tol(RTOL, ATOL_REL * _scale(expected))
    P32 = _f32(P)
    out32, c32 = tf_forward(x.astype(np.float32), P32, tokens, heads, act, norm, L)
    L32, e32 = loss_and_e(out32, y.astype(np.float32), loss)
    G32 = tf_backward(e32, P32, tokens, heads, act, norm, L, c32)
    act32 = {"out": out32, "loss": L32}
    act32.update({"grad." + n: v for n, v in G32.items()})
    cid = "%s-%s-%s-L%d-t%d-h%d" % (norm, act, loss, L, tokens, heads)
    _check_f32("transformer_sre " + cid, expected, act32, t)
    inputs = {"x": T(x), "y": T(y)}
    inputs.update({n: T(P[n]) for n in param_names(L, norm)})
    return Case(cid, {"heads": heads, "tokens": tokens, "act": act, "norm": norm, "loss": loss},
                inputs, {k: T(v) for k, v in expected.items()}, t, flags=flags,
                comment="x, y [%d,32]; %d block(s), ffn width %d" % (B, L, ffn))


def transformer_sre_file():
    rng = np.random.default_rng(SEED_TF)
    cases = [
        _tf_case(rng, 4, 4, "tanh", "pre", "mse", 2),          # the paper's shape
        _tf_case(rng, 4, 4, "tanh", "pre", "mse_mean", 2),
        _tf_case(rng, 4, 4, "tanh", "none", "mse", 2),
        _tf_case(rng, 8, 4, "sigmoid", "none", "mse", 1),
        _tf_case(rng, 8, 2, "linear", "none", "mse_mean", 1),
        _tf_case(rng, 8, 1, "relu", "pre", "mse", 1),
        _tf_case(rng, 4, 2, "linear", "pre", "mse", 1),
        _tf_case(rng, 32, 2, "relu", "none", "mse", 1, flags=["length1"]),
        _tf_case(rng, 32, 4, "sigmoid", "pre", "mse_mean", 1, flags=["length1"]),
    ]
    return OpFile(
        "transformer_sre", "spec/transformer.md#forward",
        "The contract's SRE transformer (T1)-(T7): tokens of 32/tokens features, embedding plus "
        "positions, pre-LN (or no-LN) blocks of multi-head attention and a 32-Hf-32 feed-forward, "
        "final LN, mean over tokens, readout; loss mse or mse_mean (T12); outputs out, loss and "
        "grad.NAME of every parameter (T13)-(T20). Per-case atol = 1e-5 max(1, largest expected "
        "magnitude), rtol = 1e-4 (refgen/transformer.py).",
        {"rtol": RTOL, "atol": 1e-5}, cases)


def files():
    return [layer_norm_file(), attention_file(), transformer_sre_file()]
