package org.hebb4j.experiment.emergence;

import org.hebb4j.emergence.Data;
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

/**
 * One training step of the standard regression experiment (spec/emergence.md#sre), set up for
 * timing: a 32-128-32 tanh student learns one fixed batch of 256 rows labelled by a 32-128-32 tanh
 * teacher, mse loss, weight decay 5e-3, learning rate 1e-3 for Adam and AdamW and 0.1 otherwise.
 * The workload of {@code hebb4j bench sre} and of the JMH {@code SreStepBenchmark}; after
 * construction {@link #step} allocates nothing.
 */
public final class SreStep {

  /** Input width d of student and teacher. */
  public static final int IN = 32;
  /** Hidden width. */
  public static final int HIDDEN = 128;
  /** Output width. */
  public static final int OUT = 32;
  /** Rows per step. */
  public static final int BATCH = 256;
  /** Weight decay gamma. */
  public static final double GAMMA = 5e-3;

  private final Kernels k;
  private final Rule rule;
  private final Mlp student;
  private final Trainer trainer;
  private final float[] x;
  private final float[] y;

  /**
   * Builds teacher, batch, student and trainer; every random draw comes from
   * {@code new Rng(1).derive("bench/sre")}, so the workload is the same on every run.
   *
   * @param k the kernels to time
   * @param rule the learning rule (spec/emergence.md#rules)
   */
  public SreStep(Kernels k, Rule rule) {
    this.k = k;
    this.rule = rule;
    Rng r = new Rng(1).derive("bench/sre");
    Mlp teacher = Teacher.network(IN, HIDDEN, OUT, Activation.TANH, r.derive("teacher"));
    Data data = Teacher.label(k, teacher, Teacher.inputs(r.derive("data"), BATCH, IN));
    x = data.x();
    y = data.y();
    student = Teacher.network(IN, HIDDEN, OUT, Activation.TANH, r.derive("student"));
    boolean adam = rule.optimizer != Rule.Optimizer.PLAIN;
    trainer = new Trainer(k, student, Loss.MSE,
        TrainConfig.of(rule, adam ? 1e-3 : 0.1, GAMMA, Noise.NONE, 0, BATCH), r);
  }

  /**
   * A fresh alignment probe (spec/emergence.md#probe) of the student, without a time series.
   *
   * @return a probe to pass to {@link #step}
   */
  public Probe newProbe() {
    return new Probe(k, student, 0, false);
  }

  /**
   * One training step on the batch; a non-null probe measures inside its window.
   *
   * @param probe the alignment probe, or null for the bare step
   * @return the batch-mean loss before the update
   */
  public double step(Probe probe) {
    return trainer.step(x, y, null, BATCH, probe, probe != null, false);
  }

  /**
   * The learning rule.
   *
   * @return the rule given to the constructor
   */
  public Rule rule() {
    return rule;
  }

  /**
   * A short description for reports, e.g. {@code "32-128-32 tanh, batch 256, sgd"}.
   *
   * @return the description
   */
  public String describe() {
    return IN + "-" + HIDDEN + "-" + OUT + " tanh, batch " + BATCH + ", " + rule.id();
  }
}
