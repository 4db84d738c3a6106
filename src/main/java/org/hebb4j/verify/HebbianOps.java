package org.hebb4j.verify;

import java.util.Arrays;
import java.util.Map;
import org.hebb4j.hebbian.Competition;
import org.hebb4j.hebbian.HebbRule;
import org.hebb4j.hebbian.HebbianRules;
import org.hebb4j.hebbian.Standardize;
import org.hebb4j.kernel.Conv2dShape;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.linalg.Ridge;
import org.hebb4j.linalg.Zca;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.hebb4j.tensor.Tensor;

/**
 * Ops {@code hebb_dense}, {@code hebb_conv2d}, {@code kwta}, {@code triangle},
 * {@code standardize} (spec/hebbian-rules.md), {@code zca_fit}, {@code ridge_fit} and hebb4j's
 * {@code zca_eigen_rng} (spec/hebbcnn.md).
 */
final class HebbianOps {

  private HebbianOps() {}

  static void register(Map<String, VectorOp> ops) {
    ops.put("hebb_dense", HebbianOps::hebbDense);
    ops.put("hebb_conv2d", HebbianOps::hebbConv2d);
    ops.put("kwta", HebbianOps::kwta);
    ops.put("triangle", HebbianOps::triangle);
    ops.put("standardize", HebbianOps::standardize);
    ops.put("zca_fit", HebbianOps::zcaFit);
    ops.put("ridge_fit", HebbianOps::ridgeFit);
    ops.put("zca_eigen_rng", HebbianOps::zcaEigenRng);
  }

  static HebbRule rule(VectorCase c) {
    return c.named("rule", HebbRule.class);
  }

  /** spec/hebbian-rules.md#dense-rule (H4). */
  static Outputs hebbDense(VectorCase c, Kernels k) {
    Tensor x = c.tensor("x", 2), y = c.tensor("y", 2), w = c.tensor("w", 2);
    int b = x.dim(0), in = x.dim(1), out = w.dim(0);
    c.check(y.dim(0) == b && y.dim(1) == out, "y", "expected shape [" + b + ", " + out + "]");
    c.check(w.dim(1) == in, "w", "expected " + in + " columns");
    Tensor dw = Tensor.zeros(out, in);
    HebbianRules.dense(k, rule(c), b, in, out, x.data(), y.data(), w.data(), dw.data());
    return new Outputs().put("dw", dw);
  }

  /** spec/hebbian-rules.md#conv-rule (H5). */
  static Outputs hebbConv2d(VectorCase c, Kernels k) {
    Tensor x = c.tensor("x", 4), y = c.tensor("y", 4), w = c.tensor("w", 4);
    int stride = c.integer("stride", 1, 1 << 16), pad = c.integer("padding", 0, 1 << 16);
    c.check(w.dim(1) == x.dim(1), "w", "has " + w.dim(1) + " input channels, x has " + x.dim(1));
    Conv2dShape s = KernelOps.shape(c, () -> new Conv2dShape(x.dim(0), x.dim(1), x.dim(2),
        x.dim(3), w.dim(0), w.dim(2), w.dim(3), stride, pad));
    int[] ys = {s.n(), s.o(), s.oh(), s.ow()};
    c.check(Arrays.equals(y.shape(), ys), "y", "expected shape " + Arrays.toString(ys));
    Tensor dw = Tensor.zeros(w.shape());
    HebbianRules.conv(k, rule(c), s, x.data(), y.data(), w.data(), dw.data(),
        new float[s.colSize()]);
    return new Outputs().put("dw", dw);
  }

  /** spec/hebbian-rules.md#kwta (C1)-(C2). */
  static Outputs kwta(VectorCase c, Kernels k) {
    Tensor u = c.tensor("u", 4), theta = c.tensor("theta", 1);
    int n = u.dim(0), o = u.dim(1), p = u.dim(2) * u.dim(3);
    c.check(theta.dim(0) == o, "theta", "expected " + o + " values");
    int kk = c.integer("k", 1, Integer.MAX_VALUE);
    if (kk > o) {
      throw new VectorFormatException(c.where() + ".params.k: " + kk + " is more than the "
          + o + " channels");
    }
    int[] win = new int[p * kk];
    float[] scratch = new float[p];
    Tensor y = Tensor.zeros(u.shape());
    for (int i = 0; i < n; i++) {
      Competition.winners(o, p, kk, u.data(), i * o * p, theta.data(), win, 0, scratch);
      Competition.binary(o, p, kk, win, 0, y.data(), i * o * p);
    }
    return new Outputs().put("y", y);
  }

  /** spec/hebbian-rules.md#triangle (C3). */
  static Outputs triangle(VectorCase c, Kernels k) {
    Tensor u = c.tensor("u", 4), theta = c.tensor("theta", 1);
    int n = u.dim(0), o = u.dim(1), p = u.dim(2) * u.dim(3);
    c.check(theta.dim(0) == o, "theta", "expected " + o + " values");
    Tensor z = Tensor.zeros(u.shape());
    float[] sum = new float[p];
    for (int i = 0; i < n; i++) {
      Competition.triangle(o, p, u.data(), i * o * p, theta.data(), z.data(), i * o * p, sum);
    }
    return new Outputs().put("z", z);
  }

  /** spec/hebbian-rules.md#standardize (T1). */
  static Outputs standardize(VectorCase c, Kernels k) {
    Tensor x = c.tensor("x");
    c.check(x.rank() >= 1 && x.dim(0) >= 1, "x", "needs a leading sample axis");
    float eps = c.floatParam("eps");
    int n = x.dim(0), len = x.size() / n;
    Tensor z = Tensor.zeros(x.shape());
    Standardize.all(k, n, len, x.data(), z.data(), eps);
    return new Outputs().put("z", z);
  }

  /** spec/hebbcnn.md#zca (Z1)-(Z3). */
  static Outputs zcaFit(VectorCase c, Kernels k) {
    Tensor x = c.tensor("X", 2);
    double eps = c.number("eps");
    int n = x.dim(0), d = x.dim(1);
    Zca z;
    try (Workers w = new Workers(1)) {
      z = Zca.fit(k, w, x.data(), n, d, eps);
    }
    return new Outputs().put("mean", Tensor.of(toFloat(z.mean()), d))
        .put("W", Tensor.of(toFloat(z.matrix()), d, d));
  }

  /** spec/hebbcnn.md#ridge (L1)-(L4). */
  static Outputs ridgeFit(VectorCase c, Kernels k) {
    Tensor x = c.tensor("X", 2), y = c.tensor("Y", 2);
    c.check(y.dim(0) == x.dim(0), "Y", "expected " + x.dim(0) + " rows");
    int n = x.dim(0), d = x.dim(1), m = y.dim(1);
    Ridge r;
    try (Workers w = new Workers(1)) {
      r = Ridge.fitInPlace(k, w, x.data().clone(), n, d, y.data(), m, c.number("alpha"));
    }
    return new Outputs().put("W", Tensor.of(toFloat(r.weights()), d, m))
        .put("b", Tensor.of(toFloat(r.intercept()), m));
  }

  /**
   * spec/hebbcnn.md#eigen-check: X[s, r*side + c] = U[s,r,c] + U[s,r,c+1] + U[s,r+1,c] from the
   * uniform draws of the named stream, then (Z1)-(Z3) in double.
   */
  static Outputs zcaEigenRng(VectorCase c, Kernels k) {
    Rng r = new Rng(c.longParam("seed"));
    for (String name : c.string("stream").split("/", -1)) {
      r = r.derive(name);
    }
    int n = c.integer("n", 1, 100_000), side = c.integer("side", 1, 1000);
    double eps = c.number("eps");
    int d = side * side;
    double[] u = new double[n * d];
    for (int i = 0; i < u.length; i++) {
      u[i] = r.uniformFloat();
    }
    double[] x = new double[n * d];
    for (int s = 0; s < n; s++) {
      for (int row = 0; row < side; row++) {
        for (int col = 0; col < side; col++) {
          int i = s * d + row * side + col;
          double v = u[i];
          if (col + 1 < side) {
            v += u[i + 1];
          }
          if (row + 1 < side) {
            v += u[i + side];
          }
          x[i] = v;
        }
      }
    }
    double[] mean = new double[d];
    for (int s = 0; s < n; s++) {
      for (int j = 0; j < d; j++) {
        mean[j] += x[s * d + j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }
    for (int s = 0; s < n; s++) {
      for (int j = 0; j < d; j++) {
        x[s * d + j] -= mean[j];
      }
    }
    double[] cov = new double[d * d];
    for (int s = 0; s < n; s++) {
      int o = s * d;
      for (int i = 0; i < d; i++) {
        double xi = x[o + i];
        int ci = i * d;
        for (int j = 0; j <= i; j++) {
          cov[ci + j] += xi * x[o + j];
        }
      }
    }
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        cov[i * d + j] /= n;
        cov[j * d + i] = cov[i * d + j];
      }
    }
    Zca z = Zca.fromCovariance(cov, d, mean, eps);
    int[] rows = {0, 1, d / 2, d - 1};
    float[] wr = new float[rows.length * d];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < d; j++) {
        wr[i * d + j] = (float) z.matrix()[rows[i] * d + j];
      }
    }
    return new Outputs().put("lambda", Tensor.of(toFloat(z.eigenvalues()), d))
        .put("mean", Tensor.of(toFloat(mean), d)).put("W_rows", Tensor.of(wr, rows.length, d));
  }

  static float[] toFloat(double[] a) {
    float[] f = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      f[i] = (float) a[i];
    }
    return f;
  }
}
