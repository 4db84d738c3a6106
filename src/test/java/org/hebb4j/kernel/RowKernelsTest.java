package org.hebb4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;

/**
 * The sum of rows (K24), the layer norm kernels on a range of rows (K19)-(K20) and (K20)'s
 * parameter gradients alone, on the scalar kernels and, when the Vector API is there, the vector
 * kernels: bit for bit against their definitions (m axpys with alpha 1; one whole-batch layer
 * norm call), on ragged widths, at
 * offsets, with leading dimensions larger than the rows, in place, and leaving every element
 * outside the call's rows untouched (the vector layer norm stores whole vectors).
 */
class RowKernelsTest {

  private static final Kernels REF = KernelProvider.scalar();

  private static List<Kernels> kernels() {
    List<Kernels> l = new ArrayList<>();
    l.add(REF);
    KernelProvider.vector().ifPresent(l::add);
    return l;
  }

  private static float[] random(Rng r, int n, float scale) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (2 * r.uniformFloat() - 1) * scale;
    }
    return x;
  }

  @Test
  void addRowsIsAnAxpyWithAlphaOnePerRowInRowOrder() {
    Rng r = new Rng(5);
    float[] edges = {0f, -0f, Float.MIN_VALUE, 3e38f, 3e38f, Float.POSITIVE_INFINITY, Float.NaN,
        -1e-30f};
    for (int m : new int[] {0, 1, 3, 17, 64, 257}) {
      for (int n : new int[] {0, 1, 3, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 128, 130}) {
        int lda = n + 3, aOff = 5, yOff = 2;
        float[] a = random(r, aOff + m * lda + 4, 2f);
        if (m > 2 && n > 0) {
          for (int e = 0; e < edges.length; e++) {
            a[aOff + (e % m) * lda + e % n] = edges[e];
          }
        }
        float[] y0 = random(r, yOff + n + 7, 1f);
        float[] want = y0.clone();
        for (int i = 0; i < m; i++) {
          REF.axpy(n, 1f, a, aOff + i * lda, want, yOff);
        }
        for (Kernels k : kernels()) {
          float[] y = y0.clone();
          k.addRows(m, n, a, aOff, lda, y, yOff);
          assertArrayEquals(want, y, k.name() + " addRows m=" + m + " n=" + n);
        }
      }
    }
  }

  @Test
  void addRowsChecksItsArguments() {
    for (Kernels k : kernels()) {
      float[] a = new float[12], y = new float[4];
      assertTrue(assertThrows(IllegalArgumentException.class,
          () -> k.addRows(3, 4, a, 1, 4, y, 0)).getMessage().startsWith("addRows: a too short"));
      assertTrue(assertThrows(IllegalArgumentException.class,
          () -> k.addRows(3, 4, a, 0, 3, y, 0)).getMessage().contains("lda 3 < n 4"));
      assertTrue(assertThrows(IllegalArgumentException.class,
          () -> k.addRows(3, 4, a, 0, 4, y, 1)).getMessage().startsWith("addRows: y too short"));
      assertThrows(IllegalArgumentException.class, () -> k.addRows(-1, 4, a, 0, 4, y, 0));
      k.addRows(0, 4, null, 0, 4, null, 0); // empty: nothing touched
    }
  }

  /** Ranges of rows whose union is [0, 23), in order. */
  private static final int[][] CUTS = {{0, 5}, {5, 1}, {6, 11}, {17, 6}};

  @Test
  void layerNormOnRowRangesHasTheBitsOfOneCallAndTouchesNothingElse() {
    Rng r = new Rng(6);
    int rows = 23;
    for (int dim : new int[] {1, 5, 8, 12, 16, 24, 32, 40, 64}) {
      int n = rows * dim;
      float[] x = random(r, n, 3f), dy = random(r, n, 1f);
      x[2 * dim] = 1e30f;
      x[n - 1] = Float.NaN;
      float[] g = random(r, dim, 2f), b = random(r, dim, 1f);
      // the reference: one call over every row on the scalar kernels
      float[] xhat = new float[n], y = new float[n], dx = new float[n];
      double[] rstd = new double[rows];
      float[] dg = random(r, dim, 1f), db = random(r, dim, 1f);
      float[] dg0 = dg.clone(), db0 = db.clone();
      REF.layerNorm(rows, dim, 1e-5f, x, g, b, xhat, rstd, y);
      REF.layerNormBackward(rows, dim, dy, xhat, rstd, g, dg, db, new float[dim], dx);
      for (Kernels k : kernels()) {
        String what = k.name() + " dim=" + dim;
        float[] xh2 = filled(n), y2 = filled(n), dx2 = filled(n);
        double[] rs2 = new double[rows];
        Arrays.fill(rs2, -7.0);
        float[] dg2 = dg0.clone(), db2 = db0.clone();
        // one range alone: nothing outside its rows is written
        int[] c = CUTS[2];
        k.layerNorm(c[0], c[1], dim, 1e-5f, x, g, b, xh2, rs2, y2);
        k.layerNormBackward(c[0], c[1], dim, dy, xhat, rstd, g, dg2.clone(), db2.clone(),
            new float[dim], dx2);
        for (int i = 0; i < n; i++) {
          boolean inside = i >= c[0] * dim && i < (c[0] + c[1]) * dim;
          if (!inside) {
            assertEquals(-7f, xh2[i], what + " xhat[" + i + "] outside the rows");
            assertEquals(-7f, y2[i], what + " y[" + i + "] outside the rows");
            assertEquals(-7f, dx2[i], what + " dx[" + i + "] outside the rows");
          }
        }
        for (int[] cut : CUTS) {
          k.layerNorm(cut[0], cut[1], dim, 1e-5f, x, g, b, xh2, rs2, y2);
          k.layerNormBackward(cut[0], cut[1], dim, dy, xhat, rstd, g, dg2, db2, new float[dim],
              dx2);
        }
        assertArrayEquals(xhat, xh2, what + " xhat");
        assertArrayEquals(y, y2, what + " y");
        assertArrayEquals(rstd, rs2, what + " rstd");
        assertArrayEquals(dx, dx2, what + " dx");
        assertArrayEquals(dg, dg2, what + " dgamma (the ranges in row order)");
        assertArrayEquals(db, db2, what + " dbeta");
        float[] dg3 = dg0.clone(), db3 = db0.clone();
        k.layerNormParamGradients(rows, dim, dy, xhat, dg3, db3);
        assertArrayEquals(dg, dg3, what + " dgamma alone");
        assertArrayEquals(db, db3, what + " dbeta alone");
        // in place: y over x, dx over dy, by ranges and whole
        float[] xy = x.clone(), dydx = dy.clone();
        for (int[] cut : CUTS) {
          k.layerNorm(cut[0], cut[1], dim, 1e-5f, xy, g, b, xh2, rs2, xy);
          k.layerNormBackward(cut[0], cut[1], dim, dydx, xhat, rstd, g, dg0.clone(),
              db0.clone(), new float[dim], dydx);
        }
        assertArrayEquals(y, xy, what + " y in place");
        assertArrayEquals(dx, dydx, what + " dx in place");
        xy = x.clone();
        dydx = dy.clone();
        k.layerNorm(rows, dim, 1e-5f, xy, g, b, xh2, rs2, xy);
        k.layerNormBackward(rows, dim, dydx, xhat, rstd, g, dg0.clone(), db0.clone(),
            new float[dim], dydx);
        assertArrayEquals(y, xy, what + " y in place, one call");
        assertArrayEquals(dx, dydx, what + " dx in place, one call");
      }
    }
  }

  private static float[] filled(int n) {
    float[] a = new float[n];
    Arrays.fill(a, -7f);
    return a;
  }

  @Test
  void layerNormOnRowRangesChecksItsArguments() {
    for (Kernels k : kernels()) {
      float[] x = new float[4 * 8], g = new float[8], xh = new float[4 * 8], y = new float[4 * 8];
      double[] rs = new double[4];
      String m = assertThrows(IllegalArgumentException.class,
          () -> k.layerNorm(-1, 2, 8, 1e-5f, x, g, g, xh, rs, y)).getMessage();
      assertEquals("layerNorm: row0 -1 < 0", m);
      m = assertThrows(IllegalArgumentException.class,
          () -> k.layerNorm(3, 2, 8, 1e-5f, x, g, g, xh, rs, y)).getMessage();
      assertTrue(m.startsWith("layerNorm: x too short"), m);
      m = assertThrows(IllegalArgumentException.class,
          () -> k.layerNormBackward(3, 2, 8, x, xh, rs, g, g, g, g, y)).getMessage();
      assertTrue(m.startsWith("layerNormBackward: dy too short"), m);
      k.layerNorm(9, 0, 8, 1e-5f, null, g, g, null, null, null); // no rows: nothing touched
      m = assertThrows(IllegalArgumentException.class,
          () -> k.layerNormParamGradients(5, 8, x, xh, g, g)).getMessage();
      assertTrue(m.startsWith("layerNormParamGradients: dy too short"), m);
      m = assertThrows(IllegalArgumentException.class,
          () -> k.layerNormParamGradients(4, 8, x, xh, new float[7], g)).getMessage();
      assertTrue(m.startsWith("layerNormParamGradients: dgamma too short"), m);
      k.layerNormParamGradients(0, 8, null, null, g, g);
    }
  }
}
