package org.hebb4j.experiment.emergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;

class LineFitTest {

  /** Student t quantiles from the standard tables (two-sided 95%, 99%). */
  @Test
  void studentQuantilesMatchTheTables() {
    assertEquals(12.7062, LineFit.studentT(0.975, 1), 1e-4);
    assertEquals(4.3027, LineFit.studentT(0.975, 2), 1e-4);
    assertEquals(2.5706, LineFit.studentT(0.975, 5), 1e-4);
    assertEquals(2.2281, LineFit.studentT(0.975, 10), 1e-4);
    assertEquals(2.0423, LineFit.studentT(0.975, 30), 1e-4);
    assertEquals(63.6567, LineFit.studentT(0.995, 1), 1e-3);
    assertEquals(-2.2281, LineFit.studentT(0.025, 10), 1e-4);
    assertEquals(1.9600, LineFit.studentT(0.975, 100000), 1e-3);
    assertThrows(IllegalArgumentException.class, () -> LineFit.studentT(1, 3));
    assertThrows(IllegalArgumentException.class, () -> LineFit.studentT(0.9, 0));
  }

  /** A hand-computed fit: x = 0..3, y = 1, 3, 4, 8. */
  @Test
  void standardErrorIsTheOlsFormula() {
    LineFit f = LineFit.of(new double[] {0, 1, 2, 3}, new double[] {1, 3, 4, 8}, 0.95);
    // b = Sxy / Sxx = 11 / 5, a = 4 - 2.2 * 1.5 = 0.7; residuals 0.3, 0.1, -1.1, 0.7
    assertEquals(2.2, f.b(), 1e-12);
    assertEquals(0.7, f.a(), 1e-12);
    double se = Math.sqrt((0.09 + 0.01 + 1.21 + 0.49) / 2 / 5);
    assertEquals(se, f.slopeStdErr(), 1e-12);
    assertEquals(2.2 - 4.302653 * se, f.slopeLow(), 1e-5);
    assertEquals(2.2 + 4.302653 * se, f.slopeHigh(), 1e-5);
  }

  /** On points with slope 2 and Gaussian scatter the 95% interval covers 2 about 95% of times. */
  @Test
  void intervalCoversTheTrueSlopeAtItsLevel() {
    Rng r = new Rng(7);
    int covered = 0, reps = 2000;
    for (int rep = 0; rep < reps; rep++) {
      double[] x = new double[6], y = new double[6];
      for (int i = 0; i < x.length; i++) {
        x[i] = -3 + 0.25 * i;
        y[i] = 1.5 + 2 * x[i] + 0.2 * r.gaussian();
      }
      covered += LineFit.of(x, y, 0.95).contains(2) ? 1 : 0;
    }
    double rate = (double) covered / reps;
    assertTrue(rate > 0.93 && rate < 0.97, "coverage " + rate);
  }

  @Test
  void tooFewPointsGiveNaNNotAnError() {
    LineFit two = LineFit.of(new double[] {0, 1}, new double[] {0, 2}, 0.95);
    assertEquals(2, two.b(), 1e-12);
    assertFalse(two.hasInterval());
    assertFalse(two.contains(2));
    LineFit one = LineFit.of(new double[] {1}, new double[] {1}, 0.95);
    assertTrue(Double.isNaN(one.b()));
    LineFit flat = LineFit.of(new double[] {1, 1, 1}, new double[] {0, 1, 2}, 0.95);
    assertTrue(Double.isNaN(flat.b()));
    assertFalse(flat.hasInterval());
    assertThrows(IllegalArgumentException.class,
        () -> LineFit.of(new double[2], new double[3], 0.95));
  }
}
