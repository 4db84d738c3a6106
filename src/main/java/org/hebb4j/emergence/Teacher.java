package org.hebb4j.emergence;

import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Conventions;
import org.hebb4j.nn.Mlp;
import org.hebb4j.nn.MlpConfig;
import org.hebb4j.nn.Rows;
import org.hebb4j.rng.Rng;

/**
 * Synthetic student-teacher regression data (spec/emergence.md#sre): inputs x ~ N(0, I_d), targets
 * y = T(x) for a fixed random teacher network T.
 */
public final class Teacher {

  private Teacher() {}

  /**
   * Train and validation sets drawn for one seed (spec/emergence.md#sre).
   *
   * @param train the training rows, inputs [nTrain, d] and targets [nTrain, o]
   * @param val the validation rows, inputs [nVal, d] and targets [nVal, o]
   */
  public record Sets(Data train, Data val) {}

  /**
   * Draws {@code nTrain + nVal} inputs and labels them with {@code teacher}: x from
   * {@code data.derive("train")} and {@code data.derive("val")}, row after row.
   * See spec/emergence.md#sre.
   *
   * @param k the kernels
   * @param teacher the teacher network
   * @param data the data stream
   * @param nTrain training rows
   * @param nVal validation rows
   * @return the two sets
   */
  public static Sets sets(Kernels k, Mlp teacher, Rng data, int nTrain, int nVal) {
    return new Sets(label(k, teacher, inputs(data.derive("train"), nTrain, teacher.inputSize())),
        label(k, teacher, inputs(data.derive("val"), nVal, teacher.inputSize())));
  }

  /**
   * n rows of d standard Gaussians. See spec/emergence.md#sre.
   *
   * @param r the stream
   * @param n rows
   * @param d columns
   * @return x [n, d]
   */
  public static float[] inputs(Rng r, int n, int d) {
    float[] x = new float[n * d];
    r.fillGaussian(x, 0, x.length, 1f);
    return x;
  }

  /**
   * Regression data (x, net(x)), evaluated in chunks of {@link Evaluation#CHUNK} rows.
   * See spec/emergence.md#sre.
   *
   * @param k the kernels
   * @param net the labelling network
   * @param x inputs [n, net.inputSize()]
   * @return the set
   */
  public static Data label(Kernels k, Mlp net, float[] x) {
    int d = net.inputSize(), o = net.outputSize(), n = x.length / d;
    float[] y = new float[n * o];
    int chunk = Math.min(Evaluation.CHUNK, Math.max(n, 1));
    Mlp.Workspace ws = net.workspace(chunk);
    float[] xb = new float[chunk * d];
    for (int from = 0; from < n; from += chunk) {
      int rows = Math.min(chunk, n - from);
      System.arraycopy(x, from * d, xb, 0, rows * d);
      float[] out = ws.forward(k, xb, rows);
      System.arraycopy(out, 0, y, from * o, rows * o);
    }
    return Data.regression(x, d, y, o);
  }

  /**
   * Classification data (x, argmax net(x)) (first on ties), for the Random NN rule on a
   * labelled task. See spec/emergence.md#randomnn.
   *
   * @param k the kernels
   * @param net the labelling network
   * @param data the set whose inputs are labelled
   * @return the set with net's labels
   */
  public static Data argmaxLabels(Kernels k, Mlp net, Data data) {
    Data reg = label(k, net, data.x());
    int o = net.outputSize();
    int[] labels = new int[data.n()];
    float[] y = reg.y();
    for (int r = 0; r < data.n(); r++) {
      labels[r] = Rows.argmax(y, r * o, o);
    }
    return Data.classification(data.x(), data.d(), labels, o);
  }

  /**
   * A 2-layer network d -> h -> o (hidden activation {@code act}, linear output, biases) with
   * weights N(0, 1/fan_in), zero biases (E10). See spec/emergence.md#sre.
   *
   * @param d input width
   * @param h hidden width
   * @param o output width
   * @param act hidden activation
   * @param r the network's stream
   * @return the initialised network
   */
  public static Mlp network(int d, int h, int o, Activation act, Rng r) {
    return network(MlpConfig.builder().input(d).hidden(h).output(o).activation(act).build(), r,
        Conventions.HEBB4J);
  }

  /**
   * A network of {@code config} drawn under conventions {@code c}: (E10) for HEBB4J,
   * {@code nn.Linear}'s default (E27) for TORCH ({@link Mlp#init(Rng, Conventions)}).
   * See spec/emergence.md#conventions.
   *
   * @param config the architecture
   * @param r the network's stream
   * @param c the conventions
   * @return the initialised network
   */
  public static Mlp network(MlpConfig config, Rng r, Conventions c) {
    Mlp m = new Mlp(config);
    m.init(r, c);
    return m;
  }
}
