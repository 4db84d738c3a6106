package org.hebb4j.bench;

import java.util.concurrent.TimeUnit;
import org.hebb4j.hebbian.HebbCnn;
import org.hebb4j.hebbian.HebbCnnConfig;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training batch of the paper's Hebbian CNN (spec/hebbcnn.md#performance): 3 layers, kernels
 * 5, 3, 3, channels 100, 196, 400, k = 1, batch 100, on 1 x 28 x 28 images, no burn-in (every
 * batch updates the weights). Forward pass of all layers (standardise, im2col + GEMM or the
 * sparse pruned convolution, k-WTA, triangle or binary output, pooling), the winner-driven instar
 * update, mask, normalisation and thresholds. {@code variant}: plain (dense layers, binary
 * output) or triangle+pruning (layers 2 and 3 keep 1% of their weights); {@code impl}: the kernels
 * (vector falls back to the provider's choice when the Vector API is missing); {@code threads}:
 * worker threads. Score: milliseconds per batch. Run with bench/jmh.sh.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class HebbCnnBatchBenchmark {

  @Param({"plain", "triangle+pruning"})
  public String variant;

  @Param({"vector"})
  public String impl;

  @Param({"1", "2"})
  public int threads;

  private HebbCnn net;
  private Workers workers;
  private float[] images;

  @Setup
  public void setup() {
    Kernels k = impl.equals("scalar") ? KernelProvider.scalar()
        : KernelProvider.vector().orElse(KernelProvider.get());
    HebbCnnConfig cfg = HebbCnnConfig.builder(1, 28, 28)
        .paper(HebbCnnConfig.Variant.parse(variant)).pad(0).burnIn(0).build();
    workers = new Workers(threads);
    net = new HebbCnn(cfg, k, workers, new Rng(1));
    Rng r = new Rng(2);
    images = new float[cfg.batch() * 28 * 28];
    for (int i = 0; i < images.length; i++) {
      images[i] = r.uniformFloat();
    }
  }

  @TearDown
  public void tearDown() {
    workers.close();
  }

  @Benchmark
  public float trainBatch() {
    net.train(images, 0, 100);
    return net.thresholds(2)[0];
  }
}
