package org.hebb4j.emergence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Transformer;
import org.hebb4j.nn.TransformerConfig;
import org.hebb4j.rng.Rng;
import org.hebb4j.util.AllocationCounter;
import org.junit.jupiter.api.Test;

/**
 * {@link TransformerTrainer} and {@link TransformerProbe} (spec/transformer.md#training): each
 * rule lowers the loss of a small regression task, the probe reports every linear map, the same
 * seed gives the same bits, and a steady-state step with the probe allocates nothing.
 */
class TransformerTrainerTest {

  static final int D = 32;
  static final int BATCH = 32;

  /** A fixed task: y = tanh(x A^T) for a random A, inputs N(0, 1). */
  static float[][] task(int rows) {
    Rng r = new Rng(21);
    float[] a = new float[D * D], x = new float[rows * D], y = new float[rows * D];
    r.derive("A").fillGaussian(a, 0, a.length, (float) (1 / Math.sqrt(D)));
    r.derive("x").fillGaussian(x, 0, x.length, 1f);
    for (int n = 0; n < rows; n++) {
      for (int o = 0; o < D; o++) {
        double s = 0;
        for (int i = 0; i < D; i++) {
          s += a[o * D + i] * x[n * D + i];
        }
        y[n * D + o] = (float) StrictMath.tanh(s);
      }
    }
    return new float[][] {x, y};
  }

  static Transformer net() {
    Transformer net = new Transformer(TransformerConfig.builder().ffn(32).build());
    net.init(new Rng(2));
    return net;
  }

  static double[] run(Kernels k, Rule rule, int steps, TransformerProbe[] probeOut) {
    float[][] xy = task(BATCH * 4);
    double lr = rule == Rule.SGD ? 0.05 : 1e-3;
    TransformerTrainer tr = new TransformerTrainer(k, net(), Loss.MSE,
        TrainConfig.of(rule, lr, 5e-3, Noise.NONE, 0, BATCH));
    TransformerProbe p = new TransformerProbe(k, tr);
    double[] losses = new double[steps];
    float[] xb = new float[BATCH * D], yb = new float[BATCH * D];
    for (int s = 0; s < steps; s++) {
      int off = (s % 4) * BATCH * D;
      System.arraycopy(xy[0], off, xb, 0, xb.length);
      System.arraycopy(xy[1], off, yb, 0, yb.length);
      losses[s] = tr.train(xb, yb, BATCH, p, s >= steps / 2);
    }
    probeOut[0] = p;
    return losses;
  }

  @Test
  void everyRuleLowersTheLossAndTheProbeReportsEveryMap() {
    for (Rule rule : new Rule[] {Rule.SGD, Rule.ADAM, Rule.ADAMW}) {
      TransformerProbe[] p = new TransformerProbe[1];
      double[] l = run(KernelProvider.get(), rule, 120, p);
      double first = (l[0] + l[1] + l[2] + l[3]) / 4;
      double last = (l[116] + l[117] + l[118] + l[119]) / 4;
      assertTrue(last < 0.7 * first, rule + ": loss " + first + " -> " + last);
      assertEquals(List.of("E", "b1.Wq", "b1.Wk", "b1.Wv", "b1.Wo", "b1.W1", "b1.W2", "b2.Wq",
          "b2.Wk", "b2.Wv", "b2.Wo", "b2.W1", "b2.W2", "R"), p[0].names());
      assertEquals(60, p[0].windowSteps());
      for (int i = 0; i < p[0].names().size(); i++) {
        double mb = p[0].minibatch(i), ta = p[0].timeavg(i);
        assertTrue(mb >= -1 && mb <= 1 && ta >= -1 && ta <= 1,
            rule + " " + p[0].names().get(i) + ": " + mb + ", " + ta);
        assertFalse(mb == 0 && ta == 0, rule + " " + p[0].names().get(i) + " never measured");
      }
    }
  }

  @Test
  void sameSeedSameBits() {
    TransformerProbe[] a = new TransformerProbe[1], b = new TransformerProbe[1];
    double[] la = run(KernelProvider.get(), Rule.ADAMW, 12, a);
    double[] lb = run(KernelProvider.get(), Rule.ADAMW, 12, b);
    assertArrayEquals(la, lb);
    for (int i = 0; i < a[0].names().size(); i++) {
      assertEquals(a[0].timeavg(i), b[0].timeavg(i));
      assertEquals(a[0].minibatch(i), b[0].minibatch(i));
    }
  }

  @Test
  void decayAppliesToTheLinearMapsWeightsOnly() {
    for (String w : new String[] {"E", "R", "b1.Wq", "b2.Wk", "b1.Wv", "b1.Wo", "b2.W1", "b1.W2"}) {
      assertTrue(TransformerTrainer.isWeight(w), w);
    }
    for (String b : new String[] {"e", "r", "P", "b1.bq", "b1.ln1.g", "b2.ln2.b", "lnf.g",
        "b1.b1", "b2.b2"}) {
      assertFalse(TransformerTrainer.isWeight(b), b);
    }
  }

  @Test
  void otherRulesNoiseAndCrossEntropyAreRefused() {
    Kernels k = KernelProvider.get();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TransformerTrainer(k, net(), Loss.MSE,
            TrainConfig.of(Rule.DFA, 0.1, 0, Noise.NONE, 0, 8)));
    assertEquals("the transformer trains with rule sgd, adam or adamw, not dfa", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new TransformerTrainer(k, net(),
        Loss.MSE, TrainConfig.of(Rule.SGD, 0.1, 0, Noise.PARAM, 0.1, 8)));
    assertTrue(e.getMessage().startsWith("the transformer trains without noise"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new TransformerTrainer(k, net(),
        Loss.SOFTMAX_CE, TrainConfig.of(Rule.SGD, 0.1, 0, Noise.NONE, 0, 8)));
    assertTrue(e.getMessage().contains("mse or mse_mean"), e.getMessage());
  }

  /** On the scalar kernels, as TrainerTest (the Vector API kernels box until compiled). */
  @Test
  void steadyStateStepWithTheProbeAllocatesNothing() {
    com.sun.management.ThreadMXBean mx = AllocationCounter.require();
    long tid = Thread.currentThread().getId();
    Kernels k = KernelProvider.scalar();
    float[][] xy = task(BATCH);
    for (Rule rule : new Rule[] {Rule.SGD, Rule.ADAM, Rule.ADAMW}) {
      TransformerTrainer tr = new TransformerTrainer(k, new Transformer(TransformerConfig
          .builder().ffn(16).act(Activation.RELU).build()), Loss.MSE_MEAN,
          TrainConfig.of(rule, 1e-3, 5e-3, Noise.NONE, 0, BATCH));
      tr.net().init(new Rng(3));
      TransformerProbe p = new TransformerProbe(k, tr);
      for (int s = 0; s < 150; s++) {
        tr.train(xy[0], xy[1], BATCH, p, s % 2 == 0);
      }
      long first = mx.getThreadAllocatedBytes(tid);
      long overhead = mx.getThreadAllocatedBytes(tid) - first;
      long bytes = Long.MAX_VALUE;
      for (int window = 0; window < 10 && bytes != 0; window++) {
        long before = mx.getThreadAllocatedBytes(tid);
        for (int s = 0; s < 100; s++) {
          tr.train(xy[0], xy[1], BATCH, p, s % 2 == 0);
        }
        bytes = Math.min(bytes, mx.getThreadAllocatedBytes(tid) - before - overhead);
      }
      assertEquals(0, bytes, rule + ": 100 steps allocated " + bytes + " bytes");
    }
  }

  /** The trainer of a fresh net() with batch capacity {@code capacity}. */
  static TransformerTrainer trainer(Rule rule, int capacity) {
    return new TransformerTrainer(KernelProvider.get(), net(), Loss.MSE,
        TrainConfig.of(rule, rule == Rule.SGD ? 0.05 : 1e-3, 5e-3, Noise.NONE, 0, capacity));
  }

  @Test
  void fullbatchOfOneBatchIsThatStepsMinibatchCosine() {
    Kernels k = KernelProvider.get();
    float[][] xy = task(BATCH);
    Data data = Data.regression(xy[0], D, xy[1], D);
    for (Rule rule : new Rule[] {Rule.SGD, Rule.ADAM}) {
      TransformerTrainer tr = trainer(rule, BATCH);
      TransformerProbe p = new TransformerProbe(k, tr);
      double[] full = p.fullbatch(tr, data);
      assertEquals(p.names().size(), full.length);
      assertEquals(0, tr.steps(), "fullbatch must not step");
      tr.train(xy[0], xy[1], BATCH, p, true);
      for (int i = 0; i < full.length; i++) {
        assertEquals(p.minibatch(i), full[i], 1e-6, rule + " " + p.names().get(i));
      }
    }
  }

  @Test
  void fullbatchInChunksEqualsOnePass() {
    Kernels k = KernelProvider.get();
    float[][] xy = task(BATCH * 3);
    Data data = Data.regression(xy[0], D, xy[1], D);
    for (Rule rule : new Rule[] {Rule.SGD, Rule.ADAMW}) {
      TransformerTrainer small = trainer(rule, 20);
      TransformerTrainer big = trainer(rule, BATCH * 3);
      for (TransformerTrainer tr : new TransformerTrainer[] {small, big}) {
        tr.train(xy[0], xy[1], 16, null, false); // AdamW: moments from one step
      }
      double[] chunks = new TransformerProbe(k, small).fullbatch(small, data);
      double[] one = new TransformerProbe(k, big).fullbatch(big, data);
      assertArrayEquals(one, chunks, 2e-5, rule.id());
      assertEquals(1, small.steps());
    }
    assertThrows(IllegalArgumentException.class, () -> new TransformerProbe(k,
        trainer(Rule.SGD, 8)).fullbatch(trainer(Rule.SGD, 8), Data.regression(new float[64], 16,
            new float[64], 16)));
  }
}
