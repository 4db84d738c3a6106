package org.hebb4j.bench;

import java.util.concurrent.TimeUnit;
import org.hebb4j.emergence.Rule;
import org.hebb4j.experiment.emergence.SreStep;
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
 * One training step of the standard regression experiment ({@link SreStep}, spec/emergence.md#sre):
 * student MLP 32 -> 128 -> 32 tanh, batch 256, mse, weight decay 5e-3, with the probe measuring
 * (H, cosines, per-neuron cosines, time-average sums) as inside the window ({@code probe=true})
 * or not. Run with bench/jmh.sh, e.g. {@code bench/jmh.sh -p impl=vector SreStepBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class SreStepBenchmark {

  @Param({"scalar", "vector"})
  public String impl;

  @Param({"sgd", "adam", "dfa"})
  public String rule;

  @Param({"false", "true"})
  public boolean probe;

  private SreStep step;

  @Setup
  public void setup() {
    step = SreStep.setup(GemmBenchmark.kernels(impl), Rule.parse(rule), probe);
  }

  @Benchmark
  public double step() {
    return step.run().loss();
  }
}
