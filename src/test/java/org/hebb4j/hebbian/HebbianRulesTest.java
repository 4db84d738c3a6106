package org.hebb4j.hebbian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hebb4j.kernel.Conv2dShape;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;

/**
 * spec/hebbian-rules.md (S4): the gradient of each surrogate loss is minus the explicit rule, for
 * dense and conv layers, random shapes, strides and padding, and non-binary y (where Oja and
 * instar differ). The explicit rules are also checked against literal loops over the written-out
 * sums, and the surrogate gradient against central finite differences of
 * {@code L'(w) = -sum y s(w)} (y held fixed), which has the same gradient.
 */
class HebbianRulesTest {

  static final Kernels K = KernelProvider.get();

  static float[] uniform(Rng r, int n, float lo, float hi) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = lo + (hi - lo) * r.uniformFloat();
    }
    return a;
  }

  static double scaleOf(float[] a) {
    double m = 1e-30;
    for (float v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  // ---- dense

  static double[] denseLiteral(HebbRule rule, int b, int in, int out, float[] x, float[] y,
      float[] w) {
    double[] dw = new double[out * in];
    for (int o = 0; o < out; o++) {
      for (int j = 0; j < in; j++) {
        double s = 0;
        for (int i = 0; i < b; i++) {
          double yv = y[i * out + o], xv = x[i * in + j], wv = w[o * in + j];
          s += switch (rule) {
            case PLAIN -> yv * xv;
            case INSTAR -> yv * (xv - wv);
            case OJA -> yv * (xv - yv * wv);
          };
        }
        dw[o * in + j] = s;
      }
    }
    return dw;
  }

  /** s(w) for the dense surrogate, with y the fixed coefficient of Oja's norm term. */
  static double denseLPrime(HebbRule rule, int b, int in, int out, float[] x, float[] y,
      double[] w) {
    double l = 0;
    for (int o = 0; o < out; o++) {
      double nrm = 0;
      for (int j = 0; j < in; j++) {
        nrm += w[o * in + j] * w[o * in + j];
      }
      for (int i = 0; i < b; i++) {
        double u = 0;
        for (int j = 0; j < in; j++) {
          u += x[i * in + j] * w[o * in + j];
        }
        double yv = y[i * out + o];
        double s = switch (rule) {
          case PLAIN -> u;
          case INSTAR -> u - 0.5 * nrm;
          case OJA -> u - 0.5 * nrm * yv;
        };
        l += -yv * s;
      }
    }
    return l;
  }

  @Test
  void denseSurrogateGradientIsMinusTheRule() {
    Rng r = new Rng(42);
    for (int trial = 0; trial < 12; trial++) {
      int b = 1 + r.nextInt(6), in = 1 + r.nextInt(9), out = 1 + r.nextInt(7);
      float[] x = uniform(r, b * in, -1, 1), w = uniform(r, out * in, -1, 1);
      float[] y = uniform(r, b * out, -0.5f, 2f); // non-binary, some negative
      for (HebbRule rule : HebbRule.values()) {
        float[] dw = new float[out * in], g = new float[out * in], gs = new float[b * out];
        HebbianRules.dense(K, rule, b, in, out, x, y, w, dw);
        SurrogateLoss.denseGradient(K, rule, b, in, out, x, y, w, g, gs);
        double[] lit = denseLiteral(rule, b, in, out, x, y, w);
        double tol = 1e-5 * Math.max(1, b * scaleOf(dw));
        for (int i = 0; i < dw.length; i++) {
          assertEquals(lit[i], dw[i], tol, rule + " explicit vs literal");
          assertEquals(-dw[i], g[i], tol, rule + " gradient vs -rule");
        }
        // finite differences of L'(w) in double
        double[] wd = new double[w.length];
        for (int i = 0; i < w.length; i++) {
          wd[i] = w[i];
        }
        for (int i = 0; i < w.length; i += Math.max(1, w.length / 5)) {
          double h = 1e-4, old = wd[i];
          wd[i] = old + h;
          double lp = denseLPrime(rule, b, in, out, x, y, wd);
          wd[i] = old - h;
          double lm = denseLPrime(rule, b, in, out, x, y, wd);
          wd[i] = old;
          assertEquals((lp - lm) / (2 * h), g[i], tol + 1e-6, rule + " finite differences");
        }
        assertEquals(-0.5 * sumSq(y), SurrogateLoss.value(y, y.length), 1e-9);
      }
    }
  }

  static double sumSq(float[] y) {
    double s = 0;
    for (float v : y) {
      s += (double) v * v;
    }
    return s;
  }

  // ---- conv

  static double[] convLiteral(HebbRule rule, Conv2dShape s, float[] x, float[] y, float[] w) {
    int q = s.patchSize();
    double[] dw = new double[s.o() * q];
    for (int n = 0; n < s.n(); n++) {
      for (int o = 0; o < s.o(); o++) {
        for (int i = 0; i < s.oh(); i++) {
          for (int j = 0; j < s.ow(); j++) {
            double yv = y[((n * s.o() + o) * s.oh() + i) * s.ow() + j];
            for (int c = 0; c < s.c(); c++) {
              for (int u = 0; u < s.kh(); u++) {
                for (int v = 0; v < s.kw(); v++) {
                  int h = i * s.stride() - s.pad() + u, ww = j * s.stride() - s.pad() + v;
                  double xv = (h >= 0 && h < s.h() && ww >= 0 && ww < s.w())
                      ? x[((n * s.c() + c) * s.h() + h) * s.w() + ww] : 0.0;
                  int wi = o * q + (c * s.kh() + u) * s.kw() + v;
                  double wv = w[wi];
                  dw[wi] += switch (rule) {
                    case PLAIN -> yv * xv;
                    case INSTAR -> yv * (xv - wv);
                    case OJA -> yv * (xv - yv * wv);
                  };
                }
              }
            }
          }
        }
      }
    }
    return dw;
  }

  static double convLPrime(HebbRule rule, Conv2dShape s, float[] x, float[] y, double[] w) {
    int q = s.patchSize();
    double l = 0;
    for (int o = 0; o < s.o(); o++) {
      double nrm = 0;
      for (int t = 0; t < q; t++) {
        nrm += w[o * q + t] * w[o * q + t];
      }
      for (int n = 0; n < s.n(); n++) {
        for (int i = 0; i < s.oh(); i++) {
          for (int j = 0; j < s.ow(); j++) {
            double u = 0;
            for (int c = 0; c < s.c(); c++) {
              for (int a = 0; a < s.kh(); a++) {
                for (int b = 0; b < s.kw(); b++) {
                  int h = i * s.stride() - s.pad() + a, ww = j * s.stride() - s.pad() + b;
                  if (h >= 0 && h < s.h() && ww >= 0 && ww < s.w()) {
                    u += x[((n * s.c() + c) * s.h() + h) * s.w() + ww]
                        * w[o * q + (c * s.kh() + a) * s.kw() + b];
                  }
                }
              }
            }
            double yv = y[((n * s.o() + o) * s.oh() + i) * s.ow() + j];
            double sv = switch (rule) {
              case PLAIN -> u;
              case INSTAR -> u - 0.5 * nrm;
              case OJA -> u - 0.5 * nrm * yv;
            };
            l += -yv * sv;
          }
        }
      }
    }
    return l;
  }

  @Test
  void convSurrogateGradientIsMinusTheRule() {
    Rng r = new Rng(2021);
    boolean sawOjaDiffer = false;
    for (int trial = 0; trial < 14; trial++) {
      int kh = 1 + r.nextInt(4), kw = 1 + r.nextInt(4), stride = 1 + r.nextInt(3);
      int pad = r.nextInt(3);
      int h = Math.max(1, kh - 2 * pad) + r.nextInt(6), w = Math.max(1, kw - 2 * pad) + r.nextInt(6);
      Conv2dShape s = new Conv2dShape(1 + r.nextInt(3), 1 + r.nextInt(3), h, w, 1 + r.nextInt(4),
          kh, kw, stride, pad);
      float[] x = uniform(r, s.inputSize(), -1, 1), wt = uniform(r, s.weightSize(), -1, 1);
      float[] y = uniform(r, s.outputSize(), -0.5f, 2f);
      float[] col = new float[s.colSize()], gs = new float[s.outputSize()];
      float[] instar = null;
      for (HebbRule rule : HebbRule.values()) {
        float[] dw = new float[s.weightSize()], g = new float[s.weightSize()];
        HebbianRules.conv(K, rule, s, x, y, wt, dw, col);
        SurrogateLoss.convGradient(K, rule, s, x, y, wt, g, gs, col);
        double[] lit = convLiteral(rule, s, x, y, wt);
        double tol = 1e-5 * Math.max(1, s.n() * s.positions() * 2.0);
        for (int i = 0; i < dw.length; i++) {
          assertEquals(lit[i], dw[i], tol, rule + " explicit vs literal " + s);
          assertEquals(-dw[i], g[i], tol, rule + " gradient vs -rule " + s);
        }
        double[] wd = new double[wt.length];
        for (int i = 0; i < wt.length; i++) {
          wd[i] = wt[i];
        }
        for (int i = 0; i < wt.length; i += Math.max(1, wt.length / 4)) {
          double hh = 1e-4, old = wd[i];
          wd[i] = old + hh;
          double lp = convLPrime(rule, s, x, y, wd);
          wd[i] = old - hh;
          double lm = convLPrime(rule, s, x, y, wd);
          wd[i] = old;
          assertEquals((lp - lm) / (2 * hh), g[i], tol + 1e-6, rule + " finite differences " + s);
        }
        if (rule == HebbRule.INSTAR) {
          instar = dw;
        } else if (rule == HebbRule.OJA) {
          for (int i = 0; i < dw.length; i++) {
            sawOjaDiffer |= Math.abs(dw[i] - instar[i]) > 1e-3;
          }
        }
      }
    }
    assertTrue(sawOjaDiffer, "with non-binary y, Oja and instar must differ");
  }

  /** With a binary y (y^2 = y), Oja's and the instar's update are the same. */
  @Test
  void ojaEqualsInstarForBinaryY() {
    Rng r = new Rng(1);
    Conv2dShape s = new Conv2dShape(2, 3, 7, 6, 5, 3, 3, 1, 1);
    float[] x = uniform(r, s.inputSize(), -1, 1), w = uniform(r, s.weightSize(), -1, 1);
    float[] y = new float[s.outputSize()];
    for (int i = 0; i < y.length; i++) {
      y[i] = r.uniformFloat() < 0.3f ? 1f : 0f;
    }
    float[] col = new float[s.colSize()];
    float[] a = new float[s.weightSize()], b = new float[s.weightSize()];
    HebbianRules.conv(K, HebbRule.INSTAR, s, x, y, w, a, col);
    HebbianRules.conv(K, HebbRule.OJA, s, x, y, w, b, col);
    assertArrayEquals(a, b);
  }
}
