package org.hebb4j.emergence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Dense;
import org.hebb4j.nn.DivergedException;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Mlp;
import org.hebb4j.nn.MlpConfig;
import org.hebb4j.rng.Rng;
import org.hebb4j.util.AllocationCounter;
import org.junit.jupiter.api.Test;

class TrainerTest {

  static final Kernels K = KernelProvider.get();

  static Teacher.Sets sre(long seed, int n, int hidden) {
    Rng r = new Rng(seed);
    return Teacher.sets(K, Teacher.network(32, hidden, 32, Activation.TANH, r.derive("teacher")),
        r.derive("data"), n, 200);
  }

  /** (E22): <mean g, mean H> = gamma mean (1/B) sum_b ||h_post,b||^2 at stationarity. */
  @Test
  void stationarityIdentityHoldsForBiasFreeLinearLayerWithSgd() {
    int d = 8, o = 4, batch = 32;
    Rng r = new Rng(3);
    Mlp teacher = new Mlp(MlpConfig.linear(d, o));
    teacher.init(r.derive("teacher"));
    Teacher.Sets sets = Teacher.sets(K, teacher, r.derive("data"), 2048, 16);
    Mlp student = new Mlp(MlpConfig.linear(d, o));
    student.init(r.derive("student"));
    float gamma = 0.2f;
    Trainer tr = new Trainer(K, student, Loss.MSE,
        TrainConfig.of(Rule.SGD, 0.05, gamma, Noise.NONE, 0, batch), r);
    float[] xb = new float[batch * d], yb = new float[batch * o];
    int[] perm = new int[sets.train().n()];
    for (int i = 0; i < perm.length; i++) {
      perm[i] = i;
    }
    Trainer.Batch batchView = new Trainer.Batch(xb, yb, null, batch);
    Rng shuffle = r.derive("shuffle");
    double[] sumG = new double[o * d], sumH = new double[o * d];
    double sumNorm = 0;
    int burn = 2000, steps = 30000, pos = sets.train().n();
    for (int t = 0; t < burn + steps; t++) {
      if (pos + batch > perm.length) {
        shuffle.shuffle(perm);
        pos = 0;
      }
      sets.train().gather(perm, pos, batch, xb, yb, null);
      pos += batch;
      tr.train(batchView);
      if (t < burn) {
        continue;
      }
      float[] g = tr.signalW(0), a = tr.workspace().hPost(0), x = tr.workspace().hPre(0);
      for (int b = 0; b < batch; b++) {
        for (int i = 0; i < o; i++) {
          double ai = a[b * o + i];
          sumNorm += ai * ai / batch;
          for (int j = 0; j < d; j++) {
            sumH[i * d + j] += ai * x[b * d + j] / batch;
          }
        }
      }
      for (int i = 0; i < g.length; i++) {
        sumG[i] += g[i];
      }
    }
    double dot = 0;
    for (int i = 0; i < sumG.length; i++) {
      dot += (sumG[i] / steps) * (sumH[i] / steps);
    }
    double rhs = gamma * sumNorm / steps;
    assertTrue(rhs > 0.1, "h_post should not vanish: " + rhs);
    assertEquals(1.0, dot / rhs, 0.05, "<E g, E H> = " + dot + ", gamma E||h_post||^2 = " + rhs);
  }

  /** (E20) with B_1 = W_2^T is backprop. */
  @Test
  void dfaWithTransposedWeightsIsBackprop() {
    Mlp net = Teacher.network(6, 5, 3, Activation.TANH, new Rng(5));
    float[] x = new float[4 * 6], y = new float[4 * 3];
    new Rng(6).fillGaussian(x, 0, x.length, 1f);
    new Rng(7).fillGaussian(y, 0, y.length, 1f);
    Dense l2 = net.layer(1);
    float[] bt = new float[5 * 3];
    for (int o = 0; o < 3; o++) {
      for (int h = 0; h < 5; h++) {
        bt[h * 3 + o] = l2.w[o * 5 + h];
      }
    }
    Mlp.Workspace bp = net.workspace(4), dfa = net.workspace(4);
    for (Mlp.Workspace w : new Mlp.Workspace[] {bp, dfa}) {
      w.forward(K, x, 4);
      w.loss(Loss.MSE, y, null, 0.25f, K);
    }
    bp.backward(K, false);
    dfa.backwardDfa(K, new float[][] {bt, null}, false);
    for (int l = 0; l < 2; l++) {
      for (int i = 0; i < bp.dW(l).length; i++) {
        assertEquals(bp.dW(l)[i], dfa.dW(l)[i], 1e-6f);
      }
      assertArrayEquals(bp.db(l), dfa.db(l), 1e-6f);
    }
  }

  /**
   * A steady-state step allocates nothing, for every rule and noise kind, with the probe on. Run
   * on the scalar kernels: the Vector API kernels allocate vector boxes until C2 has compiled them
   * (after that they allocate nothing either, BENCHMARKS.md), which a short test cannot wait for.
   */
  @Test
  void steadyStateStepAllocatesNothing() {
    com.sun.management.ThreadMXBean mx = AllocationCounter.require();
    Teacher.Sets sets = sre(2, 512, 24);
    long tid = Thread.currentThread().getId();
    for (Rule rule : Rule.values()) {
      for (Noise noise : Noise.values()) {
        Mlp net = Teacher.network(32, 24, 32, Activation.TANH, new Rng(4));
        Kernels k = KernelProvider.scalar();
        Trainer tr = new Trainer(k, net, Loss.MSE, TrainConfig.of(rule, rule.optimizer
            == Rule.Optimizer.PLAIN ? 0.05 : 1e-3, 5e-3, noise, 0.01, 64), new Rng(9));
        Probe p = new Probe(k, net, 400, true);
        Trainer.Batch b = new Trainer.Batch(sets.train().x(), sets.train().y(), null, 64);
        for (int t = 0; t < 200; t++) {
          tr.train(b, p, true, t % 7 == 0);
        }
        // A per-step allocation shows in every window of 100 steps; a one-off (the JIT
        // materialising an object when it deoptimises a method) shows in one at most.
        long first = mx.getThreadAllocatedBytes(tid);
        long overhead = mx.getThreadAllocatedBytes(tid) - first; // what reading the counter costs
        long bytes = Long.MAX_VALUE;
        for (int window = 0; window < 10 && bytes != 0; window++) {
          long before = mx.getThreadAllocatedBytes(tid);
          for (int t = 0; t < 100; t++) {
            tr.train(b, p, true, t % 7 == 0);
          }
          bytes = Math.min(bytes, mx.getThreadAllocatedBytes(tid) - before - overhead);
        }
        assertEquals(0, bytes, rule + "/" + noise + ": 100 steps allocated " + bytes + " bytes");
      }
    }
  }

  @Test
  void parameterNoiseLeavesTheNoiseFreeParametersInPlaceForEvaluation() {
    Teacher.Sets sets = sre(3, 256, 8);
    Mlp net = Teacher.network(32, 8, 32, Activation.TANH, new Rng(4));
    Mlp copy = Teacher.network(32, 8, 32, Activation.TANH, new Rng(4));
    Trainer tr = new Trainer(K, net, Loss.MSE,
        TrainConfig.of(Rule.SGD, 1e-9, 0, Noise.PARAM, 0.5, 64), new Rng(1));
    tr.train(new Trainer.Batch(sets.train().x(), sets.train().y(), null, 64));
    assertTrue(Math.abs(net.layer(0).w[0] - copy.layer(0).w[0]) > 1e-3, "noise not applied");
    tr.useMaster();
    assertEquals(copy.layer(0).w[0], net.layer(0).w[0], 1e-6f);
  }

  @Test
  void stepReportsLossAndNormsAndDivergenceNamesTheStep() {
    Teacher.Sets sets = sre(5, 256, 8);
    Mlp net = Teacher.network(32, 8, 32, Activation.TANH, new Rng(4));
    Trainer tr = new Trainer(K, net, Loss.MSE,
        TrainConfig.of(Rule.SGD, 0.05, 1e-3, Noise.NONE, 0, 64), new Rng(1));
    Trainer.Batch b = new Trainer.Batch(sets.train().x(), sets.train().y(), null, 64);
    Mlp.Workspace ws = net.workspace(64);
    ws.forward(K, b.x(), 64);
    double before = ws.lossOnly(Loss.MSE, b.y(), null) / 64;
    Trainer.Step s = tr.train(b);
    assertEquals(1, s.step());
    assertEquals(before, s.loss(), 1e-6 * before);
    for (int l = 0; l < 2; l++) {
      Dense d = net.layer(l);
      assertEquals(Math.sqrt(K.sumSquares(d.w.length, d.w, 0)), s.weightNorm(l));
    }
    assertThrows(IllegalArgumentException.class,
        () -> new Trainer.Batch(b.x(), b.y(), new int[64], 64));
    assertThrows(IllegalArgumentException.class,
        () -> tr.train(new Trainer.Batch(b.x(), new float[10], null, 64)));
    Trainer wild = new Trainer(K, net, Loss.MSE,
        TrainConfig.of(Rule.SGD, 1e12, 0, Noise.NONE, 0, 64), new Rng(1));
    DivergedException e = assertThrows(DivergedException.class, () -> {
      for (int t = 0; t < 50; t++) {
        wild.train(b);
      }
    });
    assertTrue(e.getMessage().startsWith("training diverged at step "), e.getMessage());
  }

  /** evaluate and fullBatch return records: loss as a direct pass, g and H of every layer. */
  @Test
  void evaluateAndFullBatchReturnRecords() {
    Teacher.Sets sets = sre(6, 300, 8);
    Mlp net = Teacher.network(32, 8, 32, Activation.TANH, new Rng(4));
    Trainer tr = new Trainer(K, net, Loss.MSE,
        TrainConfig.of(Rule.ADAMW, 1e-3, 1e-3, Noise.NONE, 0, 64), new Rng(1));
    Evaluation.Result r = tr.evaluate(new Evaluation(net, sets.val()));
    Mlp.Workspace ws = net.workspace(sets.val().n());
    ws.forward(K, sets.val().x(), sets.val().n());
    assertEquals(ws.lossOnly(Loss.MSE, sets.val().y(), null) / sets.val().n(), r.loss(), 1e-9);
    assertTrue(Double.isNaN(r.accuracy()));
    Trainer.FullBatch fb = tr.fullBatch(sets.train());
    assertEquals(2, fb.layers().size());
    Mlp.Workspace all = net.workspace(sets.train().n());
    all.forward(K, sets.train().x(), sets.train().n());
    float[] h = new float[8 * 32];
    Probe.hebbian(K, net.layer(0), sets.train().n(), all.hPost(0), all.hPre(0), h);
    assertArrayEquals(new int[] {8, 32}, fb.layers().get(0).h().shape());
    assertArrayEquals(h, fb.layers().get(0).h().data(), 1e-5f);
    double c = fb.layers().get(1).alignment(K);
    assertTrue(c >= -1 && c <= 1 && c != 0, "cos " + c);
    assertEquals(0, tr.steps(), "a dry run takes no step");
  }
}
