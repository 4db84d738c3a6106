package org.hebb4j.experiment.emergence;

import org.hebb4j.emergence.Data;
import org.hebb4j.emergence.Noise;
import org.hebb4j.emergence.Rule;
import org.hebb4j.emergence.Teacher;
import org.hebb4j.emergence.TrainConfig;
import org.hebb4j.emergence.TransformerTrainer;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Mlp;
import org.hebb4j.nn.Transformer;
import org.hebb4j.nn.TransformerConfig;
import org.hebb4j.rng.Rng;

/**
 * The timed unit of {@code hebb4j bench transformer} and the JMH
 * {@code TransformerStepBenchmark}: one SRE training step of the transformer student
 * (spec/transformer.md#sre) at the default config (4 tokens, 4 heads, 2 pre-LN blocks, FFN 128,
 * tanh), batch 256, mse, SGD with lr 0.1 and weight decay 5e-3 (Adam and AdamW lr 1e-3), no
 * probe, one fixed batch labelled by the 32-128-32 tanh teacher, streams from
 * {@code Rng(1).derive("bench/transformer")}. Its FLOP count is {@link #flops()}
 * (spec/transformer.md#cost).
 *
 * @param trainer the trainer
 * @param data the batch every step trains on
 */
public record TransformerStep(TransformerTrainer trainer, Data data) {

  /** The batch size. */
  public static final int BATCH = 256;

  /**
   * Builds the network, the batch and the trainer.
   *
   * @param k the kernels
   * @param rule sgd, adam or adamw
   * @return the step
   * @throws IllegalArgumentException for another rule
   */
  public static TransformerStep setup(Kernels k, Rule rule) {
    Rng r = new Rng(1).derive("bench/transformer");
    Mlp teacher = Teacher.network(32, 128, 32, Activation.TANH, r.derive("teacher"));
    Data data = Teacher.label(k, teacher, Teacher.inputs(r.derive("data"), BATCH, 32));
    Transformer net = new Transformer(TransformerConfig.builder().build());
    net.init(r.derive("student"));
    boolean adam = rule.optimizer != Rule.Optimizer.PLAIN;
    TransformerTrainer trainer = new TransformerTrainer(k, net, Loss.MSE,
        TrainConfig.of(rule, adam ? 1e-3 : 0.1, 5e-3, Noise.NONE, 0, BATCH));
    return new TransformerStep(trainer, data);
  }

  /**
   * One training step (allocates nothing).
   *
   * @return the batch-mean loss before the update
   */
  public double run() {
    return trainer.train(data.x(), data.y(), BATCH, null, false);
  }

  /**
   * Floating-point operations of one step of {@code c} at batch {@code batch}, counting a
   * multiply-add of a matrix product as 2 and nothing else (spec/transformer.md#cost): forward
   * and backward of every linear map (the backward products are dW and, except for E, dX), and
   * the attention products (S, P v forward; dP, dv, dq, dk backward).
   *
   * @param c the architecture
   * @param batch the batch rows B
   * @return the count
   */
  public static long flops(TransformerConfig c, int batch) {
    long d = TransformerConfig.D, t = c.tokens(), n = (long) batch * t, f = d / t;
    long hf = c.ffn(), dh = d / c.heads();
    long embed = n * f * d;                       // E: forward + dE (no input gradient)
    long maps = 4 * n * d * d + 2 * n * d * hf;   // Wq, Wk, Wv, Wo, W1, W2 per block
    long attn = (long) batch * c.heads() * t * t * dh;  // one of the [T, T, dh] products
    long readout = (long) batch * d * d;
    long macs = 2 * embed + c.blocks() * (3 * maps + 6 * attn) + 3 * readout;
    return 2 * macs;
  }

  /**
   * The FLOP count of this step. See {@link #flops(TransformerConfig, int)}.
   *
   * @return the count
   */
  public long flops() {
    return flops(trainer.net().config(), BATCH);
  }
}
