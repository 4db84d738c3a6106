package org.hebb4j.emergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Dense;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Transformer;
import org.hebb4j.nn.TransformerConfig;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;

/**
 * The transformer's {@code persample} protocol (E18d) by the closed form (T21)
 * (spec/transformer.md#persample): equal to cos(G_i, H_i) built one sample at a time from a
 * single-row backward pass, the same for every rule (the per-sample signal is the data term), and
 * the same bits on the scalar and the vector kernels.
 */
class TransformerPersampleTest {

  static final int D = TransformerConfig.D;

  static float[] gaussian(Rng r, int n) {
    float[] a = new float[n];
    r.fillGaussian(a, 0, a.length, 1f);
    return a;
  }

  /** One probed SGD/Adam/AdamW step on {@code rows} rows; returns persample of every map. */
  static double[] oneStep(Kernels k, TransformerConfig c, Rule rule, float[] x, float[] y,
      int rows) {
    Transformer net = new Transformer(c);
    net.init(new Rng(5));
    TransformerTrainer tr = new TransformerTrainer(k, net, Loss.MSE_MEAN,
        TrainConfig.of(rule, rule == Rule.SGD ? 0.05 : 1e-3, 1e-3, Noise.NONE, 0, rows));
    TransformerProbe p = new TransformerProbe(k, tr);
    tr.train(x, y, rows, p, true);
    double[] out = new double[p.names().size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = p.persample(i);
    }
    return out;
  }

  /**
   * The brute force of (E18d): for each sample alone, one forward and backward pass gives the
   * map's gradient dW_i (the sum over its tokens), so G_i = -dW_i, and (E16) over its token rows
   * gives H_i (up to a positive scale); then (E17).
   */
  static double[] bruteForce(Kernels k, TransformerConfig c, float[] x, float[] y, int rows) {
    Transformer net = new Transformer(c);
    net.init(new Rng(5));
    Transformer.Workspace one = net.workspace(1);
    List<Transformer.LinearMap> maps = one.linearMaps();
    double[] sum = new double[maps.size()];
    for (int i = 0; i < rows; i++) {
      one.forward(k, Arrays.copyOfRange(x, i * D, (i + 1) * D), 1);
      one.loss(Loss.MSE_MEAN, Arrays.copyOfRange(y, i * D, (i + 1) * D), 1f);
      one.backward(k, false);
      for (int m = 0; m < maps.size(); m++) {
        Transformer.LinearMap lm = maps.get(m);
        Dense d = lm.layer();
        float[] g = lm.dW().clone();
        for (int j = 0; j < g.length; j++) {
          g[j] = -g[j];
        }
        float[] h = new float[d.w.length];
        Probe.hebbian(k, d, lm.rowsPerSample(), lm.hPost(), lm.hPre(), h);
        sum[m] += Probe.cosine(k, g.length, g, 0, h, 0);
      }
    }
    for (int m = 0; m < sum.length; m++) {
      sum[m] /= rows;
    }
    return sum;
  }

  @Test
  void closedFormEqualsBruteForceForEveryMap() {
    Kernels k = KernelProvider.get();
    TransformerConfig[] configs = {
      TransformerConfig.builder().ffn(16).build(), // 4 tokens, pre-LN, 2 blocks, tanh
      TransformerConfig.builder().tokens(8).heads(2).blocks(1).ffn(24)
          .norm(TransformerConfig.Norm.NONE).act(Activation.RELU).build(),
      TransformerConfig.builder().tokens(1).heads(1).blocks(1).ffn(8).build(),
    };
    int rows = 5;
    for (TransformerConfig c : configs) {
      Rng r = new Rng(6);
      float[] x = gaussian(r, rows * D), y = gaussian(r, rows * D);
      double[] want = bruteForce(k, c, x, y, rows);
      double[] got = oneStep(k, c, Rule.SGD, x, y, rows);
      for (int m = 0; m < want.length; m++) {
        assertEquals(want[m], got[m], 1e-5, c + " map " + m);
        assertTrue(Math.abs(got[m]) <= 1, c + " map " + m);
      }
    }
  }

  @Test
  void everyRuleUsesTheDataTermAndScalarAndVectorAgreeBitForBit() {
    TransformerConfig c = TransformerConfig.builder().ffn(16).act(Activation.RELU).build();
    int rows = 6;
    Rng r = new Rng(7);
    float[] x = gaussian(r, rows * D), y = gaussian(r, rows * D);
    double[] sgd = oneStep(KernelProvider.scalar(), c, Rule.SGD, x, y, rows);
    for (Rule rule : new Rule[] {Rule.ADAM, Rule.ADAMW}) {
      assertEquals(Arrays.toString(sgd),
          Arrays.toString(oneStep(KernelProvider.scalar(), c, rule, x, y, rows)), rule.id());
    }
    assertEquals(Arrays.toString(sgd),
        Arrays.toString(oneStep(KernelProvider.get(), c, Rule.SGD, x, y, rows)));
  }

  /** (T21) against G_i and H_i formed explicitly in double, with a zero and a rank-1 sample. */
  @Test
  void gramProductsEqualTheExplicitMatrices() {
    Kernels k = KernelProvider.get();
    int samples = 3, tokens = 3, in = 5, out = 4;
    Rng r = new Rng(8);
    float[] dy = gaussian(r, samples * tokens * out);
    float[] y = gaussian(r, samples * tokens * out);
    float[] x = gaussian(r, samples * tokens * in);
    Arrays.fill(dy, 0, tokens * out, 0f); // sample 0: G_0 = 0, its cosine is 0 (E17)
    double want = 0;
    for (int i = 1; i < samples; i++) {
      double[] g = new double[out * in], h = new double[out * in];
      for (int t = 0; t < tokens; t++) {
        int row = i * tokens + t;
        for (int o = 0; o < out; o++) {
          for (int j = 0; j < in; j++) {
            g[o * in + j] -= (double) dy[row * out + o] * x[row * in + j];
            h[o * in + j] += (double) y[row * out + o] * x[row * in + j];
          }
        }
      }
      double gh = 0, gg = 0, hh = 0;
      for (int j = 0; j < g.length; j++) {
        gh += g[j] * h[j];
        gg += g[j] * g[j];
        hh += h[j] * h[j];
      }
      want += gh / Math.sqrt(gg * hh);
    }
    want /= samples;
    assertEquals(want, TransformerProbe.persample(k, samples, tokens, in, out, dy, y, x), 1e-12);
    // one token per sample: the rank-1 form (E29), cos(-dy, y) when x = x
    double rank1 = TransformerProbe.persample(k, 1, 1, out, out, dy, y, y);
    assertEquals(0, rank1); // sample 0's dy is 0
    float[] d1 = Arrays.copyOfRange(dy, tokens * out, tokens * out + out);
    float[] y1 = Arrays.copyOfRange(y, tokens * out, tokens * out + out);
    assertEquals(-Probe.cosine(k, out, d1, 0, y1, 0),
        TransformerProbe.persample(k, 1, 1, out, out, d1, y1, y1), 1e-12);
  }
}
