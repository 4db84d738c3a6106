package org.hebb4j.kernel;

import java.util.function.IntConsumer;
import org.hebb4j.parallel.Workers;

/**
 * Any {@link Kernels} with GEMM spread over a {@link Workers} pool (spec/parallel.md). A base that
 * is a {@link ParallelGemm} (the vector kernels) spreads its own work, sharing its packed panels;
 * for any other base, C is cut into blocks of rows (or of columns, when it is wider than tall)
 * whose size depends only on the shape, never on the thread count, and each block is one call of
 * the base GEMM, so the bits are the same for every thread count. GEMMs below
 * {@link #MIN_PARALLEL_WORK} run on the caller. Every other kernel is the base's own.
 *
 * <p>Not for concurrent use from several threads: one instance serves one caller at a time.
 */
public final class ThreadedKernels implements Kernels {

  /**
   * Below this many multiply-adds (about 100 us of one core) a GEMM runs as one block: handing
   * smaller ones to another thread costs more than it saves (an SRE step's 256 x 128 x 32 GEMMs
   * ran 20x slower split in two on a busy machine).
   */
  static final long MIN_PARALLEL_WORK = 1L << 22;
  /** Blocks per GEMM, at most. */
  static final int MAX_BLOCKS = 16;
  /** Block sizes are multiples of this (a multiple of every micro-kernel tile). */
  static final int ALIGN = 16;

  private final Kernels base;
  private final Workers workers;
  private final GemmTask task = new GemmTask();

  /**
   * A threaded view of {@code base}. See spec/parallel.md.
   *
   * @param base the kernels whose GEMM is spread
   * @param workers the pool, used by one caller at a time
   * @throws IllegalArgumentException when either is null
   */
  public ThreadedKernels(Kernels base, Workers workers) {
    if (base == null || workers == null) {
      throw new IllegalArgumentException("ThreadedKernels: " + (base == null ? "base" : "workers")
          + " is null");
    }
    this.base = base;
    this.workers = workers;
  }

  /**
   * {@code base} itself for one thread, else a threaded view of it. See spec/parallel.md.
   *
   * @param base the kernels whose GEMM is spread
   * @param workers the pool
   * @return base, or a new ThreadedKernels
   */
  public static Kernels of(Kernels base, Workers workers) {
    return workers.threads() == 1 ? base : new ThreadedKernels(base, workers);
  }

  /**
   * The kernels whose GEMM this view spreads, for work that a caller splits over the pool itself
   * (spec/transformer.md#performance). See spec/parallel.md.
   *
   * @return the base kernels, single-threaded
   */
  public Kernels base() {
    return base;
  }

  /**
   * The pool this view spreads its GEMMs over. See spec/parallel.md.
   *
   * @return the workers
   */
  public Workers workers() {
    return workers;
  }

  /** Rows (or columns) per block for a dimension of length {@code dim}: shape-only. */
  static int blockSize(int dim) {
    int blocks = Math.min(MAX_BLOCKS, Math.max(1, dim / ALIGN));
    int size = (dim + blocks - 1) / blocks;
    return (size + ALIGN - 1) / ALIGN * ALIGN;
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    Check.gemm("gemm", transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    if ((long) m * n * k < MIN_PARALLEL_WORK || Math.max(m, n) < 2 * ALIGN) {
      base.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    if (base instanceof ParallelGemm) {
      ((ParallelGemm) base).gemm(workers, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff,
          ldb, beta, c, cOff, ldc);
      return;
    }
    GemmTask t = task;
    t.set(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    workers.run(t.blocks, t);
    t.clear();
  }

  /** The block loop body, reused from call to call so a GEMM allocates nothing. */
  private final class GemmTask implements IntConsumer {
    boolean transA, transB, byRows;
    int m, n, k, aOff, lda, bOff, ldb, cOff, ldc, block, blocks;
    float alpha, beta;
    float[] a, b, c;

    void set(boolean transA, boolean transB, int m, int n, int k, float alpha,
        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
        float beta, float[] c, int cOff, int ldc) {
      this.transA = transA;
      this.transB = transB;
      this.m = m;
      this.n = n;
      this.k = k;
      this.alpha = alpha;
      this.a = a;
      this.aOff = aOff;
      this.lda = lda;
      this.b = b;
      this.bOff = bOff;
      this.ldb = ldb;
      this.beta = beta;
      this.c = c;
      this.cOff = cOff;
      this.ldc = ldc;
      this.byRows = m >= n;
      int dim = byRows ? m : n;
      this.block = blockSize(dim);
      this.blocks = (dim + block - 1) / block;
    }

    void clear() {
      a = b = c = null;
    }

    @Override
    public void accept(int blk) {
      int from = blk * block;
      if (byRows) {
        int rows = Math.min(block, m - from);
        int aStart = aOff + (transA ? from : from * lda);
        base.gemm(transA, transB, rows, n, k, alpha, a, aStart, lda, b, bOff, ldb,
            beta, c, cOff + from * ldc, ldc);
      } else {
        int cols = Math.min(block, n - from);
        int bStart = bOff + (transB ? from * ldb : from);
        base.gemm(transA, transB, m, cols, k, alpha, a, aOff, lda, b, bStart, ldb,
            beta, c, cOff + from, ldc);
      }
    }
  }

  // ---- everything else is the base's

  @Override
  public String name() {
    return base.name();
  }

  @Override
  public int vectorBitSize() {
    return base.vectorBitSize();
  }

  @Override
  public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
    return base.dot(n, x, xOff, y, yOff);
  }

  @Override
  public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
    base.axpy(n, alpha, x, xOff, y, yOff);
  }

  @Override
  public void scale(int n, float alpha, float[] x, int xOff) {
    base.scale(n, alpha, x, xOff);
  }

  @Override
  public void addRows(int m, int n, float[] a, int aOff, int lda, float[] y, int yOff) {
    base.addRows(m, n, a, aOff, lda, y, yOff);
  }

  @Override
  public float sum(int n, float[] x, int xOff) {
    return base.sum(n, x, xOff);
  }

  @Override
  public double sumSquares(int n, float[] x, int xOff) {
    return base.sumSquares(n, x, xOff);
  }

  @Override
  public void exp(int n, double[] x, int xOff, double[] y, int yOff) {
    base.exp(n, x, xOff, y, yOff);
  }

  @Override
  public double dsdot(int n, float[] x, int xOff, float[] y, int yOff) {
    return base.dsdot(n, x, xOff, y, yOff);
  }

  @Override
  public double variance(int n, float[] x, int xOff) {
    return base.variance(n, x, xOff);
  }

  @Override
  public void activate(Activation act, int n, float[] a, int aOff, float[] z, int zOff) {
    base.activate(act, n, a, aOff, z, zOff);
  }

  @Override
  public void activateBackward(Activation act, int n, float[] a, int aOff, float[] dz, int dzOff,
      float[] da, int daOff) {
    base.activateBackward(act, n, a, aOff, dz, dzOff, da, daOff);
  }

  @Override
  public void activateBackwardFromOutput(Activation act, int n, float[] z, int zOff, float[] dz,
      int dzOff, float[] da, int daOff) {
    base.activateBackwardFromOutput(act, n, z, zOff, dz, dzOff, da, daOff);
  }

  @Override
  public void layerNorm(int rows, int dim, float eps, float[] x, float[] gamma, float[] beta,
      float[] xhat, double[] rstd, float[] y) {
    base.layerNorm(rows, dim, eps, x, gamma, beta, xhat, rstd, y);
  }

  @Override
  public void layerNormBackward(int rows, int dim, float[] dy, float[] xhat, double[] rstd,
      float[] gamma, float[] dgamma, float[] dbeta, float[] dxhat, float[] dx) {
    base.layerNormBackward(rows, dim, dy, xhat, rstd, gamma, dgamma, dbeta, dxhat, dx);
  }

  @Override
  public void layerNorm(int row0, int rows, int dim, float eps, float[] x, float[] gamma,
      float[] beta, float[] xhat, double[] rstd, float[] y) {
    base.layerNorm(row0, rows, dim, eps, x, gamma, beta, xhat, rstd, y);
  }

  @Override
  public void layerNormBackward(int row0, int rows, int dim, float[] dy, float[] xhat,
      double[] rstd, float[] gamma, float[] dgamma, float[] dbeta, float[] dxhat, float[] dx) {
    base.layerNormBackward(row0, rows, dim, dy, xhat, rstd, gamma, dgamma, dbeta, dxhat, dx);
  }

  @Override
  public void layerNormParamGradients(int rows, int dim, float[] dy, float[] xhat,
      float[] dgamma, float[] dbeta) {
    base.layerNormParamGradients(rows, dim, dy, xhat, dgamma, dbeta);
  }

  @Override
  public void attention(int batch, int tokens, int heads, int dh, float alpha, float[] q,
      float[] k, float[] v, int xOff, float[] p, double[] e, int pOff, float[] o) {
    base.attention(batch, tokens, heads, dh, alpha, q, k, v, xOff, p, e, pOff, o);
  }

  @Override
  public void attentionBackward(int batch, int tokens, int heads, int dh, float alpha,
      float[] q, float[] k, float[] v, float[] dO, int xOff, float[] p, int pOff, float[] ds,
      int dsOff, float[] dq, float[] dk, float[] dv) {
    base.attentionBackward(batch, tokens, heads, dh, alpha, q, k, v, dO, xOff, p, pOff, ds, dsOff,
        dq, dk, dv);
  }

  @Override
  public void attention(int batch, int tokens, int heads, int dh, float alpha, float[] q,
      float[] k, float[] v, int xOff, float[] p, double[] e, int pOff, float[] o,
      AttentionLanes lanes) {
    base.attention(batch, tokens, heads, dh, alpha, q, k, v, xOff, p, e, pOff, o, lanes);
  }

  @Override
  public void attentionBackward(int batch, int tokens, int heads, int dh, float alpha,
      float[] q, float[] k, float[] v, float[] dO, int xOff, float[] p, int pOff, float[] ds,
      int dsOff, float[] dq, float[] dk, float[] dv, AttentionLanes lanes) {
    base.attentionBackward(batch, tokens, heads, dh, alpha, q, k, v, dO, xOff, p, pOff, ds, dsOff,
        dq, dk, dv, lanes);
  }

  @Override
  public void outerAcc(int m, int n, float alpha, float[] x, int xOff, float[] y, int yOff,
      float[] a, int aOff, int lda) {
    base.outerAcc(m, n, alpha, x, xOff, y, yOff, a, aOff, lda);
  }

  @Override
  public void avgPool2dForward(Pool2dShape s, float[] x, float[] y) {
    base.avgPool2dForward(s, x, y);
  }

  @Override
  public void avgPool2dBackward(Pool2dShape s, float[] dy, float[] dx) {
    base.avgPool2dBackward(s, dy, dx);
  }
}
