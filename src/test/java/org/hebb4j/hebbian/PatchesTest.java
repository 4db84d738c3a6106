package org.hebb4j.hebbian;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.hebb4j.kernel.Conv2dShape;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;

class PatchesTest {

  /** im2row is the transpose of im2col (K18), and addPatch adds row pos of it. */
  @Test
  void im2rowIsTheTransposedPanelAndAddPatchAddsOneRow() {
    Rng r = new Rng(31);
    for (int trial = 0; trial < 30; trial++) {
      int kh = 1 + r.nextInt(4), kw = 1 + r.nextInt(4), st = 1 + r.nextInt(3), pad = r.nextInt(3);
      int h = Math.max(1, kh - 2 * pad) + r.nextInt(6), w = Math.max(1, kw - 2 * pad) + r.nextInt(6);
      Conv2dShape s = new Conv2dShape(2, 1 + r.nextInt(3), h, w, 1, kh, kw, st, pad);
      float[] x = new float[s.inputSize()];
      for (int i = 0; i < x.length; i++) {
        x[i] = r.uniformFloat();
      }
      int img = s.c() * h * w, p = s.positions(), q = s.patchSize();
      float[] col = new float[s.colSize()], rows = new float[3 + p * q];
      org.hebb4j.kernel.Conv2d.im2col(s, x, img, col);
      Patches.im2row(s, x, img, rows, 3);
      for (int pos = 0; pos < p; pos++) {
        float[] acc = new float[q];
        Patches.addPatch(s, x, img, pos, acc, 0);
        for (int t = 0; t < q; t++) {
          assertEquals(col[t * p + pos], rows[3 + pos * q + t], s.toString());
          assertEquals(col[t * p + pos], acc[t], s.toString());
        }
      }
    }
  }
}
