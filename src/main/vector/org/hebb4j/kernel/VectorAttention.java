package org.hebb4j.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The attention core (spec/kernels.md#attention (K22)-(K23)) in vector lanes over batch rows:
 * lane l of every vector belongs to batch row {@code b + l} of a group of L consecutive rows, so
 * each lane performs exactly the scalar reference's ({@link AttentionCore}) IEEE operations on
 * its own elements, in the same order (the fma chains over the inner index from +0, the maximum,
 * the double exponents, (K21), the double sums, the roundings), and the bits are the reference's.
 * Nothing is summed across lanes.
 *
 * <p>Per group, q, k, v (dO, P) are copied into per-thread lane-major matrices ({@code
 * [token][column][lane]}, one vector per element), the products run on those in 4 x 4 (2 x 4)
 * blocks of elements, and o, P, dq, dk, dv are copied back into the row layout [batch, tokens,
 * dim] that the linear maps and the parameter gradients use. At 512 bits the copies transpose
 * 16 x 16 blocks in vectors ({@link #transpose}: rotations and blends by constant shuffles and
 * masks), else they are scalar; the Vector API's gather ran its Java fallback on JDK 17. The
 * double parts (the softmax, dS) take half a float vector
 * at a time as double lanes, with part-0 conversions of the kernels' own species only (as {@link
 * VectorLayerNorm}): the float matrices are padded by L floats so that the half from lane DL
 * loads whole, and a double vector rounds back into the low DL lanes of a float vector, stored
 * whole (the element's high half, stored next, overwrites the rest). Each conversion is written
 * out in the method that uses it: through a helper taking a vector, C2 compiled the helper alone
 * when it did not inline it, lost the constant species and ran the Java fallback. The
 * exponentials of all groups take one (K21) call, in the caller's e (lane-major within each
 * group's block). The batch rows after the last full group take the scalar reference. Vectors
 * are never passed to methods (C2 would box them where it does not inline). With {@link
 * AttentionLanes}, the forward pass writes each group's lane-major q, k, v there (and copies P
 * there) and the backward pass reads them there instead of gathering them again
 * (spec/kernels.md#attention).
 */
final class VectorAttention {

  private VectorAttention() {}

  private static final VectorSpecies<Float> S = VectorKernels.S;
  /** Float lanes: batch rows per group. */
  private static final int L = S.length();
  /** Double lanes of the kernels' width (part-0 conversions of S only, as VectorLayerNorm). */
  private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, S.vectorShape());
  private static final int DL = D.length();

  /** One thread's lane-major matrices, grown on demand and then reused. */
  private static final class Scratch {
    /** [tokens][dim][L]: q, k, v, dO of a group; o, dv, dq, dk on their way out. */
    float[] q = new float[0];
    float[] k = new float[0];
    float[] v = new float[0];
    float[] d = new float[0];
    float[] out = new float[0];
    /** [heads][tokens][tokens][L]: S or dP, P, dS. */
    float[] s = new float[0];
    float[] p = new float[0];
    float[] g = new float[0];
    /** Per lane: a row's maximum (float), 1 / sum or the row sum of dP P (double). */
    final float[] m = new float[2 * L]; // padded: the half from lane DL loads whole
    final double[] w = new double[L];
    /** The eight partial sums of (K5a), DL lanes each. */
    final double[] part = new double[8 * L];

    Scratch size(int t, int heads, int dh) {
      int rows = t * heads * dh * L;
      int probs = heads * t * t * L + L; // padded: a half vector loads whole
      if (q.length < rows) {
        q = new float[rows];
        k = new float[rows];
        v = new float[rows];
        d = new float[rows];
        out = new float[rows];
      }
      if (s.length < probs) {
        s = new float[probs];
        p = new float[probs];
        g = new float[probs];
      }
      return this;
    }
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /** (K22); arguments checked by the caller. kern gives the scalar rows their (K21). */
  static void forward(Kernels kern, int batch, int t, int heads, int dh, float alpha, float[] q,
      float[] k, float[] v, int xOff, float[] p, double[] e, int pOff, float[] o) {
    forward(kern, batch, t, heads, dh, alpha, q, k, v, xOff, p, e, pOff, o, null, 0);
  }

  /**
   * (K22), keeping each group's lane-major q, k, v and P in lanes (when not null) from batch
   * row {@code first} of the lanes, and marking its rows; arguments checked by the caller.
   */
  static void forward(Kernels kern, int batch, int t, int heads, int dh, float alpha, float[] q,
      float[] k, float[] v, int xOff, float[] p, double[] e, int pOff, float[] o,
      AttentionLanes lanes, int first) {
    int full = batch - batch % L; // the rows that fill groups; the rest: the scalar reference
    if (full > 0) {
      Scratch s = SCRATCH.get().size(t, heads, dh);
      int dim = heads * dh;
      int rows = t * dim; // a batch row's elements in q, k, v, o
      int probs = heads * t * t; // in p
      // three passes, as the reference: the exponents of every group into e (its lane-major
      // blocks), one (K21) call for them all, then the probabilities and the outputs
      for (int b = 0; b < full; b += L) {
        int x0 = xOff + b * rows;
        // with lanes, q, k, v go straight to their place there (kept for the backward pass)
        float[] qa = lanes != null ? lanes.q : s.q;
        float[] ka = lanes != null ? lanes.k : s.k;
        int lo = lanes != null ? (first + b) * rows : 0;
        gather(rows, q, x0, qa, lo);
        gather(rows, k, x0, ka, lo);
        for (int j = 0; j < heads; j++) { // S_j = alpha q_j k_j^T
          product(t, t, dh, alpha, qa, lo + j * dh * L, dim, 1, ka, lo + j * dh * L, 1, dim,
              s.s, j * t * t * L, t);
        }
        exponents(heads * t, t, s.s, s.m, e, pOff + b * probs);
      }
      VectorExp.exp(full * probs, e, pOff, e, pOff);
      for (int b = 0; b < full; b += L) {
        int x0 = xOff + b * rows;
        float[] va = lanes != null ? lanes.v : s.v;
        int lo = lanes != null ? (first + b) * rows : 0;
        probabilities(heads * t, t, e, pOff + b * probs, s.w, s.p);
        scatter(probs, s.p, p, pOff + b * probs);
        gather(rows, v, x0, va, lo);
        for (int j = 0; j < heads; j++) { // o_j = P_j v_j
          product(t, dh, t, 1f, s.p, j * t * t * L, t, 1, va, lo + j * dh * L, dim, 1, s.out,
              j * dh * L, dim);
        }
        scatter(rows, s.out, o, x0);
        if (lanes != null) {
          System.arraycopy(s.p, 0, lanes.p, (first + b) * probs, probs * L);
          for (int l = 0; l < L; l++) {
            lanes.mark[first + b + l] = l + 1;
          }
        }
      }
    }
    AttentionCore.forward(kern, full, batch, t, heads, dh, alpha, q, k, v, xOff, p, e, pOff, o);
    if (lanes != null) {
      java.util.Arrays.fill(lanes.mark, first + full, first + batch, -1);
    }
  }

  /** (K23); arguments checked by the caller. kern gives the scalar rows their (K5a). */
  static void backward(Kernels kern, int batch, int t, int heads, int dh, float alpha,
      float[] q, float[] k, float[] v, float[] dO, int xOff, float[] p, int pOff, float[] ds,
      int dsOff, float[] dq, float[] dk, float[] dv) {
    backward(kern, batch, t, heads, dh, alpha, q, k, v, dO, xOff, p, pOff, ds, dsOff, dq, dk, dv,
        null, 0);
  }

  /**
   * (K23), taking q, k, v and P of each group from lanes (when not null, from batch row {@code
   * first} of the lanes) where the forward pass left them in the same group; arguments checked
   * by the caller (every row has a forward pass).
   */
  static void backward(Kernels kern, int batch, int t, int heads, int dh, float alpha,
      float[] q, float[] k, float[] v, float[] dO, int xOff, float[] p, int pOff, float[] ds,
      int dsOff, float[] dq, float[] dk, float[] dv, AttentionLanes lanes, int first) {
    int full = batch - batch % L;
    if (full > 0) {
      Scratch s = SCRATCH.get().size(t, heads, dh);
      int dim = heads * dh;
      int rows = t * dim;
      int probs = heads * t * t;
      for (int b = 0; b < full; b += L) {
        int x0 = xOff + b * rows;
        boolean kept = lanes != null && kept(lanes.mark, first + b);
        // q, k, v, P of a kept group are read where the forward pass left them
        float[] qa = s.q;
        float[] ka = s.k;
        float[] va = s.v;
        float[] pa = s.p;
        int lo = 0;
        int po = 0;
        if (kept) {
          qa = lanes.q;
          ka = lanes.k;
          va = lanes.v;
          pa = lanes.p;
          lo = (first + b) * rows;
          po = (first + b) * probs;
        } else {
          gather(rows, v, x0, va, 0);
          gather(probs, p, pOff + b * probs, pa, 0);
          gather(rows, k, x0, ka, 0);
          gather(rows, q, x0, qa, 0);
        }
        gather(rows, dO, x0, s.d, 0);
        for (int j = 0; j < heads; j++) { // dP_j = dO_j v_j^T; dv_j = P_j^T dO_j
          int c = j * dh * L;
          int pj = j * t * t * L;
          product(t, t, dh, 1f, s.d, c, dim, 1, va, lo + c, 1, dim, s.s, pj, t);
          product(t, dh, t, 1f, pa, po + pj, 1, t, s.d, c, dim, 1, s.out, c, dim);
        }
        scatter(rows, s.out, dv, x0);
        gradScores(heads * t, t, s.s, pa, po, s);
        for (int j = 0; j < heads; j++) { // dq_j = alpha dS_j k_j
          int c = j * dh * L;
          product(t, dh, t, alpha, s.g, j * t * t * L, t, 1, ka, lo + c, dim, 1, s.out, c, dim);
        }
        scatter(rows, s.out, dq, x0);
        for (int j = 0; j < heads; j++) { // dk_j = alpha dS_j^T q_j
          int c = j * dh * L;
          product(t, dh, t, alpha, s.g, j * t * t * L, 1, t, qa, lo + c, dim, 1, s.out, c, dim);
        }
        scatter(rows, s.out, dk, x0);
      }
    }
    AttentionCore.backward(kern, full, batch, t, heads, dh, alpha, q, k, v, dO, xOff, p, pOff,
        ds, dsOff, dq, dk, dv);
  }

  /** Whether the L batch rows from i were the lanes 0 .. L - 1 of one forward group. */
  private static boolean kept(int[] mark, int i) {
    for (int l = 0; l < L; l++) {
      if (mark[i + l] != l + 1) {
        return false;
      }
    }
    return true;
  }

  /**
   * dst[at + i L + l] = src[base + l n + i] for i &lt; n, l &lt; L: the n elements of each of L
   * consecutive batch rows, lane-major. L x L blocks go through {@link #transpose} (vector loads,
   * rotations and blends, vector stores); the n mod L elements after the last block are scalar
   * copies. (The Vector API's gather ran its Java fallback on JDK 17, and, with that, made the
   * shared Vector API code of the GEMM and the layer norm allocate too.)
   */
  private static void gather(int n, float[] src, int base, float[] dst, int at) {
    int n0 = n - n % L;
    for (int i = 0; i < n0; i += L) {
      transpose(src, base + i, n, dst, at + i * L, L);
    }
    for (int l = 0; l < L; l++) {
      int from = base + l * n;
      for (int i = n0; i < n; i++) {
        dst[at + i * L + l] = src[from + i];
      }
    }
  }

  /** The inverse of {@link #gather} (from 0): n lane-major elements back to their L batch rows. */
  private static void scatter(int n, float[] src, float[] dst, int base) {
    int n0 = n - n % L;
    for (int i = 0; i < n0; i += L) {
      transpose(src, i * L, L, dst, base + i, n);
    }
    for (int l = 0; l < L; l++) {
      int to = base + l * n;
      for (int i = n0; i < n; i++) {
        dst[to + i] = src[i * L + l];
      }
    }
  }

  /**
   * dst[y + c ys + r] = src[x + r xs + c] for r, c &lt; L: an L x L block transposed (a copy, so
   * the bits are the elements'). In vectors for L = 16 (the shuffles and masks are constants:
   * taken from arrays they cost more than the scalar loops), else scalar: at 256 bits the 8 x 8
   * transposes made the step 1-2% slower than the scalar copies (BENCHMARKS.md).
   */
  private static void transpose(float[] src, int x, int xs, float[] dst, int y, int ys) {
    if (L == 16) {
      transpose16(src, x, xs, dst, y, ys);
    } else {
      for (int r = 0; r < L; r++) {
        for (int c = 0; c < L; c++) {
          dst[y + c * ys + r] = src[x + r * xs + c];
        }
      }
    }
  }

  /** Lane i from lane i - d (rotated up by d), and from lane i + d; lanes with bit d set. */
  private static final VectorShuffle<Float> UP8 = rotation(8);
  private static final VectorShuffle<Float> UP4 = rotation(4);
  private static final VectorShuffle<Float> UP2 = rotation(2);
  private static final VectorShuffle<Float> UP1 = rotation(1);
  private static final VectorShuffle<Float> DOWN8 = rotation(-8);
  private static final VectorShuffle<Float> DOWN4 = rotation(-4);
  private static final VectorShuffle<Float> DOWN2 = rotation(-2);
  private static final VectorShuffle<Float> DOWN1 = rotation(-1);
  private static final VectorMask<Float> AT8 = bit(8);
  private static final VectorMask<Float> AT4 = bit(4);
  private static final VectorMask<Float> AT2 = bit(2);
  private static final VectorMask<Float> AT1 = bit(1);

  private static VectorShuffle<Float> rotation(int d) {
    int[] from = new int[L];
    for (int i = 0; i < L; i++) {
      from[i] = Math.floorMod(i - d, L);
    }
    return VectorShuffle.fromArray(S, from, 0);
  }

  private static VectorMask<Float> bit(int d) {
    boolean[] set = new boolean[L];
    for (int i = 0; i < L; i++) {
      set[i] = (i & d) != 0;
    }
    return VectorMask.fromArray(S, set, 0);
  }

  /**
   * The 16 x 16 transpose for L = 16 (see {@link #transpose}): 16 loads, log2 16 stages of
   * row pairs at distance d (each row of the pair rotated by d, then blended with the other by
   * the lanes with bit d set), 16 stores.
   */
  private static void transpose16(float[] src, int x, int xs, float[] dst, int y, int ys) {
    FloatVector v0 = FloatVector.fromArray(S, src, x);
    FloatVector v1 = FloatVector.fromArray(S, src, x + 1 * xs);
    FloatVector v2 = FloatVector.fromArray(S, src, x + 2 * xs);
    FloatVector v3 = FloatVector.fromArray(S, src, x + 3 * xs);
    FloatVector v4 = FloatVector.fromArray(S, src, x + 4 * xs);
    FloatVector v5 = FloatVector.fromArray(S, src, x + 5 * xs);
    FloatVector v6 = FloatVector.fromArray(S, src, x + 6 * xs);
    FloatVector v7 = FloatVector.fromArray(S, src, x + 7 * xs);
    FloatVector v8 = FloatVector.fromArray(S, src, x + 8 * xs);
    FloatVector v9 = FloatVector.fromArray(S, src, x + 9 * xs);
    FloatVector v10 = FloatVector.fromArray(S, src, x + 10 * xs);
    FloatVector v11 = FloatVector.fromArray(S, src, x + 11 * xs);
    FloatVector v12 = FloatVector.fromArray(S, src, x + 12 * xs);
    FloatVector v13 = FloatVector.fromArray(S, src, x + 13 * xs);
    FloatVector v14 = FloatVector.fromArray(S, src, x + 14 * xs);
    FloatVector v15 = FloatVector.fromArray(S, src, x + 15 * xs);
    // stage d = 8: v to w
    FloatVector w0 = v0.blend(v8.rearrange(UP8), AT8);
    FloatVector w8 = v0.rearrange(DOWN8).blend(v8, AT8);
    FloatVector w1 = v1.blend(v9.rearrange(UP8), AT8);
    FloatVector w9 = v1.rearrange(DOWN8).blend(v9, AT8);
    FloatVector w2 = v2.blend(v10.rearrange(UP8), AT8);
    FloatVector w10 = v2.rearrange(DOWN8).blend(v10, AT8);
    FloatVector w3 = v3.blend(v11.rearrange(UP8), AT8);
    FloatVector w11 = v3.rearrange(DOWN8).blend(v11, AT8);
    FloatVector w4 = v4.blend(v12.rearrange(UP8), AT8);
    FloatVector w12 = v4.rearrange(DOWN8).blend(v12, AT8);
    FloatVector w5 = v5.blend(v13.rearrange(UP8), AT8);
    FloatVector w13 = v5.rearrange(DOWN8).blend(v13, AT8);
    FloatVector w6 = v6.blend(v14.rearrange(UP8), AT8);
    FloatVector w14 = v6.rearrange(DOWN8).blend(v14, AT8);
    FloatVector w7 = v7.blend(v15.rearrange(UP8), AT8);
    FloatVector w15 = v7.rearrange(DOWN8).blend(v15, AT8);
    // stage d = 4: w to v
    v0 = w0.blend(w4.rearrange(UP4), AT4);
    v4 = w0.rearrange(DOWN4).blend(w4, AT4);
    v1 = w1.blend(w5.rearrange(UP4), AT4);
    v5 = w1.rearrange(DOWN4).blend(w5, AT4);
    v2 = w2.blend(w6.rearrange(UP4), AT4);
    v6 = w2.rearrange(DOWN4).blend(w6, AT4);
    v3 = w3.blend(w7.rearrange(UP4), AT4);
    v7 = w3.rearrange(DOWN4).blend(w7, AT4);
    v8 = w8.blend(w12.rearrange(UP4), AT4);
    v12 = w8.rearrange(DOWN4).blend(w12, AT4);
    v9 = w9.blend(w13.rearrange(UP4), AT4);
    v13 = w9.rearrange(DOWN4).blend(w13, AT4);
    v10 = w10.blend(w14.rearrange(UP4), AT4);
    v14 = w10.rearrange(DOWN4).blend(w14, AT4);
    v11 = w11.blend(w15.rearrange(UP4), AT4);
    v15 = w11.rearrange(DOWN4).blend(w15, AT4);
    // stage d = 2: v to w
    w0 = v0.blend(v2.rearrange(UP2), AT2);
    w2 = v0.rearrange(DOWN2).blend(v2, AT2);
    w1 = v1.blend(v3.rearrange(UP2), AT2);
    w3 = v1.rearrange(DOWN2).blend(v3, AT2);
    w4 = v4.blend(v6.rearrange(UP2), AT2);
    w6 = v4.rearrange(DOWN2).blend(v6, AT2);
    w5 = v5.blend(v7.rearrange(UP2), AT2);
    w7 = v5.rearrange(DOWN2).blend(v7, AT2);
    w8 = v8.blend(v10.rearrange(UP2), AT2);
    w10 = v8.rearrange(DOWN2).blend(v10, AT2);
    w9 = v9.blend(v11.rearrange(UP2), AT2);
    w11 = v9.rearrange(DOWN2).blend(v11, AT2);
    w12 = v12.blend(v14.rearrange(UP2), AT2);
    w14 = v12.rearrange(DOWN2).blend(v14, AT2);
    w13 = v13.blend(v15.rearrange(UP2), AT2);
    w15 = v13.rearrange(DOWN2).blend(v15, AT2);
    // stage d = 1: w to v
    v0 = w0.blend(w1.rearrange(UP1), AT1);
    v1 = w0.rearrange(DOWN1).blend(w1, AT1);
    v2 = w2.blend(w3.rearrange(UP1), AT1);
    v3 = w2.rearrange(DOWN1).blend(w3, AT1);
    v4 = w4.blend(w5.rearrange(UP1), AT1);
    v5 = w4.rearrange(DOWN1).blend(w5, AT1);
    v6 = w6.blend(w7.rearrange(UP1), AT1);
    v7 = w6.rearrange(DOWN1).blend(w7, AT1);
    v8 = w8.blend(w9.rearrange(UP1), AT1);
    v9 = w8.rearrange(DOWN1).blend(w9, AT1);
    v10 = w10.blend(w11.rearrange(UP1), AT1);
    v11 = w10.rearrange(DOWN1).blend(w11, AT1);
    v12 = w12.blend(w13.rearrange(UP1), AT1);
    v13 = w12.rearrange(DOWN1).blend(w13, AT1);
    v14 = w14.blend(w15.rearrange(UP1), AT1);
    v15 = w14.rearrange(DOWN1).blend(w15, AT1);
    v0.intoArray(dst, y);
    v1.intoArray(dst, y + 1 * ys);
    v2.intoArray(dst, y + 2 * ys);
    v3.intoArray(dst, y + 3 * ys);
    v4.intoArray(dst, y + 4 * ys);
    v5.intoArray(dst, y + 5 * ys);
    v6.intoArray(dst, y + 6 * ys);
    v7.intoArray(dst, y + 7 * ys);
    v8.intoArray(dst, y + 8 * ys);
    v9.intoArray(dst, y + 9 * ys);
    v10.intoArray(dst, y + 10 * ys);
    v11.intoArray(dst, y + 11 * ys);
    v12.intoArray(dst, y + 12 * ys);
    v13.intoArray(dst, y + 13 * ys);
    v14.intoArray(dst, y + 14 * ys);
    v15.intoArray(dst, y + 15 * ys);
  }


  /**
   * c[r][col] = alpha (the fma chain over i from +0 of A(r, i) B(i, col)) (K11) (times 1 is
   * exact: the reference's skipped product), for r &lt; m, col &lt; n, i &lt; kk; A(r, i) is the
   * vector at a[x + (r ar + i ai) L], B(i, col) at b[y + (i bi + col bc) L], c[r][col] at
   * c[z + (r cr + col) L] (x, y, z in floats, the strides in elements).
   */
  private static void product(int m, int n, int kk, float alpha, float[] a, int x, int ar,
      int ai, float[] b, int y, int bi, int bc, float[] c, int z, int cr) {
    int n4 = n & ~3;
    int r = 0;
    for (; r + 4 <= m; r += 4) { // four rows by four columns: eight loads for sixteen fmas
      for (int col = 0; col < n4; col += 4) {
        product16(x + r * ar * L, ar * L, ai * L, kk, alpha, a, b, y + col * bc * L,
            bi * L, bc * L, c, z + (r * cr + col) * L, cr * L);
      }
    }
    for (; r + 2 <= m; r += 2) { // two rows by four columns: six loads for eight fmas
      for (int col = 0; col < n4; col += 4) {
        product8(x + r * ar * L, ar * L, ai * L, kk, alpha, a, b, y + col * bc * L,
            bi * L, bc * L, c, z + (r * cr + col) * L, cr * L);
      }
    }
    for (; r < m; r++) {
      for (int col = 0; col < n4; col += 4) {
        product4(x + r * ar * L, ai * L, kk, alpha, a, b, y + col * bc * L, bi * L,
            bc * L, c, z + (r * cr + col) * L);
      }
    }
    for (r = 0; r < m; r++) {
      for (int col = n4; col < n; col++) {
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < kk; i++) {
          acc = FloatVector.fromArray(S, a, x + (r * ar + i * ai) * L)
              .fma(FloatVector.fromArray(S, b, y + (i * bi + col * bc) * L), acc);
        }
        acc.mul(alpha).intoArray(c, z + (r * cr + col) * L); // exact for alpha 1
      }
    }
  }

  /**
   * Four rows by four columns of {@link #product}: the chains over i of a[x + p ar + i ai] and
   * b[y + i bi + q bc] for p, q &lt; 4, stored at c[z + p cr + q L] (offsets in floats).
   */
  private static void product16(int x, int ar, int ai, int kk, float alpha, float[] a,
      float[] b, int y, int bi, int bc, float[] c, int z, int cr) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = c00;
    FloatVector c02 = c00;
    FloatVector c03 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c12 = c00;
    FloatVector c13 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c22 = c00;
    FloatVector c23 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    FloatVector c32 = c00;
    FloatVector c33 = c00;
    for (int i = 0; i < kk; i++) {
      int u = x + i * ai;
      int w = y + i * bi;
      FloatVector v0 = FloatVector.fromArray(S, b, w);
      FloatVector v1 = FloatVector.fromArray(S, b, w + bc);
      FloatVector v2 = FloatVector.fromArray(S, b, w + 2 * bc);
      FloatVector v3 = FloatVector.fromArray(S, b, w + 3 * bc);
      FloatVector u0 = FloatVector.fromArray(S, a, u);
      c00 = u0.fma(v0, c00);
      c01 = u0.fma(v1, c01);
      c02 = u0.fma(v2, c02);
      c03 = u0.fma(v3, c03);
      FloatVector u1 = FloatVector.fromArray(S, a, u + ar);
      c10 = u1.fma(v0, c10);
      c11 = u1.fma(v1, c11);
      c12 = u1.fma(v2, c12);
      c13 = u1.fma(v3, c13);
      FloatVector u2 = FloatVector.fromArray(S, a, u + 2 * ar);
      c20 = u2.fma(v0, c20);
      c21 = u2.fma(v1, c21);
      c22 = u2.fma(v2, c22);
      c23 = u2.fma(v3, c23);
      FloatVector u3 = FloatVector.fromArray(S, a, u + 3 * ar);
      c30 = u3.fma(v0, c30);
      c31 = u3.fma(v1, c31);
      c32 = u3.fma(v2, c32);
      c33 = u3.fma(v3, c33);
    }
    if (alpha == 1f) { // the reference's skipped product; whole stores in both branches
      c00.intoArray(c, z);
      c01.intoArray(c, z + L);
      c02.intoArray(c, z + 2 * L);
      c03.intoArray(c, z + 3 * L);
      c10.intoArray(c, z + cr);
      c11.intoArray(c, z + cr + L);
      c12.intoArray(c, z + cr + 2 * L);
      c13.intoArray(c, z + cr + 3 * L);
      c20.intoArray(c, z + 2 * cr);
      c21.intoArray(c, z + 2 * cr + L);
      c22.intoArray(c, z + 2 * cr + 2 * L);
      c23.intoArray(c, z + 2 * cr + 3 * L);
      c30.intoArray(c, z + 3 * cr);
      c31.intoArray(c, z + 3 * cr + L);
      c32.intoArray(c, z + 3 * cr + 2 * L);
      c33.intoArray(c, z + 3 * cr + 3 * L);
    } else {
      c00.mul(alpha).intoArray(c, z);
      c01.mul(alpha).intoArray(c, z + L);
      c02.mul(alpha).intoArray(c, z + 2 * L);
      c03.mul(alpha).intoArray(c, z + 3 * L);
      c10.mul(alpha).intoArray(c, z + cr);
      c11.mul(alpha).intoArray(c, z + cr + L);
      c12.mul(alpha).intoArray(c, z + cr + 2 * L);
      c13.mul(alpha).intoArray(c, z + cr + 3 * L);
      c20.mul(alpha).intoArray(c, z + 2 * cr);
      c21.mul(alpha).intoArray(c, z + 2 * cr + L);
      c22.mul(alpha).intoArray(c, z + 2 * cr + 2 * L);
      c23.mul(alpha).intoArray(c, z + 2 * cr + 3 * L);
      c30.mul(alpha).intoArray(c, z + 3 * cr);
      c31.mul(alpha).intoArray(c, z + 3 * cr + L);
      c32.mul(alpha).intoArray(c, z + 3 * cr + 2 * L);
      c33.mul(alpha).intoArray(c, z + 3 * cr + 3 * L);
    }
  }

  /**
   * Two rows by four columns of {@link #product}: the chains over i of a[x + p ar + i ai] and
   * b[y + i bi + q bc] for p &lt; 2, q &lt; 4, stored at c[z + p cr + q L] (offsets in floats).
   */
  private static void product8(int x, int ar, int ai, int kk, float alpha, float[] a, float[] b,
      int y, int bi, int bc, float[] c, int z, int cr) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = c00;
    FloatVector c02 = c00;
    FloatVector c03 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c12 = c00;
    FloatVector c13 = c00;
    for (int i = 0; i < kk; i++) {
      FloatVector u0 = FloatVector.fromArray(S, a, x + i * ai);
      FloatVector u1 = FloatVector.fromArray(S, a, x + ar + i * ai);
      int w = y + i * bi;
      FloatVector v0 = FloatVector.fromArray(S, b, w);
      FloatVector v1 = FloatVector.fromArray(S, b, w + bc);
      FloatVector v2 = FloatVector.fromArray(S, b, w + 2 * bc);
      FloatVector v3 = FloatVector.fromArray(S, b, w + 3 * bc);
      c00 = u0.fma(v0, c00);
      c01 = u0.fma(v1, c01);
      c02 = u0.fma(v2, c02);
      c03 = u0.fma(v3, c03);
      c10 = u1.fma(v0, c10);
      c11 = u1.fma(v1, c11);
      c12 = u1.fma(v2, c12);
      c13 = u1.fma(v3, c13);
    }
    c00.mul(alpha).intoArray(c, z);
    c01.mul(alpha).intoArray(c, z + L);
    c02.mul(alpha).intoArray(c, z + 2 * L);
    c03.mul(alpha).intoArray(c, z + 3 * L);
    c10.mul(alpha).intoArray(c, z + cr);
    c11.mul(alpha).intoArray(c, z + cr + L);
    c12.mul(alpha).intoArray(c, z + cr + 2 * L);
    c13.mul(alpha).intoArray(c, z + cr + 3 * L);
  }

  /**
   * Four elements of {@link #product} side by side: the chains over i of a[x + i ai] and
   * b[y + i bi + q bc] for q &lt; 4, stored at c[z + q L] (offsets in floats).
   */
  private static void product4(int x, int ai, int kk, float alpha, float[] a, float[] b, int y,
      int bi, int bc, float[] c, int z) {
    FloatVector c0 = FloatVector.zero(S);
    FloatVector c1 = c0;
    FloatVector c2 = c0;
    FloatVector c3 = c0;
    for (int i = 0; i < kk; i++) {
      FloatVector u = FloatVector.fromArray(S, a, x + i * ai);
      int w = y + i * bi;
      c0 = u.fma(FloatVector.fromArray(S, b, w), c0);
      c1 = u.fma(FloatVector.fromArray(S, b, w + bc), c1);
      c2 = u.fma(FloatVector.fromArray(S, b, w + 2 * bc), c2);
      c3 = u.fma(FloatVector.fromArray(S, b, w + 3 * bc), c3);
    }
    // times alpha even when it is 1: exact, the bits of the reference's skipped product, and no
    // branch (a merge of vectors after it was the hottest point of this method)
    c0.mul(alpha).intoArray(c, z);
    c1.mul(alpha).intoArray(c, z + L);
    c2.mul(alpha).intoArray(c, z + 2 * L);
    c3.mul(alpha).intoArray(c, z + 3 * L);
  }

  // The double parts: each method handles the DL lanes of half an element (h = 0 or DL) and
  // loads and stores its own vectors.

  /**
   * The first half of the softmax of {@link AttentionCore#softmaxRows} for each of the {@code
   * rows} rows (width t) of sc, per lane: the maximum m in order (Math.max, the Vector API's
   * MAX), x = (double) s - m to x from x0 (lane-major as sc).
   */
  private static void exponents(int rows, int t, float[] sc, float[] m, double[] x, int x0) {
    for (int r = 0; r < rows; r++) {
      int at = r * t * L;
      rowMax(t, at, sc, m);
      for (int c = 0; c < t; c++) {
        for (int h = 0; h < L; h += DL) {
          exponent(at + c * L + h, sc, m, h, x, x0);
        }
      }
    }
  }

  /** m[0 .. L) = the maximum in order of the row's t elements from at (stride L). */
  private static void rowMax(int t, int at, float[] sc, float[] m) {
    FloatVector v = FloatVector.fromArray(S, sc, at);
    for (int c = 1; c < t; c++) {
      v = v.max(FloatVector.fromArray(S, sc, at + c * L));
    }
    v.intoArray(m, 0);
  }

  /** x[x0 + a ..] = (double) s - m of the DL lanes at sc[a], m at m[h]. */
  private static void exponent(int a, float[] sc, float[] m, int h, double[] x, int x0) {
    DoubleVector s = (DoubleVector) FloatVector.fromArray(S, sc, a)
        .convertShape(VectorOperators.F2D, D, 0);
    DoubleVector mx = (DoubleVector) FloatVector.fromArray(S, m, h)
        .convertShape(VectorOperators.F2D, D, 0);
    s.sub(mx).intoArray(x, x0 + a);
  }

  /**
   * The second half, from the exponentials x from x0: per row and lane the sum in double from
   * +0 in order, p = (float) ((float) x (1 / sum)).
   */
  private static void probabilities(int rows, int t, double[] x, int x0, double[] w, float[] p) {
    for (int r = 0; r < rows; r++) {
      int at = r * t * L;
      for (int h = 0; h < L; h += DL) {
        inverseSum(t, x0 + at + h, x, w, h);
      }
      for (int c = 0; c < t; c++) {
        for (int h = 0; h < L; h += DL) { // the low half first: its store's high lanes are padding
          probability(at + c * L + h, x, x0, w, h, p);
        }
      }
    }
  }

  /** w[h ..] = 1 / (+0 + x_0 + ... + x_(t-1)) of the DL lanes from x[at] (stride L). */
  private static void inverseSum(int t, int at, double[] x, double[] w, int h) {
    DoubleVector sum = DoubleVector.zero(D);
    for (int c = 0; c < t; c++) {
      sum = sum.add(DoubleVector.fromArray(D, x, at + c * L));
    }
    DoubleVector.broadcast(D, 1.0).div(sum).intoArray(w, h);
  }

  /** p[a ..] = (float) ((float) x (1 / sum)) of the DL lanes at x[x0 + a], 1 / sum at w[h]. */
  private static void probability(int a, double[] x, int x0, double[] w, int h, float[] p) {
    FloatVector e = (FloatVector) DoubleVector.fromArray(D, x, x0 + a)
        .convertShape(VectorOperators.D2F, S, 0);
    DoubleVector ef = (DoubleVector) e.convertShape(VectorOperators.F2D, D, 0);
    ((FloatVector) ef.mul(DoubleVector.fromArray(D, w, h)).convertShape(VectorOperators.D2F, S,
        0)).intoArray(p, a);
  }

  /**
   * dS = (float) (P (dP - dot)) of dp (at 0) and p (from po) to s.g for the {@code rows} rows of
   * width t, dot the row's (K5a) of dP and P per lane: term c to partial sum c mod 8 from +0,
   * combined as {@link Reductions#combine(double, double, double, double, double, double,
   * double, double)}; as {@link AttentionCore#backward}. Both arrays are padded by L floats.
   */
  private static void gradScores(int rows, int t, float[] dp, float[] p, int po, Scratch s) {
    for (int r = 0; r < rows; r++) {
      int at = r * t * L;
      for (int h = 0; h < L; h += DL) {
        rowDot(t, at + h, dp, p, po, s.part, s.w, h);
      }
      for (int c = 0; c < t; c++) {
        for (int h = 0; h < L; h += DL) { // the low half first: its store's high lanes are padding
          scoreGradient(at + c * L + h, dp, p, po, s.w, h, s.g);
        }
      }
    }
  }

  /**
   * w[h ..] = (K5a) of the row's t products (double) dP P from at (stride L), DL lanes: term c
   * to partial sum c mod 8 (part, from +0), combined as Reductions.combine.
   */
  private static void rowDot(int t, int at, float[] dp, float[] p, int po, double[] part,
      double[] w, int h) {
    for (int q = 0; q < 8; q++) {
      DoubleVector.zero(D).intoArray(part, q * DL);
    }
    for (int c = 0; c < t; c++) {
      int a = at + c * L;
      int q = (c & 7) * DL;
      DoubleVector x = (DoubleVector) FloatVector.fromArray(S, dp, a)
          .convertShape(VectorOperators.F2D, D, 0);
      DoubleVector y = (DoubleVector) FloatVector.fromArray(S, p, po + a)
          .convertShape(VectorOperators.F2D, D, 0);
      DoubleVector.fromArray(D, part, q).add(x.mul(y)).intoArray(part, q);
    }
    DoubleVector.fromArray(D, part, 0).add(DoubleVector.fromArray(D, part, 4 * DL))
        .add(DoubleVector.fromArray(D, part, 2 * DL).add(DoubleVector.fromArray(D, part, 6 * DL)))
        .add(DoubleVector.fromArray(D, part, DL).add(DoubleVector.fromArray(D, part, 5 * DL))
            .add(DoubleVector.fromArray(D, part, 3 * DL)
                .add(DoubleVector.fromArray(D, part, 7 * DL))))
        .intoArray(w, h);
  }

  /**
   * dS = (float) (P (dP - dot)) of the DL lanes at dp[a] and p[po + a], dot at w[h], into g[a]
   * (a whole vector).
   */
  private static void scoreGradient(int a, float[] dp, float[] p, int po, double[] w, int h,
      float[] g) {
    DoubleVector x = (DoubleVector) FloatVector.fromArray(S, dp, a)
        .convertShape(VectorOperators.F2D, D, 0);
    DoubleVector y = (DoubleVector) FloatVector.fromArray(S, p, po + a)
        .convertShape(VectorOperators.F2D, D, 0);
    ((FloatVector) y.mul(x.sub(DoubleVector.fromArray(D, w, h)))
        .convertShape(VectorOperators.D2F, S, 0)).intoArray(g, a);
  }
}
