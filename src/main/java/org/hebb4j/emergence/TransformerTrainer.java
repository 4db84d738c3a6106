package org.hebb4j.emergence;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.DivergedException;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Transformer;
import org.hebb4j.tensor.Tensor;

/**
 * Trains a {@link Transformer} on a regression task with SGD (E11), Adam with coupled L2 (E13)
 * or AdamW (E12) (spec/transformer.md#training). Each step computes the learning signal g of every
 * parameter, hands it to an optional {@link TransformerProbe}, and only then applies the update.
 * Weight decay gamma applies to the weight matrices of the linear maps (E, Wq, Wk, Wv, Wo, W1,
 * W2, R); biases, positions and layer-norm parameters are updated without decay, as the MLP's
 * biases (spec/emergence.md#rules), except under the TORCH conventions, which decay every
 * parameter (spec/transformer.md#conventions). Every buffer is allocated in the constructor;
 * {@link #train} allocates nothing.
 */
public final class TransformerTrainer {

  private final Kernels k;
  private final Transformer net;
  private final Transformer.Workspace ws;
  private final Loss loss;
  private final TrainConfig cfg;
  /** Array, not List: a for-each over a List allocates an iterator in the step. */
  private final Param[] params;
  /** For each linear map of the workspace, the index of its weight in params. */
  private final int[] mapParam;
  private long t;

  /** One parameter tensor's training state. */
  private static final class Param {
    final String weightsName;
    final float[] w;
    final float[] grad;
    final float[] g;
    final float[] m;
    final float[] v;
    final boolean decay;

    Param(String name, float[] w, float[] grad, boolean moments, boolean decay) {
      this.weightsName = "parameter " + name;
      this.w = w;
      this.grad = grad;
      this.g = new float[w.length];
      this.m = moments ? new float[w.length] : null;
      this.v = moments ? new float[w.length] : null;
      this.decay = decay;
    }
  }

  /**
   * A trainer with its optimizer state. See spec/transformer.md#training.
   *
   * @param k the kernels
   * @param net the initialised network; trained in place
   * @param loss MSE or MSE_MEAN
   * @param cfg the hyperparameters: rule SGD, ADAM or ADAMW, no noise; its batch is the largest
   * @throws NullPointerException naming the argument when one is null
   * @throws IllegalArgumentException (one line) for another rule, noise, or softmax_ce
   */
  public TransformerTrainer(Kernels k, Transformer net, Loss loss, TrainConfig cfg) {
    this.k = Objects.requireNonNull(k, "kernels");
    this.net = Objects.requireNonNull(net, "net");
    this.loss = Objects.requireNonNull(loss, "loss");
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    if (cfg.rule().dfa || cfg.rule().randomTargets) {
      throw new IllegalArgumentException("the transformer trains with rule sgd, adam or adamw, "
          + "not " + cfg.rule().id());
    }
    if (cfg.noisy()) {
      throw new IllegalArgumentException("the transformer trains without noise, got noise "
          + cfg.noise().id());
    }
    if (loss == Loss.SOFTMAX_CE) {
      throw new IllegalArgumentException("the SRE transformer takes loss mse or mse_mean, not "
          + "softmax_ce");
    }
    ws = net.workspace(cfg.batch());
    boolean moments = cfg.rule().optimizer != Rule.Optimizer.PLAIN;
    List<Param> ps = new ArrayList<>();
    Map<String, Tensor> grads = ws.gradients();
    for (Map.Entry<String, Tensor> e : net.parameters().entrySet()) {
      String name = e.getKey();
      ps.add(new Param(name, e.getValue().data(), grads.get(name).data(), moments,
          isWeight(name) || cfg.conventions().decaysEveryParameter()));
    }
    params = ps.toArray(new Param[0]);
    List<Transformer.LinearMap> maps = ws.linearMaps();
    List<String> names = new ArrayList<>(net.parameters().keySet());
    mapParam = new int[maps.size()];
    for (int i = 0; i < mapParam.length; i++) {
      mapParam[i] = names.indexOf(maps.get(i).name());
    }
  }

  /** Whether a parameter is the weight matrix of a linear map (decayed). */
  static boolean isWeight(String name) {
    String base = name.substring(name.lastIndexOf('.') + 1);
    return name.equals("E") || name.equals("R") || base.equals("Wq") || base.equals("Wk")
        || base.equals("Wv") || base.equals("Wo") || base.equals("W1") || base.equals("W2");
  }

  /**
   * The network being trained. See spec/transformer.md#training.
   *
   * @return the network (trained in place)
   */
  public Transformer net() {
    return net;
  }

  /**
   * The hyperparameters. See spec/transformer.md#training.
   *
   * @return the config
   */
  public TrainConfig config() {
    return cfg;
  }

  /**
   * The training workspace (h_pre, h_post and gradients of the last step).
   * See spec/transformer.md#performance.
   *
   * @return the workspace
   */
  public Transformer.Workspace workspace() {
    return ws;
  }

  /**
   * Steps taken so far. See spec/transformer.md#training.
   *
   * @return the count
   */
  public long steps() {
    return t;
  }

  /**
   * The learning signal g of parameter {@code i} (in {@link Transformer#parameters()} order) from
   * the last step. See spec/transformer.md#training.
   *
   * @param i the parameter's index
   * @return g (live, overwritten by the next step), shaped as the parameter
   * @throws IllegalArgumentException if i is outside [0, number of parameters)
   */
  public float[] signal(int i) {
    if (i < 0 || i >= params.length) {
      throw new IllegalArgumentException("parameter " + i + " out of range [0, " + params.length
          + ")");
    }
    return params[i].g;
  }

  /**
   * One training step on {@code rows} rows of {@code x} and {@code y}: forward, loss, backward,
   * the rule's signals g, the probe (when {@code window}), then the update. Allocates nothing.
   * See spec/transformer.md#training.
   *
   * @param x inputs [rows, 32]
   * @param y targets [rows, 32]
   * @param rows batch rows in [1, config().batch()]
   * @param probe sees g before the update when {@code window}, and every map's output gradient
   *     during the backward pass for persample (spec/transformer.md#persample) (may be null)
   * @param window whether the step is inside the measurement window
   * @return the batch-mean training loss before the update
   * @throws IllegalArgumentException if the batch does not fit the trainer
   * @throws DivergedException if the loss or a parameter becomes NaN or infinite
   */
  public double train(float[] x, float[] y, int rows, TransformerProbe probe, boolean window) {
    ws.forward(k, x, rows);
    double sum = ws.loss(loss, y, 1f / rows);
    t++;
    if (!Double.isFinite(sum)) {
      throw DivergedException.at(t, "the training loss");
    }
    // (E18d) the probe sees every map's output gradient during the backward pass
    ws.backward(k, false, probe != null && window ? probe.outputGradients() : null);
    boolean adamw = cfg.rule().optimizer == Rule.Optimizer.ADAMW;
    for (Param p : params) {
      if (adamw) {
        Updates.adamSignal(p.w.length, p.grad, cfg.beta1(), cfg.beta2(), cfg.eps(), t, p.m, p.v,
            p.m, p.v, p.g);
      } else {
        Updates.sgdSignal(p.w.length, p.grad, p.g);
      }
    }
    if (probe != null && window) {
      probe.observe(this);
    }
    for (Param p : params) {
      float gamma = p.decay ? cfg.gamma() : 0f;
      if (cfg.rule().optimizer == Rule.Optimizer.ADAM) {
        Updates.adamCoupledStep(p.w.length, cfg.lr(), gamma, p.g, p.w, cfg.beta1(), cfg.beta2(),
            cfg.eps(), t, p.m, p.v);
      } else {
        Updates.apply(p.w.length, cfg.lr(), gamma, p.g, p.w);
      }
      if (!Double.isFinite(k.sumSquares(p.w.length, p.w, 0))) {
        throw DivergedException.at(t, p.weightsName);
      }
    }
    return sum / rows;
  }

  /** The learning signal of a linear map's weight, by the map's index in linearMaps(). */
  float[] mapSignal(int map) {
    return params[mapParam[map]].g;
  }

  /** The data loss. */
  Loss loss() {
    return loss;
  }

  /**
   * (E18b) The signal the rule would give map {@code map}'s weight from the gradient now in the
   * workspace, as a dry run: SGD and coupled Adam take the gradient itself (their signal before
   * the update, as in {@link #train}), AdamW the bias-corrected moment ratio at step t + 1 with
   * the moments left unchanged (scratch arrays allocated here).
   */
  float[] dryMapSignal(int map) {
    Param p = params[mapParam[map]];
    float[] g = new float[p.w.length];
    if (cfg.rule().optimizer == Rule.Optimizer.ADAMW) {
      Updates.adamSignal(g.length, p.grad, cfg.beta1(), cfg.beta2(), cfg.eps(), t + 1, p.m, p.v,
          new float[g.length], new float[g.length], g);
    } else {
      Updates.sgdSignal(g.length, p.grad, g);
    }
    return g;
  }

}
