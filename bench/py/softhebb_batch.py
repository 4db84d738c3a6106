"""One SoftHebb training batch in PyTorch (CPU), for bench/compare.sh.

usage: python3 softhebb_batch.py THREADS SECONDS
The batch of spec/softhebb.md#network, as `hebb4j bench softhebb` runs it: the paper's network
(demo.py of NeuromorphicComputing/SoftHebb) with one input channel, batch 10 of 1 x 28 x 28
images; per block batch norm without affine (training mode), reflect padding, convolution
without bias, then the plasticity of (SH4)-(SH6) computed as demo.py does (softmax over
channels, the winner positive and every other channel negative, yx through a convolution of
the input with the signal, dW = yx - (sum y u) W scaled by the layer's max |dW|, the per-neuron
rate lr (| ||W_o|| - 1 | + 1e-10)^0.5), triangle^p and the pool. Every block learns from the
forward pass of the weights before the batch; the last block's activation and pool, which feed
nothing while learning, are skipped as in hebb4j. Prints the median and the best milliseconds
per batch.
"""
import sys

import torch
import torch.nn.functional as F

from gemm import timed

# channels, kernel, padding, t_inv, power, pool (kind, size, stride, pad), lr
BLOCKS = (
    (96, 5, 2, 1.0, 0.7, ("max", 4, 2, 1), 0.08),
    (384, 3, 1, 0.65, 1.4, ("max", 4, 2, 1), 0.005),
    (1536, 3, 1, 0.25, 1.0, ("avg", 2, 2, 0), 0.01),
)
BATCH = 10


def build():
    g = torch.Generator().manual_seed(1)
    weights, cin = [], 1
    for o, k, *_ in BLOCKS:
        fan_in = cin * k * k
        weights.append(torch.randn(o, cin, k, k, generator=g) * (25 / fan_in ** 0.5))
        cin = o
    bns = [torch.nn.BatchNorm2d(w.shape[1], affine=False) for w in weights]
    x = torch.rand(BATCH, 1, 28, 28, generator=g)

    @torch.no_grad()
    def batch():
        h, deltas = x, []
        for i, ((o, k, pad, t_inv, power, pool, lr), w, bn) in enumerate(
                zip(BLOCKS, weights, bns)):
            xp = F.pad(bn(h), (pad,) * 4, mode="reflect")
            u = F.conv2d(xp, w)
            flat = u.transpose(0, 1).reshape(o, -1)
            y = -torch.softmax(t_inv * flat, dim=0)
            win = flat.argmax(0)
            cols = torch.arange(flat.shape[1])
            y[win, cols] = -y[win, cols]
            y4 = y.view(o, BATCH, *u.shape[2:]).transpose(0, 1)
            yx = F.conv2d(xp.transpose(0, 1), y4.transpose(0, 1)).transpose(0, 1)
            yu = (y4 * u).sum((0, 2, 3))
            dw = yx - yu.view(-1, 1, 1, 1) * w
            dw.div_(dw.abs().amax() + 1e-30)
            deltas.append(dw)
            if i < len(BLOCKS) - 1:
                z = F.relu(u - u.mean(1, keepdim=True)) ** power
                kind, size, stride, ppad = pool
                h = (F.max_pool2d(z, size, stride, ppad) if kind == "max"
                     else F.avg_pool2d(z, size, stride))
        for (*_, lr), w, dw in zip(BLOCKS, weights, deltas):
            rate = lr * ((w.flatten(1).norm(dim=1) - 1).abs() + 1e-10) ** 0.5
            w.add_(rate.view(-1, 1, 1, 1) * dw)
    return batch


def main():
    threads, seconds = int(sys.argv[1]), float(sys.argv[2])
    torch.set_num_threads(threads)
    med, best = timed(build(), seconds)
    print("%.2f %.2f" % (med * 1e3, best * 1e3))


if __name__ == "__main__":
    main()
