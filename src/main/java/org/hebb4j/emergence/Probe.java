package org.hebb4j.emergence;

import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Dense;
import org.hebb4j.nn.Mlp;

/**
 * The alignment probe (spec/emergence.md#probe). For each layer, on the steps it is shown:
 * the Hebbian term H = (1/B) h_post^T h_pre (E16), cos(g, H) (E17) and the row-wise cosines
 * (E19). Inside the measurement window it accumulates the {@code minibatch} mean (E18a) and the
 * sums of g and H for {@code timeavg} (E18c); on sampled steps it records a time series.
 * Observing a step allocates nothing: every buffer is allocated in the constructor (the
 * read-out methods {@link #neuronStats} and {@link #series} allocate their results).
 */
public final class Probe {

  private final Kernels k;
  private final Mlp net;
  private final int depth;
  private final float[][] h;
  private final float[][] sumG;
  private final float[][] sumH;
  private final double[] sumCos;
  private int windowSteps;
  // per-neuron statistics inside the window (E19)
  private final long[][] positive;
  private final long[][] flips;
  private final byte[][] lastSign;
  // time series
  private final int capacity;
  private int points;
  private final long[] steps;
  private final double[][] seriesCos;
  private final double[][] seriesNorm;
  private final double[] seriesVal;
  private final float[][][] seriesNeurons;

  /**
   * A probe for the layers of {@code net}.
   *
   * @param k the kernels
   * @param net the network whose steps are observed
   * @param points time-series capacity (0 for none)
   * @param neurons whether the time series also keeps every row-wise cosine
   */
  public Probe(Kernels k, Mlp net, int points, boolean neurons) {
    this.k = k;
    this.net = net;
    this.depth = net.depth();
    h = new float[depth][];
    sumG = new float[depth][];
    sumH = new float[depth][];
    sumCos = new double[depth];
    positive = new long[depth][];
    flips = new long[depth][];
    lastSign = new byte[depth][];
    capacity = points;
    steps = new long[points];
    seriesCos = new double[depth][points];
    seriesNorm = new double[depth][points];
    seriesVal = new double[points];
    seriesNeurons = neurons ? new float[depth][points][] : null;
    for (int l = 0; l < depth; l++) {
      Dense d = net.layer(l);
      h[l] = new float[d.w.length];
      sumG[l] = new float[d.w.length];
      sumH[l] = new float[d.w.length];
      positive[l] = new long[d.out];
      flips[l] = new long[d.out];
      lastSign[l] = new byte[d.out];
      if (neurons) {
        for (int p = 0; p < points; p++) {
          seriesNeurons[l][p] = new float[d.out];
        }
      }
    }
  }

  /**
   * (E16) H = (1/B) h_post^T h_pre of layer {@code d} over one batch of B = {@code rows} rows.
   *
   * @param k the kernels
   * @param d the layer (for its widths)
   * @param rows the batch rows B
   * @param hPost the layer's pre-activation a [rows, out]
   * @param hPre the layer's input [rows, in]
   * @param out receives H [out, in]
   */
  public static void hebbian(Kernels k, Dense d, int rows, float[] hPost, float[] hPre,
      float[] out) {
    hebbian(k, d, rows, 1f / rows, hPost, hPre, false, out);
  }

  /**
   * (E16) H (+)= scale h_post^T h_pre over {@code rows} rows: the one home of the Hebbian term,
   * for a batch (scale 1/B) and for a whole set in chunks (scale 1/n, accumulating, (E18b)).
   *
   * @param k the kernels
   * @param d the layer (for its widths)
   * @param rows the rows of this chunk
   * @param scale the weight of every row
   * @param hPost the layer's pre-activation a [rows, out]
   * @param hPre the layer's input [rows, in]
   * @param accumulate add to {@code out} instead of overwriting it
   * @param out H [out, in]
   */
  public static void hebbian(Kernels k, Dense d, int rows, float scale, float[] hPost,
      float[] hPre, boolean accumulate, float[] out) {
    k.gemmTN(d.out, d.in, rows, scale, hPost, hPre, accumulate ? 1f : 0f, out);
  }

  /**
   * (E17) cos = &lt;g, h&gt; / (||g|| ||h||), 0 when either norm is 0.
   *
   * @param k the kernels
   * @param n the number of values
   * @param g the learning signal
   * @param gOff g's first index
   * @param h the Hebbian term
   * @param hOff h's first index
   * @return the cosine in [-1, 1]
   */
  public static double cosine(Kernels k, int n, float[] g, int gOff, float[] h, int hOff) {
    double gg = k.sumSquares(n, g, gOff), hh = k.sumSquares(n, h, hOff);
    if (gg == 0 || hh == 0) {
      return 0;
    }
    return k.dot(n, g, gOff, h, hOff) / (Math.sqrt(gg) * Math.sqrt(hh));
  }

  /** Called by the trainer with the signals of the current step, before the update. */
  void observe(Mlp.Workspace ws, float[][] g, boolean window, boolean sample) {
    int rows = ws.rows();
    boolean record = sample && points < capacity;
    if (record) {
      steps[points] = -1; // filled by completePoint(...)
    }
    for (int l = 0; l < depth; l++) {
      Dense d = net.layer(l);
      hebbian(k, d, rows, ws.hPost(l), ws.hPre(l), h[l]);
      double c = cosine(k, d.w.length, g[l], 0, h[l], 0);
      if (window) {
        sumCos[l] += c;
        k.axpy(d.w.length, 1f, g[l], 0, sumG[l], 0);
        k.axpy(d.w.length, 1f, h[l], 0, sumH[l], 0);
        for (int o = 0; o < d.out; o++) {
          double rc = cosine(k, d.in, g[l], o * d.in, h[l], o * d.in);
          byte s = rc > 0 ? (byte) 1 : rc < 0 ? (byte) -1 : (byte) 0;
          if (s > 0) {
            positive[l][o]++;
          }
          if (windowSteps > 0 && s != 0 && lastSign[l][o] != 0 && s != lastSign[l][o]) {
            flips[l][o]++;
          }
          if (s != 0) {
            lastSign[l][o] = s;
          }
        }
      }
      if (record) {
        seriesCos[l][points] = c;
        if (seriesNeurons != null) {
          float[] row = seriesNeurons[l][points];
          for (int o = 0; o < d.out; o++) {
            row[o] = (float) cosine(k, d.in, g[l], o * d.in, h[l], o * d.in);
          }
        }
      }
    }
    if (window) {
      windowSteps++;
    }
    if (record) {
      points++;
    }
  }

  /**
   * Completes the time-series point of the last sampled step with its step number, the weight
   * norms ||W_l||_F after it and the validation loss (a no-op when that point is complete or no
   * step was sampled).
   *
   * @param step the trainer's report of the sampled step
   * @param valLoss the validation loss after it
   */
  public void completePoint(Trainer.Step step, double valLoss) {
    if (points == 0 || steps[points - 1] != -1) {
      return;
    }
    int p = points - 1;
    steps[p] = step.step();
    for (int l = 0; l < depth; l++) {
      seriesNorm[l][p] = step.weightNorm(l);
    }
    seriesVal[p] = valLoss;
  }

  /**
   * Steps observed inside the window.
   *
   * @return the count
   */
  public int windowSteps() {
    return windowSteps;
  }

  /**
   * (E18a) mean over window steps of cos(g_t, H_t).
   *
   * @param l the layer
   * @return the mean, NaN before the window
   */
  public double minibatch(int l) {
    return windowSteps == 0 ? Double.NaN : sumCos[l] / windowSteps;
  }

  /**
   * (E18c) cos(sum_t g_t, sum_t H_t) over the window.
   *
   * @param l the layer
   * @return the cosine, NaN before the window
   */
  public double timeavg(int l) {
    return windowSteps == 0 ? Double.NaN
        : cosine(k, sumG[l].length, sumG[l], 0, sumH[l], 0);
  }

  /**
   * (E19) Per-neuron statistics of layer l over the window.
   *
   * @param l the layer
   * @return the statistics
   */
  public NeuronStats neuronStats(int l) {
    Dense d = net.layer(l);
    double pos = 0, fl = 0;
    int hebbianAvg = 0;
    for (int o = 0; o < d.out; o++) {
      pos += positive[l][o];
      fl += flips[l][o];
      if (cosine(k, d.in, sumG[l], o * d.in, sumH[l], o * d.in) > 0) {
        hebbianAvg++;
      }
    }
    int n = Math.max(1, windowSteps);
    return new NeuronStats(pos / ((double) d.out * n), fl / ((double) d.out * Math.max(1, n - 1)),
        (double) hebbianAvg / d.out);
  }

  /**
   * Per-neuron behaviour at steady state: the fraction of (neuron, step) pairs with a positive
   * row-wise cosine, the mean number of sign changes per neuron per step, and the fraction of
   * neurons whose time-averaged row-wise cosine is positive.
   *
   * @param positiveFraction fraction of (neuron, window step) pairs with a positive cosine
   * @param flipRate sign changes per neuron per step
   * @param hebbianTimeavg fraction of neurons with a positive time-averaged row-wise cosine
   */
  public record NeuronStats(double positiveFraction, double flipRate, double hebbianTimeavg) {}

  /**
   * The recorded time series.
   *
   * @return copies of the points recorded so far
   */
  public Series series() {
    int p = points;
    long[] st = java.util.Arrays.copyOf(steps, p);
    double[][] c = new double[depth][], nr = new double[depth][];
    float[][][] neu = seriesNeurons == null ? null : new float[depth][][];
    for (int l = 0; l < depth; l++) {
      c[l] = java.util.Arrays.copyOf(seriesCos[l], p);
      nr[l] = java.util.Arrays.copyOf(seriesNorm[l], p);
      if (neu != null) {
        neu[l] = java.util.Arrays.copyOf(seriesNeurons[l], p);
      }
    }
    return new Series(st, c, nr, java.util.Arrays.copyOf(seriesVal, p), neu);
  }

  /**
   * Time series: at each sampled step, the minibatch cosine and ||W||_F of each layer, the
   * validation loss, and optionally every row-wise cosine ([layer][point][neuron]).
   *
   * @param steps the sampled steps (1-based) [point]
   * @param cos the minibatch cosine [layer][point]
   * @param weightNorm ||W_l||_F after the step [layer][point]
   * @param valLoss the validation loss [point]
   * @param neurons the row-wise cosines [layer][point][neuron], or null
   */
  public record Series(long[] steps, double[][] cos, double[][] weightNorm, double[] valLoss,
      float[][][] neurons) {}
}
