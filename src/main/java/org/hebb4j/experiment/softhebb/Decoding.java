package org.hebb4j.experiment.softhebb;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hebb4j.data.Dataset;
import org.hebb4j.experiment.Checkpoints;
import org.hebb4j.experiment.softhebb.LearnerSummary.Row;
import org.hebb4j.experiment.softhebb.LearnerSummary.Timing;
import org.hebb4j.hebbian.Standardize;
import org.hebb4j.io.Checkpoint;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.linalg.Ridge;
import org.hebb4j.nn.DivergedException;
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
   * {@code model}, the linear readout as {@code model + "-linear"} (from
   * {@code rng.derive("readout")}). The linear readout runs first: ridge centres {@code xTr} in
   * place.
   */
  static List<Row> decode(Kernels k, Workers workers, Decoders dec, String model, float[] xTr,
      float[] xTe, int d, Dataset train, Dataset test, Rng rng, PrintStream say,
      List<Timing> timings) {
    Row linear = null, ridge = null;
    if (dec.uses(Decoders.Readout.LINEAR)) {
      long t0 = System.nanoTime();
      linear = linear(k, dec.linear(), model, xTr, xTe, d, train, test, rng, say);
      timings.add(new Timing("linear readout", (System.nanoTime() - t0) / 1e9));
    }
    if (dec.uses(Decoders.Readout.RIDGE)) {
      long t0 = System.nanoTime();
      ridge = ridge(k, workers, model, xTr, xTe, d, train, test, say);
      timings.add(new Timing("ridge decoder", (System.nanoTime() - t0) / 1e9));
    }
    List<Row> rows = new ArrayList<>();
    for (Decoders.Readout r : dec.readouts()) {
      rows.add(r == Decoders.Readout.RIDGE ? ridge : linear);
    }
    return rows;
  }

  /** {@link LinearReadout} on {@code xTr [nTrain, d]}, scored on both sets. */
  static Row linear(Kernels k, LinearReadout.Settings s, String model, float[] xTr,
      float[] xTe, int d, Dataset train, Dataset test, Rng rng, PrintStream say) {
    Rng r = rng.derive("readout");
    LinearReadout lr = new LinearReadout(d, train.classes(), k, r.derive("init"));
    String name = model + "-linear";
    lr.fit(xTr, train.n(), train.labels(), s, r.derive("fit"), say == null ? null : e -> {
      say.printf(Locale.ROOT, "\r%s readout: epoch %d/%d   ", name, e, s.epochs());
      say.flush();
    });
    if (say != null) {
      say.println();
    }
    double accTr = lr.accuracy(xTr, train.n(), train.labels());
    double accTe = lr.accuracy(xTe, test.n(), test.labels());
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
