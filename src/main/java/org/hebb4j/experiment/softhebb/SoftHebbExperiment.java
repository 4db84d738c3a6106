package org.hebb4j.experiment.softhebb;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.hebb4j.data.Dataset;
import org.hebb4j.experiment.Checkpoints;
import org.hebb4j.experiment.Problem;
import org.hebb4j.experiment.softhebb.LearnerSummary.Filters;
import org.hebb4j.experiment.softhebb.LearnerSummary.LogRow;
import org.hebb4j.hebbian.SoftHebbConfig;
import org.hebb4j.hebbian.SoftHebbNet;
import org.hebb4j.io.Checkpoint;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.kernel.ThreadedKernels;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;

/**
 * The SoftHebb experiment (spec/softhebb.md#network): the paper's network (or its first blocks,
 * with other widths or rates) learns without labels from the shuffled training images in
 * batches of 10, is frozen, and its last block's features (running batch-norm statistics) are
 * decoded with ridge and/or the linear readout ({@link Decoders}) beside the standardised-pixel
 * baseline. {@link #run} computes once;
 * {@link LearnerReport} writes the result.
 */
public final class SoftHebbExperiment {

  /**
   * Everything the experiment needs.
   *
   * @param epochs unsupervised epochs (the paper: 1; 0 keeps the random initial weights)
   * @param trainLimit training images used (the first ones)
   * @param testLimit test images used
   * @param seed seed of {@code Rng(seed).derive("softhebb")} (weights, shuffles)
   * @param threads worker threads (results do not depend on them)
   * @param channels channels per block; its length (1 .. 3) is the number of the paper's
   *     blocks used
   * @param lr base rate per block (SH6), same length as {@code channels}
   * @param decoders the readouts of the last block's features
   */
  public record Settings(int epochs, int trainLimit, int testLimit, long seed, int threads,
      int[] channels, double[] lr, Decoders decoders) {

    /**
     * The network for c x h x w images: the paper's first {@code channels.length} blocks with
     * these widths and rates.
     *
     * @param c channels
     * @param h height
     * @param w width
     * @return the validated configuration
     * @throws IllegalArgumentException naming the impossible setting
     */
    public SoftHebbConfig config(int c, int h, int w) {
      SoftHebbConfig paper = SoftHebbConfig.paper(c, Math.max(h, 32), Math.max(w, 32));
      int n = channels.length;
      if (n < 1 || n > paper.blocks().size()) {
        throw new IllegalArgumentException("--channels: the paper's network has 1 to "
            + paper.blocks().size() + " blocks, got " + n);
      }
      if (lr.length != n) {
        throw new IllegalArgumentException("--lr: give one rate per block (" + n + "), got "
            + lr.length);
      }
      List<SoftHebbConfig.Block> blocks = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        blocks.add(paper.blocks().get(i).withChannels(channels[i]).withLr(lr[i]));
      }
      return new SoftHebbConfig(c, h, w, blocks, paper.batch(), paper.ratePower(),
          paper.bnEps(), paper.bnMomentum());
    }

    /**
     * Errors and warnings found before any work: not enough memory for the ridge decoder on
     * the features (an error), no training (a warning).
     *
     * @param train training set
     * @param test test set
     * @return the problems, errors first
     * @throws IllegalArgumentException naming an impossible setting ({@link #config})
     */
    public List<Problem> problems(Dataset train, Dataset test) {
      SoftHebbConfig cfg = config(train.c(), train.h(), train.w());
      int[] s = cfg.outputShape(cfg.blocks().size() - 1);
      long f = (long) s[0] * s[1] * s[2];
      List<Problem> out = new ArrayList<>(Problem.memory(decoders.bytes(train, test, f),
          "the " + decoders.describe() + " on " + f + " features of "
          + (train.n() + test.n()) + " images"));
      if (epochs == 0) {
        out.add(Problem.warning("epochs 0: the network is not trained, the features are those"
            + " of the random initial weights"));
      }
      return out;
    }

    /**
     * The settings as "name: value" lines for run.txt.
     *
     * @return the lines
     */
    public List<String> describe() {
      return List.of(String.format(Locale.ROOT, "epochs: %d, seed: %d, threads: %d, batch: 10",
          epochs, seed, threads), decoders.describe(),
          "channels: " + Arrays.toString(channels) + ", lr: " + Arrays.toString(lr)
          + " (the paper's blocks otherwise, spec/softhebb.md#network)");
    }
  }

  private final Settings st;
  private final Kernels k;
  private final Workers workers;
  private final PrintStream progress;
  private final Checkpoints checkpoints;

  /**
   * An experiment ready to run.
   *
   * @param st the settings
   * @param k kernels
   * @param workers threads (results do not depend on their number)
   * @param progress where progress lines go, or null for none
   */
  public SoftHebbExperiment(Settings st, Kernels k, Workers workers, PrintStream progress) {
    this(st, k, workers, progress, Checkpoints.none());
  }

  /**
   * An experiment whose training writes checkpoints and resumes from one (spec/io.md#checkpoints):
   * the network is one unit, named {@code softhebb}.
   *
   * @param st the settings
   * @param k kernels
   * @param workers threads (results do not depend on their number)
   * @param progress where progress lines go, or null for none
   * @param checkpoints when to write checkpoints, and what to resume from
   */
  public SoftHebbExperiment(Settings st, Kernels k, Workers workers, PrintStream progress,
      Checkpoints checkpoints) {
    this.st = st;
    this.k = k;
    this.workers = workers;
    this.progress = progress;
    this.checkpoints = checkpoints;
  }

  /**
   * Trains, freezes and decodes.
   *
   * @param train training images (labels used only by the decoder)
   * @param test test images
   * @return the summary
   * @throws IllegalArgumentException when the settings do not fit the data or the memory
   * @throws org.hebb4j.nn.DivergedException naming the step and block of a diverging run
   */
  public LearnerSummary run(Dataset train, Dataset test) {
    List<String> warnings = new ArrayList<>();
    for (Problem p : st.problems(train, test)) {
      if (p.isError()) {
        throw new IllegalArgumentException(p.message());
      }
      warnings.add(p.message());
    }
    Decoders.Run run = new Decoders.Run(k, workers, train, test, progress);

    SoftHebbConfig cfg = st.config(train.c(), train.h(), train.w());
    Rng rng = new Rng(st.seed()).derive("softhebb");
    SoftHebbNet net = new SoftHebbNet(cfg, ThreadedKernels.of(k, workers), workers, rng);
    int n = train.n(), d = train.features(), b = cfg.batch(), batches = (n + b - 1) / b;
    float[] buf = new float[b * d];
    List<LogRow> log = new ArrayList<>();
    long tt = System.nanoTime();
    Consumer<Checkpoint.State> save = s -> {
      net.saveState(s);
      s.putRecords("log", LogRow.class, log);
    };
    Decoding.Start at = Decoding.begin(checkpoints, "softhebb", st.epochs(), s -> {
      net.loadState(s);
      log.addAll(s.records("log", LogRow.class));
    });
    for (int epoch = at.epoch(); epoch <= st.epochs(); epoch++) {
      int[] perm = Decoding.shuffle(rng, n, epoch);
      int first = at.first(epoch);
      if (first == 0) {
        net.resetStats();
      }
      for (int bi = first; bi < batches; bi++) {
        int m = Math.min(b, n - bi * b);
        Decoding.gather(train.x(), d, perm, bi * b, m, buf);
        net.train(buf, 0, m);
        checkpoints.boundary("softhebb", epoch, bi + 1, save);
        Decoding.progress(progress, "softhebb", epoch, st.epochs(), bi, batches, tt);
      }
      List<SoftHebbNet.BlockStats> stats = net.stats();
      for (int l = 0; l < stats.size(); l++) {
        SoftHebbNet.BlockStats s = stats.get(l);
        log.add(new LogRow(epoch, l + 1, s.normMean(), s.normMin(), s.normMax(), s.rateMean(),
            s.maxAbsDw(), s.winnerEntropy()));
      }
    }
    checkpoints.finish("softhebb", save);
    run.timed("unsupervised training, " + st.epochs() + " epoch(s) of " + batches + " batches",
        tt);

    long tf = System.nanoTime();
    int f = net.featureSize();
    float[] fTr = new float[Math.multiplyExact(train.n(), f)];
    float[] fTe = new float[Math.multiplyExact(test.n(), f)];
    features(net, train, fTr, "train");
    features(net, test, fTe, "test");
    run.decode(st.decoders(), "softhebb", fTr, fTe, f, rng, net.step(), "block "
        + cfg.blocks().size() + " features", "learning rates " + Arrays.toString(st.lr()), tf);
    int[] fs = net.filterShape(0);
    return run.summary("softhebb", st.describe(), log,
        new Filters(net.weights(0), fs[0], fs[1], fs[2]), warnings);
  }

  /** The frozen network's features of every image, in chunks of 1000 (for the progress line). */
  private void features(SoftHebbNet net, Dataset data, float[] out, String what) {
    int n = data.n(), d = data.features(), f = net.featureSize(), chunk = 1000;
    for (int s0 = 0; s0 < n; s0 += chunk) {
      int m = Math.min(chunk, n - s0);
      net.features(data.x(), s0 * d, m, out, s0 * f);
      if (progress != null) {
        progress.printf(Locale.ROOT, "\rsofthebb %s features: %d/%d images   ", what, s0 + m, n);
        progress.flush();
      }
    }
    if (progress != null) {
      progress.println();
    }
  }
}
