#!/usr/bin/env python3
"""Generate hebb4j's golden test vectors (format "hebb4j-test-vectors/1").

Usage:  python3 test-vectors/generate.py [--out DIR]

Writes one JSON file per op into DIR, by default the directory containing this script (which
rewrites the committed files). Independent numpy float64 reference, written from spec/*.md and the
test-vector contract only (never from the Java code).

Reproducible: the same numpy on the same machine gives byte-identical files run to run, whatever
PYTHONHASHSEED, locale, time or working directory. Each op family draws from its own fixed-seed
numpy.random.default_rng (PCG64); the JSON is written by a fixed writer (keys in a fixed order,
numbers as '%.9g' of the float32 value, which Python formats identically on every platform); no
timestamp, path or version is written. Check with
    python3 test-vectors/generate.py --out /tmp/a && python3 test-vectors/generate.py --out /tmp/b
    diff -r /tmp/a /tmp/b && diff -r /tmp/a test-vectors   (the second diff also lists io/)

What may differ with another numpy version (files made with numpy 2.4.6, OpenBLAS, x86-64):
- the random inputs: NumPy's policy (NEP 19) lets a Generator method's stream change between
  feature releases; that would change the drawn inputs and hence every value after them, though
  not their correctness;
- the last bits of float64 results from BLAS-backed products (@, einsum, dot), LAPACK (eigh,
  solve, lstsq: zca_fit, ridge_fit, zca_eigen_rng) and CPU-dispatched SIMD ufuncs (exp, log,
  tanh), which also depend on the BLAS/LAPACK build and the CPU. AVX-512 dispatch is switched
  off below (NPY_DISABLE_CPU_FEATURES), since it changed attention.json and
  transformer_sre.json on an AVX-512 machine with numpy 2.4.6. Every written value is rounded
  to float32 first, so such a difference changes a file only where a value lies at a float32
  rounding boundary (or an atol at a 2-digit rounding boundary): rare, and within tolerance.
The rng vectors (refgen/rng.py) use only Python integers and math.log/cos/sqrt, and refuse
Gaussian draws near a float32 boundary, so they are the same with any numpy and libm.

To add an op family: write a module in refgen/ exposing files() -> [common.OpFile], and add it
to MODULES below.
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

# numpy chooses the SIMD code of float64 exp, log, tanh and power by the CPU it runs on, and its
# AVX-512 code (SVML) gives other last bits than the C library's functions it uses elsewhere.
# Without AVX-512 dispatch (set before numpy is first imported) an AVX-512 machine writes the
# same files as an AVX2 one (spec/test-vectors.md#generator). numpy 2 ignores the names it does
# not know; numpy 1.x prints a line about them and goes on.
os.environ.setdefault("NPY_DISABLE_CPU_FEATURES",
                      "X86_V4 AVX512_ICL AVX512_SPR AVX512F AVX512CD AVX512_SKX AVX512_CLX "
                      "AVX512_CNL")

from refgen import (common, emergence, hebbian, init, kernels, rng, softhebb,  # noqa: E402
                    transformer)

MODULES = [
    kernels,    # gemm, conv2d, avgpool2d   (spec/kernels.md)
    rng,        # rng                       (spec/rng.md)
    emergence,  # dense_mlp, sgd_step, adamw_step, adam_step, dfa_signal, hebbian_term, alignment
                # (spec/emergence.md)
    init,       # dense_init (spec/emergence.md#conventions)
    hebbian,    # hebb_dense, hebb_conv2d, kwta, triangle, standardize, zca_fit, ridge_fit,
                # zca_eigen_rng             (spec/hebbian-rules.md, spec/hebbcnn.md)
    transformer,  # layer_norm, attention, transformer_sre (spec/transformer.md)
    softhebb,   # batch_norm2d, softhebb_conv2d, softhebb_step, krotov_dense
                # (spec/softhebb.md, spec/krotov.md)
]


def main():
    parser = argparse.ArgumentParser(description="Generate hebb4j's golden test vectors.")
    parser.add_argument("--out", default=HERE, metavar="DIR",
                        help="directory to write the .json files into (default: %(default)s)")
    out = parser.parse_args().out
    if not os.path.isdir(out):
        raise SystemExit("generate.py: --out %s: not a directory" % out)
    seen = set()
    total = 0
    for module in MODULES:
        for f in module.files():
            if f.op in seen:
                raise SystemExit("duplicate op " + f.op)
            seen.add(f.op)
            path, nbytes = common.write(f, out)
            total += nbytes
            print("%-16s %3d cases  %8d bytes  %s" % (f.op, len(f.cases), nbytes,
                                                      os.path.relpath(path, os.getcwd())))
    print("total %d bytes" % total)


if __name__ == "__main__":
    main()
