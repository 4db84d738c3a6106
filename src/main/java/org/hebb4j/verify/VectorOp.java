package org.hebb4j.verify;

import org.hebb4j.kernel.Kernels;

/** One test-vector operation: runs a case's inputs and params through hebb4j. */
@FunctionalInterface
public interface VectorOp {

  /** Computes every output the op defines; the verifier compares those the case expects. */
  Outputs run(VectorCase c, Kernels k);
}
