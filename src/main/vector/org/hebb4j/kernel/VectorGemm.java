package org.hebb4j.kernel;

import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.hebb4j.parallel.Workers;

/**
 * Register-blocked SGEMM with the Vector API, spec/kernels.md#gemm (K11): C = alpha op(A) op(B) +
 * beta C.
 *
 * <p>The classic Goto/BLIS layout, kept small:
 *
 * <pre>
 * for jc in steps of NC over n:                    columns of C and B
 *   for pc in steps of KC over k:                  pack B[pc:pc+KC, jc:jc+NC], NR-wide panels
 *     for ic in steps of MC over m:                (wide blocks: pack A, MR-tall panels)
 *       for each NR panel of B, each MR panel of A: micro-kernel: MR x NR tile of C
 * </pre>
 *
 * <p>B is packed, through its transpose when transB, with the last panel padded with zeros, except
 * when it needs no packing: one panel whose rows are already NR contiguous floats (n = ldb = NR,
 * not transposed), or, with MR = 8 beside a transposed A read in place, whole panels read in
 * place at B's leading dimension (the long-k weight gradients dW = delta^T x of a training step).
 * A transposed A against a B of MR = 8 columns (an embedding's dW) is computed as C^T
 * ({@link #transposedTiles}).
 * A is packed when the block of B is wide; against a narrow block
 * ({@link #IN_PLACE_PANELS}) A is read in place, MR rows at a time ({@link #kernelRows}) or, when
 * transposed, MR contiguous values per k step ({@link #kernelCols}), and alpha scales the sums at
 * the store: packing A cost about a fifth of an SRE training step. A ragged
 * last row panel is packed alone, and ragged tiles are computed in full into a small tile and
 * copied back with a scalar loop (no masked loads or stores). The micro-kernel keeps an MR x NR
 * tile of C in vector registers, 8 x (2 vectors) = 16 accumulators with 512-bit vectors and
 * 4 x (2 vectors) = 8 otherwise, accumulating over k with one broadcast of A and two FMAs per row,
 * and touches C once per k block. beta is applied at write-back of the first k block only, and
 * beta == 0 stores without reading C (NaN in C is not propagated), as in BLAS.
 *
 * <p>The one order (spec/kernels.md#one-result): every element of C is, per k block of
 * {@link #KC}, the chain of fused multiply-adds over p from 0, then {@code C = fma(C, beta', alpha
 * s)} (beta' = beta for the first block, 1 after); alpha is never folded into A. Tiles, panels,
 * edges, in-place or packed A and threads only choose which elements run together, so the bits
 * are those of {@link ScalarKernels#gemm} at every vector width.
 *
 * <p>Threads ({@link #gemm(Workers, boolean, boolean, int, int, int, float, float[], int, int,
 * float[], int, int, float, float[], int, int)}): each packed block of B is packed once, in chunks
 * of {@link #PACK_PANELS} panels spread over the workers, and shared; the tiles against it are
 * then spread by row blocks of MC (and groups of B panels when there are few row blocks). No
 * tile's arithmetic depends on the cut, so every thread count gives the bits of one thread.
 *
 * <p>Workspace: the packed panels and the edge tile live in a per-thread {@link Workspace} held by
 * a {@link ThreadLocal}. Its arrays are grown (reallocated) only when a call needs more than they
 * hold, so steady-state calls allocate nothing. The largest it gets is KC * (MC + NC) floats plus
 * padding (about 2.2 MB with 256-bit vectors); it lives as long as the thread.
 */
final class VectorGemm {

  private VectorGemm() {}

  static final VectorSpecies<Float> S = VectorKernels.S;
  static final int L = S.length();
  /**
   * Rows of the C tile held in registers: 8 with 512-bit vectors (sixteen accumulators of the 32
   * vector registers of AVX-512; a 4 x 2 tile left the FMA ports idle, BENCHMARKS.md), else 4
   * (eight accumulators: with more, C2 spills the sixteen registers of AVX2 on JDK 25).
   */
  static final int MR = L >= 16 ? 8 : 4;
  /** Columns of the C tile held in registers: two vectors. */
  static final int NR = 2 * L;
  /**
   * Depth of one packed block. Each k block reads and writes the whole C tile once more, and on a
   * shared machine C often comes from a contended L3 or from memory, so a deep block (fewer passes
   * over C) measured 10-20% faster at n = 1024 and 2048 than 256 on JDK 17 and 25 (BENCHMARKS.md);
   * the KC x NR panel of B (32 KiB) is still read in order, which the L2 prefetcher covers.
   */
  static final int KC = ScalarKernels.GEMM_KC;
  /** Rows of A packed at once (a multiple of MR): MC x KC floats (128 KiB) stay in L2. */
  static final int MC = 64;
  /** Columns of B packed at once (a multiple of NR). */
  static final int NC = NR * (1024 / NR);

  /**
   * A row-major A is read in place, not packed, when the block has at most this many NR panels of
   * B (n <= 128 with 256-bit vectors), so that each packed value would be used at most 8 times:
   * then packing costs more than it saves (the skinny GEMMs of a training step), while for wide
   * blocks the packed panel is faster (measured on JDK 17 at n = 1024, BENCHMARKS.md).
   */
  static final int IN_PLACE_PANELS = 8;

  /**
   * With workers, the compute of one packed block of B is cut into at least this many chunks
   * (row blocks of MC, and then groups of B panels when there are few row blocks), so that two or
   * more threads stay busy on short and wide products (the im2col GEMMs).
   */
  static final int MIN_CHUNKS = 8;
  /** B panels packed per chunk when packing is shared among workers. */
  static final int PACK_PANELS = 8;

  /** Per-thread packing buffers and the caller's job, grown on demand and then reused. */
  static final class Workspace {
    float[] a = new float[0];
    float[] b = new float[0];
    final float[] tile = new float[MR * NR];
    final Job job = new Job();

    float[] a(int size) {
      if (a.length < size) {
        a = new float[size];
      }
      return a;
    }

    float[] b(int size) {
      if (b.length < size) {
        b = new float[size];
      }
      return b;
    }
  }

  private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

  /** C = alpha op(A) op(B) + beta C on the calling thread. */
  static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    gemm(null, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }

  /**
   * The same product with its work run on {@code workers} (null: the calling thread). Each packed
   * block of B is packed once, in chunks of panels, and shared; the tiles of C computed against
   * it are then split among the threads by row blocks (and panel groups). Every tile of C is
   * computed by the same code with the same sums whichever thread runs it and however the work is
   * cut, so the bits equal those of the single-threaded call (spec/parallel.md (P5)).
   */
  static void gemm(Workers workers, boolean transA, boolean transB, int m, int n, int k,
      float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    if (m <= 0 || n <= 0) {
      return;
    }
    if (k <= 0 || alpha == 0f) {
      for (int i = 0; i < m; i++) {
        ScalarKernels.scaleOrClear(n, beta, c, cOff + i * ldc);
      }
      return;
    }
    boolean shared = workers != null && workers.threads() > 1;
    Workspace ws = WORKSPACE.get();
    if (MR == 8 && transA && !transB && n == MR && m % NR == 0 && !shared) {
      transposedTiles(m, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, ws.tile);
      return;
    }
    Job job = ws.job;
    job.set(transA, transB, m, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    int rowBlocks = (m + MC - 1) / MC;
    // B is not packed when it is one row-contiguous panel, or, for a transposed A read in place
    // with MR = 8 (kernelCols8), when its columns are whole panels: the long-k weight gradients
    boolean inPlaceB = !transB && n == NR && ldb == NR;
    boolean stridedB = !inPlaceB && MR == 8 && transA && !transB && n % NR == 0
        && n <= IN_PLACE_PANELS * NR;
    for (int jc = 0; jc < n; jc += NC) {
      int nc = Math.min(NC, n - jc);
      int ncPanels = (nc + NR - 1) / NR;
      int groups = shared ? Math.min(ncPanels, (MIN_CHUNKS + rowBlocks - 1) / rowBlocks) : 1;
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        float betaBlock = pc == 0 ? beta : 1f;
        if (inPlaceB) { // B is one packed panel already: rows of NR contiguous floats
          job.block(jc, nc, ncPanels, pc, kc, betaBlock, b, bOff + pc * NR, NR * kc, NR, groups);
        } else if (stridedB) { // B's rows read in place, NR floats at a time
          job.block(jc, nc, ncPanels, pc, kc, betaBlock, b, bOff + pc * ldb + jc, NR, ldb, groups);
        } else {
          job.block(jc, nc, ncPanels, pc, kc, betaBlock, ws.b(ncPanels * NR * kc), 0, NR * kc, NR,
              groups);
        }
        if (shared) {
          if (!inPlaceB && !stridedB) {
            workers.run((ncPanels + PACK_PANELS - 1) / PACK_PANELS, job.pack);
          }
          workers.run(rowBlocks * groups, job.compute);
        } else {
          if (!inPlaceB && !stridedB) {
            job.pack(0, ncPanels);
          }
          for (int ib = 0; ib < rowBlocks; ib++) {
            job.compute.accept(ib);
          }
        }
      }
    }
    job.clear();
  }

  /**
   * C = A B^T + bias on every row, A [m, k], B [n, k] and C [m, n] contiguous (a dense layer's
   * forward pass, {@link org.hebb4j.kernel.Kernels#gemmNTBias}): the bits of C = bias on every row
   * followed by {@link #gemm} with alpha = beta = 1 (spec/kernels.md#one-result), since each
   * element is fma(bias_j, 1, s) = bias_j + s. When one k block, MR = 8 and whole tiles cover C,
   * {@link #kernelRows8Bias} adds the bias at its store instead of C being filled with it
   * first and read back (a pass over C per layer, BENCHMARKS.md); otherwise it does just that.
   */
  static void gemmBias(int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
      float[] bias, int biasOff, float[] c, int cOff) {
    if (m <= 0 || n <= 0) {
      return;
    }
    if (!wholeTiles(m, n, k)) {
      for (int r = 0; r < m; r++) {
        System.arraycopy(bias, biasOff, c, cOff + r * n, n);
      }
      gemm(false, true, m, n, k, 1f, a, aOff, k, b, bOff, k, 1f, c, cOff, n);
      return;
    }
    int panels = n / NR;
    float[] pb = packedB(true, b, bOff, k, k, n);
    for (int ic = 0; ic < m; ic += MC) {
      int mc = Math.min(MC, m - ic);
      for (int jp = 0; jp < panels; jp++) {
        int j0 = jp * NR;
        for (int i0 = ic; i0 < ic + mc; i0 += MR) {
          int cTile = cOff + i0 * n + j0;
          if (MR == 8) {
            kernelRows8Bias(k, a, aOff + i0 * k, k, pb, jp * NR * k, bias, biasOff + j0, c,
                cTile, n);
          } else {
            kernelRows4Bias(k, a, aOff + i0 * k, k, pb, jp * NR * k, bias, biasOff + j0, c,
                cTile, n);
          }
        }
      }
    }
  }

  /**
   * Whether an m x n x k product with a narrow B runs as whole MR-row tiles against B packed
   * once, A read in place ({@link #gemmBias}, {@link #gemmBackward}): one k block, whole tiles,
   * at most {@link #IN_PLACE_PANELS} panels.
   */
  private static boolean wholeTiles(int m, int n, int k) {
    return k > 0 && k <= KC && m % MR == 0 && n % NR == 0 && n <= IN_PLACE_PANELS * NR;
  }

  /** The k x n B (or B^T, transB) packed into n / NR panels in this thread's workspace. */
  private static float[] packedB(boolean transB, float[] b, int bOff, int ldb, int k, int n) {
    int panels = n / NR;
    float[] pb = WORKSPACE.get().b(panels * NR * k);
    packB(transB, b, bOff, ldb, 0, k, 0, n, 0, panels, pb);
    return pb;
  }

  /**
   * C = (A B) * act'(a) from z = act(a), A [m, k], B [k, n], z and C [m, n] contiguous (a dense
   * layer's input gradient through the activation below it,
   * {@link org.hebb4j.kernel.Kernels#gemmNNBackwardFromOutput}): the bits of {@link #gemm} with
   * alpha 1 and beta 0 followed by (K9b) on C, since every element is its own chain and (K9b)
   * its own product (spec/kernels.md#one-result). With one k block, whole tiles and a narrow B
   * (the transformer's dz = dout W2), each MR rows of C are computed against the packed B, A read
   * in place, and multiplied by the derivative while they are in L1, instead of in a pass over C
   * and z after the product (BENCHMARKS.md); otherwise it does just that.
   */
  static void gemmBackward(Kernels kern, Activation act, int m, int n, int k, float[] a, int aOff,
      float[] b, int bOff, float[] z, int zOff, float[] c, int cOff) {
    if (m <= 0 || n <= 0) {
      return;
    }
    if (!wholeTiles(m, n, k)) {
      gemm(false, false, m, n, k, 1f, a, aOff, k, b, bOff, n, 0f, c, cOff, n);
      kern.activateBackwardFromOutput(act, m * n, z, zOff, c, cOff, c, cOff);
      return;
    }
    int panels = n / NR;
    float[] pb = packedB(false, b, bOff, n, k, n);
    float[] tile = WORKSPACE.get().tile;
    for (int i0 = 0; i0 < m; i0 += MR) {
      int cRow = cOff + i0 * n, aRow = aOff + i0 * k;
      for (int jp = 0; jp < panels; jp++) {
        if (MR == 8) { // alpha 1, beta 0: C = s, stored by the kernel itself
          kernelRows8(k, a, aRow, k, pb, jp * NR * k, 1f, 0f, c, cRow + jp * NR, n, tile);
        } else {
          kernelRows(k, a, aRow, k, pb, jp * NR * k, 1f, 0f, c, cRow + jp * NR, n);
        }
      }
      kern.activateBackwardFromOutput(act, MR * n, z, zOff + i0 * n, c, cRow, c, cRow);
    }
  }

  /**
   * One GEMM call: its arguments, the packed block of B being worked on, and the two chunk bodies
   * handed to the workers (created once per thread, so a call allocates nothing).
   */
  static final class Job {
    private boolean transA, transB;
    private int m, aOff, lda, bOff, ldb, cOff, ldc;
    private float alpha;
    private float[] a, b, c;
    private int jc, nc, ncPanels, pc, kc, groups, groupPanels;
    private float betaBlock;
    private float[] pb;
    private int pbOff, panelStep, bStride;

    /** Chunk i packs B panels [i PACK_PANELS, (i + 1) PACK_PANELS). */
    final IntConsumer pack = i -> pack(i * PACK_PANELS, Math.min(ncPanels, (i + 1) * PACK_PANELS));
    /** Chunk i computes row block i / groups of C against panel group i % groups. */
    final IntConsumer compute = this::compute;

    void set(boolean transA, boolean transB, int m, float alpha, float[] a, int aOff, int lda,
        float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
      this.transA = transA;
      this.transB = transB;
      this.m = m;
      this.alpha = alpha;
      this.a = a;
      this.aOff = aOff;
      this.lda = lda;
      this.b = b;
      this.bOff = bOff;
      this.ldb = ldb;
      this.c = c;
      this.cOff = cOff;
      this.ldc = ldc;
    }

    void block(int jc, int nc, int ncPanels, int pc, int kc, float betaBlock, float[] pb,
        int pbOff, int panelStep, int bStride, int groups) {
      this.jc = jc;
      this.nc = nc;
      this.ncPanels = ncPanels;
      this.pc = pc;
      this.kc = kc;
      this.betaBlock = betaBlock;
      this.pb = pb;
      this.pbOff = pbOff;
      this.panelStep = panelStep;
      this.bStride = bStride;
      this.groups = groups;
      this.groupPanels = (ncPanels + groups - 1) / groups;
    }

    void clear() {
      a = b = c = pb = null;
    }

    void pack(int jp0, int jp1) {
      packB(transB, b, bOff, ldb, pc, kc, jc, nc, jp0, jp1, pb);
    }

    private void compute(int chunk) {
      int ic = chunk / groups * MC;
      int jp0 = chunk % groups * groupPanels;
      int jp1 = Math.min(ncPanels, jp0 + groupPanels);
      if (jp0 >= jp1) {
        return;
      }
      Workspace ws = WORKSPACE.get();
      int mc = Math.min(MC, m - ic);
      int cBlock = cOff + ic * ldc + jc;
      // the choice depends on the whole block of B, never on the chunk, so the bits do not either
      if (ncPanels > IN_PLACE_PANELS) {
        float[] pa = ws.a((mc + MR - 1) / MR * MR * kc);
        packA(transA, a, aOff, lda, ic, mc, pc, kc, pa);
        panels(kc, pa, mc, pb, pbOff, jp0, jp1, nc, alpha, betaBlock, c, cBlock, ldc, ws.tile);
      } else if (transA) {
        colPanels(kc, a, aOff + pc * lda + ic, lda, mc, pb, pbOff, panelStep, bStride, jp0, jp1,
            nc, alpha, betaBlock, c, cBlock, ldc, ws);
      } else {
        rowPanels(kc, a, aOff + ic * lda + pc, lda, mc, pb, pbOff, jp0, jp1, nc, alpha,
            betaBlock, c, cBlock, ldc, ws);
      }
    }
  }

  /**
   * C = alpha A^T B + beta C for a B of n = MR columns (the weight gradient of an embedding with
   * few features), computed as its transpose C^T = B^T A, MR x NR at a time by {@link
   * #kernelCols8} with both operands read in place: B's rows are the MR values of a step, A's
   * rows NR columns of C. A product of floats does not depend on the order of its factors, so each
   * element is the chain of fused multiply-adds of {@link #gemm} (spec/kernels.md#one-result),
   * without padding eight columns of B to NR and packing them.
   */
  private static void transposedTiles(int m, int k, float alpha, float[] a, int aOff, int lda,
      float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc, float[] tile) {
    for (int pc = 0; pc < k; pc += KC) {
      int kc = Math.min(KC, k - pc);
      float betaBlock = pc == 0 ? beta : 1f;
      for (int i0 = 0; i0 < m; i0 += NR) {
        kernelCols8(kc, b, bOff + pc * ldb, ldb, a, aOff + pc * lda + i0, lda, alpha, 0f, tile, 0,
            NR, tile);
        if (!direct(alpha, 0f)) {
          finish(tile, alpha, 0f, tile, 0, NR);
        }
        for (int i = 0; i < NR; i++) { // tile[j][i] is C[i0 + i][j], as copyEdge rounds it
          int ci = cOff + (i0 + i) * ldc;
          for (int j = 0; j < MR; j++) {
            float t = tile[j * NR + i];
            c[ci + j] = betaBlock == 0f ? t : Math.fma(c[ci + j], betaBlock, t);
          }
        }
      }
    }
  }

  /**
   * Tiles of one mc x nc block of C against B panels [jp0, jp1), from packed A; alpha scales the
   * sums.
   */
  private static void panels(int kc, float[] pa, int mc, float[] pb, int pbOff, int jp0, int jp1,
      int nc, float alpha, float beta, float[] c, int cBlock, int ldc, float[] tile) {
    int mcPanels = (mc + MR - 1) / MR;
    for (int jp = jp0; jp < jp1; jp++) {
      int j0 = jp * NR;
      int cols = Math.min(NR, nc - j0);
      for (int ip = 0; ip < mcPanels; ip++) {
        int i0 = ip * MR;
        int rows = Math.min(MR, mc - i0);
        int cTile = cBlock + i0 * ldc + j0;
        int aPanel = ip * MR * kc, bPanel = pbOff + jp * NR * kc;
        if (rows == MR && cols == NR) {
          if (MR == 8) {
            kernel8(kc, pa, aPanel, pb, bPanel, alpha, beta, c, cTile, ldc, tile);
            if (!direct(alpha, beta)) {
              finish(tile, alpha, beta, c, cTile, ldc);
            }
          } else {
            kernel(kc, pa, aPanel, pb, bPanel, alpha, beta, c, cTile, ldc);
          }
        } else {
          if (MR == 8) {
            kernel8(kc, pa, aPanel, pb, bPanel, alpha, 0f, tile, 0, NR, tile);
            if (!direct(alpha, 0f)) {
              finish(tile, alpha, 0f, tile, 0, NR);
            }
          } else {
            kernel(kc, pa, aPanel, pb, bPanel, alpha, 0f, tile, 0, NR);
          }
          copyEdge(tile, rows, cols, beta, c, cTile, ldc);
        }
      }
    }
  }

  /**
   * The same with A not transposed: full MR-row panels are read in place (row r of the panel at
   * a[aRow + r lda + p]), which saves packing A, most of the cost of the skinny GEMMs of a
   * training step; a ragged last panel is packed alone. alpha is applied to the sums.
   */
  private static void rowPanels(int kc, float[] a, int aRow, int lda, int mc, float[] pb,
      int pbOff, int jp0, int jp1, int nc, float alpha, float beta, float[] c, int cBlock,
      int ldc, Workspace ws) {
    int full = mc / MR;
    for (int jp = jp0; jp < jp1; jp++) {
      int j0 = jp * NR;
      int cols = Math.min(NR, nc - j0);
      for (int ip = 0; ip < full; ip++) {
        int i0 = ip * MR;
        int cTile = cBlock + i0 * ldc + j0;
        int aPanel = aRow + i0 * lda;
        int bPanel = pbOff + jp * NR * kc;
        if (cols == NR) {
          if (MR == 8) {
            kernelRows8(kc, a, aPanel, lda, pb, bPanel, alpha, beta, c, cTile, ldc, ws.tile);
            if (!direct(alpha, beta)) {
              finish(ws.tile, alpha, beta, c, cTile, ldc);
            }
          } else {
            kernelRows(kc, a, aPanel, lda, pb, bPanel, alpha, beta, c, cTile, ldc);
          }
        } else {
          if (MR == 8) {
            kernelRows8(kc, a, aPanel, lda, pb, bPanel, alpha, 0f, ws.tile, 0, NR, ws.tile);
            if (!direct(alpha, 0f)) {
              finish(ws.tile, alpha, 0f, ws.tile, 0, NR);
            }
          } else {
            kernelRows(kc, a, aPanel, lda, pb, bPanel, alpha, 0f, ws.tile, 0, NR);
          }
          copyEdge(ws.tile, MR, cols, beta, c, cTile, ldc);
        }
      }
    }
    int rest = mc - full * MR;
    if (rest > 0) {
      float[] pa = ws.a(MR * kc);
      packRows(a, aRow + full * MR * lda, lda, rest, kc, pa);
      panels(kc, pa, rest, pb, pbOff, jp0, jp1, nc, alpha, beta, c, cBlock + full * MR * ldc,
          ldc, ws.tile);
    }
  }

  /**
   * The same with A transposed and read in place: the MR values of step p of a panel are
   * contiguous, at a[aCol + p lda + (0..MR-1)], and {@link #kernelCols} reads them there; a
   * ragged last panel is packed alone. alpha is applied to the sums. (One method for both
   * in-place cases, choosing the kernel per tile, made the SRE step 10% slower on JDK 17.)
   */
  private static void colPanels(int kc, float[] a, int aCol, int lda, int mc, float[] pb,
      int pbOff, int panelStep, int bStride, int jp0, int jp1, int nc, float alpha, float beta,
      float[] c, int cBlock, int ldc, Workspace ws) {
    int full = mc / MR;
    for (int jp = jp0; jp < jp1; jp++) {
      int j0 = jp * NR;
      int cols = Math.min(NR, nc - j0);
      int bPanel = pbOff + jp * panelStep;
      for (int ip = 0; ip < full; ip++) {
        int i0 = ip * MR;
        int cTile = cBlock + i0 * ldc + j0;
        if (cols == NR) {
          if (MR == 8) {
            kernelCols8(kc, a, aCol + i0, lda, pb, bPanel, bStride, alpha, beta, c, cTile, ldc,
                ws.tile);
            if (!direct(alpha, beta)) {
              finish(ws.tile, alpha, beta, c, cTile, ldc);
            }
          } else {
            kernelCols(kc, a, aCol + i0, lda, pb, bPanel, alpha, beta, c, cTile, ldc);
          }
        } else {
          if (MR == 8) {
            kernelCols8(kc, a, aCol + i0, lda, pb, bPanel, bStride, alpha, 0f, ws.tile, 0, NR,
                ws.tile);
            if (!direct(alpha, 0f)) {
              finish(ws.tile, alpha, 0f, ws.tile, 0, NR);
            }
          } else {
            kernelCols(kc, a, aCol + i0, lda, pb, bPanel, alpha, 0f, ws.tile, 0, NR);
          }
          copyEdge(ws.tile, MR, cols, beta, c, cTile, ldc);
        }
      }
    }
    int rest = mc - full * MR;
    if (rest > 0) {
      float[] pa = ws.a(MR * kc);
      packA(true, a, aCol + full * MR, lda, 0, rest, 0, kc, pa);
      int cRest = cBlock + full * MR * ldc;
      if (MR == 8) { // the packed panel is a transposed A with leading dimension MR
        for (int jp = jp0; jp < jp1; jp++) {
          int j0 = jp * NR;
          kernelCols8(kc, pa, 0, MR, pb, pbOff + jp * panelStep, bStride, alpha, 0f, ws.tile, 0,
              NR, ws.tile);
          if (!direct(alpha, 0f)) {
            finish(ws.tile, alpha, 0f, ws.tile, 0, NR);
          }
          copyEdge(ws.tile, rest, Math.min(NR, nc - j0), beta, c, cRest + j0, ldc);
        }
      } else {
        panels(kc, pa, rest, pb, pbOff, jp0, jp1, nc, alpha, beta, c, cRest, ldc, ws.tile);
      }
    }
  }

  /**
   * The micro-kernel for MR = 4: C[0:4, 0:NR] (at c[cOff], stride ldc) = alpha sum_p
   * pa[p][0:4] x pb[p][0:NR] + beta C. pa is an MR-interleaved panel (pa[aOff + p MR + r]), pb an
   * NR-interleaved one. Eight accumulators: with more (6 x 2 or 4 x 3 tiles), C2 spills the 16
   * vector registers of AVX2 on JDK 25 and runs at half speed.
   */
  private static void kernel(int kc, float[] pa, int aOff, float[] pb, int bOff,
      float alpha, float beta, float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00;
    FloatVector c10 = c00, c11 = c00;
    FloatVector c20 = c00, c21 = c00;
    FloatVector c30 = c00, c31 = c00;
    for (int p = 0; p < kc; p++) {
      int bp = bOff + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, pb, bp);
      FloatVector b1 = FloatVector.fromArray(S, pb, bp + L);
      int ap = aOff + p * MR;
      FloatVector a0 = FloatVector.broadcast(S, pa[ap]);
      c00 = a0.fma(b0, c00);
      c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, pa[ap + 1]);
      c10 = a1.fma(b0, c10);
      c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, pa[ap + 2]);
      c20 = a2.fma(b0, c20);
      c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, pa[ap + 3]);
      c30 = a3.fma(b0, c30);
      c31 = a3.fma(b1, c31);
    }
    // the store of the tile, written out in each kernel (see the note before copyEdge)
    if (alpha != 1f) {
      c00 = c00.mul(alpha);
      c01 = c01.mul(alpha);
      c10 = c10.mul(alpha);
      c11 = c11.mul(alpha);
      c20 = c20.mul(alpha);
      c21 = c21.mul(alpha);
      c30 = c30.mul(alpha);
      c31 = c31.mul(alpha);
    }
    int c1 = cOff + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
    if (beta != 0f) {
      FloatVector bv = FloatVector.broadcast(S, beta);
      c00 = FloatVector.fromArray(S, c, cOff).fma(bv, c00);
      c01 = FloatVector.fromArray(S, c, cOff + L).fma(bv, c01);
      c10 = FloatVector.fromArray(S, c, c1).fma(bv, c10);
      c11 = FloatVector.fromArray(S, c, c1 + L).fma(bv, c11);
      c20 = FloatVector.fromArray(S, c, c2).fma(bv, c20);
      c21 = FloatVector.fromArray(S, c, c2 + L).fma(bv, c21);
      c30 = FloatVector.fromArray(S, c, c3).fma(bv, c30);
      c31 = FloatVector.fromArray(S, c, c3 + L).fma(bv, c31);
    }
    c00.intoArray(c, cOff);
    c01.intoArray(c, cOff + L);
    c10.intoArray(c, c1);
    c11.intoArray(c, c1 + L);
    c20.intoArray(c, c2);
    c21.intoArray(c, c2 + L);
    c30.intoArray(c, c3);
    c31.intoArray(c, c3 + L);
  }

  /**
   * {@link #kernel} with a transposed A read in place: the MR values of step p are contiguous, at
   * a[aOff + p lda + r]. The same sums in the same order; alpha scales them at the store. (A
   * separate method: with the step an argument, C2 keeps the bounds checks in the loop, which
   * cost the packed kernel 2-5% at n = 1024.)
   */
  private static void kernelCols(int kc, float[] a, int aOff, int lda, float[] pb, int bOff,
      float alpha, float beta, float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00;
    FloatVector c10 = c00, c11 = c00;
    FloatVector c20 = c00, c21 = c00;
    FloatVector c30 = c00, c31 = c00;
    for (int p = 0; p < kc; p++) {
      int bp = bOff + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, pb, bp);
      FloatVector b1 = FloatVector.fromArray(S, pb, bp + L);
      int ap = aOff + p * lda;
      FloatVector a0 = FloatVector.broadcast(S, a[ap]);
      c00 = a0.fma(b0, c00);
      c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
      c10 = a1.fma(b0, c10);
      c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
      c20 = a2.fma(b0, c20);
      c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
      c30 = a3.fma(b0, c30);
      c31 = a3.fma(b1, c31);
    }
    // the store of the tile, written out in each kernel (see the note before copyEdge)
    if (alpha != 1f) {
      c00 = c00.mul(alpha);
      c01 = c01.mul(alpha);
      c10 = c10.mul(alpha);
      c11 = c11.mul(alpha);
      c20 = c20.mul(alpha);
      c21 = c21.mul(alpha);
      c30 = c30.mul(alpha);
      c31 = c31.mul(alpha);
    }
    int c1 = cOff + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
    if (beta != 0f) {
      FloatVector bv = FloatVector.broadcast(S, beta);
      c00 = FloatVector.fromArray(S, c, cOff).fma(bv, c00);
      c01 = FloatVector.fromArray(S, c, cOff + L).fma(bv, c01);
      c10 = FloatVector.fromArray(S, c, c1).fma(bv, c10);
      c11 = FloatVector.fromArray(S, c, c1 + L).fma(bv, c11);
      c20 = FloatVector.fromArray(S, c, c2).fma(bv, c20);
      c21 = FloatVector.fromArray(S, c, c2 + L).fma(bv, c21);
      c30 = FloatVector.fromArray(S, c, c3).fma(bv, c30);
      c31 = FloatVector.fromArray(S, c, c3 + L).fma(bv, c31);
    }
    c00.intoArray(c, cOff);
    c01.intoArray(c, cOff + L);
    c10.intoArray(c, c1);
    c11.intoArray(c, c1 + L);
    c20.intoArray(c, c2);
    c21.intoArray(c, c2 + L);
    c30.intoArray(c, c3);
    c31.intoArray(c, c3 + L);
  }

  /**
   * {@link #kernelRows} storing C = s + bias: column j of the tile gets bias[biasOff + j] added
   * to its sum, as fma(C, 1, s) with C = bias would ({@link #gemmBias}).
   */
  private static void kernelRows4Bias(int kc, float[] a, int aOff, int lda, float[] pb, int bOff,
      float[] bias, int biasOff, float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00;
    FloatVector c10 = c00, c11 = c00;
    FloatVector c20 = c00, c21 = c00;
    FloatVector c30 = c00, c31 = c00;
    int a0r = aOff, a1r = aOff + lda, a2r = aOff + 2 * lda, a3r = aOff + 3 * lda;
    for (int p = 0; p < kc; p++) {
      int bp = bOff + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, pb, bp);
      FloatVector b1 = FloatVector.fromArray(S, pb, bp + L);
      FloatVector a0 = FloatVector.broadcast(S, a[a0r + p]);
      c00 = a0.fma(b0, c00);
      c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, a[a1r + p]);
      c10 = a1.fma(b0, c10);
      c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, a[a2r + p]);
      c20 = a2.fma(b0, c20);
      c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, a[a3r + p]);
      c30 = a3.fma(b0, c30);
      c31 = a3.fma(b1, c31);
    }
    FloatVector d0 = FloatVector.fromArray(S, bias, biasOff);
    FloatVector d1 = FloatVector.fromArray(S, bias, biasOff + L);
    int c1 = cOff + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
    c00.add(d0).intoArray(c, cOff);
    c01.add(d1).intoArray(c, cOff + L);
    c10.add(d0).intoArray(c, c1);
    c11.add(d1).intoArray(c, c1 + L);
    c20.add(d0).intoArray(c, c2);
    c21.add(d1).intoArray(c, c2 + L);
    c30.add(d0).intoArray(c, c3);
    c31.add(d1).intoArray(c, c3 + L);
  }

  /**
   * {@link #kernel} with A read in place: row r of the MR x kc panel at a[aOff + r lda + p]. The
   * same sums in the same order; alpha scales them at the store.
   */
  private static void kernelRows(int kc, float[] a, int aOff, int lda, float[] pb, int bOff,
      float alpha, float beta, float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00;
    FloatVector c10 = c00, c11 = c00;
    FloatVector c20 = c00, c21 = c00;
    FloatVector c30 = c00, c31 = c00;
    int a0r = aOff, a1r = aOff + lda, a2r = aOff + 2 * lda, a3r = aOff + 3 * lda;
    for (int p = 0; p < kc; p++) {
      int bp = bOff + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, pb, bp);
      FloatVector b1 = FloatVector.fromArray(S, pb, bp + L);
      FloatVector a0 = FloatVector.broadcast(S, a[a0r + p]);
      c00 = a0.fma(b0, c00);
      c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, a[a1r + p]);
      c10 = a1.fma(b0, c10);
      c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, a[a2r + p]);
      c20 = a2.fma(b0, c20);
      c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, a[a3r + p]);
      c30 = a3.fma(b0, c30);
      c31 = a3.fma(b1, c31);
    }
    // the store of the tile, written out in each kernel (see the note before copyEdge)
    if (alpha != 1f) {
      c00 = c00.mul(alpha);
      c01 = c01.mul(alpha);
      c10 = c10.mul(alpha);
      c11 = c11.mul(alpha);
      c20 = c20.mul(alpha);
      c21 = c21.mul(alpha);
      c30 = c30.mul(alpha);
      c31 = c31.mul(alpha);
    }
    int c1 = cOff + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
    if (beta != 0f) {
      FloatVector bv = FloatVector.broadcast(S, beta);
      c00 = FloatVector.fromArray(S, c, cOff).fma(bv, c00);
      c01 = FloatVector.fromArray(S, c, cOff + L).fma(bv, c01);
      c10 = FloatVector.fromArray(S, c, c1).fma(bv, c10);
      c11 = FloatVector.fromArray(S, c, c1 + L).fma(bv, c11);
      c20 = FloatVector.fromArray(S, c, c2).fma(bv, c20);
      c21 = FloatVector.fromArray(S, c, c2 + L).fma(bv, c21);
      c30 = FloatVector.fromArray(S, c, c3).fma(bv, c30);
      c31 = FloatVector.fromArray(S, c, c3 + L).fma(bv, c31);
    }
    c00.intoArray(c, cOff);
    c01.intoArray(c, cOff + L);
    c10.intoArray(c, c1);
    c11.intoArray(c, c1 + L);
    c20.intoArray(c, c2);
    c21.intoArray(c, c2 + L);
    c30.intoArray(c, c3);
    c31.intoArray(c, c3 + L);
  }

  /**
   * {@link #kernel} for MR = 8 (512-bit vectors, 32 vector registers): sixteen accumulators, so
   * that two FMA ports with a latency of four cycles stay busy. The same sums in the same order.
   */
  private static void kernel8(int kc, float[] pa, int aOff, float[] pb, int bOff,
      float alpha, float beta, float[] c, int cOff, int ldc, float[] tile) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00;
    FloatVector c10 = c00, c11 = c00;
    FloatVector c20 = c00, c21 = c00;
    FloatVector c30 = c00, c31 = c00;
    FloatVector c40 = c00, c41 = c00;
    FloatVector c50 = c00, c51 = c00;
    FloatVector c60 = c00, c61 = c00;
    FloatVector c70 = c00, c71 = c00;
    for (int p = 0; p < kc; p++) {
      int bp = bOff + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, pb, bp);
      FloatVector b1 = FloatVector.fromArray(S, pb, bp + L);
      int ap = aOff + p * MR;
      FloatVector a0 = FloatVector.broadcast(S, pa[ap]);
      c00 = a0.fma(b0, c00);
      c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, pa[ap + 1]);
      c10 = a1.fma(b0, c10);
      c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, pa[ap + 2]);
      c20 = a2.fma(b0, c20);
      c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, pa[ap + 3]);
      c30 = a3.fma(b0, c30);
      c31 = a3.fma(b1, c31);
      FloatVector a4 = FloatVector.broadcast(S, pa[ap + 4]);
      c40 = a4.fma(b0, c40);
      c41 = a4.fma(b1, c41);
      FloatVector a5 = FloatVector.broadcast(S, pa[ap + 5]);
      c50 = a5.fma(b0, c50);
      c51 = a5.fma(b1, c51);
      FloatVector a6 = FloatVector.broadcast(S, pa[ap + 6]);
      c60 = a6.fma(b0, c60);
      c61 = a6.fma(b1, c61);
      FloatVector a7 = FloatVector.broadcast(S, pa[ap + 7]);
      c70 = a7.fma(b0, c70);
      c71 = a7.fma(b1, c71);
    }
    // C = s or C + s (= fma(C, 1, s)) straight away; else the sums go through the tile (see the
    // note before finish)
    boolean direct = direct(alpha, beta);
    float[] t = direct ? c : tile;
    int t0 = direct ? cOff : 0, ld = direct ? ldc : NR;
    int t1 = t0 + ld, t2 = t1 + ld, t3 = t2 + ld, t4 = t3 + ld, t5 = t4 + ld, t6 = t5 + ld;
    int t7 = t6 + ld;
    if (direct && beta == 1f) {
      c00 = c00.add(FloatVector.fromArray(S, c, t0));
      c01 = c01.add(FloatVector.fromArray(S, c, t0 + L));
      c10 = c10.add(FloatVector.fromArray(S, c, t1));
      c11 = c11.add(FloatVector.fromArray(S, c, t1 + L));
      c20 = c20.add(FloatVector.fromArray(S, c, t2));
      c21 = c21.add(FloatVector.fromArray(S, c, t2 + L));
      c30 = c30.add(FloatVector.fromArray(S, c, t3));
      c31 = c31.add(FloatVector.fromArray(S, c, t3 + L));
      c40 = c40.add(FloatVector.fromArray(S, c, t4));
      c41 = c41.add(FloatVector.fromArray(S, c, t4 + L));
      c50 = c50.add(FloatVector.fromArray(S, c, t5));
      c51 = c51.add(FloatVector.fromArray(S, c, t5 + L));
      c60 = c60.add(FloatVector.fromArray(S, c, t6));
      c61 = c61.add(FloatVector.fromArray(S, c, t6 + L));
      c70 = c70.add(FloatVector.fromArray(S, c, t7));
      c71 = c71.add(FloatVector.fromArray(S, c, t7 + L));
    }
    c00.intoArray(t, t0);
    c01.intoArray(t, t0 + L);
    c10.intoArray(t, t1);
    c11.intoArray(t, t1 + L);
    c20.intoArray(t, t2);
    c21.intoArray(t, t2 + L);
    c30.intoArray(t, t3);
    c31.intoArray(t, t3 + L);
    c40.intoArray(t, t4);
    c41.intoArray(t, t4 + L);
    c50.intoArray(t, t5);
    c51.intoArray(t, t5 + L);
    c60.intoArray(t, t6);
    c61.intoArray(t, t6 + L);
    c70.intoArray(t, t7);
    c71.intoArray(t, t7 + L);
  }

  /**
   * {@link #kernelCols} for MR = 8: the eight values of step p at a[aOff + p lda + r], and the
   * NR values of B at pb[bOff + p bStride + j] (bStride = NR for a packed panel, or B's leading
   * dimension when B is read in place). The same sums in the same order.
   */
  private static void kernelCols8(int kc, float[] a, int aOff, int lda, float[] pb, int bOff,
      int bStride, float alpha, float beta, float[] c, int cOff, int ldc, float[] tile) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00;
    FloatVector c10 = c00, c11 = c00;
    FloatVector c20 = c00, c21 = c00;
    FloatVector c30 = c00, c31 = c00;
    FloatVector c40 = c00, c41 = c00;
    FloatVector c50 = c00, c51 = c00;
    FloatVector c60 = c00, c61 = c00;
    FloatVector c70 = c00, c71 = c00;
    for (int p = 0; p < kc; p++) {
      int bp = bOff + p * bStride;
      FloatVector b0 = FloatVector.fromArray(S, pb, bp);
      FloatVector b1 = FloatVector.fromArray(S, pb, bp + L);
      int ap = aOff + p * lda;
      FloatVector a0 = FloatVector.broadcast(S, a[ap]);
      c00 = a0.fma(b0, c00);
      c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
      c10 = a1.fma(b0, c10);
      c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
      c20 = a2.fma(b0, c20);
      c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
      c30 = a3.fma(b0, c30);
      c31 = a3.fma(b1, c31);
      FloatVector a4 = FloatVector.broadcast(S, a[ap + 4]);
      c40 = a4.fma(b0, c40);
      c41 = a4.fma(b1, c41);
      FloatVector a5 = FloatVector.broadcast(S, a[ap + 5]);
      c50 = a5.fma(b0, c50);
      c51 = a5.fma(b1, c51);
      FloatVector a6 = FloatVector.broadcast(S, a[ap + 6]);
      c60 = a6.fma(b0, c60);
      c61 = a6.fma(b1, c61);
      FloatVector a7 = FloatVector.broadcast(S, a[ap + 7]);
      c70 = a7.fma(b0, c70);
      c71 = a7.fma(b1, c71);
    }
    // C = s or C + s (= fma(C, 1, s)) straight away; else the sums go through the tile (see the
    // note before finish)
    boolean direct = direct(alpha, beta);
    float[] t = direct ? c : tile;
    int t0 = direct ? cOff : 0, ld = direct ? ldc : NR;
    int t1 = t0 + ld, t2 = t1 + ld, t3 = t2 + ld, t4 = t3 + ld, t5 = t4 + ld, t6 = t5 + ld;
    int t7 = t6 + ld;
    if (direct && beta == 1f) {
      c00 = c00.add(FloatVector.fromArray(S, c, t0));
      c01 = c01.add(FloatVector.fromArray(S, c, t0 + L));
      c10 = c10.add(FloatVector.fromArray(S, c, t1));
      c11 = c11.add(FloatVector.fromArray(S, c, t1 + L));
      c20 = c20.add(FloatVector.fromArray(S, c, t2));
      c21 = c21.add(FloatVector.fromArray(S, c, t2 + L));
      c30 = c30.add(FloatVector.fromArray(S, c, t3));
      c31 = c31.add(FloatVector.fromArray(S, c, t3 + L));
      c40 = c40.add(FloatVector.fromArray(S, c, t4));
      c41 = c41.add(FloatVector.fromArray(S, c, t4 + L));
      c50 = c50.add(FloatVector.fromArray(S, c, t5));
      c51 = c51.add(FloatVector.fromArray(S, c, t5 + L));
      c60 = c60.add(FloatVector.fromArray(S, c, t6));
      c61 = c61.add(FloatVector.fromArray(S, c, t6 + L));
      c70 = c70.add(FloatVector.fromArray(S, c, t7));
      c71 = c71.add(FloatVector.fromArray(S, c, t7 + L));
    }
    c00.intoArray(t, t0);
    c01.intoArray(t, t0 + L);
    c10.intoArray(t, t1);
    c11.intoArray(t, t1 + L);
    c20.intoArray(t, t2);
    c21.intoArray(t, t2 + L);
    c30.intoArray(t, t3);
    c31.intoArray(t, t3 + L);
    c40.intoArray(t, t4);
    c41.intoArray(t, t4 + L);
    c50.intoArray(t, t5);
    c51.intoArray(t, t5 + L);
    c60.intoArray(t, t6);
    c61.intoArray(t, t6 + L);
    c70.intoArray(t, t7);
    c71.intoArray(t, t7 + L);
  }

  /** {@link #kernelRows} for MR = 8: row r of the 8 x kc panel at a[aOff + r lda + p]. */
  private static void kernelRows8(int kc, float[] a, int aOff, int lda, float[] pb, int bOff,
      float alpha, float beta, float[] c, int cOff, int ldc, float[] tile) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00;
    FloatVector c10 = c00, c11 = c00;
    FloatVector c20 = c00, c21 = c00;
    FloatVector c30 = c00, c31 = c00;
    FloatVector c40 = c00, c41 = c00;
    FloatVector c50 = c00, c51 = c00;
    FloatVector c60 = c00, c61 = c00;
    FloatVector c70 = c00, c71 = c00;
    int a0r = aOff, a1r = aOff + lda, a2r = aOff + 2 * lda, a3r = aOff + 3 * lda;
    int a4r = aOff + 4 * lda, a5r = aOff + 5 * lda, a6r = aOff + 6 * lda, a7r = aOff + 7 * lda;
    for (int p = 0; p < kc; p++) {
      int bp = bOff + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, pb, bp);
      FloatVector b1 = FloatVector.fromArray(S, pb, bp + L);
      FloatVector a0 = FloatVector.broadcast(S, a[a0r + p]);
      c00 = a0.fma(b0, c00);
      c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, a[a1r + p]);
      c10 = a1.fma(b0, c10);
      c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, a[a2r + p]);
      c20 = a2.fma(b0, c20);
      c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, a[a3r + p]);
      c30 = a3.fma(b0, c30);
      c31 = a3.fma(b1, c31);
      FloatVector a4 = FloatVector.broadcast(S, a[a4r + p]);
      c40 = a4.fma(b0, c40);
      c41 = a4.fma(b1, c41);
      FloatVector a5 = FloatVector.broadcast(S, a[a5r + p]);
      c50 = a5.fma(b0, c50);
      c51 = a5.fma(b1, c51);
      FloatVector a6 = FloatVector.broadcast(S, a[a6r + p]);
      c60 = a6.fma(b0, c60);
      c61 = a6.fma(b1, c61);
      FloatVector a7 = FloatVector.broadcast(S, a[a7r + p]);
      c70 = a7.fma(b0, c70);
      c71 = a7.fma(b1, c71);
    }
    // C = s or C + s (= fma(C, 1, s)) straight away; else the sums go through the tile (see the
    // note before finish)
    boolean direct = direct(alpha, beta);
    float[] t = direct ? c : tile;
    int t0 = direct ? cOff : 0, ld = direct ? ldc : NR;
    int t1 = t0 + ld, t2 = t1 + ld, t3 = t2 + ld, t4 = t3 + ld, t5 = t4 + ld, t6 = t5 + ld;
    int t7 = t6 + ld;
    if (direct && beta == 1f) {
      c00 = c00.add(FloatVector.fromArray(S, c, t0));
      c01 = c01.add(FloatVector.fromArray(S, c, t0 + L));
      c10 = c10.add(FloatVector.fromArray(S, c, t1));
      c11 = c11.add(FloatVector.fromArray(S, c, t1 + L));
      c20 = c20.add(FloatVector.fromArray(S, c, t2));
      c21 = c21.add(FloatVector.fromArray(S, c, t2 + L));
      c30 = c30.add(FloatVector.fromArray(S, c, t3));
      c31 = c31.add(FloatVector.fromArray(S, c, t3 + L));
      c40 = c40.add(FloatVector.fromArray(S, c, t4));
      c41 = c41.add(FloatVector.fromArray(S, c, t4 + L));
      c50 = c50.add(FloatVector.fromArray(S, c, t5));
      c51 = c51.add(FloatVector.fromArray(S, c, t5 + L));
      c60 = c60.add(FloatVector.fromArray(S, c, t6));
      c61 = c61.add(FloatVector.fromArray(S, c, t6 + L));
      c70 = c70.add(FloatVector.fromArray(S, c, t7));
      c71 = c71.add(FloatVector.fromArray(S, c, t7 + L));
    }
    c00.intoArray(t, t0);
    c01.intoArray(t, t0 + L);
    c10.intoArray(t, t1);
    c11.intoArray(t, t1 + L);
    c20.intoArray(t, t2);
    c21.intoArray(t, t2 + L);
    c30.intoArray(t, t3);
    c31.intoArray(t, t3 + L);
    c40.intoArray(t, t4);
    c41.intoArray(t, t4 + L);
    c50.intoArray(t, t5);
    c51.intoArray(t, t5 + L);
    c60.intoArray(t, t6);
    c61.intoArray(t, t6 + L);
    c70.intoArray(t, t7);
    c71.intoArray(t, t7 + L);
  }

  /**
   * {@link #kernelRows8} storing C = s + bias: column j of the tile gets bias[biasOff + j] added
   * to its sum, as fma(C, 1, s) with C = bias would ({@link #gemmBias}). A copy of kernelRows8
   * rather than a bias operand of it: the operand made the whole step 1-4% slower (BENCHMARKS.md,
   * the bias at the store).
   */
  private static void kernelRows8Bias(int kc, float[] a, int aOff, int lda, float[] pb, int bOff,
      float[] bias, int biasOff, float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00;
    FloatVector c10 = c00, c11 = c00;
    FloatVector c20 = c00, c21 = c00;
    FloatVector c30 = c00, c31 = c00;
    FloatVector c40 = c00, c41 = c00;
    FloatVector c50 = c00, c51 = c00;
    FloatVector c60 = c00, c61 = c00;
    FloatVector c70 = c00, c71 = c00;
    int a0r = aOff, a1r = aOff + lda, a2r = aOff + 2 * lda, a3r = aOff + 3 * lda;
    int a4r = aOff + 4 * lda, a5r = aOff + 5 * lda, a6r = aOff + 6 * lda, a7r = aOff + 7 * lda;
    for (int p = 0; p < kc; p++) {
      int bp = bOff + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, pb, bp);
      FloatVector b1 = FloatVector.fromArray(S, pb, bp + L);
      FloatVector a0 = FloatVector.broadcast(S, a[a0r + p]);
      c00 = a0.fma(b0, c00);
      c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, a[a1r + p]);
      c10 = a1.fma(b0, c10);
      c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, a[a2r + p]);
      c20 = a2.fma(b0, c20);
      c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, a[a3r + p]);
      c30 = a3.fma(b0, c30);
      c31 = a3.fma(b1, c31);
      FloatVector a4 = FloatVector.broadcast(S, a[a4r + p]);
      c40 = a4.fma(b0, c40);
      c41 = a4.fma(b1, c41);
      FloatVector a5 = FloatVector.broadcast(S, a[a5r + p]);
      c50 = a5.fma(b0, c50);
      c51 = a5.fma(b1, c51);
      FloatVector a6 = FloatVector.broadcast(S, a[a6r + p]);
      c60 = a6.fma(b0, c60);
      c61 = a6.fma(b1, c61);
      FloatVector a7 = FloatVector.broadcast(S, a[a7r + p]);
      c70 = a7.fma(b0, c70);
      c71 = a7.fma(b1, c71);
    }
    FloatVector d0 = FloatVector.fromArray(S, bias, biasOff);
    FloatVector d1 = FloatVector.fromArray(S, bias, biasOff + L);
    int t1 = cOff + ldc, t2 = t1 + ldc, t3 = t2 + ldc, t4 = t3 + ldc, t5 = t4 + ldc;
    int t6 = t5 + ldc, t7 = t6 + ldc;
    c00.add(d0).intoArray(c, cOff);
    c01.add(d1).intoArray(c, cOff + L);
    c10.add(d0).intoArray(c, t1);
    c11.add(d1).intoArray(c, t1 + L);
    c20.add(d0).intoArray(c, t2);
    c21.add(d1).intoArray(c, t2 + L);
    c30.add(d0).intoArray(c, t3);
    c31.add(d1).intoArray(c, t3 + L);
    c40.add(d0).intoArray(c, t4);
    c41.add(d1).intoArray(c, t4 + L);
    c50.add(d0).intoArray(c, t5);
    c51.add(d1).intoArray(c, t5 + L);
    c60.add(d0).intoArray(c, t6);
    c61.add(d1).intoArray(c, t6 + L);
    c70.add(d0).intoArray(c, t7);
    c71.add(d1).intoArray(c, t7 + L);
  }


  // The tile's store, C = alpha acc + beta C per row (beta == 0 does not read C, alpha == 1
  // skips the product), is written out at the end of each kernel rather than called: a call that
  // C2 does not inline receives its vectors boxed and runs the Vector API's Java fallback. C2
  // judged the call sites cold in the kernels compiled on stack replacement (long k loops, as the
  // transformer's dW = delta^T x over 1024 rows), which then spent most of their time there
  // (BENCHMARKS.md, the transformer step).

  // The 8-row kernels write C = s or C + s (alpha 1, beta 0 or 1: every GEMM of a training step)
  // from their registers, and otherwise store the sums to the tile, which their caller then hands
  // to finish: with the general store written out in the kernel as in the 4-row ones (32 more
  // vector operations), C2 ran out of its inlining budget for the method on JDK 17 and ran part of
  // the loop in the Vector API's Java fallback, which allocates (BENCHMARKS.md). finish is called
  // from outside the kernels so that its vector operations are never inlined into them.

  /**
   * Whether the 8-row kernels write C themselves (C = s, or C + s = fma(C, 1, s)) for this alpha
   * and beta; else they leave the sums in the tile and the caller calls {@link #finish}.
   */
  private static boolean direct(float alpha, float beta) {
    return alpha == 1f && (beta == 0f || beta == 1f);
  }

  /**
   * C[0:MR, 0:NR] (at c[cOff], stride ldc) = fma(C, beta, alpha s) for the sums s in tile
   * (stride NR); alpha == 1 skips the product, beta == 0 does not read C. c may be the tile itself.
   */
  private static void finish(float[] tile, float alpha, float beta, float[] c, int cOff, int ldc) {
    for (int r = 0; r < MR; r++) {
      int ci = cOff + r * ldc;
      FloatVector s0 = FloatVector.fromArray(S, tile, r * NR);
      FloatVector s1 = FloatVector.fromArray(S, tile, r * NR + L);
      if (alpha != 1f) {
        s0 = s0.mul(alpha);
        s1 = s1.mul(alpha);
      }
      if (beta != 0f) {
        FloatVector bv = FloatVector.broadcast(S, beta);
        s0 = FloatVector.fromArray(S, c, ci).fma(bv, s0);
        s1 = FloatVector.fromArray(S, c, ci + L).fma(bv, s1);
      }
      s0.intoArray(c, ci);
      s1.intoArray(c, ci + L);
    }
  }

  /** A ragged tile computed in full into {@code tile}: copies its rows x cols corner to C. */
  private static void copyEdge(float[] tile, int rows, int cols, float beta, float[] c, int cOff,
      int ldc) {
    for (int r = 0; r < rows; r++) {
      int ci = cOff + r * ldc;
      for (int j = 0; j < cols; j++) {
        float t = tile[r * NR + j];
        c[ci + j] = beta == 0f ? t : Math.fma(c[ci + j], beta, t); // as the kernels round it
      }
    }
  }

  /** Packs {@code rows} (< MR) rows of A, not transposed, as one MR panel; missing rows zero. */
  private static void packRows(float[] a, int aRow, int lda, int rows, int kc, float[] pa) {
    for (int r = 0; r < MR; r++) {
      for (int p = 0; p < kc; p++) {
        pa[p * MR + r] = r < rows ? a[aRow + r * lda + p] : 0f;
      }
    }
  }

  /**
   * Packs op(A)[i0:i0+mc, p0:p0+kc] as MR-row panels, each kc x MR with rows interleaved:
   * pa[panel MR kc + p MR + r] = op(A)(i0 + panel MR + r, p0 + p); rows past mc are zero.
   * Transposed, the MR values for one p are a contiguous run of A.
   */
  private static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int mc,
      int p0, int kc, float[] pa) {
    for (int ip = 0; ip * MR < mc; ip++) {
      int dst = ip * MR * kc;
      int rows = Math.min(MR, mc - ip * MR);
      if (transA && rows == MR) {
        int src = aOff + p0 * lda + i0 + ip * MR;
        for (int p = 0; p < kc; p++) {
          int sp = src + p * lda, d = dst + p * MR;
          for (int r = 0; r < MR; r++) {
            pa[d + r] = a[sp + r];
          }
        }
      } else if (transA) {
        int src = aOff + p0 * lda + i0 + ip * MR;
        for (int p = 0; p < kc; p++) {
          int s = src + p * lda, d = dst + p * MR;
          for (int r = 0; r < MR; r++) {
            pa[d + r] = r < rows ? a[s + r] : 0f;
          }
        }
      } else {
        for (int r = 0; r < MR; r++) {
          int src = aOff + (i0 + ip * MR + r) * lda + p0;
          for (int p = 0; p < kc; p++) {
            pa[dst + p * MR + r] = r < rows ? a[src + p] : 0f;
          }
        }
      }
    }
  }

  /**
   * Packs panels [jp0, jp1) of op(B)[p0:p0+kc, j0:j0+nc], each kc x NR:
   * pb[panel NR kc + p NR + j] = op(B)(p0 + p, j0 + panel NR + j); columns past nc are zero.
   */
  private static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc,
      int j0, int nc, int jp0, int jp1, float[] pb) {
    for (int jp = jp0; jp < jp1; jp++) {
      int dst = jp * NR * kc;
      int cols = Math.min(NR, nc - jp * NR);
      int jBase = j0 + jp * NR;
      if (!transB && cols == NR) {
        for (int p = 0; p < kc; p++) {
          int src = bOff + (p0 + p) * ldb + jBase;
          FloatVector.fromArray(S, b, src).intoArray(pb, dst + p * NR);
          FloatVector.fromArray(S, b, src + L).intoArray(pb, dst + p * NR + L);
        }
      } else if (!transB) { // two loops without a test per value (the narrow B of an embedding)
        for (int p = 0; p < kc; p++) {
          int src = bOff + (p0 + p) * ldb + jBase;
          int d = dst + p * NR;
          for (int j = 0; j < cols; j++) {
            pb[d + j] = b[src + j];
          }
          for (int j = cols; j < NR; j++) {
            pb[d + j] = 0f;
          }
        }
      } else {
        for (int j = 0; j < NR; j++) {
          if (j >= cols) {
            for (int p = 0; p < kc; p++) {
              pb[dst + p * NR + j] = 0f;
            }
            continue;
          }
          int src = bOff + (jBase + j) * ldb + p0;
          for (int p = 0; p < kc; p++) {
            pb[dst + p * NR + j] = b[src + p];
          }
        }
      }
    }
  }
}
