package org.hebb4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;

/** Threaded GEMM: the bits of the base kernels' single-threaded GEMM for 1, 2 and 3 threads. */
class ThreadedKernelsTest {

  /** Shapes split by rows, by columns, by panel groups, over several k and column blocks. */
  private static final int[][] SHAPES = {
      {300, 200, 80}, {60, 700, 110}, {256, 128, 32}, {33, 17, 5}, {70, 1100, 600},
      {1030, 36, 130}};

  @Test
  void sameBitsForEveryThreadCountAndEveryTranspose() {
    for (Kernels base : new Kernels[] {KernelProvider.get(), KernelProvider.scalar()}) {
      Rng r = new Rng(9);
      for (int[] s : SHAPES) {
        int m = s[0], n = s[1], k = s[2];
        for (int t = 0; t < 4; t++) {
          boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
          float[] a = ScalarKernelsTest.random(r, m * k), b = ScalarKernelsTest.random(r, k * n);
          float[] c0 = ScalarKernelsTest.random(r, m * n);
          float[] ref = c0.clone();
          base.gemm(ta, tb, m, n, k, 0.5f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0.25f, ref, 0, n);
          for (int threads = 1; threads <= 3; threads++) {
            try (Workers w = new Workers(threads)) {
              Kernels tk = new ThreadedKernels(base, w);
              float[] c = c0.clone();
              tk.gemm(ta, tb, m, n, k, 0.5f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0.25f, c, 0, n);
              assertArrayEquals(ref, c, base.name() + " threads=" + threads + " shape " + m + "x"
                  + n + "x" + k + " transA=" + ta + " transB=" + tb);
            }
          }
        }
      }
    }
  }

  /** Blocks inside larger arrays: offsets and leading dimensions wider than the block. */
  @Test
  void sameBitsForSubMatrices() {
    for (Kernels base : new Kernels[] {KernelProvider.get(), KernelProvider.scalar()}) {
      Rng r = new Rng(12);
      int m = 150, n = 330, k = 140;
      for (int t = 0; t < 4; t++) {
        boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
        int lda = (ta ? m : k) + 7, ldb = (tb ? k : n) + 3, ldc = n + 11;
        int aOff = 5, bOff = 9, cOff = 13;
        float[] a = ScalarKernelsTest.random(r, aOff + (ta ? k : m) * lda);
        float[] b = ScalarKernelsTest.random(r, bOff + (tb ? n : k) * ldb);
        float[] c0 = ScalarKernelsTest.random(r, cOff + m * ldc);
        float[] ref = c0.clone();
        base.gemm(ta, tb, m, n, k, -1.5f, a, aOff, lda, b, bOff, ldb, 0.5f, ref, cOff, ldc);
        try (Workers w = new Workers(2)) {
          float[] c = c0.clone();
          new ThreadedKernels(base, w).gemm(ta, tb, m, n, k, -1.5f, a, aOff, lda, b, bOff, ldb,
              0.5f, c, cOff, ldc);
          assertArrayEquals(ref, c, base.name() + " transA=" + ta + " transB=" + tb);
        }
      }
    }
  }

  @Test
  void oneThreadIsTheBaseItselfAndBlocksAreShapeOnly() {
    try (Workers w = new Workers(1)) {
      assertSame(KernelProvider.scalar(), ThreadedKernels.of(KernelProvider.scalar(), w));
    }
    assertEquals(64, ThreadedKernels.blockSize(1024));
    assertEquals(32, ThreadedKernels.blockSize(40));
  }

  /**
   * The first two shapes of {@link #sameBitsForEveryThreadCountAndEveryTranspose} really are
   * split, by rows (300 x 200: blocks of 32 rows) and by columns (60 x 700: blocks of 48
   * columns), so that test compares split products; a small GEMM runs as one call.
   */
  @Test
  void largeProductsAreSplitByRowsOrColumnsSmallOnesAreNot() {
    assertEquals("10 x [32, 200] x 80 transA=false", blocks(300, 200, 80, false));
    assertEquals("15 x [60, 48] x 110 transA=true", blocks(60, 700, 110, true));
    assertEquals("1 x [256, 128] x 32 transA=false", blocks(256, 128, 32, false));
  }

  /** "calls x the most common block" of the threaded GEMM on a recording scalar base. */
  private static String blocks(int m, int n, int k, boolean ta) {
    List<String> calls = new CopyOnWriteArrayList<>();
    Kernels counting = new ScalarKernels() {
      @Override
      public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
          float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
          float beta, float[] c, int cOff, int ldc) {
        calls.add("[" + m + ", " + n + "] x " + k + " transA=" + transA);
      }
    };
    try (Workers w = new Workers(2)) {
      new ThreadedKernels(counting, w).gemm(ta, false, m, n, k, 1f, new float[m * k], 0,
          ta ? m : k, new float[k * n], 0, n, 0f, new float[m * n], 0, n);
    }
    // every block but the last has the full block size
    String common = calls.stream()
        .max(Comparator.comparingInt(x -> Collections.frequency(calls, x))).orElseThrow();
    return calls.size() + " x " + common;
  }
}
