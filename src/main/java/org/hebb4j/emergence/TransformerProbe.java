package org.hebb4j.emergence;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Dense;
import org.hebb4j.nn.Transformer;

/**
 * The alignment probe of every linear map of a {@link Transformer} (spec/transformer.md#probe):
 * on each window step, for each map, the Hebbian term (E16) {@code H = (1/N) h_post^T h_pre} over
 * the step's {@code N} rows (batch x tokens; batch rows for the readout) and (E17)
 * {@code cos(g, H)} with g the learning signal of the map's weight, for the {@code minibatch}
 * protocol (mean over steps of cos(g_t, H_t)) and the {@code timeavg} protocol
 * (cos(mean_t g_t, mean_t H_t)) of spec/emergence.md#protocols. Allocates in its constructor
 * only.
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
    maps = Objects.requireNonNull(trainer, "trainer").workspace().linearMaps();
    int n = maps.size();
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

  private int check(int i) {
    if (i < 0 || i >= maps.size()) {
      throw new IllegalArgumentException("map " + i + " out of range [0, " + maps.size() + ")");
    }
    return i;
  }
}
