package org.hebb4j.kernel;

/**
 * The reference implementation: plain loops, float32 accumulation, left-to-right order. Every other
 * implementation is checked against it and against the golden vectors. spec/kernels.md.
 */
public class ScalarKernels implements Kernels {

  /**
   * The scalar kernels. Stateless and thread-safe; {@link KernelProvider#scalar()} returns a shared
   * instance. Public and non-final so that tests can wrap a kernel (e.g. to count calls).
   * See spec/kernels.md#dispatch.
   */
  public ScalarKernels() {}

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public int vectorBitSize() {
    return 0;
  }

  @Override
  public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
    Check.vectors("dot", n, x, xOff, y, yOff);
    float acc = 0f;
    for (int i = 0; i < n; i++) {
      acc += x[xOff + i] * y[yOff + i];
    }
    return acc;
  }

  @Override
  public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
    Check.vectors("axpy", n, x, xOff, y, yOff);
    for (int i = 0; i < n; i++) {
      y[yOff + i] += alpha * x[xOff + i];
    }
  }

  @Override
  public void scale(int n, float alpha, float[] x, int xOff) {
    Check.vector("scale", n, "x", x, xOff);
    for (int i = 0; i < n; i++) {
      x[xOff + i] *= alpha;
    }
  }

  @Override
  public float sum(int n, float[] x, int xOff) {
    Check.vector("sum", n, "x", x, xOff);
    float acc = 0f;
    for (int i = 0; i < n; i++) {
      acc += x[xOff + i];
    }
    return acc;
  }

  @Override
  public double sumSquares(int n, float[] x, int xOff) {
    Check.vector("sumSquares", n, "x", x, xOff);
    return Reductions.sumSquares(n, x, xOff);
  }

  @Override
  public double dsdot(int n, float[] x, int xOff, float[] y, int yOff) {
    Check.vectors("dsdot", n, x, xOff, y, yOff);
    return Reductions.dsdot(n, x, xOff, y, yOff);
  }

  @Override
  public double variance(int n, float[] x, int xOff) {
    Check.vector("variance", n, "x", x, xOff);
    return Reductions.variance(n, x, xOff);
  }

  @Override
  public void activate(Activation act, int n, float[] a, int aOff, float[] z, int zOff) {
    Check.activate(act, n, a, aOff, z, zOff);
    for (int i = 0; i < n; i++) {
      z[zOff + i] = act.apply(a[aOff + i]);
    }
  }

  @Override
  public void activateBackward(Activation act, int n, float[] a, int aOff, float[] dz, int dzOff,
      float[] da, int daOff) {
    Check.backward("activateBackward", act, n, "a", a, aOff, dz, dzOff, da, daOff);
    for (int i = 0; i < n; i++) {
      da[daOff + i] = dz[dzOff + i] * act.derivative(a[aOff + i]);
    }
  }

  @Override
  public void activateBackwardFromOutput(Activation act, int n, float[] z, int zOff, float[] dz,
      int dzOff, float[] da, int daOff) {
    Check.backward("activateBackwardFromOutput", act, n, "z", z, zOff, dz, dzOff, da, daOff);
    for (int i = 0; i < n; i++) {
      da[daOff + i] = dz[dzOff + i] * act.derivativeFromOutput(z[zOff + i]);
    }
  }

  /**
   * One axpy per row, so an implementation with a faster axpy has a faster outerAcc too.
   * See spec/kernels.md#outer.
   */
  @Override
  public void outerAcc(int m, int n, float alpha, float[] x, int xOff, float[] y, int yOff,
      float[] a, int aOff, int lda) {
    Check.outerAcc(m, n, x, xOff, y, yOff, a, aOff, lda);
    if (n == 0) {
      return;
    }
    for (int i = 0; i < m; i++) {
      axpy(n, alpha * x[xOff + i], y, yOff, a, aOff + i * lda);
    }
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    Check.gemm("gemm", transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    if (m == 0 || n == 0) {
      return; // an empty C: nothing is touched (spec/kernels.md#checks)
    }
    if (k == 0 || alpha == 0f) {
      // BLAS: A and B are not read, C <- beta C (spec/kernels.md#gemm)
      for (int i = 0; i < m; i++) {
        scaleOrClear(n, beta, c, cOff + i * ldc);
      }
      return;
    }
    for (int i = 0; i < m; i++) {
      int ci = cOff + i * ldc;
      scaleOrClear(n, beta, c, ci);
      if (!transB) {
        // row i of C += alpha A(i,p) * row p of B
        for (int p = 0; p < k; p++) {
          float aip = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
          int bp = bOff + p * ldb;
          for (int j = 0; j < n; j++) {
            c[ci + j] += aip * b[bp + j];
          }
        }
      } else {
        // C(i,j) += alpha * sum_p A(i,p) B(j,p)
        for (int j = 0; j < n; j++) {
          int bj = bOff + j * ldb;
          float acc = 0f;
          for (int p = 0; p < k; p++) {
            acc += (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]) * b[bj + p];
          }
          c[ci + j] += alpha * acc;
        }
      }
    }
  }

  /** BLAS beta convention: beta == 0 overwrites (NaN in C is not propagated). */
  static void scaleOrClear(int n, float beta, float[] c, int off) {
    if (beta == 0f) {
      java.util.Arrays.fill(c, off, off + n, 0f);
    } else if (beta != 1f) {
      for (int j = 0; j < n; j++) {
        c[off + j] *= beta;
      }
    }
  }

  @Override
  public void avgPool2dForward(Pool2dShape s, float[] x, float[] y) {
    Check.avgPool2dForward(s, x, y);
    int oh = s.oh(), ow = s.ow(), size = s.size();
    float inv = 1f / (size * size);
    for (int plane = 0; plane < s.n() * s.c(); plane++) {
      int xp = plane * s.h() * s.w(), yp = plane * oh * ow;
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          float acc = 0f;
          for (int i = 0; i < size; i++) {
            int row = xp + (oy * s.stride() + i) * s.w() + ox * s.stride();
            for (int j = 0; j < size; j++) {
              acc += x[row + j];
            }
          }
          y[yp + oy * ow + ox] = acc * inv;
        }
      }
    }
  }

  @Override
  public void avgPool2dBackward(Pool2dShape s, float[] dy, float[] dx) {
    Check.avgPool2dBackward(s, dy, dx);
    int oh = s.oh(), ow = s.ow(), size = s.size();
    float inv = 1f / (size * size);
    java.util.Arrays.fill(dx, 0, s.inputSize(), 0f);
    for (int plane = 0; plane < s.n() * s.c(); plane++) {
      int xp = plane * s.h() * s.w(), yp = plane * oh * ow;
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          float g = dy[yp + oy * ow + ox] * inv;
          for (int i = 0; i < size; i++) {
            int row = xp + (oy * s.stride() + i) * s.w() + ox * s.stride();
            for (int j = 0; j < size; j++) {
              dx[row + j] += g;
            }
          }
        }
      }
    }
  }
}
