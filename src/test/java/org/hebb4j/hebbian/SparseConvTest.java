package org.hebb4j.hebbian;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.hebb4j.kernel.Conv2dShape;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;

class SparseConvTest {

  static final Kernels K = KernelProvider.get();

  /** The masked sparse convolution equals the dense one (K12) on the masked weights. */
  @Test
  void sparseEqualsDenseOnMaskedWeights() {
    Rng r = new Rng(12);
    for (int trial = 0; trial < 20; trial++) {
      int kh = 1 + r.nextInt(4), stride = 1 + r.nextInt(3), pad = r.nextInt(3);
      int h = Math.max(1, kh - 2 * pad) + r.nextInt(7), w = Math.max(1, kh - 2 * pad) + r.nextInt(7);
      Conv2dShape s = new Conv2dShape(1, 1 + r.nextInt(3), h, w, 1 + r.nextInt(5), kh, kh, stride,
          pad);
      float[] x = new float[s.inputSize()], wt = new float[s.weightSize()];
      float[] mask = new float[s.weightSize()];
      for (int i = 0; i < x.length; i++) {
        x[i] = r.uniformFloat() - 0.5f;
      }
      for (int i = 0; i < wt.length; i++) {
        mask[i] = r.uniformFloat() < 0.3f ? 1f : 0f;
        wt[i] = mask[i] * (r.uniformFloat() - 0.5f);
      }
      float[] dense = new float[s.outputSize()], sp = new float[s.outputSize()];
      K.conv2dForward(s, x, wt, null, dense, new float[s.colSize()]);
      SparseConv sc = new SparseConv(s, mask);
      sc.forward(wt, x, 0, sp);
      for (int i = 0; i < dense.length; i++) {
        assertEquals(dense[i], sp[i], 1e-5, s.toString());
      }
      // the contiguous stride-1 form performs the same additions in the same order
      float[] sp2 = new float[s.outputSize()];
      sc.forward(wt, x, 0, sp2, new float[Math.max(1, sc.scratchSize())]);
      org.junit.jupiter.api.Assertions.assertArrayEquals(sp, sp2, s.toString());
    }
  }
}
