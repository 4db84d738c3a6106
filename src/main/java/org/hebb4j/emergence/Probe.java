package org.hebb4j.emergence;

import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Dense;
import org.hebb4j.nn.Mlp;

/**
 * The alignment probe (spec/emergence.md#probe). For each layer, on the steps it is shown:
 * the Hebbian term H = (1/B) h_post^T h_pre (E16), cos(g, H) (E17) and the row-wise cosines
 * (E19). Inside the measurement window it accumulates the {@code minibatch} mean (E18a) and the
 * sums of g and H for {@code timeavg} (E18c); on sampled steps it records a time series.
 * Allocates only in the constructor.
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

  /** (E16) H = (1/B) h_post^T h_pre of layer l from a workspace, into {@code out} [out, in]. */
  public static void hebbian(Kernels k, Dense d, int rows, float[] hPost, float[] hPre,
      float[] out) {
    k.gemm(true, false, d.out, d.in, rows, 1f / rows, hPost, 0, d.out, hPre, 0, d.in, 0f, out, 0,
        d.in);
  }

  /** (E17) cos = <g, h> / (||g|| ||h||), 0 when either norm is 0. */
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
      steps[points] = -1; // filled by record(step, ...)
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

  /** Completes the time-series point of the last sampled step: its step, norms and val loss. */
  void completePoint(long step, double[] weightNorms, double valLoss) {
    if (points == 0 || steps[points - 1] != -1) {
      return;
    }
    int p = points - 1;
    steps[p] = step;
    for (int l = 0; l < depth; l++) {
      seriesNorm[l][p] = weightNorms[l];
    }
    seriesVal[p] = valLoss;
  }

  public int windowSteps() {
    return windowSteps;
  }

  /** (E18a) mean over window steps of cos(g_t, H_t). */
  public double minibatch(int l) {
    return windowSteps == 0 ? Double.NaN : sumCos[l] / windowSteps;
  }

  /** (E18c) cos(sum_t g_t, sum_t H_t) over the window. */
  public double timeavg(int l) {
    return windowSteps == 0 ? Double.NaN
        : cosine(k, sumG[l].length, sumG[l], 0, sumH[l], 0);
  }

  /** (E19) Per-neuron statistics of layer l over the window. */
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
   */
  public record NeuronStats(double positiveFraction, double flipRate, double hebbianTimeavg) {}

  /** The recorded time series. */
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
   */
  public record Series(long[] steps, double[][] cos, double[][] weightNorm, double[] valLoss,
      float[][][] neurons) {}
}
