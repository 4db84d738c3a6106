package org.hebb4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.rng.Rng;
import org.hebb4j.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gradient check of spec/transformer.md (T1)-(T20): the float32 backward pass of
 * {@link Transformer} against central finite differences of an independent double-precision
 * forward pass written in this test with loops, for sampled elements of every parameter, both
 * norms, every activation, both losses, 1 and 2 blocks and several token and head counts.
 */
class TransformerGradientTest {

  static final int B = 3;
  static final int D = 32;
  static final int SAMPLES = 12;

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (TransformerConfig.Norm norm : TransformerConfig.Norm.values()) {
      for (Activation act : Activation.values()) {
        Loss loss = act.ordinal() % 2 == 0 ? Loss.MSE : Loss.MSE_MEAN;
        out.add(Arguments.of(norm, act, loss, 4, 4, 2));
      }
      out.add(Arguments.of(norm, Activation.TANH, Loss.MSE_MEAN, 8, 2, 1));
      out.add(Arguments.of(norm, Activation.RELU, Loss.MSE, 32, 1, 1));
    }
    return out.stream();
  }

  /** The double-precision reference forward pass of (T1)-(T12), written with loops. */
  static final class Ref {
    final TransformerConfig c;
    final Map<String, double[]> p = new LinkedHashMap<>();
    /** Signs of every relu pre-activation of the base pass; a pass crossing one sets kinked. */
    List<Boolean> signs;
    boolean recording;
    int signAt;
    boolean kinked;

    Ref(TransformerConfig c, Map<String, Tensor> params) {
      this.c = c;
      for (Map.Entry<String, Tensor> e : params.entrySet()) {
        float[] f = e.getValue().data();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
          d[i] = f[i];
        }
        p.put(e.getKey(), d);
      }
    }

    /** y[n] = x[n] W^T + b for W [out, in]. */
    double[][] linear(double[][] x, String w, String b, int out) {
      double[] wm = p.get(w), bv = p.get(b);
      int in = x[0].length;
      double[][] y = new double[x.length][out];
      for (int n = 0; n < x.length; n++) {
        for (int o = 0; o < out; o++) {
          double s = bv[o];
          for (int i = 0; i < in; i++) {
            s += wm[o * in + i] * x[n][i];
          }
          y[n][o] = s;
        }
      }
      return y;
    }

    double[][] layerNorm(double[][] x, String name) {
      double[] g = p.get(name + ".g"), be = p.get(name + ".b");
      double[][] y = new double[x.length][D];
      for (int n = 0; n < x.length; n++) {
        double mu = 0, var = 0;
        for (double v : x[n]) {
          mu += v / D;
        }
        for (double v : x[n]) {
          var += (v - mu) * (v - mu) / D;
        }
        double s = Math.sqrt(var + LayerNorm.EPS);
        for (int i = 0; i < D; i++) {
          y[n][i] = (x[n][i] - mu) / s * g[i] + be[i];
        }
      }
      return y;
    }

    /** Self-attention over the tokens of each batch row. */
    double[][] attention(double[][] u, String pre) {
      int t = c.tokens(), heads = c.heads(), dh = D / heads;
      double[][] q = linear(u, pre + "Wq", pre + "bq", D);
      double[][] k = linear(u, pre + "Wk", pre + "bk", D);
      double[][] v = linear(u, pre + "Wv", pre + "bv", D);
      double[][] o = new double[u.length][D];
      for (int b = 0; b < u.length / t; b++) {
        for (int h = 0; h < heads; h++) {
          for (int i = 0; i < t; i++) {
            double[] s = new double[t];
            double m = Double.NEGATIVE_INFINITY, z = 0;
            for (int j = 0; j < t; j++) {
              for (int d = h * dh; d < (h + 1) * dh; d++) {
                s[j] += q[b * t + i][d] * k[b * t + j][d];
              }
              s[j] /= Math.sqrt(dh);
              m = Math.max(m, s[j]);
            }
            for (int j = 0; j < t; j++) {
              s[j] = Math.exp(s[j] - m);
              z += s[j];
            }
            for (int j = 0; j < t; j++) {
              for (int d = h * dh; d < (h + 1) * dh; d++) {
                o[b * t + i][d] += s[j] / z * v[b * t + j][d];
              }
            }
          }
        }
      }
      return linear(o, pre + "Wo", pre + "bo", D);
    }

    double act(double a) {
      switch (c.act()) {
        case LINEAR: return a;
        case RELU:
          if (recording) {
            signs.add(a > 0);
          } else if (signs != null) {
            if (signAt < signs.size() && signs.get(signAt) != (a > 0)) {
              kinked = true;
            }
            signAt++;
          }
          return Math.max(a, 0);
        case TANH: return Math.tanh(a);
        default: return 1 / (1 + Math.exp(-a));
      }
    }

    /** The loss of (T12) (mean over the batch). */
    double loss(float[] x, float[] y, Loss loss) {
      int t = c.tokens(), f = c.tokenWidth();
      signAt = 0;
      double[][] h = new double[B * t][D];
      double[] e = p.get("E"), eb = p.get("e"), pos = p.get("P");
      for (int n = 0; n < B * t; n++) {
        for (int o = 0; o < D; o++) {
          double s = eb[o] + pos[(n % t) * D + o];
          for (int i = 0; i < f; i++) {
            s += e[o * f + i] * x[n * f + i];
          }
          h[n][o] = s;
        }
      }
      boolean pre = c.norm() == TransformerConfig.Norm.PRE;
      for (int l = 1; l <= c.blocks(); l++) {
        String bl = "b" + l + ".";
        double[][] att = attention(pre ? layerNorm(h, bl + "ln1") : h, bl);
        double[][] a = new double[h.length][D];
        for (int n = 0; n < h.length; n++) {
          for (int i = 0; i < D; i++) {
            a[n][i] = h[n][i] + att[n][i];
          }
        }
        double[][] z = linear(pre ? layerNorm(a, bl + "ln2") : a, bl + "W1", bl + "b1", c.ffn());
        for (double[] row : z) {
          for (int i = 0; i < row.length; i++) {
            row[i] = act(row[i]);
          }
        }
        double[][] f2 = linear(z, bl + "W2", bl + "b2", D);
        for (int n = 0; n < h.length; n++) {
          for (int i = 0; i < D; i++) {
            h[n][i] = a[n][i] + f2[n][i];
          }
        }
      }
      double[][] hf = pre ? layerNorm(h, "lnf") : h;
      double[][] m = new double[B][D];
      for (int n = 0; n < hf.length; n++) {
        for (int i = 0; i < D; i++) {
          m[n / t][i] += hf[n][i] / t;
        }
      }
      double[][] out = linear(m, "R", "r", D);
      double total = 0;
      for (int b = 0; b < B; b++) {
        for (int o = 0; o < D; o++) {
          double d = out[b][o] - y[b * D + o];
          total += loss == Loss.MSE ? 0.5 * d * d : d * d / D;
        }
      }
      return total / B;
    }
  }

  /**
   * Max over sampled parameter elements of |analytic - numeric| / (1e-3 G + |numeric|), G the
   * largest gradient magnitude of the network (gradients that vanish in exact arithmetic, such as
   * dbk, are float32 sums of cancelling terms of that scale), with {@code corrupt} added to the
   * analytic gradient of the first sampled element of b1.Wv (times G).
   */
  static double worstError(Ref ref, Map<String, Tensor> grads, float[] x, float[] y, Loss loss,
      float corrupt) {
    double worst = 0, h = 1e-5, scale = 0;
    boolean corrupted = false;
    for (Tensor g : grads.values()) {
      for (float v : g.data()) {
        scale = Math.max(scale, Math.abs(v));
      }
    }
    boolean relu = ref.c.act() == Activation.RELU;
    for (Map.Entry<String, double[]> e : ref.p.entrySet()) {
      double[] v = e.getValue();
      float[] an = grads.get(e.getKey()).data();
      int step = Math.max(1, v.length / SAMPLES);
      for (int i = (e.getKey().length() * 7) % step; i < v.length; i += step) {
        double old = v[i];
        v[i] = old + h;
        ref.kinked = false;
        double lp = ref.loss(x, y, loss);
        v[i] = old - h;
        double lm = ref.loss(x, y, loss);
        v[i] = old;
        if (relu && ref.kinked) {
          continue; // the difference straddles a relu kink: no derivative to compare
        }
        double num = (lp - lm) / (2 * h);
        boolean hit = e.getKey().equals("b1.Wv") && !corrupted;
        corrupted |= hit;
        double a = an[i] + (hit ? corrupt * scale : 0);
        worst = Math.max(worst, Math.abs(a - num) / (1e-3 * scale + Math.abs(num)));
      }
    }
    return worst;
  }

  @ParameterizedTest
  @MethodSource("cases")
  void backwardMatchesFiniteDifferences(TransformerConfig.Norm norm, Activation act, Loss loss,
      int tokens, int heads, int blocks) {
    Kernels k = KernelProvider.get();
    TransformerConfig cfg = TransformerConfig.builder().tokens(tokens).heads(heads)
        .blocks(blocks).act(act).norm(norm).ffn(16).build();
    Rng r = new Rng(11).derive(norm.id() + act.id() + loss.id() + tokens + heads + blocks);
    Transformer net = new Transformer(cfg);
    net.init(r.derive("init"));
    // non-trivial biases and LN parameters, so that every gradient path is exercised
    for (Map.Entry<String, Tensor> e : net.parameters().entrySet()) {
      String n = e.getKey();
      boolean bias = n.equals("e") || n.equals("r") || n.matches("b\\d+\\.b[qkvo12]")
          || n.endsWith(".b");
      float[] d = e.getValue().data();
      if (bias) {
        r.derive("bias" + n).fillGaussian(d, 0, d.length, 0.2f);
      } else if (n.endsWith(".g")) {
        r.derive("gain" + n).fillGaussian(d, 0, d.length, 0.2f);
        for (int i = 0; i < d.length; i++) {
          d[i] += 1f;
        }
      }
    }
    float[] x = new float[B * D], y = new float[B * D];
    r.derive("x").fillGaussian(x, 0, x.length, 1f);
    r.derive("y").fillGaussian(y, 0, y.length, 1f);
    Transformer.Workspace ws = net.workspace(B);
    ws.forward(k, x, B);
    double sum = ws.loss(loss, y, 1f / B);
    ws.backward(k, false);
    Ref ref = new Ref(cfg, net.parameters());
    double refLoss = ref.loss(x, y, loss);
    assertEquals(refLoss, sum / B, 1e-5 * (1 + Math.abs(refLoss)), "loss");
    if (act == Activation.RELU) {
      ref.recording = true;
      ref.signs = new ArrayList<>();
      ref.loss(x, y, loss);
      ref.recording = false;
    }
    String what = cfg.toString();
    double err = worstError(ref, ws.gradients(), x, y, loss, 0f);
    assertTrue(err < 2e-3, what + ": worst relative error " + err);
    double bad = worstError(ref, ws.gradients(), x, y, loss, 0.01f);
    assertTrue(bad > 2e-3, "a corrupted gradient passed the check: " + bad);
  }
}
