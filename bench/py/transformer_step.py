"""One SRE training step of the transformer of spec/transformer.md in PyTorch, for compare.sh.

usage: python3 transformer_step.py THREADS SECONDS
The architecture of spec/transformer.md (the contract's op transformer_sre) at its defaults: the
32-d input row cut into T = 4 tokens of F = 8 features, token embedding E plus learned positions
P, 2 pre-LN blocks (LN, 4-head self-attention with Wq, Wk, Wv, Wo; LN, 32-128-32 tanh
feed-forward; residuals), final LN, mean over tokens, linear readout R. Batch 256, loss
(1/B) sum 1/2 ||out - y||^2, autograd backward, SGD lr 0.1 with weight decay 5e-3 on the weight
matrices only (torch.optim.SGD, two parameter groups), as `hebb4j bench transformer`. Prints the
median and the best milliseconds per step after a warm-up of SECONDS.
"""
import sys

from gemm import timed

B, D, T, HEADS, BLOCKS, FFN = 256, 32, 4, 4, 2, 128
LR, GAMMA = 0.1, 5e-3


def build(threads):
    import torch
    from torch import nn

    torch.set_num_threads(threads)
    torch.manual_seed(1)
    f, dh = D // T, D // HEADS

    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.q, self.k, self.v, self.o = (nn.Linear(D, D) for _ in range(4))

        def forward(self, u):                                  # u [B, T, D]
            def heads(x):                                      # [B, HEADS, T, dh]
                return x.view(B, T, HEADS, dh).transpose(1, 2)
            q, k, v = heads(self.q(u)), heads(self.k(u)), heads(self.v(u))
            p = torch.softmax(q @ k.transpose(-1, -2) / dh ** 0.5, dim=-1)   # (T10)
            o = (p @ v).transpose(1, 2).reshape(B, T, D)                     # (T11)
            return self.o(o)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.attn, self.ln2 = nn.LayerNorm(D), Attention(), nn.LayerNorm(D)
            self.w1, self.w2 = nn.Linear(D, FFN), nn.Linear(FFN, D)

        def forward(self, h):
            a = h + self.attn(self.ln1(h))                                   # (T2)-(T3)
            return a + self.w2(torch.tanh(self.w1(self.ln2(a))))            # (T4)-(T5)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Linear(f, D)
            self.pos = nn.Parameter(torch.randn(T, D) / D ** 0.5)
            self.blocks = nn.Sequential(*(Block() for _ in range(BLOCKS)))
            self.lnf, self.readout = nn.LayerNorm(D), nn.Linear(D, D)

        def forward(self, x):                                  # x [B, 32]
            h = self.embed(x.view(B, T, f)) + self.pos                       # (T1)
            return self.readout(self.lnf(self.blocks(h)).mean(dim=1))        # (T6)-(T7)

    net = Net()
    weights = [p for n, p in net.named_parameters() if p.dim() == 2 and n != "pos"]
    others = [p for n, p in net.named_parameters() if not (p.dim() == 2 and n != "pos")]
    opt = torch.optim.SGD([{"params": weights, "weight_decay": GAMMA},
                           {"params": others, "weight_decay": 0.0}], lr=LR)
    g = torch.Generator().manual_seed(2)
    x = torch.randn(B, D, generator=g)
    y = torch.tanh(torch.randn(B, D, generator=g))

    def step():
        opt.zero_grad(set_to_none=False)
        loss = 0.5 * ((net(x) - y) ** 2).sum() / B                         # (T12) mse
        loss.backward()
        opt.step()
    return step


def main():
    threads, seconds = int(sys.argv[1]), float(sys.argv[2])
    med, best = timed(build(threads), seconds)
    print("%.4f %.4f" % (med * 1e3, best * 1e3))


if __name__ == "__main__":
    main()
