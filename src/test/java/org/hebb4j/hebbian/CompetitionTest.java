package org.hebb4j.hebbian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CompetitionTest {

  /** u [channels=4][positions=3], theta per channel. */
  @Test
  void kwtaTiesGoToTheLowerChannelAndWinnersMustBePositive() {
    int ch = 4, p = 3;
    float[] u = {
        // c0      c1      c2      c3     (each row: positions 0..2)
        2f, 1f, -1f,
        3f, 1f, -2f,
        3f, 0.5f, -3f,
        1f, 1f, -0.5f};
    float[] theta = {0f, 0f, 0f, 0f};
    int[] win = new int[p * 2];
    Competition.winners(ch, p, 1, u, 0, theta, win, 0);
    assertArrayEquals(new int[] {1, 0, -1}, java.util.Arrays.copyOf(win, 3));
    Competition.winners(ch, p, 2, u, 0, theta, win, 0);
    // pos0: 3 (c1), 3 (c2); pos1: 1 (c0), 1 (c1); pos2: none positive
    assertArrayEquals(new int[] {1, 2, 0, 1, -1, -1}, win);
    // thresholds shift the competition: theta_1 = 0.5 makes c2 win at position 0
    float[] th = {0f, 0.5f, 0f, 0f};
    Competition.winners(ch, p, 1, u, 0, th, win, 0);
    assertEquals(2, win[0]);
    assertEquals(0, win[1]);
    // k = channels: every positive channel wins, in (value desc, channel asc) order
    int[] all = new int[p * ch];
    Competition.winners(ch, p, ch, u, 0, theta, all, 0);
    assertArrayEquals(new int[] {1, 2, 0, 3, 0, 1, 3, 2, -1, -1, -1, -1}, all);
    float[] y = new float[ch * p];
    Competition.binary(ch, p, 1, new int[] {1, 0, -1}, 0, y, 0);
    assertArrayEquals(new float[] {0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, y);
  }

  @Test
  void triangleSubtractsTheChannelMean() {
    int ch = 3, p = 2;
    float[] u = {1f, 0f, 2f, 0f, 6f, 3f};
    float[] theta = {0f, 1f, 0f};
    float[] z = new float[6];
    Competition.triangle(ch, p, u, 0, theta, z, 0, new float[p]);
    // pos0: v = 1, 1, 6, mean 8/3 -> 0, 0, 10/3; pos1: v = 0, -1, 3, mean 2/3 -> 0, 0, 7/3
    assertEquals(0f, z[0]);
    assertEquals(0f, z[2]);
    assertEquals(10f / 3f, z[4], 1e-6);
    assertEquals(0f, z[1]);
    assertEquals(0f, z[3]);
    assertEquals(7f / 3f, z[5], 1e-6);
  }

  @Test
  void thresholdsMoveTowardTheTargetRate() {
    float[] theta = {0f, 0f};
    // channel 0 won 3 of 4, channel 1 won 1 of 4; k/channels = 0.5
    Competition.updateThresholds(2, 1, 3.0, new long[] {3, 1}, 4, theta);
    assertEquals(0.75f, theta[0], 1e-7);
    assertEquals(-0.75f, theta[1], 1e-7);
  }

  /** The k = 1 fast path agrees with the general selection, ties and NaN included. */
  @Test
  void fastPathForOneWinnerAgreesWithTheGeneralOne() {
    org.hebb4j.rng.Rng r = new org.hebb4j.rng.Rng(4);
    int ch = 7, p = 50;
    for (int trial = 0; trial < 20; trial++) {
      float[] u = new float[ch * p], theta = new float[ch];
      for (int i = 0; i < u.length; i++) {
        u[i] = r.nextInt(5) - 2; // many ties and zeros
      }
      if (trial % 5 == 4) {
        u[3] = Float.NaN;
        u[p + 3] = Float.NaN;
      }
      for (int c = 0; c < ch; c++) {
        theta[c] = trial % 2 == 0 ? 0f : r.nextInt(3) - 1;
      }
      int[] a = new int[p], b = new int[p];
      Competition.winners(ch, p, 1, u, 0, theta, a, 0);
      Competition.winners(ch, p, 1, u, 0, theta, b, 0, new float[p]);
      assertArrayEquals(a, b);
    }
  }
}
