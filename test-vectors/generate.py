#!/usr/bin/env python3
"""Generate hebb4j's golden test vectors (format "hebb4j-test-vectors/1").

Usage:  python3 test-vectors/generate.py

Writes one JSON file per op into the directory containing this script. Independent numpy float64
reference, written from spec/*.md and the test-vector contract only (never from the Java code).
Deterministic: each op family uses its own fixed-seed numpy Generator, so reruns are
byte-identical.

To add an op family: write a module in refgen/ exposing files() -> [common.OpFile], and add it
to MODULES below.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from refgen import common, emergence, hebbian, kernels, rng  # noqa: E402

MODULES = [
    kernels,    # gemm, conv2d, avgpool2d   (spec/kernels.md)
    rng,        # rng                       (spec/rng.md)
    emergence,  # dense_mlp, sgd_step, adamw_step, adam_step, dfa_signal, hebbian_term, alignment
                # (spec/emergence.md)
    hebbian,    # hebb_dense, hebb_conv2d, kwta, triangle, standardize, zca_fit, ridge_fit,
                # zca_eigen_rng             (spec/hebbian-rules.md, spec/hebbcnn.md)
]


def main():
    seen = set()
    total = 0
    for module in MODULES:
        for f in module.files():
            if f.op in seen:
                raise SystemExit("duplicate op " + f.op)
            seen.add(f.op)
            path, nbytes = common.write(f, HERE)
            total += nbytes
            print("%-16s %3d cases  %8d bytes  %s" % (f.op, len(f.cases), nbytes,
                                                      os.path.relpath(path, os.getcwd())))
    print("total %d bytes" % total)


if __name__ == "__main__":
    main()
