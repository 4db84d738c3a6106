#!/usr/bin/env python3
"""Check that the tolerances of the kernel and emergence vectors are neither too tight nor too loose.

Usage:  python3 test-vectors/check_tolerances.py

Reads the JSON files (like a verifier, with the contract's pass rule) and runs
  * float32 implementations in several summation orders (sequential, reversed, 8 SIMD-like lanes
    with fused multiply-add, BLAS sgemm via numpy float32, im2col lowering): every case must pass;
  * deliberately wrong formulas (missing transpose, flipped kernel, off-by-one padding, ...):
    each should fail in every case it affects.
Not part of generation; it only justifies the tolerances (spec/test-vectors.md#tolerances).
"""

import glob
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
F = np.float32


def load(op):
    """The op's file without its "edge-" cases: those check semantics (BLAS reading rules, NaN,
    no overflow in norms) that plain float32 arithmetic does not meet, not tolerances."""
    with open(os.path.join(HERE, op + ".json"), encoding="utf-8") as fh:
        d = json.load(fh)
    d["cases"] = [c for c in d["cases"] if not c["id"].startswith("edge-")]
    return d


def tens(t):
    a = np.array(t["data"], dtype=np.float64).astype(np.float32)
    return a.reshape(t["shape"])


def worst(actual, expected, tolerance):
    """max over elements of |a - e| / (atol + rtol |e|)  (<= 1 passes)."""
    a = np.asarray(actual, dtype=np.float32).astype(np.float64)
    e = np.asarray(expected, dtype=np.float64)
    if a.shape != e.shape:
        return np.inf
    bound = tolerance["atol"] + tolerance["rtol"] * np.abs(e)
    return float(np.max(np.abs(a - e) / bound))


def f32sum_seq(terms, axis=0, reverse=False):
    """Sequential float32 accumulation of terms along axis 0."""
    acc = np.zeros(terms.shape[1:], dtype=F)
    rng = range(terms.shape[0] - 1, -1, -1) if reverse else range(terms.shape[0])
    for t in rng:
        acc = acc + terms[t]
    return acc


def f32sum_lanes_fma(a, b, lanes=8):
    """sum_t a[t] * b[t] with `lanes` partial sums, each step a fused multiply-add (one
    rounding of acc + a*b, the product exact in float64), lanes combined at the end."""
    K = a.shape[0]
    accs = [np.zeros(np.broadcast_shapes(a.shape[1:], b.shape[1:]), dtype=F) for _ in range(lanes)]
    for t in range(K):
        l = t % lanes
        accs[l] = (accs[l].astype(np.float64) + a[t].astype(np.float64) * b[t].astype(np.float64)).astype(F)
    out = accs[0]
    for l in range(1, lanes):
        out = out + accs[l]
    return out


# =============================================================================================
# gemm

def gemm_impls(A, B, C, tA, tB, alpha, beta):
    opA = A.T if tA else A
    opB = B.T if tB else B
    al, be = F(alpha), F(beta)
    terms = opA.T[:, :, None] * opB[:, None, :]            # [k, m, n] float32 products
    out = {}

    def fin(acc):
        r = al * acc
        return r if beta == 0 else r + be * C
    out["seq"] = fin(f32sum_seq(terms))
    out["rev"] = fin(f32sum_seq(terms, reverse=True))
    out["lanes8-fma"] = fin(f32sum_lanes_fma(opA.T[:, :, None], opB[:, None, :]))
    out["sgemm"] = fin(np.matmul(opA, opB))
    out["alpha-first"] = f32sum_seq((al * opA).T[:, :, None] * opB[:, None, :]) + (
        0 if beta == 0 else be * C)
    return out


def gemm_mutants(A, B, C, tA, tB, alpha, beta):
    m = (A.shape[1] if tA else A.shape[0])
    k = (A.shape[0] if tA else A.shape[1])
    n = (B.shape[0] if tB else B.shape[1])
    opA = A.T if tA else A
    opB = B.T if tB else B
    out = {}
    if tA and m > 1 and k > 1:      # flag ignored: data read as if stored [m, k]
        out["transA-ignored"] = alpha * (A.reshape(m, k) @ opB) + beta * C
    if tB and k > 1 and n > 1:
        out["transB-ignored"] = alpha * (opA @ B.reshape(k, n)) + beta * C
    if beta != 1:
        out["beta-as-1"] = alpha * (opA @ opB) + C
    if beta != 0:
        out["C-ignored"] = alpha * (opA @ opB)
    if alpha != 1 and beta != 0:
        out["alpha-on-C"] = alpha * (opA @ opB + beta * C)
    if k > 1:
        out["last-k-dropped"] = alpha * (opA[:, :-1] @ opB[:-1, :]) + beta * C
    return out


def run_gemm(d, report):
    for c in d["cases"]:
        p, i = c["params"], c["inputs"]
        A, B, C = tens(i["A"]), tens(i["B"]), tens(i["C"])
        e = tens(c["expected"]["Y"]).astype(np.float64)
        args = (A, B, C, p["transA"], p["transB"], p["alpha"], p["beta"])
        for name, y in gemm_impls(*args).items():
            report.impl("gemm", name, c["id"], worst(y, e, c["tolerance"]))
        A64, B64, C64 = A.astype(np.float64), B.astype(np.float64), C.astype(np.float64)
        for name, y in gemm_mutants(A64, B64, C64, *args[3:]).items():
            report.mutant("gemm", name, c["id"], worst(y, e, c["tolerance"]))


# =============================================================================================
# conv2d (float32 implementations in two styles: direct taps and im2col)

def out_hw(H, W, KH, KW, s, p):
    return (H + 2 * p - KH) // s + 1, (W + 2 * p - KW) // s + 1


def im2col(x, KH, KW, s, p, shift=0):
    """col[n][(c*KH+u)*KW+v][i*OW+j] = x[n,c,i*s-p+u,j*s-p+v] (0 outside)."""
    N, C, H, W = x.shape
    OH, OW = out_hw(H, W, KH, KW, s, p)
    xp = np.zeros((N, C, H + 2 * p + 2, W + 2 * p + 2), dtype=x.dtype)
    xp[:, :, p + 1:p + 1 + H, p + 1:p + 1 + W] = x
    col = np.zeros((N, C, KH, KW, OH, OW), dtype=x.dtype)
    for u in range(KH):
        for v in range(KW):
            r0, c0 = u + 1 + shift, v + 1 + shift
            col[:, :, u, v] = xp[:, :, r0:r0 + s * (OH - 1) + 1:s, c0:c0 + s * (OW - 1) + 1:s]
    return col.reshape(N, C * KH * KW, OH * OW), OH, OW


def col2im(col, x_shape, KH, KW, s, p, overwrite=False):
    N, C, H, W = x_shape
    OH, OW = out_hw(H, W, KH, KW, s, p)
    col = col.reshape(N, C, KH, KW, OH, OW)
    xp = np.zeros((N, C, H + 2 * p, W + 2 * p), dtype=col.dtype)
    for u in range(KH):
        for v in range(KW):
            sl = (slice(None), slice(None), slice(u, u + s * (OH - 1) + 1, s),
                  slice(v, v + s * (OW - 1) + 1, s))
            if overwrite:
                xp[sl] = col[:, :, u, v]
            else:
                xp[sl] += col[:, :, u, v]
    return xp[:, :, p:p + H, p:p + W]


def conv_all(x, w, b, dy, s, p, order="seq", shift=0, flip=False, ignore_stride=False,
             overwrite_dx=False, dw_first_only=False, db_zero_without_b=False, has_b=True):
    """Returns y, dx, dw, db computed in the dtype of the inputs.

    order: 'seq' (sequential over the reduced index), 'rev' (reversed), 'gemm' (im2col + matmul)."""
    N, C, H, W = x.shape
    O, _, KH, KW = w.shape
    if flip:
        w = w[:, :, ::-1, ::-1]
    ss = s
    col, OH, OW = im2col(x, KH, KW, s, p, shift)
    if ignore_stride and s > 1:
        # reads rows i - p + u instead of i*s - p + u (output shape unchanged)
        col1, _, _ = im2col(x, KH, KW, 1, p, shift)
        H1, W1 = out_hw(H, W, KH, KW, 1, p)
        col = col1.reshape(N, C * KH * KW, H1, W1)[:, :, :OH, :OW].reshape(N, C * KH * KW, OH * OW)
    Wm = w.reshape(O, C * KH * KW)
    if order == "gemm":
        y = np.stack([Wm @ col[n] for n in range(N)])
    else:
        terms = Wm.T[:, None, :, None] * np.transpose(col, (1, 0, 2))[:, :, None, :]  # [CKK, N, O, P]
        y = f32sum_seq(terms, reverse=(order == "rev"))
    y = y.reshape(N, O, OH, OW)
    if b is not None:
        y = y + b[None, :, None, None]
    if dy is None:
        return y, None, None, None
    dyf = dy.reshape(N, O, OH * OW)
    if order == "gemm":
        dcol = np.stack([Wm.T @ dyf[n] for n in range(N)])
        dw = dyf[0] @ col[0].T
        if not dw_first_only:
            for n in range(1, N):
                dw = dw + dyf[n] @ col[n].T
        db = dyf[0].sum(axis=1)
        for n in range(1, N):
            db = db + dyf[n].sum(axis=1)
    else:
        rev = order == "rev"
        dcol = f32sum_seq(Wm[:, None, :, None] * np.transpose(dyf, (1, 0, 2))[:, :, None, :],
                          reverse=rev)                                                 # [N, CKK, P]
        nn = 1 if dw_first_only else N
        t = dyf[:nn, :, None, :] * col[:nn, None, :, :]                                 # [N, O, CKK, P]
        t = np.transpose(t, (0, 3, 1, 2)).reshape(nn * OH * OW, O, C * KH * KW)
        dw = f32sum_seq(t, reverse=rev)
        db = f32sum_seq(np.transpose(dyf, (0, 2, 1)).reshape(N * OH * OW, O), reverse=rev)
    dx = col2im(dcol, x.shape, KH, KW, s, p, overwrite=overwrite_dx)
    if db_zero_without_b and not has_b:
        db = np.zeros_like(db)
    return y, dx, dw.reshape(O, C, KH, KW), db


def run_conv(d, report):
    for c in d["cases"]:
        p, i, ex = c["params"], c["inputs"], c["expected"]
        x, w = tens(i["x"]), tens(i["w"])
        b = tens(i["b"]) if "b" in i else None
        dy = tens(i["dy"]) if "dy" in i else None
        s, pad = p["stride"], p["padding"]

        def score(outs):
            names = ["y", "dx", "dw", "db"]
            return max(worst(o, tens(ex[nm]), c["tolerance"]) for nm, o in zip(names, outs)
                       if nm in ex)
        for order in ("seq", "rev", "gemm"):
            report.impl("conv2d", order, c["id"], score(conv_all(x, w, b, dy, s, pad, order)))
        x64, w64 = x.astype(np.float64), w.astype(np.float64)
        b64 = None if b is None else b.astype(np.float64)
        dy64 = None if dy is None else dy.astype(np.float64)
        KH, KW = w.shape[2], w.shape[3]
        muts = {"shift-by-1": dict(shift=1)}
        if KH > 1 or KW > 1:
            muts["flipped-kernel"] = dict(flip=True)
        if s > 1:
            muts["stride-ignored"] = dict(ignore_stride=True)
        if dy is not None:
            if s < max(KH, KW):
                muts["dx-overwrite"] = dict(overwrite_dx=True)
            if x.shape[0] > 1:
                muts["dw-first-image-only"] = dict(dw_first_only=True)
            if b is None:
                muts["db-zero-without-b"] = dict(db_zero_without_b=True, has_b=False)
        for name, kw in muts.items():
            outs = conv_all(x64, w64, b64, dy64, s, pad, "gemm", **kw)
            report.mutant("conv2d", name, c["id"], score(outs))
        if pad > 0 and min(out_hw(x.shape[2], x.shape[3], KH, KW, s, pad - 1)) >= 1:
            # padding p-1 / p+1 with the output cropped/zero-filled to the expected shape
            outs = conv_all(x64, w64, b64, None, s, pad - 1, "gemm")
            y = outs[0]
            e = tens(ex["y"])
            yy = np.zeros(e.shape)
            h, ww = min(y.shape[2], e.shape[2]), min(y.shape[3], e.shape[3])
            yy[:, :, :h, :ww] = y[:, :, :h, :ww]
            report.mutant("conv2d", "padding-minus-1", c["id"], worst(yy, e, c["tolerance"]))


# =============================================================================================
# avgpool2d

def pool_all(x, dy, size, stride, order="seq", div=None, window_step=None, overwrite=False,
             no_scale_dx=False):
    N, C, H, W = x.shape
    OH, OW = (H - size) // stride + 1, (W - size) // stride + 1
    step = stride if window_step is None else window_step
    taps = []
    for u in range(size):
        for v in range(size):
            rs = np.minimum(np.arange(OH) * step + u, H - 1)
            cs = np.minimum(np.arange(OW) * step + v, W - 1)
            taps.append(x[:, :, rs][:, :, :, cs])
    taps = np.stack(taps)
    acc = f32sum_seq(taps, reverse=(order == "rev"))
    k = size * size if div is None else div
    y = acc / x.dtype.type(k) if order != "mul" else acc * x.dtype.type(1.0 / k)
    if dy is None:
        return y, None
    dx = np.zeros(x.shape, dtype=x.dtype)
    g = dy if no_scale_dx else (dy / x.dtype.type(k))
    for i in range(OH):
        for j in range(OW):
            sl = (slice(None), slice(None), slice(i * stride, i * stride + size),
                  slice(j * stride, j * stride + size))
            if overwrite:
                dx[sl] = g[:, :, i:i + 1, j:j + 1]
            else:
                dx[sl] = dx[sl] + g[:, :, i:i + 1, j:j + 1]
    return y, dx


def run_pool(d, report):
    for c in d["cases"]:
        p, i, ex = c["params"], c["inputs"], c["expected"]
        x = tens(i["x"])
        dy = tens(i["dy"]) if "dy" in i else None
        size, stride = p["size"], p["stride"]

        def score(outs):
            return max(worst(o, tens(ex[nm]), c["tolerance"]) for nm, o in zip(["y", "dx"], outs)
                       if nm in ex)
        for order in ("seq", "rev", "mul"):
            report.impl("avgpool2d", order, c["id"], score(pool_all(x, dy, size, stride, order)))
        x64 = x.astype(np.float64)
        dy64 = None if dy is None else dy.astype(np.float64)
        muts = {}
        if size > 1:
            muts["divide-by-size"] = dict(div=size)
            if stride != size:
                muts["window-step-size"] = dict(window_step=size)
            if dy is not None:
                muts["dx-not-scaled"] = dict(no_scale_dx=True)
                if stride < size:
                    muts["dx-overwrite"] = dict(overwrite=True)
        for name, kw in muts.items():
            try:
                outs = pool_all(x64, dy64, size, stride, "seq", **kw)
                r = score(outs)
            except (IndexError, ValueError):
                r = np.inf
            report.mutant("avgpool2d", name, c["id"], r)



# =============================================================================================
# emergence ops (spec/emergence.md): float32 implementations and wrong formulas

def _act32(name, a, deriv=False):
    a = a.astype(F)
    if name == "linear":
        return np.ones_like(a) if deriv else a
    if name == "relu":
        return (a > 0).astype(F) if deriv else np.maximum(a, F(0))
    if name == "tanh":
        t = np.tanh(a)
        return (F(1) - t * t) if deriv else t
    s = (F(1) / (F(1) + np.exp(-a))).astype(F)
    return s * (F(1) - s) if deriv else s


def mlp32(i, act, loss, mut=None):
    x, W1, b1, W2, b2 = (tens(i[k]) for k in ("x", "W1", "b1", "W2", "b2"))
    B = x.shape[0]
    a1 = x @ W1.T + b1
    z1 = _act32(act, a1)
    out = z1 @ W2.T + b2
    if loss == "mse":
        y = tens(i["y"])
        d = out - y
        L = F(0.5) * np.sum(d * d, dtype=F) / F(B)
        e = d / F(B)
        if mut == "mse-without-half":
            L, e = L * 2, e * 2
    else:
        lab = np.array(i["labels"]["data"])
        m = out.max(axis=1, keepdims=True)
        ex = np.exp(out - m)
        s_ = ex.sum(axis=1, keepdims=True)
        L = np.sum((m[:, 0] - out[np.arange(B), lab]) + np.log(s_[:, 0]), dtype=F) / F(B)
        e = ex / s_
        e[np.arange(B), lab] -= F(1)
        e = e / F(B)
    if mut == "sum-not-mean":
        L, e = L * B, e * B
    dW2 = e.T @ z1
    db2 = e.sum(axis=0)
    dz1 = e @ W2
    delta1 = dz1 * (_act32(act, a1) if mut == "act-not-derivative" else _act32(act, a1, True))
    dW1 = delta1.T @ x
    db1 = delta1.sum(axis=0)
    if mut == "no-bias-in-forward":
        a1 = a1 - b1
    return {"a1": a1, "z1": z1, "out": out, "loss": np.array(L), "dW1": dW1, "db1": db1,
            "dW2": dW2, "db2": db2}


def case_worst(outs, c):
    r = 0.0
    for k, t in c["expected"].items():
        r = max(r, worst(outs[k], tens(t).astype(np.float64), c["tolerance"]))
    return r


def run_dense_mlp(d, report):
    muts = ["sum-not-mean", "act-not-derivative", "mse-without-half", "no-bias-in-forward"]
    for c in d["cases"]:
        p = c["params"]
        report.impl("dense_mlp", "float32-blas", c["id"], case_worst(mlp32(c["inputs"], p["act"],
                                                                        p["loss"]), c))
        for m in muts:
            if m == "mse-without-half" and p["loss"] != "mse":
                continue
            if m == "act-not-derivative" and p["act"] == "linear":
                continue
            report.mutant("dense_mlp", m, c["id"],
                          case_worst(mlp32(c["inputs"], p["act"], p["loss"], m), c))


def step32(op, i, p, mut=None):
    w, g = tens(i["w"]), tens(i["grad"])
    lr, wd = F(p["lr"]), F(p["weight_decay"])
    if op == "sgd_step":
        if mut == "decay-sign":
            return {"w_next": w - lr * (g - wd * w)}
        if mut == "no-decay":
            return {"w_next": w - lr * g}
        return {"w_next": w + lr * (-g - wd * w)}
    m, v = tens(i["m"]), tens(i["v"])
    b1, b2, eps, t = F(p["beta1"]), F(p["beta2"]), F(p["eps"]), p["t"]
    coupled = (op == "adam_step") != (mut == "swap-coupling")
    q = g + wd * w if coupled else g
    m1 = b1 * m + (F(1) - b1) * q
    v1 = b2 * v + (F(1) - b2) * q * q
    c1 = F(1.0 / (1.0 - float(b1) ** t)) if mut != "no-bias-correction" else F(1)
    c2 = F(1.0 / (1.0 - float(b2) ** t)) if mut != "no-bias-correction" else F(1)
    u = (m1 * c1) / (np.sqrt(v1 * c2) + eps)
    w1 = w - lr * u if coupled else w - lr * (u + wd * w)
    return {"w_next": w1, "m_next": m1, "v_next": v1}


def run_steps(d, report):
    op = d["op"]
    muts = ["decay-sign", "no-decay"] if op == "sgd_step" else ["no-bias-correction",
                                                                "swap-coupling"]
    for c in d["cases"]:
        p = c["params"]
        report.impl(op, "float32", c["id"], case_worst(step32(op, c["inputs"], p), c))
        for m in muts:
            if m in ("decay-sign", "no-decay", "swap-coupling") and p["weight_decay"] == 0:
                continue
            report.mutant(op, m, c["id"], case_worst(step32(op, c["inputs"], p, m), c))


def run_small_ops(report):
    for c in load("dfa_signal")["cases"]:
        i, act = c["inputs"], c["params"]["act"]
        e, Bf, a1, x = tens(i["e"]), tens(i["Bfb"]), tens(i["a1"]), tens(i["x"])
        for name, dd in (("float32", _act32(act, a1, True)), ("act-not-derivative",
                                                             _act32(act, a1))):
            delta = (e @ Bf.T) * dd
            outs = {"delta": delta, "g1": -(delta.T @ x)}
            if name == "float32":
                report.impl("dfa_signal", name, c["id"], case_worst(outs, c))
            elif act != "linear":
                report.mutant("dfa_signal", name, c["id"], case_worst(outs, c))
        delta = (e @ Bf.T) * _act32(act, a1, True)
        report.mutant("dfa_signal", "g1-without-minus", c["id"],
                      case_worst({"delta": delta, "g1": delta.T @ x}, c))
    for c in load("hebbian_term")["cases"]:
        hp, ho = tens(c["inputs"]["h_pre"]), tens(c["inputs"]["h_post"])
        B = hp.shape[0]
        report.impl("hebbian_term", "float32", c["id"], case_worst({"H": ho.T @ hp / F(B)}, c))
        if B > 1:
            report.mutant("hebbian_term", "sum-not-mean", c["id"], case_worst({"H": ho.T @ hp}, c))
    for c in load("alignment")["cases"]:
        g, h = tens(c["inputs"]["g"]), tens(c["inputs"]["h"])
        ng, nh = np.sqrt(np.sum(g * g, dtype=F)), np.sqrt(np.sum(h * h, dtype=F))
        cos = F(0) if ng == 0 or nh == 0 else np.sum(g * h, dtype=F) / (ng * nh)
        report.impl("alignment", "float32", c["id"], case_worst({"cos": np.array(cos)}, c))
        if ng != 0 and nh != 0 and abs(float(cos)) > 1e-3:
            report.mutant("alignment", "abs-cosine", c["id"],
                          case_worst({"cos": np.array(-abs(cos))}, c) if cos > 0 else
                          case_worst({"cos": np.array(abs(cos))}, c))
            report.mutant("alignment", "norm-squared", c["id"],
                          case_worst({"cos": np.array(np.sum(g * h) / (ng * ng * nh))}, c))

# =============================================================================================

class Report:
    def __init__(self):
        self.impls = {}
        self.muts = {}

    def impl(self, op, name, cid, r):
        self.impls.setdefault((op, name), []).append((r, cid))

    def mutant(self, op, name, cid, r):
        self.muts.setdefault((op, name), []).append((r, cid))

    def print(self):
        ok = True
        print("float32 implementations (worst |a-e|/(atol+rtol|e|) over all cases; must be <= 1):")
        for (op, name), rs in sorted(self.impls.items()):
            r, cid = max(rs)
            bad = sum(1 for x, _ in rs if x > 1)
            ok &= bad == 0
            print("  %-10s %-14s worst %.3g (%s)  failing %d/%d" % (op, name, r, cid, bad, len(rs)))
        print("wrong formulas (smallest ratio over affected cases; should be >> 1):")
        for (op, name), rs in sorted(self.muts.items()):
            r, cid = min(rs)
            caught = sum(1 for x, _ in rs if x > 1)
            print("  %-10s %-20s min %.3g (%s)  caught %d/%d" % (op, name, r, cid, caught, len(rs)))
        return ok


def main():
    rep = Report()
    run_gemm(load("gemm"), rep)
    run_conv(load("conv2d"), rep)
    run_pool(load("avgpool2d"), rep)
    run_dense_mlp(load("dense_mlp"), rep)
    for op in ("sgd_step", "adamw_step", "adam_step"):
        run_steps(load(op), rep)
    run_small_ops(rep)
    ok = rep.print()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
