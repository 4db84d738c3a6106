package org.hebb4j.verify;

import java.util.Arrays;
import java.util.Map;
import org.hebb4j.kernel.Conv2dShape;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.kernel.Pool2dShape;
import org.hebb4j.tensor.Tensor;

/** Ops {@code gemm}, {@code conv2d}, {@code avgpool2d} (spec/kernels.md). */
final class KernelOps {

  private KernelOps() {}

  static void register(Map<String, VectorOp> ops) {
    ops.put("gemm", KernelOps::gemm);
    ops.put("conv2d", KernelOps::conv2d);
    ops.put("avgpool2d", KernelOps::avgpool2d);
  }

  /** spec/kernels.md#gemm (K11): Y = alpha op(A) op(B) + beta C. */
  static Outputs gemm(VectorCase c, Kernels k) {
    boolean ta = c.bool("transA"), tb = c.bool("transB");
    float alpha = c.floatParam("alpha"), beta = c.floatParam("beta");
    Tensor a = c.tensor("A", 2), b = c.tensor("B", 2);
    int m = ta ? a.dim(1) : a.dim(0), ka = ta ? a.dim(0) : a.dim(1);
    int kb = tb ? b.dim(1) : b.dim(0), n = tb ? b.dim(0) : b.dim(1);
    c.check(ka == kb, "B", "op(B) has " + kb + " rows but op(A) has " + ka + " columns");
    Tensor y = Tensor.zeros(m, n);
    if (c.hasInput("C") || beta != 0f) {
      Tensor cin = c.tensor("C", 2);
      c.check(cin.dim(0) == m && cin.dim(1) == n, "C", "expected shape [" + m + ", " + n
          + "], got " + Arrays.toString(cin.shape()));
      System.arraycopy(cin.data(), 0, y.data(), 0, y.size());
    }
    // the raw BLAS form on purpose: this op tests gemm itself; ld >= 1 even for an empty matrix
    k.gemm(ta, tb, m, n, ka, alpha, a.data(), 0, Math.max(1, a.dim(1)), b.data(), 0,
        Math.max(1, b.dim(1)), beta, y.data(), 0, Math.max(1, n));
    return new Outputs().put("Y", y);
  }

  /** spec/kernels.md#conv2d (K12)-(K15). */
  static Outputs conv2d(VectorCase c, Kernels k) {
    Tensor x = c.tensor("x", 4), w = c.tensor("w", 4);
    Tensor b = c.optionalTensor("b"), dy = c.optionalTensor("dy");
    int stride = c.integer("stride", 1, 1 << 16), pad = c.integer("padding", 0, 1 << 16);
    c.check(w.dim(1) == x.dim(1), "w", "has " + w.dim(1) + " input channels, x has " + x.dim(1));
    Conv2dShape s = shape(c, () -> new Conv2dShape(x.dim(0), x.dim(1), x.dim(2), x.dim(3),
        w.dim(0), w.dim(2), w.dim(3), stride, pad));
    if (b != null) {
      c.check(b.rank() == 1 && b.dim(0) == s.o(), "b", "expected shape [" + s.o() + "]");
    }
    float[] col = new float[s.colSize()];
    Tensor y = Tensor.zeros(s.n(), s.o(), s.oh(), s.ow());
    k.conv2dForward(s, x.data(), w.data(), b == null ? null : b.data(), y.data(), col);
    Outputs out = new Outputs().put("y", y);
    if (dy != null) {
      c.check(Arrays.equals(dy.shape(), y.shape()), "dy", "expected shape "
          + Arrays.toString(y.shape()) + ", got " + Arrays.toString(dy.shape()));
      Tensor dx = Tensor.zeros(x.shape()), dw = Tensor.zeros(w.shape()), db = Tensor.zeros(s.o());
      k.conv2dBackwardData(s, dy.data(), w.data(), dx.data(), col);
      k.conv2dBackwardWeights(s, x.data(), dy.data(), dw.data(), col);
      k.conv2dBackwardBias(s, dy.data(), db.data());
      out.put("dx", dx).put("dw", dw).put("db", db);
    }
    return out;
  }

  /** spec/kernels.md#avgpool2d (K16)-(K17). */
  static Outputs avgpool2d(VectorCase c, Kernels k) {
    Tensor x = c.tensor("x", 4), dy = c.optionalTensor("dy");
    int size = c.integer("size", 1, 1 << 16), stride = c.integer("stride", 1, 1 << 16);
    Pool2dShape s = shape(c, () -> new Pool2dShape(x.dim(0), x.dim(1), x.dim(2), x.dim(3),
        size, stride));
    Tensor y = Tensor.zeros(s.n(), s.c(), s.oh(), s.ow());
    k.avgPool2dForward(s, x.data(), y.data());
    Outputs out = new Outputs().put("y", y);
    if (dy != null) {
      c.check(Arrays.equals(dy.shape(), y.shape()), "dy", "expected shape "
          + Arrays.toString(y.shape()) + ", got " + Arrays.toString(dy.shape()));
      Tensor dx = Tensor.zeros(x.shape());
      k.avgPool2dBackward(s, dy.data(), dx.data());
      out.put("dx", dx);
    }
    return out;
  }

  /** Builds a shape record, turning its validation error into a format error for this case. */
  static <T> T shape(VectorCase c, java.util.function.Supplier<T> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw new VectorFormatException(c.where() + ".inputs: " + e.getMessage());
    }
  }
}
