package org.hebb4j.experiment.hebbcnn;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.hebb4j.data.Dataset;
import org.hebb4j.hebbian.HebbCnn;
import org.hebb4j.hebbian.HebbCnnConfig;
import org.hebb4j.hebbian.HebbRule;
import org.hebb4j.hebbian.Standardize;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.linalg.Ridge;
import org.hebb4j.linalg.Zca;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;

/**
 * The Hebbian-CNN experiment of spec/hebbcnn.md#experiment: preprocess (per-image
 * standardisation (T1), ZCA whitening (Z1)-(Z3)), train each variant's network without labels,
 * freeze it, collect per-layer quadrant features and the flattened last layer for the train and
 * test sets, fit ridge decoders (L1)-(L4) on one-hot labels, and write decoding.csv,
 * training-log.csv, filter PNGs and run.txt.
 */
public final class HebbCnnExperiment {

  /** The variants of the paper, in the order {@code all} runs them. */
  public static final List<String> VARIANTS =
      List.of("plain", "triangle", "pruning", "triangle+pruning");

  /** Everything the experiment needs; see {@link HebbCnnCommand} for meanings and defaults. */
  public record Settings(List<String> variants, int epochs, int trainLimit, int testLimit,
      long seed, int threads, int pad, HebbRule rule, int[] channels, int[] kernels, double[] lr,
      int[] k, double[] keep, int burnIn, int batch, double thetaRate, double zcaEps,
      double alpha) {

    /**
     * The input padding for h x w images: {@code pad} when >= 0, else (auto) enough to make the
     * smaller side at least 32, the input size of the paper's architecture.
     */
    public int pad(int h, int w) {
      return pad >= 0 ? pad : Math.max(0, (32 - Math.min(h, w) + 1) / 2);
    }

    /** The network configuration of one variant (validated: may throw IAE). */
    HebbCnnConfig config(String variant, int c, int h, int w) {
      boolean triangle = variant.contains("triangle");
      boolean prune = variant.contains("pruning");
      double[] keeps = new double[channels.length];
      Arrays.fill(keeps, 1.0);
      if (prune) {
        if (keep.length == channels.length) {
          keeps = keep.clone(); // one value per layer
        } else {
          for (int l = 1; l < keeps.length; l++) {
            keeps[l] = keep[0]; // one value: layers 2+, layer 1 is not pruned (paper)
          }
        }
      }
      int p = pad(h, w);
      return HebbCnnConfig.custom(c, h + 2 * p, w + 2 * p, channels, kernels, lr, k, keeps,
          rule, thetaRate, triangle, burnIn, batch);
    }
  }

  /** One row of decoding.csv. */
  public record Row(String variant, String layer, int features, double trainAccuracy,
      double testAccuracy) {}

  private final Settings st;
  private final Kernels k;
  private final Workers workers;
  private final PrintStream out;
  private final PrintStream progress; // null: no progress
  private final Path dir;
  private final List<Row> rows = new ArrayList<>();
  private final StringBuilder log = new StringBuilder();
  private final StringBuilder timing = new StringBuilder();

  public HebbCnnExperiment(Settings st, Kernels k, Workers workers, Path dir, PrintStream out,
      PrintStream progress) {
    this.st = st;
    this.k = k;
    this.workers = workers;
    this.dir = dir;
    this.out = out;
    this.progress = progress;
  }

  public List<Row> rows() {
    return rows;
  }

  /** Runs everything on the split; writes the output files into the run directory. */
  public void run(Dataset.Split data) throws IOException {
    long t0 = System.nanoTime();
    Files.createDirectories(dir);
    Dataset train = data.train(), test = data.test();
    int nTr = train.n(), nTe = test.n(), d = train.features();
    int c = train.c(), h = train.h(), w = train.w(), classes = train.classes();
    log.append("variant,epoch,layer,channels,theta_mean,theta_min,theta_max,target_rate,"
        + "win_rate_min,win_rate_max,dead_channels,weight_norm_mean,weight_change\n");

    // (T1) per-image standardisation
    say("preprocessing: standardising " + nTr + " + " + nTe + " images");
    float[] xTr = train.x().clone(), xTe = test.x().clone();
    Standardize.all(k, nTr, d, xTr, xTr, Standardize.EPS);
    Standardize.all(k, nTe, d, xTe, xTe, Standardize.EPS);
    // (Z1)-(Z3) ZCA fitted on the training images, applied to both
    say("preprocessing: ZCA whitening (" + d + " x " + d + " covariance over " + nTr
        + " samples, eps " + st.zcaEps() + ")");
    Zca zca = Zca.fit(k, workers, xTr, nTr, d, st.zcaEps());
    float[] zTr = xTr.clone(), zTe = xTe.clone();
    zca.apply(k, workers, zTr, nTr);
    zca.apply(k, workers, zTe, nTe);
    if (st.pad(h, w) > 0) {
      zTr = pad(zTr, nTr, c, h, w, st.pad(h, w));
      zTe = pad(zTe, nTe, c, h, w, st.pad(h, w));
    }
    lap("preprocessing (standardise + ZCA)", t0);

    // baseline: ridge on the standardised pixels
    long tb = System.nanoTime();
    say("baseline: ridge decoder on the standardised pixels");
    decode("pixels", "0", xTr, nTr, xTe, nTe, d, train.labels(), test.labels(), classes);
    xTr = null;
    xTe = null;
    lap("pixels baseline decoder", tb);

    for (String variant : st.variants()) {
      runVariant(variant, zTr, nTr, zTe, nTe, train, test, c, h, w, classes);
    }
    writeOutputs();
    lap("total", t0);
    Files.writeString(dir.resolve("run.txt"), runText(train, test), StandardCharsets.UTF_8);
  }

  private void runVariant(String variant, float[] zTr, int nTr, float[] zTe, int nTe,
      Dataset train, Dataset test, int c, int h, int w, int classes) throws IOException {
    HebbCnnConfig cfg = st.config(variant, c, h, w);
    Rng rng = new Rng(st.seed()).derive("hebbcnn");
    HebbCnn net = new HebbCnn(cfg, k, workers, rng);
    int hp = h + 2 * st.pad(h, w), wp = w + 2 * st.pad(h, w), len = c * hp * wp;
    int b = cfg.batch();
    float[] buf = new float[b * len];
    int batches = (nTr + b - 1) / b;
    long t0 = System.nanoTime();
    for (int epoch = 1; epoch <= st.epochs(); epoch++) {
      int[] perm = new int[nTr];
      for (int i = 0; i < nTr; i++) {
        perm[i] = i;
      }
      rng.derive("shuffle").derive("epoch" + epoch).shuffle(perm);
      float[][] before = new float[net.layers()][];
      for (int l = 0; l < net.layers(); l++) {
        before[l] = net.weights(l).clone();
      }
      net.resetStats();
      long te = System.nanoTime();
      for (int bi = 0; bi < batches; bi++) {
        int s0 = bi * b, m = Math.min(b, nTr - s0);
        for (int i = 0; i < m; i++) {
          System.arraycopy(zTr, perm[s0 + i] * len, buf, i * len, len);
        }
        net.train(buf, m);
        if (progress != null && (bi % 10 == 9 || bi == batches - 1)) {
          progress.printf(Locale.ROOT, "\r%s: epoch %d/%d, batch %d/%d, %.0f s   ", variant,
              epoch, st.epochs(), bi + 1, batches, (System.nanoTime() - te) / 1e9);
          progress.flush();
        }
      }
      if (progress != null) {
        progress.println();
      }
      logEpoch(variant, epoch, net, before);
    }
    lap(variant + ": Hebbian training, " + st.epochs() + " epoch(s) of " + batches
        + " batches", t0);

    // frozen network: collect features (thresholds and weights no longer change)
    long tf = System.nanoTime();
    say(variant + ": collecting features with the frozen network");
    Features fTr = collect(net, zTr, nTr, len, buf, variant + " train");
    Features fTe = collect(net, zTe, nTe, len, buf, variant + " test");
    lap(variant + ": feature collection (train + test)", tf);
    long td = System.nanoTime();
    for (int l = 0; l < net.layers(); l++) {
      decode(variant, String.valueOf(l + 1), fTr.quad[l], nTr, fTe.quad[l], nTe, fTr.quadDim[l],
          train.labels(), test.labels(), classes);
      fTr.quad[l] = null;
      fTe.quad[l] = null;
    }
    decode(variant, "final", fTr.last, nTr, fTe.last, nTe, fTr.lastDim, train.labels(),
        test.labels(), classes);
    lap(variant + ": ridge decoders", td);
    for (int l = 0; l < net.layers(); l++) {
      int[] fs = net.filterShape(l);
      Path png = dir.resolve("filters-" + variant.replace('+', '-') + "-layer" + (l + 1) + ".png");
      if (l == 0) {
        FilterGrid.writeFirstLayer(png, net.weights(l), net.outputShape(l)[0], fs[0], fs[1]);
      } else {
        FilterGrid.writeDeepLayer(png, net.weights(l), net.outputShape(l)[0], fs[0], fs[1]);
      }
    }
  }

  /** Per-layer quadrant features and the flattened last layer, for n images. */
  static final class Features {
    float[][] quad;
    int[] quadDim;
    float[] last;
    int lastDim;
  }

  private Features collect(HebbCnn net, float[] x, int n, int len, float[] buf, String what) {
    int layers = net.layers(), b = net.config().batch();
    Features f = new Features();
    f.quad = new float[layers][];
    f.quadDim = new int[layers];
    for (int l = 0; l < layers; l++) {
      int[] s = net.outputShape(l);
      f.quadDim[l] = s[0] * Math.min(2, s[1]) * Math.min(2, s[2]);
      f.quad[l] = new float[Math.multiplyExact(n, f.quadDim[l])];
    }
    int[] ls = net.outputShape(layers - 1);
    f.lastDim = ls[0] * ls[1] * ls[2];
    f.last = new float[Math.multiplyExact(n, f.lastDim)];
    int batches = (n + b - 1) / b;
    for (int bi = 0; bi < batches; bi++) {
      int s0 = bi * b, m = Math.min(b, n - s0);
      System.arraycopy(x, s0 * len, buf, 0, m * len);
      net.infer(buf, m);
      for (int l = 0; l < layers; l++) {
        int[] s = net.outputShape(l);
        int size = s[0] * s[1] * s[2];
        for (int i = 0; i < m; i++) {
          quadrants(net.output(l), i * size, s[0], s[1], s[2], f.quad[l],
              (s0 + i) * f.quadDim[l]);
        }
      }
      System.arraycopy(net.output(layers - 1), 0, f.last, s0 * f.lastDim, m * f.lastDim);
      if (progress != null && (bi % 20 == 19 || bi == batches - 1)) {
        progress.printf(Locale.ROOT, "\r%s features: batch %d/%d   ", what, bi + 1, batches);
        progress.flush();
      }
    }
    if (progress != null) {
      progress.println();
    }
    return f;
  }

  /**
   * (Q1) Means of each channel over the 2 x 2 quadrants of its h x w map: rows
   * [floor(a h / 2), ceil((a + 1) h / 2)) for a = 0, 1 (the middle row of an odd map belongs to
   * both), likewise columns; an axis of size 1 has one range. Feature index (ch * qa + a) * qb + b.
   */
  static void quadrants(float[] map, int off, int ch, int h, int w, float[] dst, int dOff) {
    int qa = Math.min(2, h), qb = Math.min(2, w);
    int t = dOff;
    for (int c = 0; c < ch; c++) {
      int base = off + c * h * w;
      for (int a = 0; a < qa; a++) {
        int r0 = qa == 1 ? 0 : (a * h) / 2, r1 = qa == 1 ? h : ((a + 1) * h + 1) / 2;
        for (int bq = 0; bq < qb; bq++) {
          int c0 = qb == 1 ? 0 : (bq * w) / 2, c1 = qb == 1 ? w : ((bq + 1) * w + 1) / 2;
          float s = 0f;
          for (int r = r0; r < r1; r++) {
            for (int cc = c0; cc < c1; cc++) {
              s += map[base + r * w + cc];
            }
          }
          dst[t++] = s / ((r1 - r0) * (c1 - c0));
        }
      }
    }
  }

  private void decode(String variant, String layer, float[] xTr, int nTr, float[] xTe, int nTe,
      int dim, int[] yTr, int[] yTe, int classes) {
    float[] oneHot = Ridge.oneHot(yTr, nTr, classes);
    Ridge r = Ridge.fitInPlace(k, workers, xTr, nTr, dim, oneHot, classes, st.alpha());
    double accTr = Ridge.accuracy(r.scoresCentered(xTr, nTr), yTr, nTr, classes);
    double accTe = Ridge.accuracy(r.scores(xTe, nTe), yTe, nTe, classes);
    Row row = new Row(variant, layer, dim, accTr, accTe);
    rows.add(row);
    say(String.format(Locale.ROOT, "decoded %-18s layer %-5s %6d features: train %.4f, test %.4f",
        variant, layer, dim, accTr, accTe));
  }

  private void logEpoch(String variant, int epoch, HebbCnn net, float[][] before) {
    for (int l = 0; l < net.layers(); l++) {
      float[] th = net.thresholds(l);
      double tMean = 0, tMin = Double.MAX_VALUE, tMax = -Double.MAX_VALUE;
      for (float t : th) {
        tMean += t;
        tMin = Math.min(tMin, t);
        tMax = Math.max(tMax, t);
      }
      tMean /= th.length;
      long[] wins = net.statWins(l);
      long samples = net.statSamples(l);
      double rMin = Double.MAX_VALUE, rMax = 0;
      int dead = 0;
      for (long wv : wins) {
        double rate = (double) wv / samples;
        rMin = Math.min(rMin, rate);
        rMax = Math.max(rMax, rate);
        if (wv == 0) {
          dead++;
        }
      }
      int o = th.length;
      float[] wl = net.weights(l);
      int q = wl.length / o;
      double normSum = 0, diff = 0, ref = 0;
      for (int f = 0; f < o; f++) {
        double s = 0;
        for (int j = 0; j < q; j++) {
          s += (double) wl[f * q + j] * wl[f * q + j];
        }
        normSum += Math.sqrt(s);
      }
      for (int j = 0; j < wl.length; j++) {
        diff += Math.pow(wl[j] - before[l][j], 2);
        ref += Math.pow(before[l][j], 2);
      }
      double target = (double) net.config().layers().get(l).k() / o;
      log.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%d,%.6g,"
          + "%.6g%n", variant, epoch, l + 1, o, tMean, tMin, tMax, target, rMin, rMax, dead,
          normSum / o, Math.sqrt(diff / Math.max(ref, 1e-300))));
    }
  }

  private void writeOutputs() throws IOException {
    try (Writer wr = Files.newBufferedWriter(dir.resolve("decoding.csv"), StandardCharsets.UTF_8)) {
      wr.write("variant,layer,features,train_accuracy,test_accuracy\n");
      for (Row r : rows) {
        wr.write(String.format(Locale.ROOT, "%s,%s,%d,%.4f,%.4f%n", r.variant(), r.layer(),
            r.features(), r.trainAccuracy(), r.testAccuracy()));
      }
    }
    Files.writeString(dir.resolve("training-log.csv"), log, StandardCharsets.UTF_8);
  }

  /** The decoding table as printed on stdout. */
  public String table() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-18s %-6s %8s %10s %10s%n", "variant", "layer",
        "features", "train_acc", "test_acc"));
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "%-18s %-6s %8d %10.4f %10.4f%n", r.variant(),
          r.layer(), r.features(), r.trainAccuracy(), r.testAccuracy()));
    }
    return sb.toString();
  }

  private String runText(Dataset train, Dataset test) {
    StringBuilder sb = new StringBuilder();
    sb.append("hebb4j hebbcnn run (spec/hebbcnn.md)\n");
    sb.append("data: ").append(train.name()).append(" ").append(train.n()).append(" train, ")
        .append(test.name()).append(" ").append(test.n()).append(" test, ").append(train.c())
        .append("x").append(train.h()).append("x").append(train.w()).append("\n");
    sb.append("kernels: ").append(k.name()).append("; threads: ").append(workers.threads())
        .append("\n");
    sb.append(String.format(Locale.ROOT, "variants: %s%nepochs: %d, seed: %d, batch: %d, "
        + "burn-in: %d batches, rule: %s, theta rate: %g%n", st.variants(), st.epochs(),
        st.seed(), st.batch(), st.burnIn(), st.rule().id(), st.thetaRate()));
    sb.append("channels: ").append(Arrays.toString(st.channels())).append(", kernels: ")
        .append(Arrays.toString(st.kernels())).append(", lr: ").append(Arrays.toString(st.lr()))
        .append(", k: ").append(Arrays.toString(st.k())).append(", pruning keep: ")
        .append(Arrays.toString(st.keep())).append(st.keep().length == 1 ? " (layers 2+)" : "").append(", input padding: ").append(st.pad(train.h(), train.w()))
        .append(st.pad() < 0 ? " (auto)" : "").append("\n");
    sb.append("ZCA eps: ").append(st.zcaEps()).append(", ridge alpha: ").append(st.alpha())
        .append("\n\n").append(table()).append("\ntimings:\n").append(timing);
    return sb.toString();
  }

  private void lap(String what, long t0) {
    String line = String.format(Locale.ROOT, "  %-60s %9.1f s%n", what,
        (System.nanoTime() - t0) / 1e9);
    timing.append(line);
  }

  /** Timing lines so far. */
  public String timings() {
    return timing.toString();
  }

  private void say(String s) {
    if (progress != null) {
      progress.println(s);
    }
  }

  static float[] pad(float[] x, int n, int c, int h, int w, int p) {
    int hp = h + 2 * p, wp = w + 2 * p;
    float[] y = new float[Math.multiplyExact(n, c * hp * wp)];
    for (int i = 0; i < n; i++) {
      for (int ch = 0; ch < c; ch++) {
        for (int r = 0; r < h; r++) {
          System.arraycopy(x, ((i * c + ch) * h + r) * w, y, ((i * c + ch) * hp + r + p) * wp + p,
              w);
        }
      }
    }
    return y;
  }
}
