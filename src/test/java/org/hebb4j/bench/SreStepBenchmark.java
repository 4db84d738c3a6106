package org.hebb4j.bench;

import java.util.concurrent.TimeUnit;
import org.hebb4j.emergence.Noise;
import org.hebb4j.emergence.Probe;
import org.hebb4j.emergence.Rule;
import org.hebb4j.emergence.Teacher;
import org.hebb4j.emergence.TrainConfig;
import org.hebb4j.emergence.Trainer;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Mlp;
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
 * One training step of the standard regression experiment (spec/emergence.md#sre): student MLP
 * 32 -> 128 -> 32 tanh, batch 256, mse, weight decay 5e-3, with the alignment probe measuring
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

  private static final int BATCH = 256;

  private Trainer trainer;
  private Probe p;
  private float[] x;
  private float[] y;

  @Setup
  public void setup() {
    Kernels k = GemmBenchmark.kernels(impl);
    Rng r = new Rng(1);
    Mlp teacher = Teacher.network(32, 128, 32, Activation.TANH, r.derive("teacher"));
    var data = Teacher.label(k, teacher, Teacher.inputs(r.derive("data"), BATCH, 32));
    x = data.x();
    y = data.y();
    Mlp student = Teacher.network(32, 128, 32, Activation.TANH, r.derive("student"));
    Rule ru = Rule.parse(rule);
    trainer = new Trainer(k, student, Loss.MSE, TrainConfig.of(ru,
        ru == Rule.ADAM ? 1e-3 : 0.1, 5e-3, Noise.NONE, 0, BATCH), r);
    p = probe ? new Probe(k, student, 0, false) : null;
  }

  @Benchmark
  public double step() {
    return trainer.step(x, y, null, BATCH, p, probe, false);
  }
}
