package org.hebb4j.emergence;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Dense;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Mlp;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;

/**
 * One training run with the alignment probe (spec/emergence.md#protocols): {@code steps} steps of
 * batches drawn without replacement from a reshuffled permutation each epoch (the last partial
 * batch of an epoch is dropped), the measurement window over the last {@code window} fraction of
 * the steps, a time-series point every {@code every} steps (and at steps 1, 2, 4, ... below it),
 * and the {@code fullbatch} protocol at the end.
 */
public final class TrainingRun {

  /** Evaluation chunk (rows per forward pass on validation/full training sets). */
  public static final int EVAL_CHUNK = 2000;

  private TrainingRun() {}

  /** Run length and measurement settings. */
  public record Schedule(int steps, double window, int every, boolean neurons) {
    public Schedule {
      if (steps < 1) {
        throw new IllegalArgumentException("steps must be positive, got " + steps);
      }
      if (!(window > 0 && window <= 1)) {
        throw new IllegalArgumentException("window must be in (0, 1], got " + window);
      }
      if (every < 0) {
        throw new IllegalArgumentException("every must be >= 0, got " + every);
      }
    }

    /** Number of window steps: round(window * steps), at least 1. */
    public int windowSteps() {
      return Math.max(1, (int) Math.round(window * steps));
    }

    /**
     * Whether step (1-based) is sampled for the time series: every {@code every} steps, and at the
     * powers of two below {@code every} (1, 2, 4, ...) to resolve the start of training.
     */
    public boolean sampled(long step) {
      return every > 0 && (step % every == 0 || (step < every && (step & (step - 1)) == 0));
    }

    public int points() {
      return every > 0 ? steps / every + 33 : 0;
    }
  }

  /** Everything a run measures; arrays are per layer (index 0 = layer 1). */
  public record Result(double[] minibatch, double[] fullbatch, double[] timeavg,
      Probe.NeuronStats[] neurons, double[] weightNorm, double trainLoss, double valLoss,
      double valAccuracy, Probe.Series series) {

    /** The alignment under a protocol: "minibatch", "fullbatch" or "timeavg". */
    public double alignment(String protocol, int layer) {
      switch (protocol) {
        case "minibatch": return minibatch[layer];
        case "fullbatch": return fullbatch[layer];
        case "timeavg": return timeavg[layer];
        default: throw new IllegalArgumentException(protocol);
      }
    }
  }

  /** The three protocols of (E18), in table order. */
  public static final String[] PROTOCOLS = {"minibatch", "fullbatch", "timeavg"};

  /**
   * Trains {@code net} (initialised) on {@code train}, measures, evaluates on {@code val}.
   *
   * @param run the run's root stream; the batch order uses {@code run.derive("shuffle")}
   * @param progress incremented once per step (may be null)
   */
  public static Result run(Kernels k, Mlp net, Loss loss, Data train, Data val, TrainConfig cfg,
      Schedule s, Rng run, AtomicLong progress) {
    int batch = cfg.batch();
    if (batch > train.n()) {
      throw new IllegalArgumentException("batch " + batch + " is larger than the training set ("
          + train.n() + " rows)");
    }
    Trainer tr = new Trainer(k, net, loss, cfg, run);
    Probe probe = new Probe(k, net, s.points(), s.neurons());
    Rng shuffle = run.derive("shuffle");
    int[] perm = identity(train.n());
    float[] xb = new float[batch * train.d()];
    float[] yb = train.hasLabels() ? null : new float[batch * train.o()];
    int[] lb = train.hasLabels() ? new int[batch] : null;
    int evalRows = Math.min(EVAL_CHUNK, Math.max(val.n(), 1));
    Mlp.Workspace eval = net.workspace(evalRows);
    float[] xe = new float[evalRows * val.d()];
    float[] ye = val.hasLabels() ? null : new float[evalRows * val.o()];
    int[] le = val.hasLabels() ? new int[evalRows] : null;
    int[] valIdx = identity(val.n());
    int depth = net.depth();
    double[] norms = new double[depth];
    int firstWindow = s.steps() - s.windowSteps() + 1;
    int pos = train.n();
    double windowLoss = 0;
    for (int step = 1; step <= s.steps(); step++) {
      if (pos + batch > train.n()) {
        shuffle.shuffle(perm);
        pos = 0;
      }
      train.gather(perm, pos, batch, xb, yb, lb);
      pos += batch;
      boolean window = step >= firstWindow;
      boolean sample = s.sampled(step);
      double l = tr.step(xb, yb, lb, batch, probe, window, sample);
      if (window) {
        windowLoss += l;
      }
      if (sample) {
        for (int i = 0; i < depth; i++) {
          norms[i] = Math.sqrt(tr.weightNormSq(i));
        }
        double v = tr.evaluate(val, eval, xe, ye, le, valIdx, null);
        probe.completePoint(step, norms, v);
      }
      if (progress != null) {
        progress.incrementAndGet();
      }
    }
    // fullbatch protocol (E18b) on the whole training set
    Mlp.Workspace full = net.workspace(Math.min(EVAL_CHUNK, train.n()));
    float[][] gFull = new float[depth][], hFull = new float[depth][];
    for (int i = 0; i < depth; i++) {
      Dense d = net.layer(i);
      gFull[i] = new float[d.w.length];
      hFull[i] = new float[d.w.length];
    }
    tr.fullBatch(train, full, gFull, hFull);
    double[] mb = new double[depth], fb = new double[depth], ta = new double[depth];
    Probe.NeuronStats[] ns = new Probe.NeuronStats[depth];
    for (int i = 0; i < depth; i++) {
      mb[i] = probe.minibatch(i);
      ta[i] = probe.timeavg(i);
      fb[i] = Probe.cosine(k, gFull[i].length, gFull[i], 0, hFull[i], 0);
      ns[i] = probe.neuronStats(i);
      Dense d = net.layer(i);
      norms[i] = Math.sqrt(k.sumSquares(d.w.length, d.w, 0));
    }
    long[] correct = new long[1];
    double valLoss = tr.evaluate(val, eval, xe, ye, le, valIdx, correct);
    double acc = val.hasLabels() ? (double) correct[0] / val.n() : Double.NaN;
    return new Result(mb, fb, ta, ns, norms.clone(), windowLoss / s.windowSteps(), valLoss, acc,
        probe.series());
  }

  /**
   * Runs {@code body} for every run index in [0, n) on the workers. Once a run fails (e.g. it
   * diverged), runs not yet started are skipped, and the first failure is rethrown.
   */
  public static void runAll(Workers workers, int n, IntConsumer body) {
    AtomicBoolean failed = new AtomicBoolean();
    workers.run(n, i -> {
      if (failed.get()) {
        return;
      }
      try {
        body.accept(i);
      } catch (RuntimeException | Error e) {
        failed.set(true);
        throw e;
      }
    });
  }

  static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }
}
