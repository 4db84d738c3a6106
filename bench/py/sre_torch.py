#!/usr/bin/env python3
"""An independent PyTorch run of the standard regression experiment (SRE).

Written from spec/emergence.md (#sre, #rules, #probe, #protocols, #conventions), not from the
Java code, to check `./hebb4j emergence` under the same conventions. It shares no random numbers
with hebb4j (torch's generator), so agreement is statistical: compare means over seeds.

    /usr/bin/python3 bench/py/sre_torch.py --conventions torch --steps 7800 --seeds 3

What it does, per seed and gamma (every gamma of a seed shares teacher, data, initial student and
batch order, as hebb4j's runs do):
- x ~ N(0, I_32), 20000 train / 2000 validation rows; teacher nn.Sequential(Linear(32, 128),
  Tanh, Linear(128, 32)); y = teacher(x).
- student of the same shape (--act), initialised as --conventions says: torch = nn.Linear's own
  default (weights and biases U(+-1/sqrt(fan_in))), hebb4j = weights N(0, 1/fan_in), biases 0;
  the teacher as --teacher-init says (default hebb4j: the SRE's task, whatever the conventions).
- loss mse = (1/B) sum_b 1/2 ||out_b - y_b||^2 (hebb4j's default), or mse_mean = nn.MSELoss().
- optimizer torch.optim.SGD (lr 0.1), Adam (coupled L2) or AdamW (lr 1e-3) with weight_decay
  gamma: on every parameter under torch, on the weight matrices only under hebb4j.
- batch 256, a fresh permutation per epoch, the last partial batch dropped.
- probe over the last 20% of the steps, per layer: the signal g = -dL/dW (the data gradient, before
  the optimizer adds its decay; AdamW's signal is its normalised step direction, as (E12)), H =
  (1/B) a^T h_pre with a the layer's pre-activation; timeavg = cos(sum g, sum H), minibatch = mean
  cos(g, H), persample = mean over steps and rows of cos(-delta_i, a_i) (the rank-1 closed form).
Prints mean +- population std over seeds per (layer, protocol, gamma).
"""
import argparse
import math
import sys

import torch
from torch import nn


def init_linear(lin, conventions, gen):
    """torch: keep nn.Linear's default; hebb4j: weights N(0, 1/fan_in), biases 0."""
    if conventions == "torch":
        lin.reset_parameters()  # kaiming_uniform_(a=sqrt(5)): U(+-1/sqrt(fan_in)), bias alike
    else:
        with torch.no_grad():
            lin.weight.normal_(0.0, 1.0 / math.sqrt(lin.in_features), generator=gen)
            lin.bias.zero_()


def mlp(act, conventions, gen):
    l1, l2 = nn.Linear(32, 128), nn.Linear(128, 32)
    init_linear(l1, conventions, gen)
    init_linear(l2, conventions, gen)
    return l1, act, l2


def cos(a, b):
    na, nb = a.norm(), b.norm()
    if na == 0 or nb == 0:
        return 0.0
    return float((a * b).sum() / (na * nb))


def persample(delta, a):
    """Mean over rows of cos(-delta_i, a_i): cos(g_i, H_i) for the rank-1 pair (E29)."""
    nd, na = delta.norm(dim=1), a.norm(dim=1)
    c = -(delta * a).sum(1) / (nd * na)
    c = torch.where((nd > 0) & (na > 0), c, torch.zeros_like(c))
    return float(c.mean())


def run(args, seed, gamma):
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    act = {"tanh": torch.tanh, "relu": torch.relu, "linear": lambda t: t,
           "sigmoid": torch.sigmoid}[args.act]
    t1, _, t2 = mlp(torch.tanh, args.teacher_init, gen)
    x = torch.randn(args.train, 32, generator=gen)
    xv = torch.randn(args.val, 32, generator=gen)
    with torch.no_grad():
        y = t2(torch.tanh(t1(x)))
        yv = t2(torch.tanh(t1(xv)))
    torch.manual_seed(seed + 1000)  # the student: the same for every gamma of a seed
    s1, _, s2 = mlp(act, args.conventions, gen)
    weights = [s1.weight, s2.weight]
    biases = [s1.bias, s2.bias]
    if args.conventions == "torch":
        groups = [{"params": weights + biases, "weight_decay": gamma}]
    else:
        groups = [{"params": weights, "weight_decay": gamma},
                  {"params": biases, "weight_decay": 0.0}]
    if args.rule == "sgd":
        opt = torch.optim.SGD(groups, lr=args.lr)
    elif args.rule == "adam":
        opt = torch.optim.Adam(groups, lr=args.adam_lr)
    else:
        opt = torch.optim.AdamW(groups, lr=args.adam_lr)

    def loss_fn(out, target):
        if args.loss == "mse":
            return 0.5 * ((out - target) ** 2).sum(1).mean()
        return nn.functional.mse_loss(out, target)

    window = max(1, round(args.window * args.steps))
    first = args.steps - window + 1
    sum_g = [torch.zeros_like(w) for w in weights]
    sum_h = [torch.zeros_like(w) for w in weights]
    mb = [0.0, 0.0]
    ps = [0.0, 0.0]
    shuffle = torch.Generator().manual_seed(seed + 2000)
    perm, pos = None, args.train
    b = args.batch
    for step in range(1, args.steps + 1):
        if pos + b > args.train:
            perm, pos = torch.randperm(args.train, generator=shuffle), 0
        idx = perm[pos:pos + b]
        pos += b
        xb, yb = x[idx], y[idx]
        a1 = s1(xb)
        a1.retain_grad()
        z1 = act(a1)
        a2 = s2(z1)
        a2.retain_grad()
        loss = loss_fn(a2, yb)
        opt.zero_grad()
        loss.backward()
        if step >= first:
            pre = [xb, z1.detach()]
            post = [a1.detach(), a2.detach()]
            delta = [a1.grad, a2.grad]
            for l in range(2):
                g = -weights[l].grad
                h = post[l].T @ pre[l] / b
                if args.rule == "adamw":
                    g = adamw_signal(opt, weights[l], step)
                sum_g[l] += g
                sum_h[l] += h
                mb[l] += cos(g, h)
                ps[l] += persample(delta[l], post[l])
        opt.step()
    with torch.no_grad():
        val = float(loss_fn(s2(act(s1(xv))), yv))
    out = {}
    for l in range(2):
        out[(l + 1, "timeavg")] = cos(sum_g[l], sum_h[l])
        out[(l + 1, "minibatch")] = mb[l] / window
        out[(l + 1, "persample")] = ps[l] / window
    out[(0, "val_loss")] = val
    return out


def adamw_signal(opt, w, step):
    """(E12) -mhat / (sqrt(vhat) + eps) the coming step will use, from the moments after this
    gradient (computed here without touching the optimizer's state)."""
    group = next(gr for gr in opt.param_groups if any(p is w for p in gr["params"]))
    b1, b2 = group["betas"]
    st = opt.state.get(w, {})
    m = st.get("exp_avg", torch.zeros_like(w)) * b1 + (1 - b1) * w.grad
    v = st.get("exp_avg_sq", torch.zeros_like(w)) * b2 + (1 - b2) * w.grad ** 2
    return -(m / (1 - b1 ** step)) / ((v / (1 - b2 ** step)).sqrt() + group["eps"])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--conventions", choices=["torch", "hebb4j"], default="torch")
    p.add_argument("--teacher-init", choices=["torch", "hebb4j"], default="hebb4j")
    p.add_argument("--loss", choices=["mse", "mse_mean"], default="mse")
    p.add_argument("--rule", choices=["sgd", "adam", "adamw"], default="sgd")
    p.add_argument("--act", choices=["tanh", "relu", "linear", "sigmoid"], default="tanh")
    p.add_argument("--gammas", default="0,5e-5,5e-4,5e-3")
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--steps", type=int, default=7800)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--adam-lr", type=float, default=1e-3)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--window", type=float, default=0.2)
    p.add_argument("--train", type=int, default=20000)
    p.add_argument("--val", type=int, default=2000)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    gammas = [float(g) for g in args.gammas.split(",")]
    res = {g: [run(args, args.seed + s, g) for s in range(args.seeds)] for g in gammas}
    print(f"sre_torch: conventions {args.conventions}, teacher {args.teacher_init}, "
          f"loss {args.loss}, rule {args.rule}, "
          f"{args.act}, {args.steps} steps, {args.seeds} seeds, torch {torch.__version__}")
    keys = [(2, "timeavg"), (2, "minibatch"), (2, "persample"),
            (1, "timeavg"), (1, "minibatch"), (1, "persample"), (0, "val_loss")]
    print("layer,protocol," + ",".join(f"gamma={g:g}" for g in gammas))
    for k in keys:
        cells = []
        for g in gammas:
            v = torch.tensor([r[k] for r in res[g]], dtype=torch.float64)
            cells.append(f"{float(v.mean()):.3f} ± {float(v.std(unbiased=False)):.3f}")
        print(f"{k[0] if k[0] else ''},{k[1]}," + ",".join(cells))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
