package org.hebb4j.experiment.emergence;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.hebb4j.emergence.Data;
import org.hebb4j.emergence.Noise;
import org.hebb4j.emergence.Rule;
import org.hebb4j.emergence.Teacher;
import org.hebb4j.emergence.TrainConfig;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.kernel.ThreadedKernels;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Mlp;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;

/**
 * The standard regression experiment (spec/emergence.md#sre): a student MLP d -> h -> o learns a
 * fixed random tanh teacher of the same shape under every (rule, gamma) pair, for several seeds.
 * Runs are independent and split over the workers by run, so results do not depend on the thread
 * count.
 */
public final class Sre {

  private Sre() {}

  /** Settings of the whole experiment. */
  public record Options(Activation act, List<Rule> rules, double[] gammas, int seeds, long seed,
      Noise noise, double sigma, double lr, double adamLr, int batch, int steps, double window,
      int every, boolean neurons, int d, int hidden, int o, int nTrain, int nVal) {

    /**
     * Total training steps over all runs (for progress).
     *
     * @return runs() x steps
     */
    public long totalSteps() {
      return (long) rules.size() * gammas.length * seeds * steps;
    }

    /**
     * The number of runs.
     *
     * @return rules x gammas x seeds
     */
    public int runs() {
      return rules.size() * gammas.length * seeds;
    }

    /**
     * The hyperparameters of one run: adamLr for adam and adamw, lr otherwise.
     *
     * @param r the rule
     * @param gamma the weight decay
     * @return the config
     */
    public TrainConfig config(Rule r, double gamma) {
      boolean adam = r.optimizer != Rule.Optimizer.PLAIN;
      return TrainConfig.of(r, adam ? adamLr : lr, gamma, noise, sigma, batch);
    }
  }

  /** Data of one seed: the task, and the Random NN targets when that rule is used. */
  record SeedData(Teacher.Sets task, Data randomTrain) {}

  /**
   * Runs every (rule, gamma, seed); seed s (0-based) uses the root stream {@code Rng(seed + s)}.
   *
   * @param k the kernels
   * @param o the settings
   * @param workers the threads (results do not depend on their number)
   * @param progress incremented once per training step (may be null)
   * @return the runs and their statistics
   * @throws org.hebb4j.nn.DivergedException if a run diverges
   */
  public static Summary run(Kernels k, Options o, Workers workers, AtomicLong progress) {
    SeedData[] data = new SeedData[o.seeds()];
    workers.run(o.seeds(), s -> data[s] = seedData(k, o, new Rng(o.seed() + s)));
    int perSeed = o.rules().size() * o.gammas().length;
    Cell[] cells = new Cell[o.runs()];
    // a single run gets the workers for its GEMMs instead (shape-determined blocks, same bits)
    Kernels kr = cells.length == 1 ? ThreadedKernels.of(k, workers) : k;
    TrainingRun.runAll(workers, cells.length, i -> {
      int s = i / perSeed, rest = i % perSeed;
      Rule r = o.rules().get(rest / o.gammas().length);
      double gamma = o.gammas()[rest % o.gammas().length];
      cells[i] = runOne(kr, o, data[s], r, gamma, s, progress);
    });
    return Summary.of(o.rules(), o.gammas(), List.of(cells));
  }

  static SeedData seedData(Kernels k, Options o, Rng root) {
    Mlp teacher = Teacher.network(o.d(), o.hidden(), o.o(), Activation.TANH,
        root.derive("teacher"));
    Teacher.Sets sets = Teacher.sets(k, teacher, root.derive("data"), o.nTrain(), o.nVal());
    Data random = null;
    if (o.rules().contains(Rule.RANDOMNN)) {
      Mlp rnd = Teacher.network(o.d(), o.hidden(), o.o(), o.act(), root.derive("randomnn"));
      random = Teacher.label(k, rnd, sets.train().x());
    }
    return new SeedData(sets, random);
  }

  static Cell runOne(Kernels k, Options o, SeedData data, Rule r, double gamma, int s,
      AtomicLong progress) {
    Rng root = new Rng(o.seed() + s);
    Mlp student = Teacher.network(o.d(), o.hidden(), o.o(), o.act(), root.derive("student"));
    Data train = r.randomTargets ? data.randomTrain() : data.task().train();
    TrainingRun.Result res = TrainingRun.run(k, student, Loss.MSE, train, data.task().val(),
        o.config(r, gamma), new TrainingRun.Schedule(o.steps(), o.window(), o.every(),
            o.neurons()), root, progress);
    return new Cell(r, gamma, s, o.seed() + s, res);
  }
}
