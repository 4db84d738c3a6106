package org.hebb4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.hebb4j.experiment.emergence.Dynamics;
import org.hebb4j.experiment.emergence.Sre;
import org.hebb4j.experiment.emergence.Summary;
import org.hebb4j.experiment.emergence.TrainingRun;

/**
 * The dynamics outputs of {@code hebb4j emergence} (spec/emergence.md#dynamics):
 * {@code alignment-and-norm-RULE-layerL.svg} whenever the MLP runs recorded a time series, and
 * with {@code --neurons} also {@code oscillation.csv} and
 * {@code oscillation-vs-val-loss-layerL.svg}.
 */
final class DynamicsOutput {

  private DynamicsOutput() {}

  static void write(Path dir, Sre.Options o, Summary sum) throws IOException {
    if (o.model() != Sre.Model.MLP || o.every() == 0) {
      return;
    }
    String what = String.format(Locale.ROOT, "%s MLP", o.act().id());
    Dynamics.alignmentAndNorm(dir, what, sum, o.rules(), o.gammas());
    if (!o.neurons()) {
      return;
    }
    int window = new TrainingRun.Schedule(o.steps(), o.window(), o.every(), true).windowSteps();
    List<Dynamics.Oscillation> osc = Dynamics.oscillations(sum, o.steps(), window);
    Experiments.Csv csv = new Experiments.Csv(
        "rule,gamma,seed,layer,neuron,oscillation_rate,window_points,val_loss");
    for (Dynamics.Oscillation x : osc) {
      for (int j = 0; j < x.rates().length; j++) {
        csv.row(x.cell().rule().id(), x.cell().gamma(), x.cell().seed(), x.layer() + 1, j,
            x.rates()[j], x.points(), x.cell().result().valLoss());
      }
    }
    csv.write(dir.resolve("oscillation.csv"));
    Dynamics.oscillationFigure(dir, what, sum, osc, o.rules(), o.gammas());
  }
}
