package org.hebb4j.verify;

import java.util.Arrays;
import java.util.Map;
import org.hebb4j.hebbian.BatchNorm2d;
import org.hebb4j.hebbian.KrotovRules;
import org.hebb4j.hebbian.PadMode;
import org.hebb4j.hebbian.SoftHebbRules;
import org.hebb4j.kernel.Conv2dShape;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.tensor.Tensor;

/**
 * Ops {@code batch_norm2d}, {@code softhebb_conv2d}, {@code softhebb_step} (spec/softhebb.md)
 * and {@code krotov_dense} (spec/krotov.md).
 */
final class SoftHebbOps {

  private SoftHebbOps() {}

  static void register(Map<String, VectorOp> ops) {
    ops.put("batch_norm2d", SoftHebbOps::batchNorm2d);
    ops.put("softhebb_conv2d", SoftHebbOps::softhebbConv2d);
    ops.put("softhebb_step", SoftHebbOps::softhebbStep);
    ops.put("krotov_dense", SoftHebbOps::krotovDense);
  }

  /** spec/softhebb.md#batch-norm (SH1), batch statistics. */
  static Outputs batchNorm2d(VectorCase c, Kernels k) {
    Tensor x = c.tensor("x", 4);
    double eps = c.number("eps");
    c.check(eps >= 0 && !Double.isInfinite(eps), "eps", "must be finite and >= 0");
    Tensor y = Tensor.zeros(x.shape());
    BatchNorm2d.normalize(x.dim(0), x.dim(1), x.dim(2) * x.dim(3), x.data(), y.data(), eps);
    return new Outputs().put("y", y);
  }

  /** spec/softhebb.md#softwta (SH2)-(SH5): u, y and dw. */
  static Outputs softhebbConv2d(VectorCase c, Kernels k) {
    Tensor x = c.tensor("x", 4), w = c.tensor("w", 4);
    float tInv = c.floatParam("t_inv");
    if (!(tInv > 0) || Float.isInfinite(tInv)) {
      throw new VectorFormatException(c.where() + ".params.t_inv: " + tInv
          + " is not finite and > 0");
    }
    int stride = c.integer("stride", 1, 1 << 16), pad = c.integer("padding", 0, 1 << 16);
    PadMode mode = c.named("pad_mode", PadMode.class);
    c.check(w.dim(1) == x.dim(1), "w", "has " + w.dim(1) + " input channels, x has " + x.dim(1));
    int n = x.dim(0), ch = x.dim(1), h = x.dim(2), wd = x.dim(3);
    KernelOps.shape(c, () -> {
      mode.check(h, wd, pad);
      return null;
    });
    Conv2dShape s = KernelOps.shape(c, () -> new Conv2dShape(n, ch, h + 2 * pad, wd + 2 * pad,
        w.dim(0), w.dim(2), w.dim(3), stride, 0));
    float[] xp = new float[s.inputSize()], col = new float[s.colSize()];
    mode.pad(n, ch, h, wd, pad, x.data(), 0, xp);
    Tensor u = Tensor.zeros(n, s.o(), s.oh(), s.ow());
    Tensor y = Tensor.zeros(u.shape()), dw = Tensor.zeros(w.shape());
    k.conv2dForward(s, xp, w.data(), null, u.data(), col);
    int per = s.o() * s.positions();
    for (int i = 0; i < n; i++) {
      SoftHebbRules.softWta(s.o(), s.positions(), tInv, u.data(), i * per, y.data(), i * per);
    }
    SoftHebbRules.update(k, s, xp, u.data(), y.data(), w.data(), dw.data(), col);
    return new Outputs().put("u", u).put("y", y).put("dw", dw);
  }

  /** spec/softhebb.md#step (SH6). */
  static Outputs softhebbStep(VectorCase c, Kernels k) {
    Tensor w = c.tensor("w"), dw = c.tensor("dw");
    c.check(w.rank() >= 1 && w.dim(0) >= 1, "w", "needs a leading neuron axis");
    c.check(Arrays.equals(w.shape(), dw.shape()), "dw", "expected shape "
        + Arrays.toString(w.shape()));
    Tensor next = Tensor.of(w.data().clone(), w.shape());
    SoftHebbRules.step(w.dim(0), w.size() / w.dim(0), next.data(), dw.data(), c.number("lr"),
        c.number("power"), null);
    return new Outputs().put("w_next", next);
  }

  /** spec/krotov.md#update (KH1)-(KH3): ds before the step. */
  static Outputs krotovDense(VectorCase c, Kernels k) {
    Tensor v = c.tensor("v", 2), w = c.tensor("W", 2);
    int b = v.dim(0), in = v.dim(1), out = w.dim(0);
    c.check(w.dim(1) == in, "W", "expected " + in + " columns");
    double p = c.number("p");
    if (!(p >= 1) || Double.isInfinite(p)) {
      throw new VectorFormatException(c.where() + ".params.p: " + p + " is not finite and >= 1");
    }
    int kk = c.integer("k", 2, Integer.MAX_VALUE);
    if (kk > out) {
      throw new VectorFormatException(c.where() + ".params.k: " + kk + " is more than the "
          + out + " units");
    }
    float delta = c.floatParam("delta");
    float[] wp = new float[out * in], cur = new float[b * out];
    KrotovRules.powWeights(p, out * in, w.data(), wp);
    KrotovRules.currents(k, b, in, out, v.data(), wp, cur);
    int[] top = new int[b], kth = new int[b];
    KrotovRules.rank(b, out, kk, cur, top, kth, new int[kk]);
    Tensor ds = Tensor.zeros(out, in);
    KrotovRules.update(k, b, in, out, delta, v.data(), 0, w.data(), cur, top, kth,
        new double[out], ds.data());
    return new Outputs().put("ds", ds);
  }
}
