package org.hebb4j.experiment.softhebb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The readout inputs of spec/krotov.md#classifier: (KH5) and the gain's scale of (KH6). */
class KrotovFeaturesTest {

  @Test
  void unitLengthScalesEachRowAndKeepsZeroRows() {
    float[] v = {3, 4, 0, 0, 0, 0, 1, 1, 1};
    KrotovExperiment.unitLength(v, 3, 3);
    assertArrayEquals(new float[] {0.6f, 0.8f, 0, 0, 0, 0}, java.util.Arrays.copyOf(v, 6));
    double ss = 0;
    for (int j = 6; j < 9; j++) {
      ss += (double) v[j] * v[j];
    }
    assertEquals(1.0, ss, 1e-6);
  }

  @Test
  void rowMaxMeanIsTheMeanOfTheRowMaxima() {
    assertEquals(2.5, Decoding.rowMaxMean(new float[] {1, 2, 0, 3}, 2, 2), 0);
    assertEquals(1.0, Decoding.rowMaxMean(new float[] {0, 0, 0, 0}, 2, 2), 0);
  }
}
