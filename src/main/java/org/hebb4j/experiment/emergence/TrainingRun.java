package org.hebb4j.experiment.emergence;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.hebb4j.emergence.Data;
import org.hebb4j.experiment.Problem;
import org.hebb4j.emergence.Evaluation;
import org.hebb4j.emergence.Probe;
import org.hebb4j.emergence.Protocol;
import org.hebb4j.emergence.TrainConfig;
import org.hebb4j.emergence.Trainer;
import org.hebb4j.emergence.TransformerProbe;
import org.hebb4j.emergence.TransformerTrainer;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Dense;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Mlp;
import org.hebb4j.nn.Transformer;
import org.hebb4j.nn.TransformerConfig;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.hebb4j.tensor.Tensor;

/**
 * One training run with the alignment probe (spec/emergence.md#protocols): {@code steps} steps of
 * batches drawn without replacement from a reshuffled permutation each epoch (the last partial
 * batch of an epoch is dropped), the measurement window over the last {@code window} fraction of
 * the steps, a time-series point every {@code every} steps (and at steps 1, 2, 4, ... below it),
 * and the {@code fullbatch} protocol at the end.
 */
public final class TrainingRun {

  private TrainingRun() {}

  /**
   * Run length and measurement settings.
   *
   * @param steps training steps, at least 1
   * @param window the measurement window, a fraction in (0, 1] of the steps
   * @param every a time-series point every this many steps (0: none)
   * @param neurons whether the time series keeps every row-wise cosine
   */
  public record Schedule(int steps, double window, int every, boolean neurons) {
    /**
     * Checks the settings.
     *
     * @param steps training steps, at least 1
     * @param window the measurement window, a fraction in (0, 1]
     * @param every a time-series point every this many steps (0: none)
     * @param neurons whether the time series keeps every row-wise cosine
     * @throws IllegalArgumentException naming the setting out of range
     */
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

    /**
     * Number of window steps: round(window * steps), at least 1.
     *
     * @return the count
     */
    public int windowSteps() {
      return Math.max(1, (int) Math.round(window * steps));
    }

    /**
     * Whether step (1-based) is sampled for the time series: every {@code every} steps, and at the
     * powers of two below {@code every} (1, 2, 4, ...) to resolve the start of training.
     *
     * @param step the step, 1-based
     * @return whether it is sampled
     */
    public boolean sampled(long step) {
      return every > 0 && (step % every == 0 || (step < every && (step & (step - 1)) == 0));
    }

    /**
     * The time-series capacity a probe needs.
     *
     * @return an upper bound of the sampled steps
     */
    public int points() {
      return every > 0 ? steps / every + 33 : 0;
    }

    /**
     * What is wrong with runs of this schedule on batches of {@code batch} rows from a training
     * set of {@code trainRows} ({@link Problem}): an error when a batch is larger than the
     * training set, a warning when the measurement window holds fewer than
     * {@value TrainingRun#MIN_WINDOW} steps (minibatch and timeavg then average only those).
     *
     * @param batch rows per batch
     * @param trainRows rows of the training set
     * @return the problems, errors first; empty when none
     */
    public List<Problem> problems(int batch, int trainRows) {
      List<Problem> out = new ArrayList<>();
      if (batch > trainRows) {
        out.add(Problem.error("batch " + batch + " is larger than the training set ("
            + trainRows + " rows)"));
      }
      if (windowSteps() < MIN_WINDOW) {
        out.add(Problem.warning("the measurement window holds only " + windowSteps()
            + " step(s) (window " + window + " of " + steps + " steps): minibatch and timeavg"
            + " average only those"));
      }
      return out;
    }

    /**
     * A lower bound of the memory one run needs while training a network of {@code widths}
     * (input, hidden..., output) on batches of {@code batch} rows, evaluating on {@code evalRows}
     * rows at a time: its parameters with their signals and the probe's sums, and the
     * activations of a batch.
     *
     * @param widths layer widths, input first
     * @param batch rows per batch
     * @param evalRows rows per evaluation chunk
     * @return bytes
     */
    public double runBytes(int[] widths, int batch, int evalRows) {
      double params = 0, units = 0;
      for (int i = 1; i < widths.length; i++) {
        params += (double) widths[i - 1] * widths[i];
        units += widths[i];
      }
      return 4 * (5 * params + 2 * units * ((double) batch + evalRows)
          + (double) batch * widths[0]);
    }

    /**
     * A lower bound of the memory one run's result keeps: its time series (and the row-wise
     * cosines with {@code neurons}).
     *
     * @param widths layer widths, input first
     * @return bytes
     */
    public double keptBytes(int[] widths) {
      double units = 0;
      for (int i = 1; i < widths.length; i++) {
        units += widths[i];
      }
      return (double) points() * (16.0 * (widths.length - 1) + (neurons ? 4 * units : 0));
    }
  }

  /** Errors first, then warnings, each in order. */
  static List<Problem> errorsFirst(List<Problem> all) {
    List<Problem> out = new ArrayList<>();
    for (Problem p : all) {
      if (p.isError()) {
        out.add(p);
      }
    }
    for (Problem p : all) {
      if (!p.isError()) {
        out.add(p);
      }
    }
    return out;
  }

  /** Fewer window steps than this gives a warning ({@link Schedule#problems}). */
  public static final int MIN_WINDOW = 10;

  /**
   * One layer's measurements at the end of a run.
   *
   * @param minibatch (E18a) alignment
   * @param fullbatch (E18b) alignment
   * @param timeavg (E18c) alignment
   * @param persample (E18d) alignment
   * @param neurons (E19) per-neuron statistics over the window
   * @param weightNorm ||W||_F at the end
   */
  public record Layer(double minibatch, double fullbatch, double timeavg, double persample,
      Probe.NeuronStats neurons, double weightNorm) {

    /**
     * The alignment under a protocol.
     *
     * @param p the protocol
     * @return cos(g, H) measured by it
     */
    public double alignment(Protocol p) {
      switch (p) {
        case MINIBATCH: return minibatch;
        case FULLBATCH: return fullbatch;
        case TIMEAVG: return timeavg;
        default: return persample;
      }
    }
  }

  /**
   * Everything a run measures.
   *
   * @param layers per layer, in order
   * @param trainLoss mean training loss over the window steps
   * @param valLoss validation loss at the end
   * @param valAccuracy validation accuracy at the end (NaN for regression)
   * @param series the time series
   */
  public record Result(List<Layer> layers, double trainLoss, double valLoss, double valAccuracy,
      Probe.Series series) {

    /**
     * Layer l's measurements.
     *
     * @param l the layer, 0-based
     * @return its measurements
     */
    public Layer layer(int l) {
      return layers.get(l);
    }

    /**
     * The alignment of layer l under a protocol.
     *
     * @param p the protocol
     * @param l the layer, 0-based
     * @return cos(g, H)
     */
    public double alignment(Protocol p, int l) {
      return layers.get(l).alignment(p);
    }
  }

  /**
   * Trains {@code net} (initialised) on {@code train}, measures, evaluates on {@code val}.
   *
   * @param k the kernels
   * @param net the student, trained in place
   * @param loss the data loss
   * @param train the training set
   * @param val the validation set
   * @param cfg the hyperparameters
   * @param s the schedule
   * @param run the run's root stream; the batch order uses {@code run.derive("shuffle")}
   * @param progress incremented once per step (may be null)
   * @return the measurements
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
    BatchOrder order = new BatchOrder(train, batch, run.derive("shuffle"));
    float[] xb = new float[batch * train.d()];
    float[] yb = train.hasLabels() ? null : new float[batch * train.o()];
    int[] lb = train.hasLabels() ? new int[batch] : null;
    Trainer.Batch b = new Trainer.Batch(xb, yb, lb, batch);
    Evaluation eval = new Evaluation(net, val);
    int depth = net.depth();
    int firstWindow = s.steps() - s.windowSteps() + 1;
    double windowLoss = 0;
    for (int step = 1; step <= s.steps(); step++) {
      order.next(xb, yb, lb);
      boolean window = step >= firstWindow;
      boolean sample = s.sampled(step);
      Trainer.Step st = tr.train(b, probe, window, sample);
      if (window) {
        windowLoss += st.loss();
      }
      if (sample) {
        probe.completePoint(st, tr.evaluate(eval).loss());
      }
      if (progress != null) {
        progress.incrementAndGet();
      }
    }
    // fullbatch protocol (E18b) on the whole training set
    Trainer.FullBatch full = tr.fullBatch(train);
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      Dense d = net.layer(i);
      layers.add(new Layer(probe.minibatch(i), full.layers().get(i).alignment(k),
          probe.timeavg(i), probe.persample(i), probe.neuronStats(i),
          Math.sqrt(k.sumSquares(d.w.length, d.w, 0))));
    }
    Evaluation.Result v = tr.evaluate(eval);
    return new Result(List.copyOf(layers), windowLoss / s.windowSteps(), v.loss(), v.accuracy(),
        probe.series());
  }

  /**
   * Trains a {@link Transformer} (initialised) on {@code train} with the same batch order and
   * window as the MLP's {@link #run}, measures every linear map ({@link TransformerProbe}:
   * minibatch, timeavg and persample over the window, fullbatch on the training set at the end)
   * and evaluates on {@code val}. Result layers follow {@link TransformerProbe#names()}; per-neuron
   * statistics are NaN and the time series is empty (the transformer probe records none).
   * See spec/transformer.md#sre.
   *
   * @param k the kernels
   * @param net the student, trained in place
   * @param loss MSE or MSE_MEAN
   * @param train the training set [n, 32] -> [n, 32]
   * @param val the validation set
   * @param cfg the hyperparameters (rule sgd, adam or adamw; no noise)
   * @param s the schedule (its every and neurons are not used)
   * @param run the run's root stream; the batch order uses {@code run.derive("shuffle")}
   * @param progress incremented once per step (may be null)
   * @return the measurements
   * @throws IllegalArgumentException if the batch is larger than the training set, or for a rule
   *     or noise the transformer trainer refuses
   */
  public static Result run(Kernels k, Transformer net, Loss loss, Data train, Data val,
      TrainConfig cfg, Schedule s, Rng run, AtomicLong progress) {
    int batch = cfg.batch();
    if (batch > train.n()) {
      throw new IllegalArgumentException("batch " + batch + " is larger than the training set ("
          + train.n() + " rows)");
    }
    TransformerTrainer tr = new TransformerTrainer(k, net, loss, cfg);
    TransformerProbe probe = new TransformerProbe(k, tr);
    BatchOrder order = new BatchOrder(train, batch, run.derive("shuffle"));
    float[] xb = new float[batch * train.d()];
    float[] yb = new float[batch * train.o()];
    int firstWindow = s.steps() - s.windowSteps() + 1;
    double windowLoss = 0;
    for (int step = 1; step <= s.steps(); step++) {
      order.next(xb, yb, null);
      boolean window = step >= firstWindow;
      double l = tr.train(xb, yb, batch, probe, window);
      if (window) {
        windowLoss += l;
      }
      if (progress != null) {
        progress.incrementAndGet();
      }
    }
    double[] full = probe.fullbatch(tr, train);
    Map<String, Tensor> params = net.parameters();
    Probe.NeuronStats none = new Probe.NeuronStats(Double.NaN, Double.NaN, Double.NaN);
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < probe.names().size(); i++) {
      float[] w = params.get(probe.names().get(i)).data();
      layers.add(new Layer(probe.minibatch(i), full[i], probe.timeavg(i), probe.persample(i),
          none, Math.sqrt(k.sumSquares(w.length, w, 0))));
    }
    double valLoss = transformerLoss(k, tr.workspace(), loss, val);
    return new Result(List.copyOf(layers), windowLoss / s.windowSteps(), valLoss, Double.NaN,
        new Probe.Series(new long[0], new double[0], List.of()));
  }

  /** Mean loss over {@code data} in chunks of the workspace's capacity. */
  static double transformerLoss(Kernels k, Transformer.Workspace ws, Loss loss, Data data) {
    int chunk = ws.capacity();
    float[] xb = new float[chunk * data.d()];
    float[] yb = new float[chunk * data.o()];
    int[] idx = identity(data.n());
    double sum = 0;
    for (int from = 0; from < data.n(); from += chunk) {
      int rows = Math.min(chunk, data.n() - from);
      data.gather(idx, from, rows, xb, yb, null);
      ws.forward(k, xb, rows);
      sum += ws.loss(loss, yb, 1f);
    }
    return sum / data.n();
  }

  /**
   * A lower bound of the memory one transformer run needs on batches of {@code batch} rows: its
   * parameters with gradients, signals and the probe's sums, and the activations of a batch.
   *
   * @param c the architecture
   * @param batch rows per batch
   * @return bytes
   */
  public static double transformerRunBytes(TransformerConfig c, int batch) {
    int d = TransformerConfig.D;
    double perBlock = 4.0 * d * d + 2.0 * d * c.ffn();
    double params = c.blocks() * perBlock + 2.0 * d * d;
    double n = (double) batch * c.tokens();
    double acts = n * c.blocks() * (14.0 * d + 2.0 * c.ffn())
        + (double) batch * c.heads() * c.tokens() * c.tokens() * c.blocks() * 2;
    return 4 * (9 * params + acts);
  }

  /**
   * Runs {@code body} for every run index in [0, n) on the workers. Once a run fails (e.g. it
   * diverged), runs not yet started are skipped, and the first failure is rethrown.
   *
   * @param workers the threads
   * @param n the number of runs
   * @param body the run of an index
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

  /**
   * The minibatch order of both students (spec/emergence.md#sre): a permutation of the training
   * rows, reshuffled from {@code shuffle} whenever the next batch would run past its end.
   */
  private static final class BatchOrder {
    private final Data train;
    private final int batch;
    private final Rng shuffle;
    private final int[] perm;
    private int pos;

    BatchOrder(Data train, int batch, Rng shuffle) {
      this.train = train;
      this.batch = batch;
      this.shuffle = shuffle;
      this.perm = identity(train.n());
      this.pos = train.n();
    }

    /** Gathers the next batch into xb and yb or lb (either may be null). */
    void next(float[] xb, float[] yb, int[] lb) {
      if (pos + batch > train.n()) {
        shuffle.shuffle(perm);
        pos = 0;
      }
      train.gather(perm, pos, batch, xb, yb, lb);
      pos += batch;
    }
  }

  /**
   * The permutation 0, 1, ..., n-1.
   *
   * @param n the length
   * @return a new array
   */
  public static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }
}
