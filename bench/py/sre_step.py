"""One SRE training step in numpy (OpenBLAS) or PyTorch, float32, for bench/compare.sh.

usage: python3 sre_step.py numpy|torch THREADS SECONDS
The step of spec/emergence.md: a 32-128-32 tanh MLP, batch 256, mse loss, explicit backprop and
SGD with weight decay on every weight and bias. Prints the median and the best milliseconds per step after a
warm-up. For numpy set OPENBLAS_NUM_THREADS before starting.
"""
import sys

from gemm import timed

B, D, H, O = 256, 32, 128, 32
LR, GAMMA = 0.05, 5e-4


def numpy_step():
    import numpy as np
    rng = np.random.default_rng(1)
    f32 = np.float32
    x = rng.standard_normal((B, D), dtype=f32)
    y = rng.standard_normal((B, O), dtype=f32)
    w1 = (rng.standard_normal((H, D), dtype=f32) / np.sqrt(D)).astype(f32)
    w2 = (rng.standard_normal((O, H), dtype=f32) / np.sqrt(H)).astype(f32)
    b1 = np.zeros(H, f32)
    b2 = np.zeros(O, f32)
    lr, gamma, inv_b = f32(LR), f32(GAMMA), f32(1.0 / B)

    def step():
        a1 = x @ w1.T + b1
        z1 = np.tanh(a1)
        out = z1 @ w2.T + b2
        e = (out - y) * inv_b
        dw2 = e.T @ z1
        db2 = e.sum(0)
        da1 = (e @ w2) * (1 - z1 * z1)
        dw1 = da1.T @ x
        db1 = da1.sum(0)
        for p, g in ((w1, dw1), (b1, db1), (w2, dw2), (b2, db2)):
            p -= lr * (g + gamma * p)
    return step


def torch_step(threads):
    import torch
    torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(1)
    x = torch.randn(B, D, generator=g)
    y = torch.randn(B, O, generator=g)
    w1 = torch.randn(H, D, generator=g) / D ** 0.5
    w2 = torch.randn(O, H, generator=g) / H ** 0.5
    b1 = torch.zeros(H)
    b2 = torch.zeros(O)

    @torch.no_grad()
    def step():
        a1 = torch.addmm(b1, x, w1.t())
        z1 = torch.tanh(a1)
        out = torch.addmm(b2, z1, w2.t())
        e = (out - y) / B
        dw2 = e.t() @ z1
        db2 = e.sum(0)
        da1 = (e @ w2) * (1 - z1 * z1)
        dw1 = da1.t() @ x
        db1 = da1.sum(0)
        for p, d in ((w1, dw1), (b1, db1), (w2, dw2), (b2, db2)):
            p.mul_(1 - LR * GAMMA).add_(d, alpha=-LR)
    return step


def main():
    lib, threads, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    step = numpy_step() if lib == "numpy" else torch_step(threads)
    med, best = timed(step, seconds)
    print("%.4f %.4f" % (med * 1e3, best * 1e3))


if __name__ == "__main__":
    main()
