package org.hebb4j.kernel;

import org.hebb4j.parallel.Workers;

/**
 * Kernels whose GEMM can spread its own work over a {@link Workers} pool, sharing its packed
 * panels between the threads, rather than being cut into independent smaller GEMMs by
 * {@link ThreadedKernels}. The result must have the bits of the single-threaded
 * {@link Kernels#gemm} for every thread count (spec/parallel.md (P5)).
 */
interface ParallelGemm {

  /** spec/kernels.md#gemm (K11) on {@code workers}; the same arguments and bits as gemm. */
  void gemm(Workers workers, boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc);
}
