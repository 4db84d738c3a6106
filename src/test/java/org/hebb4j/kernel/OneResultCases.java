package org.hebb4j.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.hebb4j.emergence.Noise;
import org.hebb4j.emergence.Rule;
import org.hebb4j.emergence.Teacher;
import org.hebb4j.emergence.TrainConfig;
import org.hebb4j.emergence.Trainer;
import org.hebb4j.hebbian.HebbCnn;
import org.hebb4j.hebbian.HebbCnnConfig;
import org.hebb4j.hebbian.HebbCnnConfig.Layer;
import org.hebb4j.hebbian.HebbRule;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Mlp;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.hebb4j.tensor.Tensor;

/**
 * The cases of spec/kernels.md#one-result: every kernel on random and edge inputs, a few training
 * steps of an emergence MLP and of a Hebbian CNN, each recorded as a named float array. Run with
 * the scalar kernels and with the vector kernels at any width, every array must have the same
 * bits ({@link OneResultTest}). {@link #main} prints one SHA-256 per case, for a child JVM of
 * another vector width.
 */
final class OneResultCases {

  private OneResultCases() {}

  /** One recorded output. */
  record Case(String name, float[] values) {}

  /** Edge values: zeros, subnormals, huge, infinities, NaN, tanh's clamp, and big arguments. */
  static final float[] EDGES = {0f, -0f, Float.MIN_VALUE, -Float.MIN_NORMAL, 1e-30f, 3e38f,
      -3e38f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Activation.CLAMP,
      -Activation.CLAMP, 20f, -20f, 1f, -1f};

  /** Random values in [-scale, scale). */
  static float[] random(Rng r, int n, float scale) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (2 * r.uniformFloat() - 1) * scale;
    }
    return x;
  }

  /** Random values with the edge values at the start and at the end (the vector body and tail). */
  static float[] withEdges(Rng r, int n) {
    float[] x = random(r, n, 10f);
    for (int i = 0; i < EDGES.length && i < n; i++) {
      x[i] = EDGES[i];
      x[n - 1 - i] = EDGES[i];
    }
    return x;
  }

  /** Every case on {@code k}. */
  static List<Case> run(Kernels k) {
    List<Case> out = new ArrayList<>();
    Rng r = new Rng(13);
    int[] lengths = {0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 1000, 4099};
    for (int n : lengths) {
      float[] x = random(r, n + 3, 1f), y = random(r, n + 5, 1f);
      out.add(new Case("dot n=" + n, new float[] {k.dot(n, x, 3, y, 5)}));
      out.add(new Case("sum n=" + n, new float[] {k.sum(n, x, 3)}));
      float[] z = y.clone();
      k.axpy(n, 0.3f, x, 3, z, 5);
      out.add(new Case("axpy n=" + n, z));
      float[] e = withEdges(r, Math.max(n, 1));
      out.add(new Case("dot edges n=" + n, new float[] {k.dot(n, e, 0, x, 3)}));
    }
    gemms(k, r, out);
    try (Workers w = new Workers(3)) {
      Kernels t = ThreadedKernels.of(k, w);
      float[] a = random(r, 200 * 300, 1f), b = random(r, 300 * 150, 1f), c = random(r, 200 * 150,
          1f);
      t.gemm(false, false, 200, 150, 300, 0.5f, a, 0, 300, b, 0, 150, 0.25f, c, 0, 150);
      out.add(new Case("threaded gemm 200x150x300", c));
    }
    for (Activation act : Activation.values()) {
      for (int n : new int[] {1, 5, 37, 1037}) {
        float[] a = withEdges(r, n), dz = random(r, n, 2f);
        float[] z = new float[n], da = new float[n], db = new float[n];
        k.activate(act, n, a, 0, z, 0);
        k.activateBackward(act, n, a, 0, dz, 0, da, 0);
        k.activateBackwardFromOutput(act, n, z, 0, dz, 0, db, 0);
        out.add(new Case(act.id() + " n=" + n, z));
        out.add(new Case(act.id() + "' n=" + n, da));
        out.add(new Case(act.id() + "' from z n=" + n, db));
      }
    }
    float[] logits = random(r, 7 * 10, 30f), e = new float[70];
    int[] labels = {0, 3, 9, 2, 2, 7, 1};
    double loss = Loss.SOFTMAX_CE.sum(7, 10, logits, null, labels, 0.5f, e);
    out.add(new Case("softmax cross-entropy", e));
    out.add(new Case("softmax cross-entropy loss", new float[] {(float) loss,
        (float) (loss - (float) loss)}));
    for (int dim : new int[] {1, 5, 8, 12, 32, 37, 40}) {
      layerNorm(k, r, dim, out);
    }
    attention(k, r, out);
    conv(k, r, out);
    training(k, out);
    transformer(k, out);
    hebbCnn(k, out);
    return out;
  }

  /** GEMM in every transposition, over shapes that cross every tile, panel and k-block edge. */
  private static void gemms(Kernels k, Rng r, List<Case> out) {
    int[][] shapes = {{1, 1, 1}, {5, 7, 3}, {4, 16, 9}, {17, 33, 600}, {70, 300, 40},
        {9, 1100, 13}, {64, 24, 1030}};
    float[][] ab = {{1f, 0f}, {0.75f, 1f}, {-2f, 0.5f}};
    for (int[] s : shapes) {
      int m = s[0], n = s[1], kk = s[2];
      for (int tr = 0; tr < 4; tr++) {
        boolean ta = (tr & 1) != 0, tb = (tr & 2) != 0;
        int lda = (ta ? m : kk) + 2, ldb = (tb ? kk : n) + 1, ldc = n + 3;
        float[] a = random(r, (ta ? kk : m) * lda, 1f), b = random(r, (tb ? n : kk) * ldb, 1f);
        for (float[] alphaBeta : ab) {
          float[] c = random(r, m * ldc, 1f);
          k.gemm(ta, tb, m, n, kk, alphaBeta[0], a, 0, lda, b, 0, ldb, alphaBeta[1], c, 0, ldc);
          out.add(new Case("gemm " + (ta ? "T" : "N") + (tb ? "T" : "N") + " " + m + "x" + n
              + "x" + kk + " alpha " + alphaBeta[0] + " beta " + alphaBeta[1], c));
        }
      }
    }
  }

  /** (K12)-(K15) on a padded, strided convolution. */
  private static void conv(Kernels k, Rng r, List<Case> out) {
    Conv2dShape s = new Conv2dShape(3, 4, 11, 13, 6, 3, 3, 2, 1);
    float[] x = random(r, s.inputSize(), 1f), w = random(r, s.weightSize(), 1f);
    float[] b = random(r, s.o(), 1f), dy = random(r, s.outputSize(), 1f);
    float[] y = new float[s.outputSize()], col = new float[s.colSize()];
    float[] dx = new float[s.inputSize()], dw = new float[s.weightSize()], db = new float[s.o()];
    k.conv2dForward(s, x, w, b, y, col);
    k.conv2dBackwardData(s, dy, w, dx, col);
    k.conv2dBackwardWeights(s, x, dy, dw, col);
    k.conv2dBackwardBias(s, dy, db);
    out.add(new Case("conv2d y", y));
    out.add(new Case("conv2d dx", dx));
    out.add(new Case("conv2d dw", dw));
    out.add(new Case("conv2d db", db));
  }

  /** A few steps of the emergence MLP (tanh, Adam with bias correction, noise) on a teacher. */
  private static void training(Kernels k, List<Case> out) {
    Rng r = new Rng(21);
    Teacher.Sets sets = Teacher.sets(k, Teacher.network(32, 24, 32, Activation.TANH,
        r.derive("teacher")), r.derive("data"), 256, 64);
    for (Rule rule : new Rule[] {Rule.SGD, Rule.ADAM}) {
      Mlp net = Teacher.network(32, 24, 32, Activation.TANH, new Rng(4));
      Trainer tr = new Trainer(k, net, Loss.MSE, TrainConfig.of(rule, rule == Rule.SGD ? 0.05
          : 1e-3, 5e-3, Noise.PARAM, 0.01, 64), new Rng(9));
      Trainer.Batch b = new Trainer.Batch(sets.train().x(), sets.train().y(), null, 64);
      for (int t = 0; t < 12; t++) {
        tr.train(b);
      }
      for (Map.Entry<String, Tensor> e : net.parameters().entrySet()) {
        out.add(new Case("mlp " + rule.id() + " " + e.getKey(), e.getValue().data()));
      }
    }
  }

  /** Layer norm (K19)-(K20) over 9 rows of width dim, edge values in the first and last rows. */
  private static void layerNorm(Kernels k, Rng r, int dim, List<Case> out) {
    int rows = 9;
    float[] x = random(r, rows * dim, 3f), dy = random(r, rows * dim, 1f);
    float[] e = withEdges(r, dim);
    System.arraycopy(e, 0, x, 0, dim);
    System.arraycopy(e, 0, x, (rows - 1) * dim, dim);
    x[dim] = 1e30f; // a row with one huge value
    float[] g = random(r, dim, 2f), b = random(r, dim, 1f);
    float[] xhat = new float[rows * dim], y = new float[rows * dim], dx = new float[rows * dim];
    float[] dg = random(r, dim, 1f), db = random(r, dim, 1f), scratch = new float[dim];
    double[] rstd = new double[rows];
    k.layerNorm(rows, dim, 1e-5f, x, g, b, xhat, rstd, y);
    k.layerNormBackward(rows, dim, dy, xhat, rstd, g, dg, db, scratch, dx);
    float[] rs = new float[rows * 2];
    for (int i = 0; i < rows; i++) {
      rs[2 * i] = (float) rstd[i];
      rs[2 * i + 1] = (float) (rstd[i] - (float) rstd[i]);
    }
    out.add(new Case("layer norm dim=" + dim + " y", y));
    out.add(new Case("layer norm dim=" + dim + " xhat", xhat));
    out.add(new Case("layer norm dim=" + dim + " rstd", rs));
    out.add(new Case("layer norm dim=" + dim + " dx", dx));
    out.add(new Case("layer norm dim=" + dim + " dgamma", dg));
    out.add(new Case("layer norm dim=" + dim + " dbeta", db));
  }

  /** (K22)-(K23) over batches that fill groups of every width and ragged ones, with edges. */
  private static void attention(Kernels k, Rng r, List<Case> out) {
    int[][] shapes = {{37, 4, 4, 8}, {19, 8, 1, 8}, {5, 3, 2, 5}};
    for (int[] sh : shapes) {
      int batch = sh[0], t = sh[1], heads = sh[2], dh = sh[3], n = batch * t * heads * dh;
      int np = batch * heads * t * t;
      float[] q = random(r, n, 4f), kk = random(r, n, 4f), v = withEdges(r, n);
      float[] dO = random(r, n, 1f), o = new float[n], p = new float[np];
      float[] dq = new float[n], dk = new float[n], dv = new float[n];
      k.attention(batch, t, heads, dh, 0.35f, q, kk, v, 0, p, new double[np], 0, o);
      k.attentionBackward(batch, t, heads, dh, 0.35f, q, kk, v, dO, 0, p, 0,
          new float[batch * t * t], 0, dq, dk, dv);
      String name = "attention " + batch + "x" + t + "x" + heads + "x" + dh;
      out.add(new Case(name + " o", o));
      out.add(new Case(name + " p", p));
      out.add(new Case(name + " dq", dq));
      out.add(new Case(name + " dk", dk));
      out.add(new Case(name + " dv", dv));
    }
  }

  /** Three SGD steps of the SRE transformer (spec/transformer.md#cost), every parameter. */
  private static void transformer(Kernels k, List<Case> out) {
    org.hebb4j.experiment.emergence.TransformerStep step =
        org.hebb4j.experiment.emergence.TransformerStep.setup(k, Rule.SGD);
    for (int t = 0; t < 3; t++) {
      step.run();
    }
    for (Map.Entry<String, Tensor> e : step.trainer().net().parameters().entrySet()) {
      out.add(new Case("transformer " + e.getKey(), e.getValue().data()));
    }
  }

  /** Two batches of a small three-layer Hebbian CNN on random images. */
  private static void hebbCnn(Kernels k, List<Case> out) {
    HebbCnnConfig cfg = HebbCnnConfig.builder(1, 18, 18)
        .layer(Layer.of(8, 3).withLr(0.05).withK(2))
        .layer(Layer.of(12, 3).withLr(0.05).withKeep(0.5))
        .layer(Layer.of(16, 2).withLr(0.1))
        .rule(HebbRule.INSTAR).thetaRate(3.0).triangle(true).burnIn(0).batch(10).build();
    try (Workers w = new Workers(2)) {
      HebbCnn net = new HebbCnn(cfg, k, w, new Rng(5));
      float[] x = random(new Rng(6), 20 * 324, 1f);
      net.train(x, 0, 10);
      net.train(x, 10 * 324, 10);
      for (Map.Entry<String, Tensor> e : net.stateDict().entrySet()) {
        out.add(new Case("hebbcnn " + e.getKey(), e.getValue().data()));
      }
    }
  }

  /** SHA-256 of the values' bits (NaN as the canonical NaN), little-endian, as hex. */
  static String sha256(float[] v) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      ByteBuffer buf = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
      for (float f : v) {
        buf.putInt(Float.floatToIntBits(f));
      }
      return HexFormat.of().formatHex(md.digest(buf.array()));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Prints "sha256 name" per case, run on the vector kernels (or the scalar ones, with argument
   * {@code scalar}); exits 3 when the vector kernels are not available.
   *
   * @param args nothing, or {@code scalar}
   */
  public static void main(String[] args) {
    Kernels k = args.length > 0 && args[0].equals("scalar") ? KernelProvider.scalar()
        : KernelProvider.vector().orElse(null);
    if (k == null) {
      System.out.println("no vector kernels");
      System.exit(3);
    }
    System.out.println("kernels " + k.name() + " " + k.vectorBitSize());
    for (Case c : run(k)) {
      System.out.println(sha256(c.values()) + " " + c.name());
    }
  }
}
