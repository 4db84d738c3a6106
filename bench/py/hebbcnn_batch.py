"""One Hebbian-CNN training batch in PyTorch (CPU), for bench/compare.sh.

usage: python3 hebbcnn_batch.py VARIANT THREADS SECONDS     (VARIANT: plain | triangle+pruning)
The batch of spec/hebbcnn.md#training, as `hebb4j bench hebbcnn` runs it: 3 layers (kernels 5,
3, 3; channels 100, 196, 400; stride 1, no padding), batch 100 of 1 x 28 x 28 images; per layer
per-sample standardisation, convolution, k-WTA (k = 1) on u - theta, triangle or binary output,
2 x 2 average pooling; then the instar update dw_o = sum y (x - w_o) through PyTorch's own conv
weight gradient (what autograd computes for the paper's surrogate loss), mask, per-filter L2
normalisation, and the threshold update. Prints the median and the best milliseconds per batch.
"""
import sys

import torch
import torch.nn.functional as F

from gemm import timed

CHANNELS, KERNELS, LR = (100, 196, 400), (5, 3, 3), (1e-4, 1e-4, 1e-3)
BATCH, KEEP, THETA_RATE = 100, 0.01, 3.0


def build(variant):
    triangle, prune = "triangle" in variant, "pruning" in variant
    g = torch.Generator().manual_seed(1)
    layers, cin = [], 1
    for i, (o, k) in enumerate(zip(CHANNELS, KERNELS)):
        w = 0.01 * torch.randn(o, cin, k, k, generator=g)
        mask = torch.ones_like(w)
        if prune and i > 0:
            mask = (torch.rand(w.shape, generator=g) < KEEP).float()
        w = w * mask
        w = w / w.flatten(1).norm(dim=1).clamp_min(1e-30).view(-1, 1, 1, 1)
        layers.append((w, mask, torch.zeros(o), LR[i]))
        cin = o
    x = torch.rand(BATCH, 1, 28, 28, generator=g)

    @torch.no_grad()
    def batch():
        h = x
        for w, mask, theta, lr in layers:
            mu = h.mean((1, 2, 3), keepdim=True)
            var = h.var((1, 2, 3), unbiased=False, keepdim=True)
            h = (h - mu) / torch.sqrt(var + 1e-8)
            v = F.conv2d(h, w) - theta.view(1, -1, 1, 1)
            best, idx = v.max(1, keepdim=True)
            y = torch.zeros_like(v).scatter_(1, idx, (best > 0).float())
            out = F.relu(v - v.mean(1, keepdim=True)) if triangle else y
            dw = torch.nn.grad.conv2d_weight(h, w.shape, y) - y.sum((0, 2, 3)).view(-1, 1, 1, 1) * w
            w.add_(dw, alpha=lr).mul_(mask)
            w.div_(w.flatten(1).norm(dim=1).clamp_min(1e-30).view(-1, 1, 1, 1))
            theta.add_(THETA_RATE * (y.mean((0, 2, 3)) - 1.0 / w.shape[0]))
            h = F.avg_pool2d(out, 2)
    return batch


def main():
    variant, threads, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    torch.set_num_threads(threads)
    med, best = timed(build(variant), seconds)
    print("%.2f %.2f" % (med * 1e3, best * 1e3))


if __name__ == "__main__":
    main()
