package org.hebb4j.kernel.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked SGEMM with the Vector API, spec/kernels.md#gemm (K11): C = alpha op(A) op(B) +
 * beta C.
 *
 * <p>The classic Goto/BLIS layout, kept small:
 *
 * <pre>
 * for jc in steps of NC over n:                         columns of C and B
 *   for pc in steps of KC over k:                       pack B[pc:pc+KC, jc:jc+NC] into NR-wide panels
 *     for ic in steps of MC over m:                     (transposed A: pack alpha A into MR-tall panels)
 *       for each NR panel of B, each MR panel of A:     micro-kernel: MR x NR tile of C
 * </pre>
 *
 * <p>B is always packed, through its transpose when transB, with the last panel padded with zeros.
 * A is packed (alpha folded in) when transposed or when the block of B is wide; a row-major A
 * against a narrow block ({@link #IN_PLACE_PANELS}) is read in place, MR rows at a time, and alpha
 * scales the sums at the store: packing it cost about a fifth of an SRE training step. A ragged
 * last row panel is packed alone, and ragged tiles are computed in full into a small tile and
 * copied back with a scalar loop (no masked loads or stores). The micro-kernel keeps an MR x NR =
 * 4 x (2 vectors) tile of C in 8 vector registers, accumulating over k with one broadcast of A and
 * two FMAs per row, and touches C once per k block. beta is applied at write-back of the first k
 * block only, and beta == 0 stores without reading C (NaN in C is not propagated), as in BLAS.
 *
 * <p>Workspace: the packed panels and the edge tile live in a per-thread {@link Workspace} held by a
 * {@link ThreadLocal}. Its arrays are grown (reallocated) only when a call needs more than they
 * hold, so steady-state calls allocate nothing. The largest it gets is KC * (MC + NC) floats plus
 * padding (about 2.2 MB with 256-bit vectors); it lives as long as the thread.
 */
final class VectorGemm {

  private VectorGemm() {}

  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();
  /** Rows of the C tile held in registers. */
  static final int MR = 4;
  /** Columns of the C tile held in registers: two vectors. */
  static final int NR = 2 * L;
  /**
   * Depth of one packed block. Each k block reads and writes the whole C tile once more, and on a
   * shared machine C often comes from a contended L3 or from memory, so a deep block (fewer passes
   * over C) measured 10-20% faster at n = 1024 and 2048 than 256 on JDK 17 and 25 (BENCHMARKS.md);
   * the KC x NR panel of B (32 KiB) is still read in order, which the L2 prefetcher covers.
   */
  static final int KC = 512;
  /** Rows of A packed at once (a multiple of MR): MC x KC floats (128 KiB) stay in L2. */
  static final int MC = 16 * MR;
  /** Columns of B packed at once (a multiple of NR). */
  static final int NC = NR * (1024 / NR);

  /**
   * A row-major A is read in place, not packed, when the block has at most this many NR panels of
   * B (n <= 128 with 256-bit vectors), so that each packed value would be used at most 8 times:
   * then packing costs more than it saves (the skinny GEMMs of a training step), while for wide
   * blocks the packed panel is faster (measured on JDK 17 at n = 1024, BENCHMARKS.md).
   */
  static final int IN_PLACE_PANELS = 8;

  /** Per-thread packing buffers, grown on demand and then reused. */
  static final class Workspace {
    float[] a = new float[0];
    float[] b = new float[0];
    final float[] tile = new float[MR * NR];

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

  static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    if (m <= 0 || n <= 0) {
      return;
    }
    if (k <= 0 || alpha == 0f) {
      for (int i = 0; i < m; i++) {
        scaleRow(n, beta, c, cOff + i * ldc);
      }
      return;
    }
    Workspace ws = WORKSPACE.get();
    for (int jc = 0; jc < n; jc += NC) {
      int nc = Math.min(NC, n - jc);
      int ncPanels = (nc + NR - 1) / NR;
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        float betaBlock = pc == 0 ? beta : 1f;
        float[] pb = ws.b(ncPanels * NR * kc);
        packB(transB, b, bOff, ldb, pc, kc, jc, nc, pb);
        for (int ic = 0; ic < m; ic += MC) {
          int mc = Math.min(MC, m - ic);
          int mcPanels = (mc + MR - 1) / MR;
          if (transA || ncPanels > IN_PLACE_PANELS) {
            float[] pa = ws.a(mcPanels * MR * kc);
            packA(transA, alpha, a, aOff, lda, ic, mc, pc, kc, pa);
            panels(kc, pa, mcPanels, mc, pb, ncPanels, nc, 1f, betaBlock, c,
                cOff + ic * ldc + jc, ldc, ws.tile);
          } else {
            rowPanels(kc, a, aOff + ic * lda + pc, lda, mc, pb, ncPanels, nc, alpha, betaBlock,
                c, cOff + ic * ldc + jc, ldc, ws);
          }
        }
      }
    }
  }

  /** Every MR x NR tile of one mc x nc block from packed A; alpha is already in pa. */
  private static void panels(int kc, float[] pa, int mcPanels, int mc, float[] pb, int ncPanels,
      int nc, float alpha, float beta, float[] c, int cBlock, int ldc, float[] tile) {
    for (int jp = 0; jp < ncPanels; jp++) {
      int j0 = jp * NR;
      int cols = Math.min(NR, nc - j0);
      for (int ip = 0; ip < mcPanels; ip++) {
        int i0 = ip * MR;
        int rows = Math.min(MR, mc - i0);
        int cTile = cBlock + i0 * ldc + j0;
        if (rows == MR && cols == NR) {
          kernel(kc, pa, ip * MR * kc, pb, jp * NR * kc, alpha, beta, c, cTile, ldc);
        } else {
          kernel(kc, pa, ip * MR * kc, pb, jp * NR * kc, alpha, 0f, tile, 0, NR);
          copyEdge(tile, rows, cols, beta, c, cTile, ldc);
        }
      }
    }
  }

  /**
   * The same block with A not transposed: full MR-row panels are read in place (row r of the
   * panel at a[aRow + r lda + p]), which saves packing A, most of the cost of the skinny GEMMs
   * of a training step; a ragged last panel is packed alone. alpha is applied to the sums.
   */
  private static void rowPanels(int kc, float[] a, int aRow, int lda, int mc, float[] pb,
      int ncPanels, int nc, float alpha, float beta, float[] c, int cBlock, int ldc,
      Workspace ws) {
    int full = mc / MR;
    for (int jp = 0; jp < ncPanels; jp++) {
      int j0 = jp * NR;
      int cols = Math.min(NR, nc - j0);
      for (int ip = 0; ip < full; ip++) {
        int i0 = ip * MR;
        int cTile = cBlock + i0 * ldc + j0;
        int aPanel = aRow + i0 * lda;
        if (cols == NR) {
          kernelRows(kc, a, aPanel, lda, pb, jp * NR * kc, alpha, beta, c, cTile, ldc);
        } else {
          kernelRows(kc, a, aPanel, lda, pb, jp * NR * kc, alpha, 0f, ws.tile, 0, NR);
          copyEdge(ws.tile, MR, cols, beta, c, cTile, ldc);
        }
      }
    }
    int rest = mc - full * MR;
    if (rest > 0) {
      float[] pa = ws.a(MR * kc);
      packRows(a, aRow + full * MR * lda, lda, rest, kc, pa);
      panels(kc, pa, 1, rest, pb, ncPanels, nc, alpha, beta, c, cBlock + full * MR * ldc, ldc,
          ws.tile);
    }
  }

  /**
   * The micro-kernel: C[0:MR, 0:NR] (at c[cOff], stride ldc) = sum_p pa[p][0:MR] x pb[p][0:NR] +
   * beta C. pa is an MR-interleaved panel (pa[aOff + p MR + r]), pb an NR-interleaved one. Eight
   * accumulators: with more (6 x 2 or 4 x 3 tiles), C2 spills on JDK 25 and runs at half speed.
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
    store(c00, c01, alpha, beta, c, cOff);
    store(c10, c11, alpha, beta, c, cOff + ldc);
    store(c20, c21, alpha, beta, c, cOff + 2 * ldc);
    store(c30, c31, alpha, beta, c, cOff + 3 * ldc);
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
    store(c00, c01, alpha, beta, c, cOff);
    store(c10, c11, alpha, beta, c, cOff + ldc);
    store(c20, c21, alpha, beta, c, cOff + 2 * ldc);
    store(c30, c31, alpha, beta, c, cOff + 3 * ldc);
  }

  /** One row of the tile: C = alpha acc + beta C; beta == 0 does not read C, alpha == 1 skips. */
  private static void store(FloatVector v0, FloatVector v1, float alpha, float beta, float[] c,
      int off) {
    if (alpha != 1f) {
      v0 = v0.mul(alpha);
      v1 = v1.mul(alpha);
    }
    if (beta != 0f) {
      FloatVector bv = FloatVector.broadcast(S, beta);
      v0 = FloatVector.fromArray(S, c, off).fma(bv, v0);
      v1 = FloatVector.fromArray(S, c, off + L).fma(bv, v1);
    }
    v0.intoArray(c, off);
    v1.intoArray(c, off + L);
  }

  /** A ragged tile computed in full into {@code tile}: copies its rows x cols corner to C. */
  private static void copyEdge(float[] tile, int rows, int cols, float beta, float[] c, int cOff,
      int ldc) {
    for (int r = 0; r < rows; r++) {
      int ci = cOff + r * ldc;
      for (int j = 0; j < cols; j++) {
        float t = tile[r * NR + j];
        c[ci + j] = beta == 0f ? t : t + beta * c[ci + j];
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
   * Packs alpha op(A)[i0:i0+mc, p0:p0+kc] as MR-row panels, each kc x MR with rows interleaved:
   * pa[panel MR kc + p MR + r] = alpha op(A)(i0 + panel MR + r, p0 + p); rows past mc are zero.
   * Transposed, the MR values for one p are a contiguous run of A.
   */
  private static void packA(boolean transA, float alpha, float[] a, int aOff, int lda, int i0,
      int mc, int p0, int kc, float[] pa) {
    for (int ip = 0; ip * MR < mc; ip++) {
      int dst = ip * MR * kc;
      int rows = Math.min(MR, mc - ip * MR);
      if (transA && rows == MR) { // written out for MR = 4
        int src = aOff + p0 * lda + i0 + ip * MR;
        for (int p = 0; p < kc; p++) {
          int sp = src + p * lda, d = dst + p * MR;
          pa[d] = alpha * a[sp];
          pa[d + 1] = alpha * a[sp + 1];
          pa[d + 2] = alpha * a[sp + 2];
          pa[d + 3] = alpha * a[sp + 3];
        }
      } else if (transA) {
        int src = aOff + p0 * lda + i0 + ip * MR;
        for (int p = 0; p < kc; p++) {
          int s = src + p * lda, d = dst + p * MR;
          for (int r = 0; r < MR; r++) {
            pa[d + r] = r < rows ? alpha * a[s + r] : 0f;
          }
        }
      } else {
        for (int r = 0; r < MR; r++) {
          int src = aOff + (i0 + ip * MR + r) * lda + p0;
          for (int p = 0; p < kc; p++) {
            pa[dst + p * MR + r] = r < rows ? alpha * a[src + p] : 0f;
          }
        }
      }
    }
  }

  /**
   * Packs op(B)[p0:p0+kc, j0:j0+nc] as NR-column panels, each kc x NR:
   * pb[panel NR kc + p NR + j] = op(B)(p0 + p, j0 + panel NR + j); columns past nc are zero.
   */
  private static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc,
      int j0, int nc, float[] pb) {
    for (int jp = 0; jp * NR < nc; jp++) {
      int dst = jp * NR * kc;
      int cols = Math.min(NR, nc - jp * NR);
      int jBase = j0 + jp * NR;
      if (!transB && cols == NR) {
        for (int p = 0; p < kc; p++) {
          int src = bOff + (p0 + p) * ldb + jBase;
          FloatVector.fromArray(S, b, src).intoArray(pb, dst + p * NR);
          FloatVector.fromArray(S, b, src + L).intoArray(pb, dst + p * NR + L);
        }
      } else if (!transB) {
        for (int p = 0; p < kc; p++) {
          int src = bOff + (p0 + p) * ldb + jBase;
          int d = dst + p * NR;
          for (int j = 0; j < NR; j++) {
            pb[d + j] = j < cols ? b[src + j] : 0f;
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

  /** BLAS beta on one row of C: beta == 0 clears without reading. */
  private static void scaleRow(int n, float beta, float[] c, int off) {
    if (beta == 0f) {
      java.util.Arrays.fill(c, off, off + n, 0f);
    } else if (beta != 1f) {
      for (int j = 0; j < n; j++) {
        c[off + j] *= beta;
      }
    }
  }
}
