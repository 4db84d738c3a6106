package org.hebb4j.bench;

import java.util.concurrent.TimeUnit;
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
 * The attention core (spec/kernels.md#attention (K22)-(K23)) of one block of the SRE transformer
 * step at its defaults: 256 batch rows of 4 tokens, 4 heads of dh 8, q, k, v and dO Gaussian;
 * the forward and the backward call, scalar reference vs vector lanes over batch rows. Run with
 * bench/jmh.sh (see BENCHMARKS.md).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class AttentionBenchmark {

  @Param({"scalar", "vector"})
  public String impl;

  private static final int BATCH = 256;
  private static final int T = 4;
  private static final int HEADS = 4;
  private static final int DH = 8;

  private Kernels kernels;
  private float[] q, k, v, dO, o, p, ds, dq, dk, dv;
  private double[] e;
  private final float alpha = (float) (1.0 / Math.sqrt(DH));

  @Setup
  public void setup() {
    kernels = GemmBenchmark.kernels(impl);
    Rng rng = new Rng(11);
    int n = BATCH * T * HEADS * DH;
    q = gaussian(rng, n);
    k = gaussian(rng, n);
    v = gaussian(rng, n);
    dO = gaussian(rng, n);
    o = new float[n];
    dq = new float[n];
    dk = new float[n];
    dv = new float[n];
    p = new float[BATCH * HEADS * T * T];
    e = new double[p.length];
    ds = new float[BATCH * T * T];
    kernels.attention(BATCH, T, HEADS, DH, alpha, q, k, v, 0, p, e, 0, o);
  }

  private static float[] gaussian(Rng rng, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = rng.gaussianFloat();
    }
    return x;
  }

  @Benchmark
  public float[] forward() {
    kernels.attention(BATCH, T, HEADS, DH, alpha, q, k, v, 0, p, e, 0, o);
    return o;
  }

  @Benchmark
  public float[] backward() {
    kernels.attentionBackward(BATCH, T, HEADS, DH, alpha, q, k, v, dO, 0, p, 0, ds, 0, dq, dk,
        dv);
    return dq;
  }
}
