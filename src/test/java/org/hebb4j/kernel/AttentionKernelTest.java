package org.hebb4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * (K22)-(K23) spec/kernels.md#attention: the vector path's attention core (lanes over batch rows)
 * gives the scalar reference's bits, for tokens 4 and 8 and others, 1 to 4 heads and other head
 * widths, batches that fill groups of every vector width and ragged ones, non-zero offsets,
 * scores large enough to saturate the softmax, and infinities and NaN (compared as NaN);
 * ThreadedKernels delegates; bad arguments fail with one line naming them.
 */
class AttentionKernelTest {

  private static final Kernels REF = KernelProvider.scalar();
  private static final Kernels VEC = KernelProvider.vector().orElse(null);

  /** The outputs of one forward and backward call: o, p, dq, dk, dv. */
  private static float[][] run(Kernels kern, int batch, int t, int heads, int dh, float alpha,
      float[][] in, int xOff, int pOff, int dsOff) {
    int n = xOff + batch * t * heads * dh;
    int np = pOff + batch * heads * t * t;
    float[] o = new float[n];
    float[] p = new float[np];
    double[] e = new double[np];
    float[] ds = new float[dsOff + batch * t * t];
    float[] dq = new float[n];
    float[] dk = new float[n];
    float[] dv = new float[n];
    kern.attention(batch, t, heads, dh, alpha, in[0], in[1], in[2], xOff, p, e, pOff, o);
    kern.attentionBackward(batch, t, heads, dh, alpha, in[0], in[1], in[2], in[3], xOff, p,
        pOff, ds, dsOff, dq, dk, dv);
    return new float[][] {o, p, dq, dk, dv};
  }

  private static float[][] inputs(Rng r, int n, float scale, boolean specials) {
    float[][] in = new float[4][n];
    for (float[] x : in) {
      for (int i = 0; i < n; i++) {
        x[i] = r.gaussianFloat() * scale;
      }
    }
    if (specials && n > 0) {
      in[0][r.nextInt(n)] = Float.POSITIVE_INFINITY;
      in[1][r.nextInt(n)] = Float.NaN;
      in[2][r.nextInt(n)] = -0f;
      in[3][r.nextInt(n)] = Float.MIN_VALUE;
    }
    return in;
  }

  private static void same(float[][] expected, float[][] actual, String what) {
    String[] names = {"o", "p", "dq", "dk", "dv"};
    for (int a = 0; a < expected.length; a++) {
      for (int i = 0; i < expected[a].length; i++) {
        if (Float.floatToIntBits(expected[a][i]) != Float.floatToIntBits(actual[a][i])) {
          assertEquals(expected[a][i], actual[a][i], 0f, what + " " + names[a] + "[" + i + "]");
          assertEquals(Float.floatToIntBits(expected[a][i]), Float.floatToIntBits(actual[a][i]),
              what + " " + names[a] + "[" + i + "] (sign of zero)");
        }
      }
    }
  }

  private static void check(Kernels kern, Rng r, int batch, int t, int heads, int dh,
      float scale, boolean specials) {
    int xOff = r.nextInt(5);
    int pOff = r.nextInt(5);
    int dsOff = r.nextInt(5);
    float[][] in = inputs(r, xOff + batch * t * heads * dh, scale, specials);
    float alpha = (float) (1.0 / Math.sqrt(dh));
    String what = kern.name() + " batch " + batch + " tokens " + t + " heads " + heads + " dh "
        + dh + " scale " + scale;
    same(run(REF, batch, t, heads, dh, alpha, in, xOff, pOff, dsOff),
        run(kern, batch, t, heads, dh, alpha, in, xOff, pOff, dsOff), what);
  }

  @Test
  void vectorGivesTheScalarBits() {
    Assumptions.assumeTrue(VEC != null, "Vector API kernels unavailable");
    Rng r = new Rng(22);
    // batches filling groups of 4, 8 and 16 lanes and ragged ones, at the model's shapes
    for (int batch : new int[] {1, 3, 4, 8, 15, 16, 17, 33, 48, 64}) {
      for (int t : new int[] {4, 8}) {
        for (int heads : new int[] {1, 4}) {
          check(VEC, r, batch, t, heads, 8, 1f, false);
        }
      }
    }
    // other shapes: odd tokens (the 2 x 4 blocks' edges, more than 8 terms in (K5a)), widths
    for (int trial = 0; trial < 60; trial++) {
      int t = 1 + r.nextInt(11);
      int heads = 1 + r.nextInt(4);
      int dh = 1 + r.nextInt(10);
      int batch = r.nextInt(40);
      check(VEC, r, batch, t, heads, dh, trial % 3 == 0 ? 30f : 1f, trial % 10 == 0);
    }
  }

  @Test
  void largeScoresAndSpecialsKeepTheBits() {
    Assumptions.assumeTrue(VEC != null, "Vector API kernels unavailable");
    Rng r = new Rng(23);
    for (float scale : new float[] {0f, 1e-20f, 100f, 1e20f}) {
      check(VEC, r, 32, 4, 4, 8, scale, false);
    }
    check(VEC, r, 32, 4, 4, 8, 1f, true);
  }

  @Test
  void threadedKernelsDelegate() {
    Rng r = new Rng(24);
    try (Workers w = new Workers(2)) {
      Kernels threaded = new ThreadedKernels(VEC != null ? VEC : REF, w);
      check(threaded, r, 37, 4, 4, 8, 1f, false);
    }
  }

  @Test
  void badArgumentsFailWithOneLine() {
    float[] x = new float[64];
    float[] p = new float[64];
    double[] e = new double[64];
    for (Kernels kern : new Kernels[] {REF, VEC != null ? VEC : REF}) {
      IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
          () -> kern.attention(1, 0, 1, 1, 1f, x, x, x, 0, p, e, 0, x));
      assertEquals("attention: tokens 0 < 1", a.getMessage());
      a = assertThrows(IllegalArgumentException.class,
          () -> kern.attention(-1, 1, 1, 1, 1f, x, x, x, 0, p, e, 0, x));
      assertEquals("attention: batch -1 < 0", a.getMessage());
      a = assertThrows(IllegalArgumentException.class,
          () -> kern.attention(2, 4, 2, 4, 1f, x, x, x, 1, p, e, 0, x));
      assertEquals("attention: q too short: needs 64 from offset 1, has 64", a.getMessage());
      a = assertThrows(IllegalArgumentException.class,
          () -> kern.attention(1, 4, 4, 1, 1f, x, x, x, 0, p, new double[8], 0, x));
      assertEquals("attention: e too short: needs 64, has 8", a.getMessage());
      a = assertThrows(IllegalArgumentException.class,
          () -> kern.attentionBackward(1, 2, 1, 1, 1f, x, x, x, x, 0, p, -1, x, 0, x, x, x));
      assertEquals("attentionBackward: pOff -1 < 0", a.getMessage());
      a = assertThrows(IllegalArgumentException.class,
          () -> kern.attentionBackward(1, 2, 1, 1, 1f, x, x, x, null, 0, p, 0, x, 0, x, x, x));
      assertEquals("attentionBackward: dO is null", a.getMessage());
      a = assertThrows(IllegalArgumentException.class,
          () -> kern.attentionBackward(1, 8, 1, 1, 1f, x, x, x, x, 0, p, 0, x, 1, x, x, x));
      assertEquals("attentionBackward: ds too short: needs 64 from offset 1, has 64",
          a.getMessage());
      a = assertThrows(IllegalArgumentException.class,
          () -> kern.attention(1, 1 << 16, 1 << 16, 1, 1f, x, x, x, 0, p, e, 0, x));
      assertEquals("attention: tokens 65536 x heads 65536 x dh 1 exceed an array",
          a.getMessage());
      // zero batch rows: nothing is touched, arrays may be null
      kern.attention(0, 4, 4, 8, 1f, null, null, null, 0, null, null, 0, null);
      kern.attentionBackward(0, 4, 4, 8, 1f, null, null, null, null, 0, null, 0, null, 0, null,
          null, null);
    }
  }

  /**
   * o, p, dq, dk, dv of forward calls on the batch row ranges cut at fwd and backward calls cut
   * at bwd (both from row 0 to batch), all with lanes of capacity batch + first from row first.
   */
  private static float[][] runLanes(Kernels kern, int batch, int t, int heads, int dh,
      float alpha, float[][] in, int first, int[] fwd, int[] bwd) {
    int row = t * heads * dh, probs = heads * t * t;
    int n = (first + batch) * row;
    int np = (first + batch) * probs;
    float[] o = new float[n];
    float[] p = new float[np];
    double[] e = new double[np];
    float[] ds = new float[(first + batch) * t * t];
    float[] dq = new float[n];
    float[] dk = new float[n];
    float[] dv = new float[n];
    AttentionLanes lanes = new AttentionLanes(first + batch, t, heads, dh);
    for (int c = 0; c + 1 < fwd.length; c++) {
      int b0 = first + fwd[c], rows = fwd[c + 1] - fwd[c];
      kern.attention(rows, t, heads, dh, alpha, in[0], in[1], in[2], b0 * row, p, e, b0 * probs,
          o, lanes);
    }
    for (int c = 0; c + 1 < bwd.length; c++) {
      int b0 = first + bwd[c], rows = bwd[c + 1] - bwd[c];
      kern.attentionBackward(rows, t, heads, dh, alpha, in[0], in[1], in[2], in[3], b0 * row, p,
          b0 * probs, ds, b0 * t * t, dq, dk, dv, lanes);
    }
    return new float[][] {o, p, dq, dk, dv};
  }

  @Test
  void lanesKeepTheBits() {
    Rng r = new Rng(25);
    try (Workers w = new Workers(2)) {
      Kernels[] kerns = VEC != null
          ? new Kernels[] {REF, VEC, new ThreadedKernels(VEC, w)} : new Kernels[] {REF};
      for (Kernels kern : kerns) {
        for (int batch : new int[] {1, 16, 17, 33, 64}) {
          for (int t : new int[] {4, 5}) {
            int heads = 1 + r.nextInt(4);
            int dh = 1 + r.nextInt(9);
            int first = r.nextInt(3);
            int row = t * heads * dh;
            float[][] in = inputs(r, (first + batch) * row, 1f, false);
            float alpha = (float) (1.0 / Math.sqrt(dh));
            float[][] ref = run(REF, batch, t, heads, dh, alpha, in, first * row,
                first * heads * t * t, first * t * t);
            // slice the expected outputs' rows from first as runLanes lays them out
            int cut = batch / 2;
            int[][] splits = {{0, batch}, {0, cut, batch}};
            for (int[] fwd : splits) {
              for (int[] bwd : splits) { // different cuts: groups the lanes do not hold
                String what = kern.name() + " lanes batch " + batch + " t " + t + " heads "
                    + heads + " dh " + dh + " forward cuts " + fwd.length + " backward cuts "
                    + bwd.length;
                same(ref, runLanes(kern, batch, t, heads, dh, alpha, in, first, fwd, bwd),
                    what);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void lanesFailWithOneLine() {
    float[] x = new float[4096];
    float[] p = new float[4096];
    double[] e = new double[4096];
    for (Kernels kern : new Kernels[] {REF, VEC != null ? VEC : REF}) {
      AttentionLanes lanes = new AttentionLanes(32, 4, 2, 4); // rows of 32 floats, P of 32
      IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
          () -> kern.attentionBackward(32, 4, 2, 4, 1f, x, x, x, x, 0, p, 0, x, 0, x, x, x,
              lanes));
      assertEquals("attentionBackward: batch row 0 has no forward pass in these lanes",
          a.getMessage());
      kern.attention(16, 4, 2, 4, 1f, x, x, x, 0, p, e, 0, x, lanes);
      kern.attentionBackward(16, 4, 2, 4, 1f, x, x, x, x, 0, p, 0, x, 0, x, x, x, lanes);
      a = assertThrows(IllegalArgumentException.class,
          () -> kern.attentionBackward(17, 4, 2, 4, 1f, x, x, x, x, 0, p, 0, x, 0, x, x, x,
              lanes));
      assertEquals("attentionBackward: batch row 16 has no forward pass in these lanes",
          a.getMessage());
      a = assertThrows(IllegalArgumentException.class,
          () -> kern.attention(1, 4, 4, 2, 1f, x, x, x, 0, p, e, 0, x, lanes));
      assertEquals("attention: lanes of 4 tokens x 2 heads x 4 for 4 x 4 x 2", a.getMessage());
      a = assertThrows(IllegalArgumentException.class,
          () -> kern.attention(1, 4, 2, 4, 1f, x, x, x, 32, p, e, 0, x, lanes));
      assertEquals("attention: with lanes, xOff 32 and pOff 0 must start the same batch row",
          a.getMessage());
      a = assertThrows(IllegalArgumentException.class,
          () -> kern.attention(2, 4, 2, 4, 1f, x, x, x, 31 * 32, p, e, 31 * 32, x, lanes));
      assertEquals("attention: batch rows 31 .. 32 exceed the lanes' capacity 32",
          a.getMessage());
      a = assertThrows(IllegalArgumentException.class,
          () -> kern.attentionBackward(1, 4, 2, 4, 1f, x, x, x, x, 0, p, 0, x, 0, x, x, x,
              null));
      assertEquals("attentionBackward: lanes is null", a.getMessage());
    }
    IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
        () -> new AttentionLanes(0, 4, 4, 8));
    assertEquals("attention lanes: capacity 0, tokens 4, heads 4, dh 8 must be at least 1",
        a.getMessage());
  }
}
