/**
 * Float32 numerical kernels (spec/kernels.md): the {@link org.hebb4j.kernel.Kernels} interface
 * (BLAS-style dot, axpy, GEMM, reductions, activations, conv2d, average pooling), its scalar
 * reference {@link org.hebb4j.kernel.ScalarKernels}, the choice between it and the optional Vector
 * API kernels in {@link org.hebb4j.kernel.KernelProvider} (spec/kernels.md#dispatch), and
 * {@link org.hebb4j.kernel.ThreadedKernels}, which spreads GEMM over a
 * {@link org.hebb4j.parallel.Workers} pool with bit-identical results. Arrays are row-major with
 * element offsets and leading dimensions; every entry point checks them in O(1) and throws an
 * {@code IllegalArgumentException} naming the argument (spec/kernels.md#checks).
 */
package org.hebb4j.kernel;
