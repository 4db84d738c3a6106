"""SGEMM GFLOP/s of numpy (OpenBLAS) or PyTorch, timed like `hebb4j bench gemm`.

usage: python3 gemm.py numpy|torch N THREADS SECONDS
Prints two numbers: the median and the best GFLOP/s over timed calls after a warm-up of SECONDS.
For numpy set OPENBLAS_NUM_THREADS (and OMP_NUM_THREADS) in the environment before starting.
"""
import sys
import time


def timed(call, seconds):
    """Warm-up for `seconds`, then times calls for `seconds`: (median, best) in seconds."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        call()
    samples = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or len(samples) < 3:
        t0 = time.perf_counter()
        call()
        samples.append(time.perf_counter() - t0)
    samples.sort()
    return samples[len(samples) // 2], samples[0]


def main():
    lib, n, threads, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    if lib == "numpy":
        import numpy as np
        rng = np.random.default_rng(1)
        a = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n, n), dtype=np.float32)
        c = np.empty((n, n), dtype=np.float32)
        call = lambda: np.matmul(a, b, out=c)
    else:
        import torch
        torch.set_num_threads(threads)
        g = torch.Generator().manual_seed(1)
        a = torch.randn(n, n, generator=g)
        b = torch.randn(n, n, generator=g)
        c = torch.empty(n, n)
        call = lambda: torch.mm(a, b, out=c)
    med, best = timed(call, seconds)
    print("%.1f %.1f" % (2.0 * n ** 3 / med / 1e9, 2.0 * n ** 3 / best / 1e9))


if __name__ == "__main__":
    main()
