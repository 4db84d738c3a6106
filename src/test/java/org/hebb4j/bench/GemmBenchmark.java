package org.hebb4j.bench;

import java.util.concurrent.TimeUnit;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.rng.Rng;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Single-thread SGEMM, C = A B (no transposes, alpha 1, beta 0), spec/kernels.md#gemm, for the
 * scalar reference and the Vector API kernels. {@code shape} is m x n x k. Throughput mode: the
 * primary score is GEMM calls per second, and the secondary result {@code gemm:gflop} counts
 * 2 m n k / 1e9 floating-point operations per call, so its score is GFLOP/s. Run with bench/jmh.sh
 * (see BENCHMARKS.md).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class GemmBenchmark {

  @Param({"scalar", "vector"})
  public String impl;

  @Param({"64x64x64", "256x256x256", "1024x1024x1024", "256x32x128", "256x128x32"})
  public String shape;

  private Kernels kernels;
  private int m, n, k;
  private float[] a, b, c;

  /** GFLOP done, reported by JMH as a rate: GFLOP/s. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Flops {
    public double gflop;

    @Setup(Level.Iteration)
    public void reset() {
      gflop = 0;
    }
  }

  @Setup
  public void setup() {
    kernels = kernels(impl);
    String[] d = shape.split("x");
    m = Integer.parseInt(d[0]);
    n = Integer.parseInt(d[1]);
    k = Integer.parseInt(d[2]);
    Rng rng = new Rng(42);
    a = random(rng, m * k);
    b = random(rng, k * n);
    c = new float[m * n];
  }

  @Benchmark
  public float[] gemm(Flops flops) {
    kernels.gemmNN(m, n, k, 1f, a, b, 0f, c);
    flops.gflop += 2e-9 * m * n * k;
    return c;
  }

  static Kernels kernels(String impl) {
    switch (impl) {
      case "scalar":
        return KernelProvider.scalar();
      case "vector":
        return KernelProvider.vector().orElseThrow(() -> new IllegalStateException(
            "Vector API kernels unavailable: run with --add-modules jdk.incubator.vector"));
      default:
        throw new IllegalArgumentException("impl must be scalar or vector, got " + impl);
    }
  }

  static float[] random(Rng rng, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = 2f * rng.uniformFloat() - 1f;
    }
    return x;
  }
}
