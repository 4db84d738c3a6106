package org.hebb4j.bench;

import java.util.concurrent.TimeUnit;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.Conv2dShape;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.rng.Rng;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The non-GEMM kernels, scalar reference vs Vector API: dot, axpy and tanh on {@code n} floats,
 * and a conv2d forward pass (im2col + GEMM) of a batch of 8 28x28 single-channel images through
 * 16 5x5 filters (stride 1, no padding: 8 x 16 x 24 x 24 outputs) with bias. Run with bench/jmh.sh
 * (see BENCHMARKS.md).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class KernelsBenchmark {

  @Param({"scalar", "vector"})
  public String impl;

  @Param({"4096"})
  public int n;

  private Kernels kernels;
  private float[] x, y, z;
  private final Conv2dShape conv = new Conv2dShape(8, 1, 28, 28, 16, 5, 5, 1, 0);
  private float[] cx, cw, cb, cy, col;

  @Setup
  public void setup() {
    kernels = GemmBenchmark.kernels(impl);
    Rng rng = new Rng(7);
    x = GemmBenchmark.random(rng, n);
    y = GemmBenchmark.random(rng, n);
    z = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] *= 4f; // tanh arguments in [-4, 4)
    }
    cx = GemmBenchmark.random(rng, conv.inputSize());
    cw = GemmBenchmark.random(rng, conv.weightSize());
    cb = GemmBenchmark.random(rng, conv.o());
    cy = new float[conv.outputSize()];
    col = new float[conv.colSize()];
  }

  @Benchmark
  public float dot() {
    return kernels.dot(n, x, 0, y, 0);
  }

  /** y += 1e-7 x: y drifts by at most ~1 over a run, far from overflow. */
  @Benchmark
  public float[] axpy() {
    kernels.axpy(n, 1e-7f, x, 0, y, 0);
    return y;
  }

  @Benchmark
  public float[] tanh() {
    kernels.activate(Activation.TANH, n, x, 0, z, 0);
    return z;
  }

  @Benchmark
  public float[] conv2dForward() {
    kernels.conv2dForward(conv, cx, cw, cb, cy, col);
    return cy;
  }
}
