package org.hebb4j.emergence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Dense;
import org.hebb4j.nn.DivergedException;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Mlp;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
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
    Mlp teacher = new Mlp(new int[] {d, o}, Activation.LINEAR, Activation.LINEAR, false);
    teacher.init(r.derive("teacher"));
    Teacher.Sets sets = Teacher.sets(K, teacher, r.derive("data"), 2048, 16);
    Mlp student = new Mlp(new int[] {d, o}, Activation.LINEAR, Activation.LINEAR, false);
    student.init(r.derive("student"));
    float gamma = 0.2f;
    Trainer tr = new Trainer(K, student, Loss.MSE,
        TrainConfig.of(Rule.SGD, 0.05, gamma, Noise.NONE, 0, batch), r);
    float[] xb = new float[batch * d], yb = new float[batch * o];
    int[] perm = TrainingRun.identity(sets.train().n());
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
      tr.step(xb, yb, null, batch, null, false, false);
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
      for (int i = 0; i < bp.dW[l].length; i++) {
        assertEquals(bp.dW[l][i], dfa.dW[l][i], 1e-6f);
      }
      assertArrayEquals(bp.db[l], dfa.db[l], 1e-6f);
    }
  }

  static Sre.Options tiny(List<Rule> rules, int steps) {
    return new Sre.Options(Activation.TANH, rules, new double[] {0, 5e-3}, 2, 11, Noise.NONE, 0,
        0.1, 1e-3, 32, steps, 0.5, 10, true, 32, 16, 32, 400, 100);
  }

  @Test
  void resultsAreBitIdenticalForAnyThreadCount() {
    Sre.Options o = tiny(List.of(Rule.SGD, Rule.ADAMW, Rule.DFA, Rule.RANDOMNN), 40);
    List<Sre.Cell> one, three;
    try (Workers w = new Workers(1)) {
      one = Sre.run(K, o, w, null);
    }
    try (Workers w = new Workers(3)) {
      three = Sre.run(K, o, w, null);
    }
    assertEquals(one.size(), three.size());
    for (int i = 0; i < one.size(); i++) {
      TrainingRun.Result a = one.get(i).result(), b = three.get(i).result();
      assertArrayEquals(a.minibatch(), b.minibatch());
      assertArrayEquals(a.fullbatch(), b.fullbatch());
      assertArrayEquals(a.timeavg(), b.timeavg());
      assertEquals(a.valLoss(), b.valLoss());
      assertArrayEquals(a.series().cos()[1], b.series().cos()[1]);
      assertTrue(Double.isFinite(a.timeavg()[1]));
    }
  }

  /** A single run uses the workers for its GEMMs (shape-determined blocks): same bits. */
  @Test
  void singleRunIsBitIdenticalForAnyThreadCount() {
    Sre.Options o = new Sre.Options(Activation.TANH, List.of(Rule.SGD), new double[] {5e-3}, 1,
        2, Noise.NONE, 0, 0.1, 1e-3, 256, 6, 0.5, 2, false, 32, 512, 32, 600, 100);
    TrainingRun.Result a, b;
    try (Workers w = new Workers(1)) {
      a = Sre.run(K, o, w, null).get(0).result();
    }
    try (Workers w = new Workers(2)) {
      b = Sre.run(K, o, w, null).get(0).result();
    }
    assertArrayEquals(a.timeavg(), b.timeavg());
    assertArrayEquals(a.fullbatch(), b.fullbatch());
    assertEquals(a.valLoss(), b.valLoss());
  }

  @Test
  void divergenceNamesTheStepAndLayer() {
    Sre.Options o = new Sre.Options(Activation.TANH, List.of(Rule.SGD), new double[] {0}, 1, 1,
        Noise.NONE, 0, 1e4, 1e-3, 32, 200, 0.2, 0, false, 32, 16, 32, 400, 100);
    DivergedException e;
    try (Workers w = new Workers(1)) {
      e = assertThrows(DivergedException.class, () -> Sre.run(K, o, w, null));
    }
    assertTrue(e.getMessage().matches("training diverged at step \\d+: .*(weights|loss).*"),
        e.getMessage());
  }

  /**
   * A steady-state step allocates nothing, for every rule and noise kind, with the probe on. Run
   * on the scalar kernels: the Vector API kernels allocate vector boxes until C2 has compiled them
   * (after that they allocate nothing either, BENCHMARKS.md), which a short test cannot wait for.
   */
  @Test
  void steadyStateStepAllocatesNothing() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    if (!mx.isThreadAllocatedMemorySupported()) {
      return;
    }
    mx.setThreadAllocatedMemoryEnabled(true);
    Teacher.Sets sets = sre(2, 512, 24);
    long tid = Thread.currentThread().getId();
    for (Rule rule : Rule.values()) {
      for (Noise noise : Noise.values()) {
        Mlp net = Teacher.network(32, 24, 32, Activation.TANH, new Rng(4));
        Kernels k = KernelProvider.scalar();
        Trainer tr = new Trainer(k, net, Loss.MSE, TrainConfig.of(rule, rule.optimizer
            == Rule.Optimizer.PLAIN ? 0.05 : 1e-3, 5e-3, noise, 0.01, 64), new Rng(9));
        Probe p = new Probe(k, net, 400, true);
        float[] x = sets.train().x(), y = sets.train().y();
        for (int t = 0; t < 200; t++) {
          tr.step(x, y, null, 64, p, true, t % 7 == 0);
        }
        // A per-step allocation shows in every window of 100 steps; a one-off (the JIT
        // materialising an object when it deoptimises a method) shows in one at most.
        long first = mx.getThreadAllocatedBytes(tid);
        long overhead = mx.getThreadAllocatedBytes(tid) - first; // what reading the counter costs
        long bytes = Long.MAX_VALUE;
        for (int window = 0; window < 3 && bytes != 0; window++) {
          long before = mx.getThreadAllocatedBytes(tid);
          for (int t = 0; t < 100; t++) {
            tr.step(x, y, null, 64, p, true, t % 7 == 0);
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
    tr.step(sets.train().x(), sets.train().y(), null, 64, null, false, false);
    assertTrue(Math.abs(net.layer(0).w[0] - copy.layer(0).w[0]) > 1e-3, "noise not applied");
    tr.useMaster();
    assertEquals(copy.layer(0).w[0], net.layer(0).w[0], 1e-6f);
  }
}
