package org.hebb4j.emergence;

import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Mlp;

/** Forward-only evaluation of a network over a data set, in chunks of the workspace capacity. */
public final class Evaluation {

  private Evaluation() {}

  /**
   * Mean loss over {@code data}; {@code correct[0]} receives the number of rows whose output
   * argmax equals the label (when labels are present and {@code correct} is not null). The batch
   * buffers {@code xb} ([capacity, d]), {@code yb} or {@code lb}, and {@code idx} (0..n-1) are the
   * caller's, so nothing is allocated.
   */
  public static double meanLoss(Kernels k, Loss loss, Data data, Mlp.Workspace eval, float[] xb,
      float[] yb, int[] lb, int[] idx, long[] correct) {
    int chunk = eval.capacity();
    double sum = 0;
    long right = 0;
    for (int from = 0; from < data.n(); from += chunk) {
      int rows = Math.min(chunk, data.n() - from);
      data.gather(idx, from, rows, xb, yb, lb);
      float[] out = eval.forward(k, xb, rows);
      sum += eval.lossOnly(loss, yb, lb);
      if (data.hasLabels()) {
        right += countCorrect(out, lb, rows, data.o());
      }
    }
    if (correct != null) {
      correct[0] = right;
    }
    return sum / data.n();
  }

  /** Rows whose largest output (first on ties) is at the label. */
  public static int countCorrect(float[] out, int[] labels, int rows, int classes) {
    int right = 0;
    for (int r = 0; r < rows; r++) {
      int best = 0;
      for (int j = 1; j < classes; j++) {
        if (out[r * classes + j] > out[r * classes + best]) {
          best = j;
        }
      }
      if (best == labels[r]) {
        right++;
      }
    }
    return right;
  }
}
