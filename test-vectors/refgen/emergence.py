"""Reference ops of spec/emergence.md: dense_mlp (losses mse, mse_mean, softmax_ce), sgd_step,
adamw_step, adam_step, dfa_signal, hebbian_term, alignment (semantics of the test-vector
contract, format 1).

Written from spec/emergence.md and the contract only. Float64 throughout; every input is rounded
to float32 before anything is computed. Before a case is written it is self-checked:
  * dense_mlp gradients against central finite differences of the loss in float64 (every
    parameter tensor, sampled elements), the loss against a literal per-row loop;
  * dfa_signal against finite differences of sum(e * act(x W1^T + b1) Bfb) (with a1 = x W1^T + b1
    built from a hidden W1, b1), i.e. DFA with Bfb = W2^T is backprop;
  * the Adam steps against a literal per-element loop, alignment against the textbook formula.

Tolerances follow refgen/kernels.py: a float32 implementation's error is bounded by first-order
rounding analysis, propagated through each stage with absolute values (any summation order, with or
without FMA), plus an allowance for the activations and exp/log (at most 20 ulps relative, which
covers libm and vectorised approximations); the case atol is twice the largest bound over its
outputs, and rtol = 1e-4 (1e-6 for the optimizer steps, a few roundings deep).
"""

import math

import numpy as np

from .common import U32, Case, OpFile, T, draw, f32, tol

RTOL = 1e-4
# The optimizer steps are a few roundings deep: a tighter rtol lets a small decay term (lr wd = 5e-6
# of w) be checked at all.
RTOL_STEP = 1e-6
SAFETY = 2.0
ACT_ULPS = 20.0          # allowance for act, act', exp, log, sqrt evaluations (relative)

SEED_MLP = 20250601
SEED_SGD = 20250602
SEED_ADAMW = 20250603
SEED_ADAM = 20250604
SEED_DFA = 20250605
SEED_HEBB = 20250606
SEED_ALIGN = 20250607
SEED_MLP_EDGE = 20261131
SEED_MLP_MEAN = 20261201
SEED_ALIGN_EDGE = 20261132

ACTS = ["linear", "relu", "tanh", "sigmoid"]


# =============================================================================================
# activations (spec/kernels.md (K8), (K9)) and their second derivatives (for error bounds)

def act_f(name, a):
    if name == "linear":
        return a.copy()
    if name == "relu":
        return np.maximum(a, 0.0)
    if name == "tanh":
        return np.tanh(a)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-a))
    raise ValueError(name)


def act_d(name, a):
    if name == "linear":
        return np.ones_like(a)
    if name == "relu":
        return (a > 0).astype(np.float64)
    if name == "tanh":
        return 1.0 - np.tanh(a) ** 2
    if name == "sigmoid":
        s = 1.0 / (1.0 + np.exp(-a))
        return s * (1.0 - s)
    raise ValueError(name)


def act_dd(name, a):
    if name in ("linear", "relu"):
        return np.zeros_like(a)
    if name == "tanh":
        t = np.tanh(a)
        return -2.0 * t * (1.0 - t * t)
    s = 1.0 / (1.0 + np.exp(-a))
    return s * (1.0 - s) * (1.0 - 2.0 * s)


def act_eval_err(name, v):
    """Rounding/approximation error allowance of evaluating act or act' giving value v."""
    if name == "linear":
        return np.zeros_like(v)
    if name == "relu":
        return np.zeros_like(v)
    return ACT_ULPS * U32 * np.abs(v)


def gemm_err(K, abs_prod):
    """First-order bound of a float32 sum of K rounded products (plus one added term and the
    reading rounding), in any order: (K + 3) u sum|terms|."""
    return (K + 3) * U32 * abs_prod


# =============================================================================================
# dense_mlp (E1)-(E7)

def lse(o):
    m = o.max(axis=1, keepdims=True)
    return (m + np.log(np.exp(o - m).sum(axis=1, keepdims=True)))[:, 0]


def mlp_forward(x, W1, b1, W2, b2, act):
    a1 = x @ W1.T + b1
    z1 = act_f(act, a1)
    out = z1 @ W2.T + b2
    return a1, z1, out


def mlp_loss(out, loss, y, labels):
    B = out.shape[0]
    if loss == "mse":
        return 0.5 * np.sum((out - y) ** 2) / B
    if loss == "mse_mean":
        return np.sum((out - y) ** 2) / out.size
    return np.sum(lse(out) - out[np.arange(B), labels]) / B


def mlp_dout(out, loss, y, labels):
    B = out.shape[0]
    if loss == "mse":
        return (out - y) / B
    if loss == "mse_mean":
        return 2.0 * (out - y) / out.size
    p = np.exp(out - lse(out)[:, None])
    p[np.arange(B), labels] -= 1.0
    return p / B


def mlp_backward(x, W1, W2, a1, z1, e, act):
    dW2 = e.T @ z1
    db2 = e.sum(axis=0)
    dz1 = e @ W2
    delta1 = dz1 * act_d(act, a1)
    dW1 = delta1.T @ x
    db1 = delta1.sum(axis=0)
    return dW1, db1, dW2, db2, dz1, delta1


def mlp_bounds(x, W1, b1, W2, b2, act, loss, y, labels, a1, z1, out, e, dz1, delta1):
    """Elementwise first-order float32 error bounds of every output (see module docstring)."""
    B, D = x.shape
    H, O = W1.shape[0], W2.shape[0]
    ax, aW1, aW2 = np.abs(x), np.abs(W1), np.abs(W2)
    E_a1 = gemm_err(D + 1, ax @ aW1.T + np.abs(b1))
    d1 = np.abs(act_d(act, a1))
    E_z1 = d1 * E_a1 + act_eval_err(act, z1) + U32 * np.abs(z1)
    E_out = E_z1 @ aW2.T + gemm_err(H + 1, np.abs(z1) @ aW2.T + np.abs(b2))
    if loss == "mse":
        d = out - y
        E_d = E_out + U32 * (np.abs(out) + np.abs(y))
        E_loss = (np.sum(np.abs(d) * E_d) + gemm_err(B * O, 0.5 * np.sum(d * d))) / B
        E_e = (E_d + U32 * np.abs(d)) / B
    elif loss == "mse_mean":
        d = out - y
        E_d = E_out + U32 * (np.abs(out) + np.abs(y))
        E_loss = (np.sum(2 * np.abs(d) * E_d) + gemm_err(B * O, np.sum(d * d))) / (B * O)
        E_e = 2 * (E_d + 2 * U32 * np.abs(d)) / (B * O)
    else:
        p = np.exp(out - lse(out)[:, None])
        rowmax = E_out.max(axis=1, keepdims=True)
        mag = np.abs(lse(out)) + np.abs(out[np.arange(B), labels])
        E_loss = (np.sum(2 * rowmax) + gemm_err(B + O, np.sum(mag)) +
                  ACT_ULPS * U32 * np.sum(mag)) / B
        E_e = (p * 2 * rowmax + ACT_ULPS * U32 * p + U32 * np.abs(B * e)) / B
    ae = np.abs(e)
    E_dW2 = E_e.T @ np.abs(z1) + ae.T @ E_z1 + gemm_err(B, ae.T @ np.abs(z1))
    E_db2 = E_e.sum(axis=0) + gemm_err(B, ae.sum(axis=0))
    E_dz1 = E_e @ aW2 + gemm_err(O, ae @ aW2)
    E_delta1 = (d1 * E_dz1 + np.abs(dz1) * np.abs(act_dd(act, a1)) * E_a1 +
                act_eval_err(act, d1) * np.abs(dz1) + U32 * np.abs(delta1))
    ad1 = np.abs(delta1)
    E_dW1 = E_delta1.T @ ax + gemm_err(B, ad1.T @ ax)
    E_db1 = E_delta1.sum(axis=0) + gemm_err(B, ad1.sum(axis=0))
    return {"a1": E_a1, "z1": E_z1, "out": E_out, "loss": np.array(E_loss), "dW1": E_dW1,
            "db1": E_db1, "dW2": E_dW2, "db2": E_db2}


def _fd_check(name, f, arr, grad, rng, nsample=10, h=1e-6):
    flat = arr.reshape(-1)
    g = grad.reshape(-1)
    idx = rng.choice(flat.size, size=min(nsample, flat.size), replace=False)
    for i in idx:
        old = flat[i]
        flat[i] = old + h
        lp = f()
        flat[i] = old - h
        lm = f()
        flat[i] = old
        fd = (lp - lm) / (2 * h)
        assert abs(fd - g[i]) <= 1e-6 * max(1.0, abs(fd)), (name, i, fd, g[i])


def _mlp_case(rng, act, loss, B, D, H, O, scale=1.0, tag=""):
    for _ in range(100):
        x = draw(rng, (B, D), -scale, scale)
        W1 = draw(rng, (H, D), -1.0 / np.sqrt(D), 1.0 / np.sqrt(D)) * 1.5
        W1 = f32(W1)
        b1 = draw(rng, (H,), -0.3, 0.3)
        a1 = x @ W1.T + b1
        # keep relu away from its kink, where act' is not defined
        if act != "relu" or np.min(np.abs(a1)) > 1e-3:
            break
    W2 = f32(draw(rng, (O, H), -1.0 / np.sqrt(H), 1.0 / np.sqrt(H)) * 1.5)
    b2 = draw(rng, (O,), -0.3, 0.3)
    y = labels = None
    if loss in ("mse", "mse_mean"):
        y = draw(rng, (B, O), -1.0, 1.0)
    else:
        labels = rng.integers(0, O, size=B)
    a1, z1, out = mlp_forward(x, W1, b1, W2, b2, act)
    L = mlp_loss(out, loss, y, labels)
    e = mlp_dout(out, loss, y, labels)
    dW1, db1, dW2, db2, dz1, delta1 = mlp_backward(x, W1, W2, a1, z1, e, act)

    # self-checks: literal loss loop, finite differences of every parameter
    lit = 0.0
    for b in range(B):
        if loss == "mse":
            lit += 0.5 * sum((out[b, j] - y[b, j]) ** 2 for j in range(O))
        elif loss == "mse_mean":
            lit += sum((out[b, j] - y[b, j]) ** 2 for j in range(O)) / O
        else:
            m = max(out[b])
            lit += m + np.log(sum(np.exp(out[b, j] - m) for j in range(O))) - out[b, labels[b]]
    assert abs(lit / B - L) <= 1e-12 * max(1.0, abs(L)), ("loss self-check", lit / B, L)
    P = {"W1": W1.copy(), "b1": b1.copy(), "W2": W2.copy(), "b2": b2.copy()}

    def f():
        _, _, o = mlp_forward(x, P["W1"], P["b1"], P["W2"], P["b2"], act)
        return mlp_loss(o, loss, y, labels)
    for name, grad in (("W1", dW1), ("b1", db1), ("W2", dW2), ("b2", db2)):
        _fd_check("dense_mlp " + name, f, P[name], grad, rng)

    bounds = mlp_bounds(x, W1, b1, W2, b2, act, loss, y, labels, a1, z1, out, e, dz1, delta1)
    atol = SAFETY * max(float(np.max(v)) for v in bounds.values())
    inputs = {"x": T(x), "W1": T(W1), "b1": T(b1), "W2": T(W2), "b2": T(b2)}
    if loss in ("mse", "mse_mean"):
        inputs["y"] = T(y)
    else:
        inputs["labels"] = T(labels, "int32")
    expected = {"a1": T(a1), "z1": T(z1), "out": T(out), "loss": T(np.array(L)), "dW1": T(dW1),
                "db1": T(db1), "dW2": T(dW2), "db2": T(db2)}
    cid = "%s-%s-b%dd%dh%do%d%s" % (act, loss, B, D, H, O, tag)
    return Case(cid, {"act": act, "loss": loss}, inputs, expected, tol(RTOL, atol),
                comment="x [%d,%d], W1 [%d,%d], W2 [%d,%d]" % (B, D, H, D, O, H))


def dense_mlp_file():
    rng = np.random.default_rng(SEED_MLP)
    cases = []
    for act in ACTS:
        for loss in ("mse", "softmax_ce"):
            cases.append(_mlp_case(rng, act, loss, 7, 5, 6, 4))
    cases.append(_mlp_case(rng, "tanh", "mse", 1, 3, 2, 1, tag="-single"))
    cases.append(_mlp_case(rng, "relu", "softmax_ce", 16, 9, 17, 10))
    cases.append(_mlp_case(rng, "sigmoid", "mse", 33, 8, 12, 3))
    cases.append(_mlp_case(rng, "linear", "softmax_ce", 5, 4, 3, 6, scale=40.0,
                           tag="-largelogits"))
    cases.append(_mlp_case(rng, "tanh", "softmax_ce", 12, 32, 20, 10, tag="-wide"))
    edge = np.random.default_rng(SEED_MLP_EDGE)
    for act in ("tanh", "sigmoid"):
        c = _mlp_case(edge, act, "mse", 4, 3, 5, 2, scale=60.0, tag="-saturated")
        c.flags = ["saturation"]
        c.comment += "; |a1| up to ~100: act saturates, act' underflows to 0 in float32"
        cases.append(c)
    c = _mlp_case(edge, "tanh", "mse", 1, 1, 1, 1, tag="-length1")
    c.flags = ["length1"]
    cases.append(c)
    # mse_mean (E26), PyTorch's MSELoss(): from their own stream, so the cases above keep their bits
    mean = np.random.default_rng(SEED_MLP_MEAN)
    for act in ACTS:
        cases.append(_mlp_case(mean, act, "mse_mean", 7, 5, 6, 4))
    cases.append(_mlp_case(mean, "tanh", "mse_mean", 9, 32, 16, 32, tag="-o32"))
    c = _mlp_case(mean, "tanh", "mse_mean", 1, 1, 1, 1, tag="-length1")
    c.flags = ["length1"]
    cases.append(c)
    return OpFile(
        "dense_mlp", "spec/emergence.md#backprop",
        "2-layer MLP (E1)-(E7): a1 = x W1^T + b1, z1 = act(a1), out = z1 W2^T + b2; loss mse "
        "(1/B) sum 1/2 ||out - y||^2, mse_mean (1/(B O)) sum (out - y)^2 (E26, PyTorch's "
        "MSELoss()) or softmax_ce (1/B) sum -log softmax(out)[label]; outputs "
        "a1, z1, out, loss and the gradients dW1, db1, dW2, db2 of the loss. Per-case atol: twice "
        "the largest first-order float32 error bound over the outputs, propagated stage by stage "
        "(any summation order; activations and exp within 20 ulps).",
        {"rtol": RTOL, "atol": 1e-4}, cases)


# =============================================================================================
# sgd_step (E8), adamw_step (E12), adam_step (E13)

def _sgd_case(rng, shape, lr, wd, tag=""):
    w = draw(rng, shape, -2.0, 2.0)
    g = draw(rng, shape, -1.0, 1.0)
    w_next = w - lr * (g + wd * w)
    terms = np.abs(w) + lr * np.abs(g) + lr * wd * np.abs(w)
    atol = SAFETY * 5 * U32 * float(np.max(terms))
    cid = "%s-lr%g-wd%g%s" % ("x".join(str(s) for s in shape), lr, wd, tag)
    return Case(cid, {"lr": lr, "weight_decay": wd}, {"w": T(w), "grad": T(g)},
                {"w_next": T(w_next)}, tol(RTOL_STEP, atol))


def sgd_file():
    rng = np.random.default_rng(SEED_SGD)
    cases = [_sgd_case(rng, (4, 5), 0.1, 0.0), _sgd_case(rng, (4, 5), 0.1, 5e-3),
             _sgd_case(rng, (17,), 0.01, 5e-4), _sgd_case(rng, (3, 33), 1.0, 0.1),
             _sgd_case(rng, (8, 8), 0.5, 5e-5), _sgd_case(rng, (1,), 0.25, 2.0)]
    return OpFile(
        "sgd_step", "spec/emergence.md#rules",
        "w_next = w - lr (grad + weight_decay w) (E8) with g = -grad. atol = 2 * 5u max(|w| + "
        "lr |grad| + lr wd |w|), rtol = 1e-6.", {"rtol": RTOL_STEP, "atol": 1e-6}, cases)


def adam_ref(w, grad, m, v, lr, b1, b2, eps, wd, t, coupled):
    g = grad + wd * w if coupled else grad
    m1 = b1 * m + (1 - b1) * g
    v1 = b2 * v + (1 - b2) * g * g
    mh = m1 / (1 - b1 ** t)
    vh = v1 / (1 - b2 ** t)
    step = mh / (np.sqrt(vh) + eps)
    if coupled:
        w1 = w - lr * step
    else:
        w1 = w - lr * (step + wd * w)
    return w1, m1, v1, g, step


def _adam_literal(w, grad, m, v, lr, b1, b2, eps, wd, t, coupled):
    w1 = np.empty_like(w)
    for i in range(w.size):
        g = grad.flat[i] + (wd * w.flat[i] if coupled else 0.0)
        mi = b1 * m.flat[i] + (1 - b1) * g
        vi = b2 * v.flat[i] + (1 - b2) * g * g
        u = (mi / (1 - b1 ** t)) / (np.sqrt(vi / (1 - b2 ** t)) + eps)
        w1.flat[i] = w.flat[i] - lr * (u if coupled else u + wd * w.flat[i])
    return w1


def _adam_case(rng, coupled, shape, lr, wd, t, b1=0.9, b2=0.999, eps=1e-8, tag=""):
    w = draw(rng, shape, -2.0, 2.0)
    grad = draw(rng, shape, -1.0, 1.0)
    m = draw(rng, shape, -0.5, 0.5)
    v = f32(draw(rng, shape, 0.0, 0.5) ** 2)
    if tag == "-zero-state":
        m = np.zeros(shape)
        v = np.zeros(shape)
    w1, m1, v1, g, step = adam_ref(w, grad, m, v, lr, b1, b2, eps, wd, t, coupled)
    lit = _adam_literal(w, grad, m, v, lr, b1, b2, eps, wd, t, coupled)
    assert np.max(np.abs(lit - w1)) <= 1e-12 * max(1.0, np.max(np.abs(w1))), "adam self-check"
    # bounds: moments are 2-term sums (plus g = grad + wd w when coupled); the step is a quotient
    # of rounded quantities; the bias corrections 1/(1 - b^t) are ill-conditioned in b: a float32
    # b (rounded from the decimal parameter) changes them by u b t b^(t-1) / (1 - b^t) relative.
    ag = np.abs(grad) + (wd * np.abs(w) if coupled else 0.0)
    E_g = 2 * U32 * ag
    E_m = 4 * U32 * (b1 * np.abs(m) + (1 - b1) * ag) + (1 - b1) * E_g
    E_v = 4 * U32 * (b2 * np.abs(v) + (1 - b2) * ag * ag) + (1 - b2) * 2 * ag * E_g
    k1 = U32 * b1 * t * b1 ** (t - 1) / (1 - b1 ** t)
    k2 = U32 * b2 * t * b2 ** (t - 1) / (1 - b2 ** t)
    mh = m1 / (1 - b1 ** t)
    vh = v1 / (1 - b2 ** t)
    den = np.sqrt(vh) + eps
    rel_m = E_m / np.maximum(np.abs(m1), 1e-300) + k1 + 3 * U32
    rel_v = E_v / np.maximum(v1, 1e-300) + k2 + 3 * U32
    E_step = np.abs(step) * (rel_m + 0.5 * rel_v * np.sqrt(vh) / den + ACT_ULPS * U32)
    E_step = np.where(m1 == 0, 0.0, E_step)
    E_w = lr * E_step + 4 * U32 * (np.abs(w) + lr * np.abs(step) + lr * wd * np.abs(w))
    atol = SAFETY * max(float(np.max(E_w)), float(np.max(E_m)), float(np.max(E_v)))
    op = "adam" if coupled else "adamw"
    cid = "%s-%s-t%d-lr%g-wd%g%s" % (op, "x".join(str(s) for s in shape), t, lr, wd, tag)
    return Case(cid, {"lr": lr, "beta1": b1, "beta2": b2, "eps": eps, "weight_decay": wd, "t": t},
                {"w": T(w), "grad": T(grad), "m": T(m), "v": T(v)},
                {"w_next": T(w1), "m_next": T(m1), "v_next": T(v1)}, tol(RTOL_STEP, atol))


def _adam_cases(seed, coupled):
    rng = np.random.default_rng(seed)
    return [_adam_case(rng, coupled, (4, 5), 1e-3, 0.0, 1, tag="-zero-state"),
            _adam_case(rng, coupled, (4, 5), 1e-3, 5e-3, 1),
            _adam_case(rng, coupled, (17,), 1e-2, 5e-4, 10),
            _adam_case(rng, coupled, (3, 7), 1e-3, 0.1, 1000),
            _adam_case(rng, coupled, (6, 6), 0.5, 1e-2, 3, b1=0.8, b2=0.99, eps=1e-6),
            _adam_case(rng, coupled, (9,), 1e-3, 0.0, 100000)]


def adamw_file():
    return OpFile(
        "adamw_step", "spec/emergence.md#rules",
        "AdamW (E12): m_next = b1 m + (1-b1) grad, v_next = b2 v + (1-b2) grad^2, w_next = w - lr "
        "(mhat/(sqrt(vhat)+eps) + weight_decay w), mhat = m_next/(1-b1^t), vhat = v_next/(1-b2^t), "
        "t 1-based. atol: twice the largest first-order float32 bound over the outputs; rtol = "
        "1e-6.", {"rtol": RTOL_STEP, "atol": 1e-6}, _adam_cases(SEED_ADAMW, False))


def adam_file():
    return OpFile(
        "adam_step", "spec/emergence.md#rules",
        "Adam with coupled L2 (E13): g = grad + weight_decay w, m_next = b1 m + (1-b1) g, v_next = "
        "b2 v + (1-b2) g^2, w_next = w - lr mhat/(sqrt(vhat)+eps). atol: twice the largest "
        "first-order float32 bound over the outputs; rtol = 1e-6.",
        {"rtol": RTOL_STEP, "atol": 1e-6}, _adam_cases(SEED_ADAM, True))


# =============================================================================================
# dfa_signal (E20)

def _dfa_case(rng, act, B, D, H, O):
    for _ in range(100):
        x = draw(rng, (B, D), -1.0, 1.0)
        W1 = rng.uniform(-1.0, 1.0, size=(H, D)) / np.sqrt(D) * 1.5
        b1 = rng.uniform(-0.3, 0.3, size=H)
        a1 = f32(x @ W1.T + b1)
        if act != "relu" or np.min(np.abs(a1)) > 1e-3:
            break
    e = draw(rng, (B, O), -0.5, 0.5)
    Bfb = draw(rng, (H, O), -1.0 / np.sqrt(H), 1.0 / np.sqrt(H))
    delta = (e @ Bfb.T) * act_d(act, a1)
    g1 = -(delta.T @ x)
    # self-check: with a1 = x W1^T + b1 (float64, before rounding), -g1 is the gradient of
    # sum(e * act(a1) Bfb) w.r.t. W1, i.e. DFA with Bfb = W2^T is backprop.
    a1x = x @ W1.T + b1
    d_exact = (e @ Bfb.T) * act_d(act, a1x)
    W1c = W1.copy()

    def f():
        return float(np.sum(e * (act_f(act, x @ W1c.T + b1) @ Bfb)))
    _fd_check("dfa_signal", f, W1c, d_exact.T @ x, rng)
    # bounds
    dd = np.abs(act_d(act, a1))
    q = np.abs(e) @ np.abs(Bfb).T
    E_delta = dd * gemm_err(O, q) + act_eval_err(act, dd) * np.abs(e @ Bfb.T) + \
        U32 * np.abs(delta)
    E_g1 = E_delta.T @ np.abs(x) + gemm_err(B, np.abs(delta).T @ np.abs(x))
    atol = SAFETY * max(float(np.max(E_delta)), float(np.max(E_g1)))
    return Case("%s-b%dd%dh%do%d" % (act, B, D, H, O), {"act": act},
                {"e": T(e), "Bfb": T(Bfb), "a1": T(a1), "x": T(x)},
                {"delta": T(delta), "g1": T(g1)}, tol(RTOL, atol))


def dfa_file():
    rng = np.random.default_rng(SEED_DFA)
    cases = [_dfa_case(rng, act, 6, 5, 7, 3) for act in ACTS]
    cases.append(_dfa_case(rng, "tanh", 1, 2, 3, 1))
    cases.append(_dfa_case(rng, "relu", 20, 12, 16, 10))
    return OpFile(
        "dfa_signal", "spec/emergence.md#dfa",
        "Direct feedback alignment (E20): delta = (e Bfb^T) * act'(a1), g1 = -delta^T x. "
        "atol: twice the largest first-order float32 bound over the outputs.",
        {"rtol": RTOL, "atol": 1e-6}, cases)


# =============================================================================================
# hebbian_term (E16), alignment (E17)

def _hebb_case(rng, B, I, O, scale=1.0, tag=""):
    hp = draw(rng, (B, I), -scale, scale)
    ho = draw(rng, (B, O), -scale, scale)
    H = ho.T @ hp / B
    atol = SAFETY * float(np.max(gemm_err(B, np.abs(ho).T @ np.abs(hp) / B)))
    return Case("b%di%do%d%s" % (B, I, O, tag), {}, {"h_pre": T(hp), "h_post": T(ho)},
                {"H": T(H)}, tol(RTOL, atol))


def hebb_file():
    rng = np.random.default_rng(SEED_HEBB)
    cases = [_hebb_case(rng, 1, 3, 2), _hebb_case(rng, 7, 5, 4), _hebb_case(rng, 256, 8, 6),
             _hebb_case(rng, 33, 17, 9), _hebb_case(rng, 10, 6, 6, scale=100.0, tag="-scale100"),
             _hebb_case(rng, 12, 4, 5, scale=1e-3, tag="-scale1e-3")]
    return OpFile(
        "hebbian_term", "spec/emergence.md#probe",
        "H = (1/B) h_post^T h_pre (E16), h_pre [B,I], h_post [B,O], H [O,I]. Per-case atol = "
        "2 (B+3) 2^-24 max (1/B) |h_post|^T |h_pre|.", {"rtol": RTOL, "atol": 1e-6}, cases)


def cosine(g, h):
    ng, nh = np.sqrt(np.sum(g * g)), np.sqrt(np.sum(h * h))
    if ng == 0 or nh == 0:
        return 0.0
    return float(np.sum(g * h) / (ng * nh))


def _align_case(id, g, h, flags=None, comment=None):
    g, h = f32(g), f32(h)
    with np.errstate(invalid="ignore", over="ignore"):
        c = cosine(g, h)
    n = g.size
    if not (np.all(np.isfinite(g)) and np.all(np.isfinite(h))):
        # NaN or an infinity: IEEE gives NaN (inf/inf, NaN anywhere)
        assert math.isnan(c), ("alignment of non-finite input", id, c)
        return Case(id, {}, {"g": T(g), "h": T(h)}, {"cos": T(np.array(c))}, tol(RTOL, 1e-9),
                    comment=comment, flags=flags)
    if np.any(g) and np.any(h):
        ng, nh = np.sqrt(np.sum(g * g)), np.sqrt(np.sum(h * h))
        rel = float(np.sum(np.abs(g * h)) / (ng * nh))
        bound = gemm_err(n, rel + 2 * abs(c)) + ACT_ULPS * U32 * abs(c)
    else:
        bound = 0.0
    # literal check
    dot = sum(float(a) * float(b) for a, b in zip(g.flat, h.flat))
    ref = 0.0 if not (np.any(g) and np.any(h)) else dot / (
        np.sqrt(sum(float(a) ** 2 for a in g.flat)) * np.sqrt(sum(float(b) ** 2 for b in h.flat)))
    assert abs(ref - c) <= 1e-12, "alignment self-check"
    return Case(id, {}, {"g": T(g), "h": T(h)}, {"cos": T(np.array(c))},
                tol(RTOL, max(SAFETY * bound, 1e-9)), comment=comment, flags=flags)


def align_edge_cases():
    """Magnitudes whose squares overflow or underflow float32 (the cosine is scale invariant:
    spec/test-vectors.md edge semantics), zero, length 1, widths, NaN and infinity."""
    rng = np.random.default_rng(SEED_ALIGN_EDGE)
    cases = []
    g, h = draw(rng, (6, 7)), draw(rng, (6, 7))
    for e, flags in ((20, ["huge"]), (30, ["huge"]), (37, ["huge"]), (-25, ["tiny"]),
                     (-30, ["tiny"]), (-41, ["tiny", "subnormal"])):
        s = 10.0 ** e
        cases.append(_align_case("edge-parallel-1e%d" % e, f32(g * s), f32(2.0 * f32(g * s)),
                                 flags, "parallel vectors of magnitude 1e%d: cos = 1" % e))
        cases.append(_align_case("edge-random-1e%d" % e, f32(g * s), f32(h * s), flags,
                                 "the same cosine as the scale-1 pair, up to input rounding"))
    cases.append(_align_case("edge-mixed-1e30-vs-1e-30", f32(g * 1e30), f32(h * 1e-30),
                             ["mixed", "huge", "tiny"], "g near 1e30, h near 1e-30"))
    gm = g.copy()
    gm[0, 0], gm[1, 1], gm[2, 2] = 1e30, 1e-30, -3e37
    cases.append(_align_case("edge-mixed-within", gm, h, ["mixed", "huge", "tiny"],
                             "g mixes 1e30, -3e37, 1e-30 and values near 1"))
    cases.append(_align_case("edge-zero-both", np.zeros((2, 3)), np.zeros((2, 3)), ["zero"],
                             "both norms 0: cos = 0"))
    cases.append(_align_case("edge-length1", np.array([3.0]), np.array([-2.0]), ["length1"],
                             "one element: cos = -1"))
    cases.append(_align_case("edge-length1-huge", np.array([3e38]), np.array([1e38]),
                             ["length1", "huge"], "one element near the float32 maximum"))
    for w in (4, 8, 16):
        for d, flag in ((-1, "width-1"), (0, "width"), (1, "width+1")):
            cases.append(_align_case("edge-width%d%+d" % (w, d), draw(rng, (w + d,)),
                                     draw(rng, (w + d,)), [flag],
                                     "n = %d, around the vector width %d floats" % (w + d, w)))
    gn = g.copy()
    gn[3, 3] = float("nan")
    cases.append(_align_case("edge-nan", gn, h, ["nan"], "a NaN in g: cos = NaN"))
    gi = g.copy()
    gi[0, 5] = float("inf")
    cases.append(_align_case("edge-infinity", gi, h, ["infinity"],
                             "an infinity in g: inf / inf = NaN"))
    return cases


def align_file():
    rng = np.random.default_rng(SEED_ALIGN)
    cases = []
    g = draw(rng, (4, 5), -1, 1)
    cases.append(_align_case("random-4x5", g, draw(rng, (4, 5), -1, 1)))
    cases.append(_align_case("random-32x128", draw(rng, (32, 128), -1, 1),
                             draw(rng, (32, 128), -1, 1)))
    g = draw(rng, (6, 7), -1, 1)
    cases.append(_align_case("correlated-6x7", g, f32(g + 0.3 * draw(rng, (6, 7), -1, 1))))
    cases.append(_align_case("parallel-scaled", g, f32(2.5 * g)))
    cases.append(_align_case("antiparallel", g, f32(-g)))
    cases.append(_align_case("orthogonal", np.array([[1.0, 0.0], [0.0, 2.0]]),
                             np.array([[0.0, 3.0], [-4.0, 0.0]])))
    cases.append(_align_case("zero-g", np.zeros((3, 4)), draw(rng, (3, 4), -1, 1)))
    cases.append(_align_case("zero-h", draw(rng, (3, 4), -1, 1), np.zeros((3, 4))))
    cases.append(_align_case("vector-17", draw(rng, (17,), -1, 1), draw(rng, (17,), -1, 1)))
    cases.append(_align_case("scale1e3-vs-1e-3", draw(rng, (5, 5), -1e3, 1e3),
                             draw(rng, (5, 5), -1e-3, 1e-3)))
    cases += align_edge_cases()
    return OpFile(
        "alignment", "spec/emergence.md#probe",
        "cos = <g,h>_F / (||g||_F ||h||_F), 0 when either norm is 0 (E17); output 'cos' is a "
        "scalar. atol = 2 ((n+3) 2^-24 (sum|g h| / (||g|| ||h||) + 2|cos|) + 20 ulps of |cos|).",
        {"rtol": RTOL, "atol": 1e-6}, cases)


def files():
    return [dense_mlp_file(), sgd_file(), adamw_file(), adam_file(), dfa_file(), hebb_file(),
            align_file()]
