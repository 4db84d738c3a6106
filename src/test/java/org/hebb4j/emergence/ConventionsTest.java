package org.hebb4j.emergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Conventions;
import org.hebb4j.nn.Dense;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Mlp;
import org.hebb4j.nn.MlpConfig;
import org.hebb4j.nn.Transformer;
import org.hebb4j.nn.TransformerConfig;
import org.hebb4j.rng.Rng;
import org.hebb4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * spec/emergence.md#conventions: torch initialisation statistics, decay on every parameter under
 * TORCH (and only on weights under HEBB4J), and the persample protocol (E18d) against a
 * brute-force per-sample computation.
 */
class ConventionsTest {

  static final Kernels K = KernelProvider.get();

  static double[] meanVar(float[] v) {
    double s = 0, ss = 0;
    for (float x : v) {
      s += x;
      ss += (double) x * x;
    }
    double m = s / v.length;
    return new double[] {m, ss / v.length - m * m};
  }

  @Test
  void torchLinearInitIsUniformInOneOverSqrtFanIn() {
    Dense d = new Dense(64, 512, true, Activation.LINEAR);
    d.init(new Rng(3), Conventions.TORCH);
    double bound = 1 / Math.sqrt(64);
    for (float w : d.w) {
      assertTrue(Math.abs(w) <= bound, "weight " + w + " outside +-" + bound);
    }
    double[] mv = meanVar(d.w);
    // U(-b, b): mean 0, variance b^2 / 3 (32768 draws: s.e. of the variance about 0.5%)
    assertEquals(0, mv[0], 3 * Math.sqrt(bound * bound / 3 / d.w.length));
    assertEquals(bound * bound / 3, mv[1], 0.03 * bound * bound / 3);
    double[] bv = meanVar(d.b);
    for (float b : d.b) {
      assertTrue(Math.abs(b) <= bound, "bias " + b + " outside +-" + bound);
    }
    assertEquals(bound * bound / 3, bv[1], 0.2 * bound * bound / 3); // 512 draws
    // HEBB4J: N(0, 1/fan_in) weights, zero biases
    d.init(new Rng(3), Conventions.HEBB4J);
    assertEquals(1.0 / 64, meanVar(d.w)[1], 0.03 / 64);
    for (float b : d.b) {
      assertEquals(0f, b);
    }
  }

  @Test
  void torchTransformerInitFollowsPyTorchModules() {
    Transformer t = new Transformer(TransformerConfig.builder().tokens(4).build());
    t.init(new Rng(5), Conventions.TORCH);
    Map<String, Tensor> p = t.parameters();
    double xavier = Math.sqrt(6.0 / 128);
    for (String w : new String[] {"b1.Wq", "b1.Wk", "b2.Wv"}) {
      float[] v = p.get(w).data();
      double[] mv = meanVar(v);
      assertEquals(xavier * xavier / 3, mv[1], 0.1 * xavier * xavier / 3, w);
    }
    for (String b : new String[] {"b1.bq", "b1.bk", "b1.bv", "b1.bo", "b2.bo"}) {
      for (float v : p.get(b).data()) {
        assertEquals(0f, v, b);
      }
    }
    assertEquals(1.0, meanVar(p.get("P").data())[1], 0.35); // 128 draws of N(0, 1)
    for (float v : p.get("b1.ln1.g").data()) {
      assertEquals(1f, v);
    }
    double e = 1 / Math.sqrt(8); // E: Linear(8, 32), weights and bias
    for (String n : new String[] {"E", "e"}) {
      for (float v : p.get(n).data()) {
        assertTrue(Math.abs(v) <= e, n + " " + v);
      }
    }
    assertNotEquals(0f, p.get("e").data()[0]);
    assertNotEquals(0f, p.get("b1.b1").data()[0]);
  }

  /** One SGD step from the same network under both conventions: biases differ by lr gamma b. */
  @Test
  void torchDecaysBiasesAndHebb4jDoesNot() {
    Mlp a = new Mlp(MlpConfig.builder().input(6).hidden(5).output(3).build());
    a.init(new Rng(7), Conventions.TORCH);
    Mlp b = new Mlp(a.config());
    b.copyFrom(a);
    float[] b0 = a.layer(1).b.clone();
    float[] x = new float[8 * 6];
    float[] y = new float[8 * 3];
    new Rng(8).fillGaussian(x, 0, x.length, 1f);
    new Rng(9).fillGaussian(y, 0, y.length, 1f);
    Trainer.Batch batch = new Trainer.Batch(x, y, null, 8);
    float lr = 0.1f, gamma = 0.5f;
    TrainConfig cfg = TrainConfig.of(Rule.SGD, lr, gamma, Noise.NONE, 0, 8);
    new Trainer(K, a, Loss.MSE, cfg, new Rng(1)).train(batch);
    new Trainer(K, b, Loss.MSE, cfg.withConventions(Conventions.TORCH), new Rng(1)).train(batch);
    for (int i = 0; i < b0.length; i++) {
      assertEquals(lr * gamma * b0[i], a.layer(1).b[i] - b.layer(1).b[i], 1e-6, "bias " + i);
    }
    assertTrue(Math.abs(b0[0]) > 1e-3);
  }

  @Test
  void torchDecaysEveryTransformerParameter() {
    TransformerConfig c = TransformerConfig.builder().tokens(4).ffn(8).blocks(1).build();
    Transformer a = new Transformer(c);
    a.init(new Rng(2), Conventions.TORCH);
    Transformer b = new Transformer(c);
    b.loadStateDict(a.stateDict());
    float[] x = new float[4 * 32];
    float[] y = new float[4 * 32];
    new Rng(3).fillGaussian(x, 0, x.length, 1f);
    new Rng(4).fillGaussian(y, 0, y.length, 1f);
    TrainConfig cfg = TrainConfig.of(Rule.SGD, 0.1, 0.5, Noise.NONE, 0, 4);
    new TransformerTrainer(K, a, Loss.MSE, cfg).train(x, y, 4, null, false);
    new TransformerTrainer(K, b, Loss.MSE, cfg.withConventions(Conventions.TORCH))
        .train(x, y, 4, null, false);
    // the layer-norm gain starts at 1: under TORCH it loses lr gamma 1 = 0.05 more
    for (String n : new String[] {"lnf.g", "b1.ln1.g"}) {
      float[] ga = a.parameters().get(n).data(), gb = b.parameters().get(n).data();
      for (int i = 0; i < ga.length; i++) {
        assertEquals(0.05, ga[i] - gb[i], 1e-5, n + "[" + i + "]");
      }
    }
  }

  /** (E18d) against g_i, H_i built one row at a time with the workspace and (E16), (E17). */
  @Test
  void persampleEqualsBruteForce() {
    int rows = 6, d = 5, o = 4;
    MlpConfig mc = MlpConfig.builder().input(d).hidden(7, 6).output(o)
        .activation(Activation.TANH).build();
    Mlp net = new Mlp(mc);
    net.init(new Rng(11), Conventions.TORCH);
    Mlp ref = new Mlp(mc);
    ref.copyFrom(net);
    float[] x = new float[rows * d];
    float[] y = new float[rows * o];
    new Rng(12).fillGaussian(x, 0, x.length, 1f);
    new Rng(13).fillGaussian(y, 0, y.length, 1f);
    Trainer tr = new Trainer(K, net, Loss.MSE_MEAN,
        TrainConfig.of(Rule.SGD, 0.1, 1e-3, Noise.NONE, 0, rows), new Rng(1));
    Probe probe = new Probe(K, net, 0, false);
    tr.train(new Trainer.Batch(x, y, null, rows), probe, true, false);
    Mlp.Workspace one = ref.workspace(1);
    for (int l = 0; l < mc.depth(); l++) {
      Dense dl = ref.layer(l);
      double sum = 0;
      for (int i = 0; i < rows; i++) {
        float[] xi = java.util.Arrays.copyOfRange(x, i * d, (i + 1) * d);
        float[] yi = java.util.Arrays.copyOfRange(y, i * o, (i + 1) * o);
        one.forward(K, xi, 1);
        one.loss(Loss.MSE_MEAN, yi, null, 1f, K);
        one.backward(K, false);
        float[] g = one.dW(l).clone();
        for (int j = 0; j < g.length; j++) {
          g[j] = -g[j];
        }
        float[] h = new float[dl.w.length];
        Probe.hebbian(K, dl, 1, one.hPost(l), one.hPre(l), h);
        sum += Probe.cosine(K, g.length, g, 0, h, 0);
      }
      assertEquals(sum / rows, probe.persample(l), 1e-5, "layer " + (l + 1));
    }
  }
}
