package org.hebb4j.bench;

import java.util.concurrent.TimeUnit;
import org.hebb4j.emergence.Rule;
import org.hebb4j.experiment.emergence.TransformerStep;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.kernel.ThreadedKernels;
import org.hebb4j.parallel.Workers;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * One SRE training step of the transformer ({@link TransformerStep}, spec/transformer.md#sre):
 * 4 tokens, 4 heads, 2 pre-LN blocks, FFN 128, batch 256, mse, no probe, 156.8 MFLOP
 * (spec/transformer.md#cost), on the scalar or vector kernels with 1 or 2 threads. Run with
 * bench/jmh.sh, e.g. {@code bench/jmh.sh -p impl=vector -p threads=1 TransformerStepBenchmark};
 * GFLOP/s = 156.8 / (microseconds per step) * 1e-3.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class TransformerStepBenchmark {

  @Param({"scalar", "vector"})
  public String impl;

  @Param({"sgd", "adam"})
  public String rule;

  @Param({"1", "2"})
  public int threads;

  private Workers workers;
  private TransformerStep step;

  @Setup
  public void setup() {
    workers = new Workers(threads);
    Kernels k = ThreadedKernels.of(GemmBenchmark.kernels(impl), workers);
    step = TransformerStep.setup(k, Rule.parse(rule));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    workers.close();
  }

  @Benchmark
  public double step() {
    return step.run();
  }
}
