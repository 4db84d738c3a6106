package org.hebb4j.experiment.softhebb;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;
import org.hebb4j.data.Dataset;
import org.hebb4j.experiment.Checkpoints;
import org.hebb4j.experiment.softhebb.LearnerSummary.Row;
import org.hebb4j.experiment.softhebb.LearnerSummary.Timing;
import org.hebb4j.hebbian.Standardize;
import org.hebb4j.io.Checkpoint;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.linalg.Ridge;
import org.hebb4j.nn.DivergedException;
import org.hebb4j.nn.KrotovReadout;
import org.hebb4j.nn.LinearReadout;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;

/** What both experiments share: the pixel baseline, the ridge decoder, shuffles, progress. */
final class Decoding {

  /** Ridge penalty (L2), as hebbcnn. */
  static final double ALPHA = 1.0;

  private Decoding() {}

  /** Ridge on the standardised pixels (T1), hebbcnn's baseline row. */
  static Row pixels(Kernels k, Workers workers, Dataset train, Dataset test, PrintStream say) {
    int d = train.features();
    float[] xTr = new float[train.n() * d], xTe = new float[test.n() * d];
    Standardize.all(k, train.n(), d, train.x(), xTr, Standardize.EPS);
    Standardize.all(k, test.n(), d, test.x(), xTe, Standardize.EPS);
    return ridge(k, workers, "pixels", xTr, xTe, d, train, test, say);
  }

  /** Fits ridge on {@code xTr [nTrain, d]} (centred in place) and scores both sets. */
  static Row ridge(Kernels k, Workers workers, String model, float[] xTr, float[] xTe, int d,
      Dataset train, Dataset test, PrintStream say) {
    int nTr = train.n(), nTe = test.n(), classes = train.classes();
    float[] oneHot = Ridge.oneHot(train.labels(), nTr, classes);
    Ridge r;
    try {
      r = Ridge.fitInPlace(k, workers, xTr, nTr, d, oneHot, classes, ALPHA);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("the ridge decoder on " + d + " " + model
          + " features of " + nTr + " training images is numerically singular (" + e.getMessage()
          + "); use more training images than features, or --readout linear");
    }
    double accTr = Ridge.accuracy(r.scoresCentered(xTr, nTr), train.labels(), nTr, classes);
    double accTe = Ridge.accuracy(r.scores(xTe, nTe), test.labels(), nTe, classes);
    if (say != null) {
      say.printf(Locale.ROOT, "decoded %-8s %6d features: train %.4f, test %.4f%n", model, d,
          accTr, accTe);
    }
    return new Row(model, d, accTr, accTe);
  }

  /**
   * Decodes frozen features with every readout of {@code dec}, rows in its order: ridge as
   * {@code model}, the linear readout as {@code model + "-linear"}, the Krotov-Hopfield
   * classifier as {@code model + "-classifier"} (both from {@code rng.derive("readout")}). The
   * trained readouts run first: ridge centres {@code xTr} in place.
   */
  static List<Row> decode(Kernels k, Workers workers, Decoders dec, String model, float[] xTr,
      float[] xTe, int d, Dataset train, Dataset test, Rng rng, PrintStream say,
      List<Timing> timings) {
    Map<Decoders.Readout, Row> rows = new EnumMap<>(Decoders.Readout.class);
    if (dec.uses(Decoders.Readout.LINEAR)) {
      long t0 = System.nanoTime();
      rows.put(Decoders.Readout.LINEAR, linear(k, dec.linear(), model, xTr, xTe, d, train, test,
          rng, say));
      timings.add(new Timing("linear readout", (System.nanoTime() - t0) / 1e9));
    }
    if (dec.uses(Decoders.Readout.KROTOV)) {
      long t0 = System.nanoTime();
      rows.put(Decoders.Readout.KROTOV, krotov(k, dec.krotov(), model, xTr, xTe, d, train, test,
          rng, say));
      timings.add(new Timing("krotov readout", (System.nanoTime() - t0) / 1e9));
    }
    if (dec.uses(Decoders.Readout.RIDGE)) {
      long t0 = System.nanoTime();
      rows.put(Decoders.Readout.RIDGE, ridge(k, workers, model, xTr, xTe, d, train, test, say));
      timings.add(new Timing("ridge decoder", (System.nanoTime() - t0) / 1e9));
    }
    List<Row> out = new ArrayList<>();
    for (Decoders.Readout r : dec.readouts()) {
      out.add(rows.get(r));
    }
    return out;
  }

  /** {@link LinearReadout} on {@code xTr [nTrain, d]}, scored on both sets. */
  static Row linear(Kernels k, LinearReadout.Settings s, String model, float[] xTr,
      float[] xTe, int d, Dataset train, Dataset test, Rng rng, PrintStream say) {
    Rng r = rng.derive("readout");
    LinearReadout lr = new LinearReadout(d, train.classes(), k, r.derive("init"));
    String name = model + "-linear";
    lr.fit(xTr, train.n(), train.labels(), s, r.derive("fit"),
        epochProgress(say, name, s.epochs()));
    return scored(say, name, d, lr.accuracy(xTr, train.n(), train.labels()),
        lr.accuracy(xTe, test.n(), test.labels()));
  }

  /** {@link KrotovReadout} on {@code xTr [nTrain, d]}, scored on both sets. */
  static Row krotov(Kernels k, KrotovReadout.Settings s, String model, float[] xTr,
      float[] xTe, int d, Dataset train, Dataset test, Rng rng, PrintStream say) {
    Rng r = rng.derive("readout");
    KrotovReadout kr = new KrotovReadout(d, train.classes(), k, r.derive("init"));
    String name = model + "-classifier";
    KrotovReadout.Settings scaled = s.withBeta(s.beta() / rowMaxMean(xTr, train.n(), d));
    kr.fit(xTr, train.n(), train.labels(), scaled, r.derive("fit"),
        epochProgress(say, name, s.epochs()));
    if (say != null) {
      say.printf(Locale.ROOT, "%s: beta %s / (mean row max of the features) = %.6g%n", name,
          s.beta(), scaled.beta());
    }
    return scored(say, name, d, kr.accuracy(xTr, train.n(), train.labels()),
        kr.accuracy(xTe, test.n(), test.labels()));
  }

  /**
   * (KH6) the features' scale: the mean over the rows of {@code x [n, d]} of their largest
   * value, in double; 1 when that is not a positive finite number (all-zero features).
   */
  static double rowMaxMean(float[] x, int n, int d) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      float mx = 0f;
      for (int j = i * d; j < (i + 1) * d; j++) {
        mx = Math.max(mx, x[j]);
      }
      sum += mx;
    }
    double q = sum / n;
    return q > 0 && Double.isFinite(q) ? q : 1.0;
  }

  /** A trained readout's progress line per epoch (with the elapsed time), or null. */
  private static IntConsumer epochProgress(PrintStream say, String name, int epochs) {
    if (say == null) {
      return null;
    }
    long t0 = System.nanoTime();
    return e -> {
      say.printf(Locale.ROOT, "\r%s readout: epoch %d/%d, %.0f s   ", name, e, epochs,
          (System.nanoTime() - t0) / 1e9);
      if (e == epochs) {
        say.println();
      }
      say.flush();
    };
  }

  private static Row scored(PrintStream say, String name, int d, double accTr, double accTe) {
    if (say != null) {
      say.printf(Locale.ROOT, "decoded %-8s %6d features: train %.4f, test %.4f%n", name, d,
          accTr, accTe);
    }
    return new Row(name, d, accTr, accTe);
  }

  /**
   * Where a unit's training starts: epoch {@code epoch}, and in it batch {@code batch} (in later
   * epochs batch 0).
   */
  record Start(int epoch, int batch) {
    int first(int e) {
      return e == epoch ? batch : 0;
    }
  }

  /**
   * Begins the training unit {@code unit} ({@link Checkpoints#begin}): when the checkpoint holds
   * it, {@code load} restores its state, and training continues from its position (after the
   * last epoch when it is done); else from the start.
   */
  static Start begin(Checkpoints checkpoints, String unit, int epochs,
      java.util.function.Consumer<Checkpoint.State> load) {
    Checkpoint.Unit saved = checkpoints.begin(unit);
    if (saved == null) {
      return new Start(1, 0);
    }
    load.accept(saved.state());
    Checkpoint.Position p = saved.position();
    return p.done() ? new Start(epochs + 1, 0) : new Start(p.epoch(), p.batch());
  }

  /** The permutation of epoch {@code epoch} (from 1), from {@code rng.derive("shuffle")}. */
  static int[] shuffle(Rng rng, int n, int epoch) {
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    rng.derive("shuffle").derive("epoch" + epoch).shuffle(perm);
    return perm;
  }

  /** Copies the images {@code perm[s0 .. s0 + m)} of {@code x} into {@code buf}. */
  static void gather(float[] x, int d, int[] perm, int s0, int m, float[] buf) {
    for (int i = 0; i < m; i++) {
      System.arraycopy(x, perm[s0 + i] * d, buf, i * d, d);
    }
  }

  static void progress(PrintStream p, String what, int epoch, int epochs, int batch, int batches,
      long t0) {
    if (p != null && (batch % 10 == 9 || batch == batches - 1)) {
      p.printf(Locale.ROOT, "\r%s: epoch %d/%d, batch %d/%d, %.0f s   ", what, epoch, epochs,
          batch + 1, batches, (System.nanoTime() - t0) / 1e9);
      p.flush();
      if (batch == batches - 1) {
        p.println();
      }
    }
  }

  /**
   * Refuses non-finite features (finite weights can still overflow them) with the step they
   * come from and their source.
   */
  static void finite(float[] f, long step, String where, String cause) {
    for (float v : f) {
      if (!Float.isFinite(v)) {
        throw DivergedException.at(step, where, cause);
      }
    }
  }

  static List<String> data(Dataset train, Dataset test) {
    return List.of("data: " + train.name() + " " + train.n() + " train, " + test.name() + " "
        + test.n() + " test, " + train.c() + "x" + train.h() + "x" + train.w());
  }
}
