package org.hebb4j.emergence;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Dense;
import org.hebb4j.nn.Transformer;
import org.hebb4j.nn.TransformerConfig;

/**
 * The alignment probe of every linear map of a {@link Transformer} (spec/transformer.md#probe):
 * on each window step, for each map, the Hebbian term (E16) {@code H = (1/N) h_post^T h_pre} over
 * the step's {@code N} rows (batch x tokens; batch rows for the readout) and (E17)
 * {@code cos(g, H)} with g the learning signal of the map's weight, for the {@code minibatch}
 * protocol (mean over steps of cos(g_t, H_t)) and the {@code timeavg} protocol
 * (cos(mean_t g_t, mean_t H_t)) of spec/emergence.md#protocols, the {@code persample} protocol
 * (E18d) by the closed form (T21) from each map's output gradient during the backward pass
 * ({@link #persample(Kernels, int, int, int, int, float[], float[], float[])}), and at
 * the end of training the {@code fullbatch} protocol ({@link #fullbatch}). Allocates in its
 * constructor only, except {@link #fullbatch} (called once per run).
 */
public final class TransformerProbe {

  private final Kernels k;
  private final List<Transformer.LinearMap> maps;
  private final List<String> names;
  private final float[][] h;
  private final double[][] sumG;
  private final double[][] sumH;
  private final float[][] meanG;
  private final float[][] meanH;
  private final double[] cosSum;
  /** Per map, the sum over window steps of the step's mean per-sample cosine (E18d). */
  private final double[] persampleSum;
  private final Transformer.Workspace ws;
  /** Created once: handing it to the backward pass allocates nothing. */
  private final Transformer.OutputGradients sink;
  private int steps;

  /**
   * A probe of every linear map of {@code trainer}'s network. See spec/transformer.md#probe.
   *
   * @param k the kernels
   * @param trainer the trainer whose steps it observes
   * @throws NullPointerException if an argument is null
   */
  public TransformerProbe(Kernels k, TransformerTrainer trainer) {
    this.k = Objects.requireNonNull(k, "kernels");
    ws = Objects.requireNonNull(trainer, "trainer").workspace();
    maps = ws.linearMaps();
    int n = maps.size();
    persampleSum = new double[n];
    sink = this::persampleStep;
    h = new float[n][];
    sumG = new double[n][];
    sumH = new double[n][];
    meanG = new float[n][];
    meanH = new float[n][];
    cosSum = new double[n];
    List<String> ns = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int size = maps.get(i).layer().w.length;
      h[i] = new float[size];
      sumG[i] = new double[size];
      sumH[i] = new double[size];
      meanG[i] = new float[size];
      meanH[i] = new float[size];
      ns.add(maps.get(i).name());
    }
    names = List.copyOf(ns);
  }

  /**
   * The probed maps' names ("E", "b1.Wq", ..., "b2.W2", "R"), in the order of the indices below.
   * See spec/transformer.md#probe.
   *
   * @return an unmodifiable list
   */
  public List<String> names() {
    return names;
  }

  /** The trainer hands this to the backward pass of each window step (E18d). */
  Transformer.OutputGradients outputGradients() {
    return sink;
  }

  /** (E18d) map {@code map}'s mean per-sample cosine of this step, from its output gradient. */
  private void persampleStep(int map, float[] dy) {
    Transformer.LinearMap m = maps.get(map);
    Dense d = m.layer();
    persampleSum[map] += persample(k, ws.rows(), m.rowsPerSample(), d.in, d.out, dy, m.hPost(),
        m.hPre());
  }

  /**
   * (E18d) by the closed form (T21): the mean over {@code samples} samples of cos(G_i, H_i) of a
   * linear map, with the per-sample signal G_i = -sum_t dy_{i,t} x_{i,t}^T and Hebbian term
   * H_i = sum_t y_{i,t} x_{i,t}^T over the sample's {@code tokens} token rows, computed from the
   * token Gram products (no [out, in] matrix per sample); 0 for a sample where either norm is 0
   * (E17). Every product and sum in double in one fixed order (x_t . x_u by (K5a); the four
   * products of dy and y of a token pair in one pass, each summed over the width in order), so the
   * result has the same bits on every kernel path, vector width and JDK; allocates nothing.
   * See spec/transformer.md#persample.
   *
   * @param k the kernels
   * @param samples the samples B
   * @param tokens the token rows T per sample (1 for a rank-1 map such as the readout)
   * @param in the map's input width
   * @param out the map's output width
   * @param dy the gradient of the map's output, dL/dy [B T, out] (any positive scale)
   * @param hPost the map's output y [B T, out]
   * @param hPre the map's input x [B T, in]
   * @return the mean cosine over the samples, in [-1, 1]
   */
  public static double persample(Kernels k, int samples, int tokens, int in, int out, float[] dy,
      float[] hPost, float[] hPre) {
    double sum = 0;
    for (int i = 0; i < samples; i++) {
      int r0 = i * tokens;
      double gh = 0, gg = 0, hh = 0; // (T21) -<G_i, H_i>, ||G_i||^2, ||H_i||^2
      for (int t = 0; t < tokens; t++) {
        int a = (r0 + t) * out;
        for (int u = t; u < tokens; u++) { // the pairs (t, u) and (u, t) at once
          int b = (r0 + u) * out;
          double xx = k.dsdot(in, hPre, (r0 + t) * in, hPre, (r0 + u) * in);
          double dtyu = 0, duyt = 0, dtdu = 0, ytyu = 0;
          for (int j = 0; j < out; j++) {
            double dt = dy[a + j], du = dy[b + j], yt = hPost[a + j], yu = hPost[b + j];
            dtyu += dt * yu;
            duyt += du * yt;
            dtdu += dt * du;
            ytyu += yt * yu;
          }
          if (u == t) {
            gh += dtyu * xx;
            gg += dtdu * xx;
            hh += ytyu * xx;
          } else {
            gh += (dtyu + duyt) * xx;
            gg += 2 * dtdu * xx;
            hh += 2 * ytyu * xx;
          }
        }
      }
      if (gg <= 0 || hh <= 0) {
        continue; // G_i or H_i is 0 (or rounds to it): (E17)'s 0
      }
      double c = -gh / (Math.sqrt(gg) * Math.sqrt(hh));
      sum += Math.max(-1.0, Math.min(1.0, c)); // rounding may pass +-1 by an ulp
    }
    return sum / samples;
  }

  /** One window step: H and cos(g, H) of every map; g from the trainer, before the update. */
  void observe(TransformerTrainer trainer) {
    int rows = trainer.workspace().rows();
    for (int i = 0; i < maps.size(); i++) {
      Transformer.LinearMap m = maps.get(i);
      Dense d = m.layer();
      int n = rows * m.rowsPerSample();
      Probe.hebbian(k, d, n, m.hPost(), m.hPre(), h[i]); // (E16) per token
      float[] g = trainer.mapSignal(i);
      cosSum[i] += Probe.cosine(k, g.length, g, 0, h[i], 0); // (E17)
      double[] sg = sumG[i], sh = sumH[i];
      float[] hi = h[i];
      for (int j = 0; j < sg.length; j++) {
        sg[j] += g[j];
        sh[j] += hi[j];
      }
    }
    steps++;
  }

  /**
   * Window steps observed so far. See spec/emergence.md#protocols.
   *
   * @return the count
   */
  public int windowSteps() {
    return steps;
  }

  /**
   * The {@code minibatch} alignment of map i: the mean over window steps of cos(g_t, H_t).
   * See spec/emergence.md#protocols.
   *
   * @param i the map's index in {@link #names()}
   * @return the mean cosine, NaN before any window step
   * @throws IllegalArgumentException if i is out of range
   */
  public double minibatch(int i) {
    return cosSum[check(i)] / steps;
  }

  /**
   * The {@code persample} alignment (E18d) of map i: the mean over window steps and the step's
   * samples (batch rows) of cos(G_i, H_i) by (T21). See spec/transformer.md#persample.
   *
   * @param i the map's index in {@link #names()}
   * @return the mean cosine, NaN before any window step
   * @throws IllegalArgumentException if i is out of range
   */
  public double persample(int i) {
    return persampleSum[check(i)] / steps;
  }

  /**
   * The {@code timeavg} alignment of map i: cos(mean_t g_t, mean_t H_t) over the window steps.
   * See spec/emergence.md#protocols.
   *
   * @param i the map's index in {@link #names()}
   * @return the cosine, 0 before any window step
   * @throws IllegalArgumentException if i is out of range
   */
  public double timeavg(int i) {
    check(i);
    double[] sg = sumG[i], sh = sumH[i];
    float[] g = meanG[i], hh = meanH[i];
    for (int j = 0; j < sg.length; j++) {
      g[j] = (float) (sg[j] / Math.max(1, steps));
      hh[j] = (float) (sh[j] / Math.max(1, steps));
    }
    return Probe.cosine(k, g.length, g, 0, hh, 0);
  }

  /**
   * (E18b) The {@code fullbatch} alignment of every map: cos(g, H) with g the signal the rule would
   * give for one step on the whole of {@code data} (a dry run: parameters and Adam moments
   * unchanged) and H the Hebbian term (E16) over every row of it (every token of every row; every
   * row for the readout). Forward and backward run in chunks of the trainer's batch capacity and
   * accumulate, so the result is that of one pass over all n rows (loss scale 1/n). Overwrites the
   * trainer's workspace (call it after the last step) and allocates (once per run).
   * See spec/transformer.md#probe, spec/emergence.md#protocols.
   *
   * @param trainer the trainer this probe observes
   * @param data the set, usually the training set; inputs [n, 32], targets [n, 32]
   * @return the cosines, in the order of {@link #names()}
   * @throws IllegalArgumentException if data does not have 32 inputs and 32 targets per row
   */
  public double[] fullbatch(TransformerTrainer trainer, Data data) {
    Objects.requireNonNull(trainer, "trainer");
    Objects.requireNonNull(data, "data");
    if (data.hasLabels() || data.d() != TransformerConfig.D || data.o() != TransformerConfig.D) {
      throw new IllegalArgumentException("fullbatch needs " + TransformerConfig.D + " inputs and "
          + TransformerConfig.D + " targets per row, got " + data.d() + " -> "
          + (data.hasLabels() ? "labels" : data.o() + " targets"));
    }
    Transformer.Workspace ws = trainer.workspace();
    int chunk = ws.capacity(), n = data.n();
    float[] xb = new float[chunk * data.d()];
    float[] yb = new float[chunk * data.o()];
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    for (int from = 0; from < n; from += chunk) {
      int rows = Math.min(chunk, n - from);
      data.gather(idx, from, rows, xb, yb, null);
      ws.forward(k, xb, rows);
      ws.loss(trainer.loss(), yb, 1f / n);
      ws.backward(k, from > 0);
      for (int i = 0; i < maps.size(); i++) {
        Transformer.LinearMap m = maps.get(i);
        Probe.hebbian(k, m.layer(), rows * m.rowsPerSample(),
            1f / ((float) n * m.rowsPerSample()), m.hPost(), m.hPre(), from > 0, h[i]); // (E16)
      }
    }
    double[] out = new double[maps.size()];
    for (int i = 0; i < out.length; i++) {
      float[] g = trainer.dryMapSignal(i);
      out[i] = Probe.cosine(k, g.length, g, 0, h[i], 0); // (E17)
    }
    return out;
  }

  private int check(int i) {
    if (i < 0 || i >= maps.size()) {
      throw new IllegalArgumentException("map " + i + " out of range [0, " + maps.size() + ")");
    }
    return i;
  }
}
