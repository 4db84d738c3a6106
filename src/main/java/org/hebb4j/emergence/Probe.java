package org.hebb4j.emergence;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
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
  private final LayerProbe[] layers;
  private int windowSteps;
  // time series
  private final int capacity;
  private int points;
  private final long[] steps;
  private final double[] seriesVal;

  /** One layer's buffers, window sums and time series. */
  private static final class LayerProbe {
    final Dense d;
    /** H of the current step [out, in]. */
    final float[] h;
    /** Window sums of g and H for timeavg (E18c), and of the cosine for minibatch (E18a). */
    final float[] sumG;
    final float[] sumH;
    double sumCos;
    /** Window sum of the per-step mean over samples of cos(g_i, H_i) (E18d). */
    double sumPersample;
    /** (E19) per neuron inside the window: positive steps, sign flips, the last sign. */
    final long[] positive;
    final long[] flips;
    final byte[] lastSign;
    /** The time series: cosine and ||W||_F per point, row-wise cosines [point][neuron]. */
    final double[] seriesCos;
    final double[] seriesNorm;
    final float[][] seriesNeurons;

    LayerProbe(Dense d, int points, boolean neurons) {
      this.d = d;
      h = new float[d.w.length];
      sumG = new float[d.w.length];
      sumH = new float[d.w.length];
      positive = new long[d.out];
      flips = new long[d.out];
      lastSign = new byte[d.out];
      seriesCos = new double[points];
      seriesNorm = new double[points];
      seriesNeurons = neurons ? new float[points][d.out] : null;
    }
  }

  /**
   * A probe for the layers of {@code net}. See spec/emergence.md#probe.
   *
   * @param k the kernels
   * @param net the network whose steps are observed
   * @param points time-series capacity (0 for none)
   * @param neurons whether the time series also keeps every row-wise cosine
   * @throws IllegalArgumentException if points is negative
   * @throws NullPointerException naming the argument when k or net is null
   */
  public Probe(Kernels k, Mlp net, int points, boolean neurons) {
    if (points < 0) {
      throw new IllegalArgumentException("points must be 0 or more, got " + points);
    }
    this.k = Objects.requireNonNull(k, "kernels");
    Objects.requireNonNull(net, "net");
    layers = new LayerProbe[net.depth()];
    for (int l = 0; l < layers.length; l++) {
      layers[l] = new LayerProbe(net.layer(l), points, neurons);
    }
    capacity = points;
    steps = new long[points];
    seriesVal = new double[points];
  }

  /**
   * (E16) H = (1/B) h_post^T h_pre of layer {@code d} over one batch of B = {@code rows} rows.
   * See spec/emergence.md#probe.
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
   * See spec/emergence.md#probe.
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
   * (E17) cos = &lt;g, h&gt; / (||g|| ||h||), 0 when either norm is 0. See spec/emergence.md#probe.
   *
   * @param k the kernels
   * @param n the number of values
   * @param g the learning signal, [n] at {@code gOff}
   * @param gOff g's first index
   * @param h the Hebbian term, [n] at {@code hOff}
   * @param hOff h's first index
   * @return the cosine in [-1, 1]
   */
  public static double cosine(Kernels k, int n, float[] g, int gOff, float[] h, int hOff) {
    // every product and sum in double (K5), (K12): no overflow or underflow for finite input
    double gg = k.sumSquares(n, g, gOff), hh = k.sumSquares(n, h, hOff);
    if (gg == 0 || hh == 0) {
      return 0;
    }
    double cos = k.dsdot(n, g, gOff, h, hOff) / (Math.sqrt(gg) * Math.sqrt(hh));
    return Math.max(-1.0, Math.min(1.0, cos)); // rounding may pass +-1 by an ulp; NaN stays
  }

  /**
   * (E18d) The mean over the {@code rows} samples of one batch of cos(g_i, H_i), with the
   * per-sample signal g_i = -delta_i s_i^T (s_i the input the signal was computed at: h_pre,i,
   * or the random network's under (E31)) and Hebbian term H_i = h_post,i h_pre,i^T of a dense
   * layer. Both are rank 1, so by the closed form (E29) cos(g_i, H_i) = cos(-delta_i, h_post,i)
   * cos(s_i, h_pre,i) (the second factor is 1 when s = h_pre), 0 when a factor's norm is 0
   * (E17). Sums in double; allocates nothing. See spec/emergence.md#protocols.
   *
   * @param k the kernels
   * @param rows the samples
   * @param in the layer's input width
   * @param out the layer's output width
   * @param delta dL/da of the signal per sample [rows, out] (any positive scale)
   * @param signalPre the input s of the signal [rows, in]
   * @param hPost the pre-activation a [rows, out]
   * @param hPre the input [rows, in]
   * @return the mean cosine over the samples
   */
  public static double persample(Kernels k, int rows, int in, int out, float[] delta,
      float[] signalPre, float[] hPost, float[] hPre) {
    double sum = 0;
    for (int i = 0; i < rows; i++) {
      double right = rankOneCosine(k, in, signalPre, hPre, i * in);
      if (right == 0) {
        continue;
      }
      sum -= rankOneCosine(k, out, delta, hPost, i * out) * right;
    }
    return sum / rows;
  }

  /** cos(a[off..off+n), b[off..off+n)), 0 when a norm is 0; 1 when a and b are one array. */
  private static double rankOneCosine(Kernels k, int n, float[] a, float[] b, int off) {
    double aa = k.sumSquares(n, a, off);
    if (a == b) {
      return aa == 0 ? 0 : 1;
    }
    double bb = k.sumSquares(n, b, off);
    if (aa == 0 || bb == 0) {
      return 0;
    }
    double c = k.dsdot(n, a, off, b, off) / (Math.sqrt(aa) * Math.sqrt(bb));
    return Math.max(-1.0, Math.min(1.0, c));
  }

  /**
   * Called by the trainer with the signals of the current step, before the update: its
   * workspace holds h_pre and h_post of the step, its signals g.
   */
  void observe(Trainer tr, boolean window, boolean sample) {
    Mlp.Workspace ws = tr.workspace();
    int rows = ws.rows();
    boolean record = sample && points < capacity;
    if (record) {
      steps[points] = -1; // filled by completePoint(...)
    }
    for (int l = 0; l < layers.length; l++) {
      LayerProbe lp = layers[l];
      Dense d = lp.d;
      float[] g = tr.signalW(l), h = lp.h;
      hebbian(k, d, rows, ws.hPost(l), ws.hPre(l), h);
      double c = cosine(k, d.w.length, g, 0, h, 0);
      if (window) {
        lp.sumCos += c;
        Mlp.Workspace sw = tr.signalWorkspace();
        lp.sumPersample += persample(k, rows, d.in, d.out, sw.delta(l), sw.hPre(l),
            ws.hPost(l), ws.hPre(l));
        k.axpy(d.w.length, 1f, g, 0, lp.sumG, 0);
        k.axpy(d.w.length, 1f, h, 0, lp.sumH, 0);
        for (int o = 0; o < d.out; o++) {
          double rc = cosine(k, d.in, g, o * d.in, h, o * d.in);
          byte s = rc > 0 ? (byte) 1 : rc < 0 ? (byte) -1 : (byte) 0;
          if (s > 0) {
            lp.positive[o]++;
          }
          if (windowSteps > 0 && s != 0 && lp.lastSign[o] != 0 && s != lp.lastSign[o]) {
            lp.flips[o]++;
          }
          if (s != 0) {
            lp.lastSign[o] = s;
          }
        }
      }
      if (record) {
        lp.seriesCos[points] = c;
        if (lp.seriesNeurons != null) {
          float[] row = lp.seriesNeurons[points];
          for (int o = 0; o < d.out; o++) {
            row[o] = (float) cosine(k, d.in, g, o * d.in, h, o * d.in);
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
   * step was sampled). See spec/emergence.md#protocols.
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
    for (int l = 0; l < layers.length; l++) {
      layers[l].seriesNorm[p] = step.weightNorm(l);
    }
    seriesVal[p] = valLoss;
  }

  /**
   * Steps observed inside the window. See spec/emergence.md#protocols.
   *
   * @return the count
   */
  public int windowSteps() {
    return windowSteps;
  }

  /**
   * (E18a) mean over window steps of cos(g_t, H_t). See spec/emergence.md#protocols.
   *
   * @param l the layer
   * @return the mean, NaN before the window
   * @throws IllegalArgumentException if l is outside [0, depth)
   */
  public double minibatch(int l) {
    LayerProbe lp = layers[checkLayer(l, layers.length)];
    return windowSteps == 0 ? Double.NaN : lp.sumCos / windowSteps;
  }

  /**
   * (E18d) mean over window steps t and samples i of cos(g_t,i, H_t,i) ({@link #persample}).
   * See spec/emergence.md#protocols.
   *
   * @param l the layer
   * @return the mean, NaN before the window
   * @throws IllegalArgumentException if l is outside [0, depth)
   */
  public double persample(int l) {
    LayerProbe lp = layers[checkLayer(l, layers.length)];
    return windowSteps == 0 ? Double.NaN : lp.sumPersample / windowSteps;
  }

  /**
   * (E18c) cos(sum_t g_t, sum_t H_t) over the window. See spec/emergence.md#protocols.
   *
   * @param l the layer
   * @return the cosine, NaN before the window
   * @throws IllegalArgumentException if l is outside [0, depth)
   */
  public double timeavg(int l) {
    LayerProbe lp = layers[checkLayer(l, layers.length)];
    return windowSteps == 0 ? Double.NaN : cosine(k, lp.sumG.length, lp.sumG, 0, lp.sumH, 0);
  }

  /**
   * (E19) Per-neuron statistics of layer l over the window. See spec/emergence.md#probe.
   *
   * @param l the layer
   * @return the statistics
   * @throws IllegalArgumentException if l is outside [0, depth)
   */
  public NeuronStats neuronStats(int l) {
    LayerProbe lp = layers[checkLayer(l, layers.length)];
    Dense d = lp.d;
    double pos = 0, fl = 0;
    int hebbianAvg = 0;
    for (int o = 0; o < d.out; o++) {
      pos += lp.positive[o];
      fl += lp.flips[o];
      if (cosine(k, d.in, lp.sumG, o * d.in, lp.sumH, o * d.in) > 0) {
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
   * The recorded time series. See spec/emergence.md#probe.
   *
   * @return copies of the points recorded so far
   */
  public Series series() {
    int p = points;
    List<LayerSeries> ls = new ArrayList<>();
    for (LayerProbe lp : layers) {
      ls.add(new LayerSeries(Arrays.copyOf(lp.seriesCos, p), Arrays.copyOf(lp.seriesNorm, p),
          lp.seriesNeurons == null ? null : Arrays.copyOf(lp.seriesNeurons, p)));
    }
    return new Series(Arrays.copyOf(steps, p), Arrays.copyOf(seriesVal, p), List.copyOf(ls));
  }

  /**
   * Time series: at each sampled step its number, the validation loss, and per layer the
   * minibatch cosine, ||W||_F and optionally every row-wise cosine.
   *
   * @param steps the sampled steps (1-based) [point]
   * @param valLoss the validation loss after each [point]
   * @param layers per layer, in order
   */
  public record Series(long[] steps, double[] valLoss, List<LayerSeries> layers) {

    /**
     * Layer l's series. See spec/emergence.md#probe.
     *
     * @param l the layer, 0-based
     * @return its series
     * @throws IllegalArgumentException if l is outside [0, layers().size())
     */
    public LayerSeries layer(int l) {
      return layers.get(checkLayer(l, layers.size()));
    }
  }

  /**
   * One layer's time series.
   *
   * @param cos the minibatch cosine cos(g, H) (E17) [point]
   * @param weightNorm ||W||_F after the step [point]
   * @param neurons the row-wise cosines (E19) [point][neuron], or null
   */
  public record LayerSeries(double[] cos, double[] weightNorm, float[][] neurons) {}

  /** Returns l, or throws "layer 7 out of range [0, 3)". */
  static int checkLayer(int l, int depth) {
    if (l < 0 || l >= depth) {
      throw new IllegalArgumentException("layer " + l + " out of range [0, " + depth + ")");
    }
    return l;
  }
}
