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
 * The timed unit of {@code hebb4j bench sre} and the JMH {@code SreStepBenchmark}: one training
 * step of the standard regression experiment (spec/emergence.md#sre, #performance), student MLP
 * 32 -> 128 -> 32 tanh, batch 256, mse, weight decay 5e-3, lr 0.1 (1e-3 for adam and adamw), one
 * fixed batch labelled by a tanh teacher, streams from {@code Rng(1).derive("bench/sre")}.
 *
 * @param trainer the trainer
 * @param batch the batch every step trains on
 * @param probe the alignment probe measuring inside the window, or null
 */
public record SreStep(Trainer trainer, Trainer.Batch batch, Probe probe) {

  /** The batch size. */
  public static final int BATCH = 256;

  /**
   * Builds the network, the batch and the trainer.
   *
   * @param k the kernels
   * @param rule the learning rule
   * @param probe whether the probe measures every step as inside the window
   * @return the step
   */
  public static SreStep setup(Kernels k, Rule rule, boolean probe) {
    Rng r = new Rng(1).derive("bench/sre");
    Mlp teacher = Teacher.network(32, 128, 32, Activation.TANH, r.derive("teacher"));
    Data data = Teacher.label(k, teacher, Teacher.inputs(r.derive("data"), BATCH, 32));
    Mlp student = Teacher.network(32, 128, 32, Activation.TANH, r.derive("student"));
    boolean adam = rule.optimizer != Rule.Optimizer.PLAIN;
    Trainer trainer = new Trainer(k, student, Loss.MSE,
        TrainConfig.of(rule, adam ? 1e-3 : 0.1, 5e-3, Noise.NONE, 0, BATCH), r);
    return new SreStep(trainer, new Trainer.Batch(data.x(), data.y(), null, BATCH),
        probe ? new Probe(k, student, 0, false) : null);
  }

  /**
   * One training step (allocates nothing).
   *
   * @return the trainer's step report
   */
  public Trainer.Step run() {
    return trainer.train(batch, probe, probe != null, false);
  }
}
