package org.hebb4j.bench;

import java.util.concurrent.TimeUnit;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.rng.Rng;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * (K21) spec/kernels.md#exp per element: one {@code Kernels.exp} call on the 32768 doubles of the
 * SRE transformer step's softmax (rows of 4 Gaussian float scores times 2, each minus its row's
 * maximum: {@code range=softmax}) or on doubles uniform in [-745, 709] ({@code range=wide}),
 * scalar ({@code StrictMath.exp}) vs vector lanes. Run with bench/jmh.sh (see BENCHMARKS.md).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class ExpBenchmark {

  private static final int N = 32768;

  @Param({"scalar", "vector"})
  public String impl;

  @Param({"softmax", "wide"})
  public String range;

  private Kernels kernels;
  private final double[] x = new double[N];
  private final double[] y = new double[N];

  @Setup
  public void setup() {
    kernels = GemmBenchmark.kernels(impl);
    Rng rng = new Rng(21);
    if (range.equals("softmax")) {
      for (int r = 0; r < N; r += 4) {
        float[] s = new float[4];
        float m = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < 4; c++) {
          s[c] = 2 * rng.gaussianFloat();
          m = Math.max(m, s[c]);
        }
        for (int c = 0; c < 4; c++) {
          x[r + c] = (double) s[c] - m;
        }
      }
    } else if (range.equals("wide")) {
      for (int i = 0; i < N; i++) {
        x[i] = rng.uniformDouble() * 1454 - 745;
      }
    } else {
      throw new IllegalArgumentException("range must be softmax or wide, got " + range);
    }
  }

  /** Nanoseconds per element. */
  @Benchmark
  @OperationsPerInvocation(N)
  public double[] exp() {
    kernels.exp(N, x, 0, y, 0);
    return y;
  }
}
