package org.hebb4j.emergence;

import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Mlp;
import org.hebb4j.nn.Rows;

/**
 * Forward-only evaluation of a network over a data set, in chunks of at most {@link #CHUNK} rows
 * (spec/emergence.md#protocols). The workspace and batch buffers are allocated once here, so
 * {@link #run} allocates only its result.
 */
public final class Evaluation {

  /** Rows per forward pass on validation and full training sets. */
  public static final int CHUNK = 2000;

  /**
   * The outcome of one evaluation.
   *
   * @param loss the mean loss over the rows
   * @param correct rows whose output argmax (first on ties) is the label; 0 without labels
   * @param accuracy correct / rows, NaN for a set without labels
   */
  public record Result(double loss, long correct, double accuracy) {}

  private final Mlp.Workspace ws;
  private final Data data;
  private final float[] xb;
  private final float[] yb;
  private final int[] lb;
  private final int[] idx;

  /**
   * Buffers to evaluate {@code net} on {@code data}. See spec/emergence.md#performance.
   *
   * @param net the network (its current parameters are used by every {@link #run})
   * @param data the set
   */
  public Evaluation(Mlp net, Data data) {
    this.data = data;
    int rows = Math.min(CHUNK, Math.max(data.n(), 1));
    ws = net.workspace(rows);
    xb = new float[rows * data.d()];
    yb = data.hasLabels() ? null : new float[rows * data.o()];
    lb = data.hasLabels() ? new int[rows] : null;
    idx = new int[data.n()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
  }

  /**
   * Mean loss and accuracy over the data set with the network's current parameters.
   * See spec/emergence.md#loss.
   *
   * @param k the kernels
   * @param loss the loss
   * @return the result
   */
  public Result run(Kernels k, Loss loss) {
    int chunk = ws.capacity();
    double sum = 0;
    long right = 0;
    for (int from = 0; from < data.n(); from += chunk) {
      int rows = Math.min(chunk, data.n() - from);
      data.gather(idx, from, rows, xb, yb, lb);
      float[] out = ws.forward(k, xb, rows);
      sum += ws.lossOnly(loss, yb, lb);
      if (data.hasLabels()) {
        right += countCorrect(out, lb, rows, data.o());
      }
    }
    return new Result(sum / data.n(), right,
        data.hasLabels() ? (double) right / data.n() : Double.NaN);
  }

  /**
   * Rows whose largest output (first on ties) is at the label. See spec/emergence.md#loss.
   *
   * @param out outputs [rows, classes]
   * @param labels labels [rows]
   * @param rows the rows
   * @param classes the output width
   * @return the count
   */
  public static int countCorrect(float[] out, int[] labels, int rows, int classes) {
    int right = 0;
    for (int r = 0; r < rows; r++) {
      if (Rows.argmax(out, r * classes, classes) == labels[r]) {
        right++;
      }
    }
    return right;
  }
}
