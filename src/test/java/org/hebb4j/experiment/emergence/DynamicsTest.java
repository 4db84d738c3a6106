package org.hebb4j.experiment.emergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hebb4j.emergence.Probe;
import org.hebb4j.emergence.Rule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynamicsTest {

  @TempDir
  Path tmp;

  /** (E19b): sign changes between consecutive window points over the number of pairs. */
  @Test
  void oscillationRateCountsSignChangesInTheWindow() {
    double[] cos = {-0.9, 0.5, 0.2, -0.1, 0.3, 0.0, -0.2};
    // window from index 1: pairs (0.5,0.2) (0.2,-0.1) (-0.1,0.3) (0.3,0) (0,-0.2): 2 flips of 5
    assertEquals(2.0 / 5, Dynamics.oscillationRate(cos, 1), 1e-15);
    assertEquals(3.0 / 6, Dynamics.oscillationRate(cos, 0), 1e-15);
    assertTrue(Double.isNaN(Dynamics.oscillationRate(cos, 6)), "one point: no pair");
    assertEquals(0, Dynamics.oscillationRate(new double[] {0.1, Double.NaN, 0.2, 0.3}, 0));
  }

  static Cell cell(double gamma, int seed, float[][] neurons, double val) {
    long[] steps = {1, 2, 4, 10, 20, 30, 40};
    double[] cos = new double[steps.length], norm = new double[steps.length];
    java.util.Arrays.fill(norm, 1 + gamma);
    Probe.LayerSeries ls = new Probe.LayerSeries(cos, norm, neurons);
    Probe.Series s = new Probe.Series(steps, new double[steps.length], List.of(ls));
    Probe.NeuronStats ns = new Probe.NeuronStats(0, 0, 0);
    TrainingRun.Result r = new TrainingRun.Result(List.of(new TrainingRun.Layer(0, 0, 0, 0, ns, 1)),
        0, val, Double.NaN, s);
    return new Cell(Rule.SGD, gamma, seed, 1 + seed, r);
  }

  @Test
  void oscillationsUseThePointsAfterTheWindowStartAndWriteFigures() throws Exception {
    // neuron 0 flips at every point, neuron 1 never; 40 steps, window 25: the points after step
    // 15, i.e. 20, 30, 40 (two pairs)
    float[][] rows = new float[7][];
    for (int p = 0; p < 7; p++) {
      rows[p] = new float[] {p % 2 == 0 ? 1f : -1f, 0.5f};
    }
    Summary sum = Summary.of(List.of(Rule.SGD), new double[] {0, 0.1},
        List.of(cell(0, 0, rows, 2.0), cell(0.1, 0, rows, 1.0)));
    List<Dynamics.Oscillation> osc = Dynamics.oscillations(sum, 40, 25);
    assertEquals(2, osc.size());
    Dynamics.Oscillation o = osc.get(0);
    assertEquals(3, o.points());
    assertEquals(1.0, o.rates()[0]);
    assertEquals(0.0, o.rates()[1]);
    assertEquals(0.5, o.mean());
    Dynamics.oscillationFigure(tmp, "test", sum, osc, List.of(Rule.SGD), new double[] {0, 0.1});
    Dynamics.alignmentAndNorm(tmp, "test", sum, List.of(Rule.SGD), new double[] {0, 0.1});
    assertTrue(Files.size(tmp.resolve("oscillation-vs-val-loss-layer1.svg")) > 1000);
    assertTrue(Files.readString(tmp.resolve("alignment-and-norm-sgd-layer1.svg"))
        .contains("weight norm"));
  }
}
