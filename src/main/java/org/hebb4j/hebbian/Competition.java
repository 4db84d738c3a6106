package org.hebb4j.hebbian;

/**
 * Competition between the channels of a convolutional layer at each position
 * (spec/hebbian-rules.md#competition): k-winners-take-all on {@code u - theta} (C1), the binary
 * plasticity signal (C2), the triangle output (C3) and the homeostatic threshold update (C4).
 * Arrays are one image's [channels, positions] block at an offset; nothing allocates.
 */
public final class Competition {

  private Competition() {}

  /**
   * (C1) For every position, the k channels with the largest {@code v_c = u_c - theta_c} in the
   * order (v descending, channel ascending), so ties go to the lower channel; a selected channel
   * is a winner only when {@code v_c > 0}. Writes {@code win[wOff + pos*k + slot]} = the channel,
   * or -1 when the slot's channel has {@code v <= 0} (or is NaN). See spec/hebbian-rules.md#kwta.
   *
   * @param channels channels C
   * @param positions positions P per channel
   * @param k winners per position, 1..C
   * @param u responses [C, P] at {@code uOff}
   * @param uOff offset of u
   * @param theta thresholds [C]
   * @param win winners [P, k] written at {@code wOff}
   * @param wOff offset of win
   */
  public static void winners(int channels, int positions, int k, float[] u, int uOff,
      float[] theta, int[] win, int wOff) {
    for (int pos = 0; pos < positions; pos++) {
      float prevV = Float.POSITIVE_INFINITY;
      int prevC = -1;
      boolean done = false;
      for (int slot = 0; slot < k; slot++) {
        int best = -1;
        float bestV = Float.NEGATIVE_INFINITY;
        if (!done) {
          for (int c = 0; c < channels; c++) {
            float v = u[uOff + c * positions + pos] - theta[c];
            boolean after = v < prevV || (v == prevV && c > prevC);
            if (after && (best < 0 || v > bestV)) {
              best = c;
              bestV = v;
            }
          }
        }
        if (best >= 0 && bestV > 0f) {
          win[wOff + pos * k + slot] = best;
          prevV = bestV;
          prevC = best;
        } else {
          win[wOff + pos * k + slot] = -1;
          done = true; // every later slot has v <= bestV <= 0
        }
      }
    }
  }

  /**
   * {@link #winners} with a scratch array of at least {@code positions} floats, which lets k = 1
   * run channel by channel over contiguous memory with the same result: a channel replaces the
   * best so far only when strictly larger (ties keep the lower channel, NaN never enters), and
   * the winner needs a value above 0. See spec/hebbian-rules.md#kwta.
   *
   * @param channels channels C
   * @param positions positions P per channel
   * @param k winners per position, 1..C
   * @param u responses [C, P] at {@code uOff}
   * @param uOff offset of u
   * @param theta thresholds [C]
   * @param win winners [P, k] written at {@code wOff}
   * @param wOff offset of win
   * @param scratch workspace of at least P floats
   */
  public static void winners(int channels, int positions, int k, float[] u, int uOff,
      float[] theta, int[] win, int wOff, float[] scratch) {
    if (k != 1) {
      winners(channels, positions, k, u, uOff, theta, win, wOff);
      return;
    }
    java.util.Arrays.fill(scratch, 0, positions, Float.NEGATIVE_INFINITY);
    java.util.Arrays.fill(win, wOff, wOff + positions, -1);
    for (int c = 0; c < channels; c++) {
      int base = uOff + c * positions;
      float t = theta[c];
      for (int pos = 0; pos < positions; pos++) {
        float v = u[base + pos] - t;
        if (v > scratch[pos]) {
          scratch[pos] = v;
          win[wOff + pos] = c;
        }
      }
    }
    for (int pos = 0; pos < positions; pos++) {
      if (!(scratch[pos] > 0f)) {
        win[wOff + pos] = -1;
      }
    }
  }

  /**
   * (C2) The binary signal y[c][pos] (1 for a winner, else 0) from {@link #winners} output.
   * See spec/hebbian-rules.md#competition.
   *
   * @param channels channels C
   * @param positions positions P per channel
   * @param k winners per position
   * @param win winners [P, k] at {@code wOff}
   * @param wOff offset of win
   * @param y output [C, P] at {@code yOff} (overwritten)
   * @param yOff offset of y
   */
  public static void binary(int channels, int positions, int k, int[] win, int wOff, float[] y,
      int yOff) {
    java.util.Arrays.fill(y, yOff, yOff + channels * positions, 0f);
    for (int pos = 0; pos < positions; pos++) {
      for (int slot = 0; slot < k; slot++) {
        int c = win[wOff + pos * k + slot];
        if (c >= 0) {
          y[yOff + c * positions + pos] = 1f;
        }
      }
    }
  }

  /**
   * (C3) Triangle output {@code z_c = max(0, v_c - mean_c' v_c')}, {@code v = u - theta}; the mean
   * over channels sums in channel order in float32. {@code sum} is a scratch array of at least
   * {@code positions} floats. z may alias u. See spec/hebbian-rules.md#triangle.
   *
   * @param channels channels C
   * @param positions positions P per channel
   * @param u responses [C, P] at {@code uOff}
   * @param uOff offset of u
   * @param theta thresholds [C]
   * @param z output [C, P] at {@code zOff}
   * @param zOff offset of z
   * @param sum workspace of at least P floats
   */
  public static void triangle(int channels, int positions, float[] u, int uOff, float[] theta,
      float[] z, int zOff, float[] sum) {
    java.util.Arrays.fill(sum, 0, positions, 0f);
    for (int c = 0; c < channels; c++) {
      int ub = uOff + c * positions, zb = zOff + c * positions;
      float t = theta[c];
      for (int pos = 0; pos < positions; pos++) {
        float v = u[ub + pos] - t;
        z[zb + pos] = v;
        sum[pos] += v;
      }
    }
    for (int pos = 0; pos < positions; pos++) {
      sum[pos] /= channels;
    }
    for (int c = 0; c < channels; c++) {
      int zb = zOff + c * positions;
      for (int pos = 0; pos < positions; pos++) {
        z[zb + pos] = Math.max(z[zb + pos] - sum[pos], 0f);
      }
    }
  }

  /**
   * (C4) Homeostasis: {@code theta_c += rate * (wins_c / samples - k / channels)}, where
   * {@code wins_c} counts the (image, position) pairs at which channel c won and samples is
   * images x positions. Computed in double, stored as float. See spec/hebbian-rules.md#thresholds.
   *
   * @param channels channels C
   * @param k winners per position
   * @param rate threshold rate
   * @param wins wins per channel [C]
   * @param samples images x positions
   * @param theta thresholds [C], updated in place
   */
  public static void updateThresholds(int channels, int k, double rate, long[] wins,
      long samples, float[] theta) {
    double target = (double) k / channels;
    for (int c = 0; c < channels; c++) {
      theta[c] = (float) (theta[c] + rate * ((double) wins[c] / samples - target));
    }
  }
}
