package org.hebb4j.kernel;

/**
 * The reference implementation: plain loops in the one evaluation order of
 * spec/kernels.md#one-result (32 partial sums for dot and sum, sequential fused multiply-adds over
 * k in blocks of {@link #GEMM_KC} for GEMM, the one rational tanh), so the vector kernels give its
 * bits exactly. Every other implementation is checked against it and against the golden vectors.
 */
public class ScalarKernels implements Kernels {

  /**
   * The scalar kernels. Stateless and thread-safe; {@link KernelProvider#scalar()} returns a shared
   * instance. Public and non-final so that tests can wrap a kernel (e.g. to count calls).
   * See spec/kernels.md#dispatch.
   */
  public ScalarKernels() {}

  /**
   * GEMM's k block (spec/kernels.md#one-result): each element of C is the fma chain over k within
   * a block of this depth, starting from 0, added to C at the block's end.
   */
  static final int GEMM_KC = 512;

  /** Per-thread row of GEMM accumulators, grown on demand and then reused. */
  private static final ThreadLocal<float[][]> ROW = ThreadLocal.withInitial(() -> new float[1][0]);

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
    return Reductions.dotFrom(0, n, x, xOff, y, yOff, Reductions.partials());
  }

  @Override
  public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
    Check.vectors("axpy", n, x, xOff, y, yOff);
    for (int i = 0; i < n; i++) {
      y[yOff + i] = Math.fma(x[xOff + i], alpha, y[yOff + i]);
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
    return Reductions.sumFrom(0, n, x, xOff, Reductions.partials());
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
    float[] acc = transB ? null : row(n);
    for (int i = 0; i < m; i++) {
      int ci = cOff + i * ldc;
      for (int pc = 0; pc < k; pc += GEMM_KC) {
        int pEnd = Math.min(k, pc + GEMM_KC);
        float betaBlock = pc == 0 ? beta : 1f;
        if (!transB) {
          // the row's k block: acc_j = fma chain over p of A(i,p) B(p,j), rows of B in order
          java.util.Arrays.fill(acc, 0, n, 0f);
          for (int p = pc; p < pEnd; p++) {
            float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
            int bp = bOff + p * ldb;
            for (int j = 0; j < n; j++) {
              acc[j] = Math.fma(aip, b[bp + j], acc[j]);
            }
          }
          for (int j = 0; j < n; j++) {
            c[ci + j] = store(acc[j], alpha, betaBlock, c, ci + j);
          }
        } else {
          for (int j = 0; j < n; j++) {
            int bj = bOff + j * ldb;
            float s = 0f;
            for (int p = pc; p < pEnd; p++) {
              s = Math.fma(transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p], b[bj + p], s);
            }
            c[ci + j] = store(s, alpha, betaBlock, c, ci + j);
          }
        }
      }
    }
  }

  /**
   * The end of a k block (spec/kernels.md#one-result): alpha s + beta C as {@code fma(C, beta,
   * alpha s)}, the product alpha s skipped when alpha is 1 and C not read when beta is 0.
   */
  static float store(float s, float alpha, float beta, float[] c, int at) {
    float v = alpha == 1f ? s : alpha * s;
    return beta == 0f ? v : Math.fma(c[at], beta, v);
  }

  /** This thread's accumulator row, at least n floats. */
  private static float[] row(int n) {
    float[][] holder = ROW.get();
    if (holder[0].length < n) {
      holder[0] = new float[n];
    }
    return holder[0];
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
