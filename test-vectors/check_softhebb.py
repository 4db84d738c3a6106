#!/usr/bin/env python3
"""Check that the SoftHebb and Krotov-Hopfield vectors catch wrong formulas.

Usage:  python3 test-vectors/check_softhebb.py

Reads batch_norm2d, softhebb_conv2d, softhebb_step and krotov_dense (with the contract's pass
rule) and evaluates deliberately wrong formulas on their inputs: the unbiased variance; the
padding mode swapped, t_inv ignored, ties to the highest channel, no anti-Hebbian losers, no
decay term; the power ignored, a per-row max, no 1e-10; p ignored, rank k-1, ties to the higher
unit, no decay term. Prints, per wrong formula, the failing outputs out of those it applies to,
and exits 1 when one is caught nowhere. Not part of generation (spec/test-vectors.md#tolerances).
"""

import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from refgen import softhebb as S  # noqa: E402

CAUGHT = []

def load(op):
    with open(os.path.join(HERE, op + '.json'), encoding='utf-8') as fh:
        return json.load(fh)['cases']

def arr(t):
    return np.array(t['data'], dtype=np.float64).reshape(t['shape'])

def fails(c, name, got):
    exp = arr(c['expected'][name]); tl = c['tolerance']
    return bool(np.any(np.abs(got - exp) > tl['atol'] + tl['rtol'] * np.abs(exp)))

def count(op, fn):
    cs = load(op); n = 0; applicable = 0
    for c in cs:
        out = fn(c)
        if out is None: continue
        for name, got in out.items():
            if name in c['expected']:
                applicable += 1
                n += fails(c, name, got)
    CAUGHT.append(n)
    return n, applicable

def bn_unbiased(c):
    x = arr(c['inputs']['x']); m = x.mean(axis=(0,2,3), keepdims=True)
    cnt = x.shape[0]*x.shape[2]*x.shape[3]
    if cnt < 2: return None
    v = ((x-m)**2).sum(axis=(0,2,3), keepdims=True)/(cnt-1)
    return {'y': (x-m)/np.sqrt(v + c['params']['eps'])}
print('bn unbiased var', count('batch_norm2d', bn_unbiased))

def shc(variant):
    def f(c):
        x = arr(c['inputs']['x']); w = arr(c['inputs']['w']); p = c['params']
        t, s, pad, mode = p['t_inv'], p['stride'], p['padding'], p['pad_mode']
        if variant == 'zeros': mode = 'zeros' if mode == 'reflect' else 'reflect'
        if variant == 'tinv1': t = 1.0 if t != 1.0 else 2.0
        if mode == 'reflect' and (pad > x.shape[2] - 1 or pad > x.shape[3] - 1):
            return None
        P = S.patches(S.pad2d(x, pad, mode), w.shape[2], w.shape[3], s)
        O = w.shape[0]; wf = w.reshape(O, -1)
        u = np.einsum('nijk,ok->noij', P, wf)
        a = t*u; e = np.exp(a - a.max(axis=1, keepdims=True)); sm = e/e.sum(axis=1, keepdims=True)
        if variant == 'hiwin':
            win = O - 1 - np.argmax(u[:, ::-1], axis=1)
        else:
            win = np.argmax(u, axis=1)
        oh = np.arange(O)[None,:,None,None] == win[:,None,:,:]
        y = np.where(oh, sm, -sm)
        if variant == 'allhebb': y = sm
        dw = np.einsum('noij,nijk->ok', y, P)
        if variant != 'nodecay':
            dw = dw - (y*u).sum(axis=(0,2,3))[:,None]*wf
        return {'u': u, 'y': y, 'dw': dw.reshape(w.shape)}
    return f
for v in ('zeros', 'tinv1', 'hiwin', 'allhebb', 'nodecay'):
    print('softhebb_conv2d', v, count('softhebb_conv2d', shc(v)))

def step(variant):
    def f(c):
        w, dw = arr(c['inputs']['w']), arr(c['inputs']['dw'])
        lr, pw = c['params']['lr'], c['params']['power']
        O = w.shape[0]; wf = w.reshape(O,-1); df = dw.reshape(O,-1)
        nrm = np.sqrt((wf**2).sum(1))
        if variant == 'power1': pw = 1.0 if pw != 1.0 else 0.5
        r = lr*(np.abs(nrm-1) + (0 if variant=='no1e-10' else 1e-10))**pw
        if variant == 'rowmax':
            sc = np.abs(df).max(1) + 1e-30
        else:
            sc = np.abs(df).max() + 1e-30
        out = wf + (r[:,None]*df)/(sc[:,None] if np.ndim(sc) else sc)
        return {'w_next': out.reshape(w.shape)}
    return f
for v in ('power1', 'rowmax', 'no1e-10'):
    print('softhebb_step', v, count('softhebb_step', step(v)))

def kh(variant):
    def f(c):
        v, W = arr(c['inputs']['v']), arr(c['inputs']['W'])
        p, k, d = c['params']['p'], c['params']['k'], c['params']['delta']
        if variant == 'p2': p = 2.0 if p != 2.0 else 3.0
        if variant == 'kminus1': k = k - 1 if k > 2 else k + 1
        if k > W.shape[0]: return None
        I = v @ (np.sign(W)*np.abs(W)**(p-1)).T
        B, O = I.shape; g = np.zeros(I.shape)
        for b in range(B):
            key = (lambda o: (-I[b,o], -o)) if variant == 'hitie' else (lambda o: (-I[b,o], o))
            order = sorted(range(O), key=key)
            g[b, order[0]] = 1; g[b, order[k-1]] = -d
        ds = g.T @ v
        if variant != 'nodecay':
            ds = ds - (g*I).sum(0)[:,None]*W
        return {'ds': ds}
    return f
for v in ('p2', 'kminus1', 'hitie', 'nodecay'):
    print('krotov_dense', v, count('krotov_dense', kh(v)))

sys.exit(0 if all(CAUGHT) else 1)
