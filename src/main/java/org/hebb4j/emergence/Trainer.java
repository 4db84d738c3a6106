package org.hebb4j.emergence;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Dense;
import org.hebb4j.nn.DivergedException;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Mlp;
import org.hebb4j.rng.Rng;
import org.hebb4j.tensor.Tensor;

/**
 * Trains an {@link Mlp} with one {@link Rule} (spec/emergence.md#rules). Each step computes the
 * learning signal g of every parameter ({@link #signalW}, {@link #signalB}), hands it to an
 * optional {@link Probe}, and only then applies (E8) (weights, with decay) and (E9) (biases, no
 * decay; with decay under the TORCH conventions, (E28)). Every buffer is allocated in the
 * constructor; {@link #train} allocates nothing.
 */
public final class Trainer {

  private final Kernels k;
  private final Mlp net;
  private final Mlp.Workspace ws;
  private final Loss loss;
  private final TrainConfig cfg;
  private final int depth;
  /** Per-layer state: signals, moments, noise-free parameters, feedback. */
  private final LayerState[] layers;
  /** The DFA feedback matrices by layer, as {@link Mlp.Workspace#backwardDfa} takes them. */
  private final float[][] feedback;
  private final Rng noiseRng;
  /** (E31) the fixed random network whose gradient is the signal, and its workspace; or null. */
  private final Mlp signalNet;
  private final Mlp.Workspace signalWs;
  /** (E15b) the noisy inputs x + eps [batch, in] under input noise; else null. */
  private final float[] noisyX;
  private final Step report = new Step();
  /** {@link TrainConfig#divergenceCause()}, built once (not in the step). */
  private final String cause;
  private long t;

  /**
   * A trainer with its optimizer state, DFA feedback matrices and noise stream.
   *
   * @param k the kernels
   * @param net the initialised student; trained in place
   * @param loss the data loss
   * @param cfg the hyperparameters (its batch is the largest batch)
   * @param run the run's root stream: DFA feedback from {@code run.derive("dfa")}, noise from
   *     {@code run.derive("noise")} (spec/emergence.md#rng)
   * @throws NullPointerException naming the argument when one is null
   */
  public Trainer(Kernels k, Mlp net, Loss loss, TrainConfig cfg, Rng run) {
    this.k = Objects.requireNonNull(k, "kernels");
    this.net = Objects.requireNonNull(net, "net");
    this.loss = Objects.requireNonNull(loss, "loss");
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    Objects.requireNonNull(run, "run");
    this.depth = net.depth();
    this.ws = net.workspace(cfg.batch());
    boolean adam = cfg.rule().optimizer != Rule.Optimizer.PLAIN;
    boolean param = cfg.noisy() && cfg.noise() == Noise.PARAM;
    layers = new LayerState[depth];
    feedback = cfg.rule().dfa ? new float[depth][] : null;
    Rng dfa = run.derive("dfa");
    for (int l = 0; l < depth; l++) {
      Dense d = net.layer(l);
      float[] fb = null;
      boolean outputFeedback = cfg.dfaVariant() == DfaVariant.OUTPUT_FEEDBACK;
      if (feedback != null && (l < depth - 1 || outputFeedback)) {
        // (E20) B_l [out_l, outputSize] ~ N(0, 1/out_l); (E30) B_L [o, o] alike
        fb = new float[d.out * net.outputSize()];
        dfa.derive("layer" + (l + 1)).fillGaussian(fb, 0, fb.length,
            (float) (1.0 / Math.sqrt(d.out)));
        feedback[l] = fb;
      }
      layers[l] = new LayerState(d, adam, param, fb);
      layers[l].weightsName = "layer " + (l + 1) + " weights";
    }
    noiseRng = run.derive("noise");
    noisyX = cfg.noisy() && cfg.noise() == Noise.INPUT
        ? new float[cfg.batch() * net.inputSize()] : null;
    cause = cfg.divergenceCause();
    if (cfg.randomSignal()) {
      // (E31) R: the student's architecture, drawn as the Random NN target network (E21)
      signalNet = Teacher.network(net.config(), run.derive("randomnn"), cfg.conventions());
      signalWs = signalNet.workspace(cfg.batch());
    } else {
      signalNet = null;
      signalWs = null;
    }
  }

  /** One layer's training state (spec/emergence.md#rules). */
  private static final class LayerState {
    final Dense d;
    /** Learning signals g of the weights [out, in] and the bias [out] (null without bias). */
    final float[] gW;
    final float[] gB;
    /** Adam moments (null for the plain optimizer; bias moments null without bias). */
    final float[] mW;
    final float[] vW;
    final float[] mB;
    final float[] vB;
    /** (E14) the noise-free parameters v under parameter noise; else null. */
    final float[] masterW;
    final float[] masterB;
    /** (E20) B_l [out, outputSize] of a hidden layer under DFA; else null. */
    final float[] feedback;
    /** ||W||_F^2 after the last step. */
    double weightSq;
    /** "layer 1 weights", ... for divergence messages (built once, not in the step). */
    String weightsName;

    LayerState(Dense d, boolean moments, boolean master, float[] feedback) {
      this.d = d;
      gW = new float[d.w.length];
      gB = d.hasBias() ? new float[d.out] : null;
      mW = moments ? new float[d.w.length] : null;
      vW = moments ? new float[d.w.length] : null;
      mB = moments && d.hasBias() ? new float[d.out] : null;
      vB = moments && d.hasBias() ? new float[d.out] : null;
      masterW = master ? d.w.clone() : null;
      masterB = master && d.hasBias() ? d.b.clone() : null;
      this.feedback = feedback;
    }

    /** The parameters the update applies to: v under parameter noise, else the layer's. */
    float[] weights() {
      return masterW != null ? masterW : d.w;
    }

    float[] bias() {
      return masterW != null ? masterB : d.b;
    }
  }

  /**
   * A training batch: {@code rows} rows of {@code x} ([rows, d]) with regression targets
   * {@code y} ([rows, o]) or class labels ({@code labels}, [rows]). The arrays may be longer than
   * the batch and are read at every step, so one Batch over reused buffers serves a whole run.
   *
   * @param x inputs
   * @param y targets, or null with labels
   * @param labels labels, or null with targets
   * @param rows the batch size, at least 1
   */
  public record Batch(float[] x, float[] y, int[] labels, int rows) {
    /**
     * Checks the batch. See spec/emergence.md#rules.
     *
     * @param x inputs
     * @param y targets, or null with labels
     * @param labels labels, or null with targets
     * @param rows the batch size, at least 1
     * @throws IllegalArgumentException if rows &lt; 1, x is null, or not exactly one of y and
     *     labels is given
     */
    public Batch {
      if (rows < 1) {
        throw new IllegalArgumentException("batch rows must be at least 1, got " + rows);
      }
      if (x == null || (y == null) == (labels == null)) {
        throw new IllegalArgumentException("a batch needs x and exactly one of y and labels");
      }
    }
  }

  /**
   * What the last training step reports: its number, the batch-mean loss and ||W_l||_F after
   * the update (of the noise-free parameters v under parameter noise). One object per trainer,
   * overwritten by every step: a record returned per step would be an allocation in the hot loop,
   * and the steady state must allocate nothing (spec/emergence.md#performance, TrainerTest).
   * Copy the values out to keep them.
   */
  public final class Step {

    private double loss;

    private Step() {}

    /**
     * The number of the step (1-based). See spec/emergence.md#rules.
     *
     * @return the steps taken so far
     */
    public long step() {
      return t;
    }

    /**
     * The batch-mean training loss of the step, before the update. See spec/emergence.md#loss.
     *
     * @return the loss
     */
    public double loss() {
      return loss;
    }

    /**
     * ||W_l||_F^2 after the update. See spec/emergence.md#rules.
     *
     * @param l the layer
     * @return the squared Frobenius norm
     * @throws IllegalArgumentException if l is outside [0, depth)
     */
    public double weightNormSq(int l) {
      return layers[checkLayer(l, layers.length)].weightSq;
    }

    /**
     * ||W_l||_F after the update. See spec/emergence.md#rules.
     *
     * @param l the layer
     * @return the Frobenius norm
     * @throws IllegalArgumentException if l is outside [0, depth)
     */
    public double weightNorm(int l) {
      return Math.sqrt(layers[checkLayer(l, layers.length)].weightSq);
    }
  }

  /**
   * The network being trained. See spec/emergence.md#rules.
   *
   * @return the network (trained in place)
   */
  public Mlp net() {
    return net;
  }

  /**
   * The hyperparameters. See spec/emergence.md#rules.
   *
   * @return the config
   */
  public TrainConfig config() {
    return cfg;
  }

  /**
   * Steps taken so far. See spec/emergence.md#rules.
   *
   * @return the count
   */
  public long steps() {
    return t;
  }

  /**
   * The training workspace (batch buffers, h_pre and h_post of the last step).
   * See spec/emergence.md#performance.
   *
   * @return the workspace
   */
  public Mlp.Workspace workspace() {
    return ws;
  }

  /**
   * Learning signal g of layer l's weights from the last step. See spec/emergence.md#rules.
   *
   * @param l the layer
   * @return g [out, in] (live, overwritten by the next step)
   * @throws IllegalArgumentException if l is outside [0, depth)
   */
  public float[] signalW(int l) {
    return layers[checkLayer(l, layers.length)].gW;
  }

  /**
   * The workspace whose gradients gave the last step's signals: the student's, or under the
   * Random NN signal reading (E31) the fixed random network's. See spec/emergence.md#variants.
   *
   * @return the workspace (h_pre and delta of the signal)
   */
  public Mlp.Workspace signalWorkspace() {
    return signalWs != null ? signalWs : ws;
  }

  /**
   * Learning signal g of layer l's bias from the last step. See spec/emergence.md#rules.
   *
   * @param l the layer
   * @return g [out] (live), or null for a bias-free layer
   * @throws IllegalArgumentException if l is outside [0, depth)
   */
  public float[] signalB(int l) {
    return layers[checkLayer(l, layers.length)].gB;
  }

  /**
   * The DFA feedback matrix of hidden layer l. See spec/emergence.md#dfa.
   *
   * @param l the layer
   * @return B_l [out_l, outputSize] (live), or null without DFA or for the last layer
   * @throws IllegalArgumentException if l is outside [0, depth)
   */
  public float[] feedback(int l) {
    return layers[checkLayer(l, layers.length)].feedback;
  }

  /**
   * One training step without a probe. See spec/emergence.md#rules.
   *
   * @param batch the batch
   * @return the trainer's step report (overwritten by the next step)
   */
  public Step train(Batch batch) {
    return train(batch, null, false, false);
  }

  /**
   * One training step on {@code batch}: forward, loss, the rule's signals g, the probe, then the
   * update (E8)/(E9). Allocates nothing. See spec/emergence.md#rules.
   *
   * @param batch the batch, at most config().batch() rows
   * @param probe sees g before the update when {@code window} or {@code sample} (may be null)
   * @param window whether the step is inside the measurement window
   * @param sample whether the step is a time-series point
   * @return the trainer's step report (overwritten by the next step)
   * @throws IllegalArgumentException if the batch does not fit the trainer or the network
   * @throws DivergedException if the loss or a layer's parameters become NaN or infinite
   */
  public Step train(Batch batch, Probe probe, boolean window, boolean sample) {
    int rows = batch.rows();
    int o = net.outputSize();
    if (batch.y() != null ? batch.y().length < (long) rows * o : batch.labels().length < rows) {
      throw new IllegalArgumentException("batch of " + rows + " rows has too few "
          + (batch.y() != null ? "targets" : "labels"));
    }
    t++;
    if (cfg.noisy() && cfg.noise() == Noise.PARAM) {
      perturb();
    }
    ws.forward(k, noisyX != null ? noisyInput(batch.x(), rows) : batch.x(), rows);
    double lossSum = ws.loss(loss, batch.y(), batch.labels(), 1f / rows, k);
    if (!Double.isFinite(lossSum)) {
      throw DivergedException.at(t, "the training loss", cause);
    }
    if (signalWs != null) {
      signalWs.forward(k, batch.x(), rows);
      signalWs.loss(loss, batch.y(), batch.labels(), 1f / rows, k);
      signalWs.backward(k, false);
      signals(signalWs, t, layers);
    } else {
      backward(ws, false);
      signals(ws, t, layers);
    }
    if (cfg.noisy() && cfg.noise() == Noise.SIGNAL) {
      float s = cfg.sigma();
      for (LayerState st : layers) {
        addNoise(st.gW, s);
        if (st.gB != null) {
          addNoise(st.gB, s);
        }
      }
    }
    if (probe != null && (window || sample)) {
      probe.observe(this, window, sample);
    }
    for (LayerState st : layers) {
      int out = st.d.out;
      float[] w = st.weights(), b = st.bias();
      if (cfg.rule().optimizer == Rule.Optimizer.ADAM) {
        Updates.adamCoupledStep(w.length, cfg.lr(), cfg.gamma(), st.gW, w, cfg.beta1(),
            cfg.beta2(), cfg.eps(), t, st.mW, st.vW);
        if (st.gB != null) {
          Updates.adamCoupledStep(out, cfg.lr(), cfg.otherGamma(), st.gB, b, cfg.beta1(),
              cfg.beta2(), cfg.eps(), t, st.mB, st.vB);
        }
      } else {
        Updates.apply(w.length, cfg.lr(), cfg.gamma(), st.gW, w);
        if (st.gB != null) {
          Updates.apply(out, cfg.lr(), cfg.otherGamma(), st.gB, b);
        }
      }
      double sq = k.sumSquares(w.length, w, 0);
      if (!Double.isFinite(sq) || (st.gB != null && !Float.isFinite(k.sum(out, b, 0)))) {
        throw DivergedException.at(t, st.weightsName, cause);
      }
      st.weightSq = sq;
    }
    report.loss = lossSum / rows;
    return report;
  }

  /**
   * (E6)/(E20): the rule's error path on a workspace that has run forward and loss.
   * See spec/emergence.md#backprop.
   *
   * @param w a workspace of this trainer's network
   * @param accumulate add to the gradients instead of overwriting them
   */
  public void backward(Mlp.Workspace w, boolean accumulate) {
    if (feedback != null) {
      w.backwardDfa(k, feedback, accumulate);
    } else {
      w.backward(k, accumulate);
    }
  }

  /**
   * (E11), (E12): the learning signals of step {@code step} from the gradients in {@code w}, into
   * {@code out}'s g; for Adam (E13) the signal is -dL/dW and the moments belong to the update.
   * AdamW's moments are read from this trainer's state and the new ones written to {@code out}'s:
   * with {@code out} this trainer's state they advance (a real step); with scratch states they
   * are only what the step would produce (a dry run at step t+1, (E18b)).
   */
  private void signals(Mlp.Workspace w, long step, LayerState[] out) {
    boolean adamw = cfg.rule().optimizer == Rule.Optimizer.ADAMW;
    for (int l = 0; l < depth; l++) {
      LayerState st = layers[l], o = out[l];
      int n = st.d.w.length, width = st.d.out;
      if (!adamw) {
        Updates.sgdSignal(n, w.dW(l), o.gW);
        if (o.gB != null) {
          Updates.sgdSignal(width, w.db(l), o.gB);
        }
        continue;
      }
      Updates.adamSignal(n, w.dW(l), cfg.beta1(), cfg.beta2(), cfg.eps(), step, st.mW, st.vW,
          o.mW, o.vW, o.gW);
      if (o.gB != null) {
        Updates.adamSignal(width, w.db(l), cfg.beta1(), cfg.beta2(), cfg.eps(), step, st.mB,
            st.vB, o.mB, o.vB, o.gB);
      }
    }
  }

  /**
   * The (E18b) dry run: per layer, the learning signal g and the Hebbian term H of one step on a
   * whole set.
   *
   * @param layers per layer, in order
   */
  public record FullBatch(List<Layer> layers) {

    /**
     * One layer's full-batch terms.
     *
     * @param g the learning signal of the weights [out, in]
     * @param h the Hebbian term (E16) over every row, weight 1/n [out, in]
     */
    public record Layer(Tensor g, Tensor h) {

      /**
       * (E17) cos(g, H): the {@code fullbatch} alignment of the layer. See spec/emergence.md#probe.
       *
       * @param k the kernels
       * @return the cosine
       */
      public double alignment(Kernels k) {
        return Probe.cosine(k, g.size(), g.data(), 0, h.data(), 0);
      }
    }
  }

  /**
   * (E18b) The learning signal the rule would give for one step on the whole of {@code data}
   * (noise-free parameters, no signal noise, Adam moments not advanced), with the Hebbian term
   * over the same rows. Evaluates in chunks of min({@link Evaluation#CHUNK}, n) rows. Allocates
   * (called once per run). See spec/emergence.md#protocols.
   *
   * @param data the set (usually the training set)
   * @return g and H of every layer
   */
  public FullBatch fullBatch(Data data) {
    useMaster();
    Mlp.Workspace eval = net.workspace(Math.min(Evaluation.CHUNK, data.n()));
    int chunk = eval.capacity();
    float scale = 1f / data.n();
    float[] xb = new float[chunk * data.d()];
    float[] yb = data.hasLabels() ? null : new float[chunk * data.o()];
    int[] lb = data.hasLabels() ? new int[chunk] : null;
    int[] idx = new int[data.n()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    // scratch states: the dry run's g, and AdamW's moments it would produce
    LayerState[] dry = new LayerState[depth];
    float[][] hW = new float[depth][];
    for (int l = 0; l < depth; l++) {
      dry[l] = new LayerState(net.layer(l), true, false, null);
      hW[l] = new float[net.layer(l).w.length];
    }
    Mlp.Workspace signalEval = signalNet == null ? eval : signalNet.workspace(chunk);
    for (int from = 0; from < data.n(); from += chunk) {
      int rows = Math.min(chunk, data.n() - from);
      data.gather(idx, from, rows, xb, yb, lb);
      eval.forward(k, xb, rows);
      eval.loss(loss, yb, lb, scale, k);
      if (signalNet != null) {
        signalEval.forward(k, xb, rows);
        signalEval.loss(loss, yb, lb, scale, k);
        signalEval.backward(k, from > 0);
      } else {
        backward(eval, from > 0);
      }
      for (int l = 0; l < depth; l++) {
        // (E16) summed over all rows with weight 1/n
        Probe.hebbian(k, net.layer(l), rows, scale, eval.hPost(l), eval.hPre(l), from > 0, hW[l]);
      }
    }
    signals(signalEval, t + 1, dry);
    List<FullBatch.Layer> out = new ArrayList<>();
    for (int l = 0; l < depth; l++) {
      Dense d = net.layer(l);
      out.add(new FullBatch.Layer(Tensor.of(dry[l].gW, d.out, d.in),
          Tensor.of(hW[l], d.out, d.in)));
    }
    return new FullBatch(List.copyOf(out));
  }

  /**
   * Mean loss (and accuracy with labels) over a set with the noise-free parameters.
   * See spec/emergence.md#loss.
   *
   * @param e the evaluation buffers of this trainer's network and the set
   * @return the result
   */
  public Evaluation.Result evaluate(Evaluation e) {
    useMaster();
    return e.run(k, loss);
  }

  /**
   * Puts the noise-free parameters v into the network (a no-op without parameter noise); the
   * next step perturbs them again. See spec/emergence.md#noise.
   */
  public void useMaster() {
    for (LayerState st : layers) {
      if (st.masterW == null) {
        return;
      }
      System.arraycopy(st.masterW, 0, st.d.w, 0, st.d.w.length);
      if (st.masterB != null) {
        System.arraycopy(st.masterB, 0, st.d.b, 0, st.d.out);
      }
    }
  }

  /** (E14) w = v + eps, eps ~ N(0, sigma^2), for every weight and bias. */
  private void perturb() {
    float s = cfg.sigma();
    for (LayerState st : layers) {
      float[] v = st.masterW, w = st.d.w;
      for (int i = 0; i < w.length; i++) {
        w[i] = v[i] + (float) (s * noiseRng.gaussian());
      }
      if (st.masterB != null) {
        float[] vb = st.masterB, b = st.d.b;
        for (int i = 0; i < b.length; i++) {
          b[i] = vb[i] + (float) (s * noiseRng.gaussian());
        }
      }
    }
  }

  /** (E15b) x + eps into noisyX, eps ~ N(0, sigma^2), row-major; returns noisyX. */
  private float[] noisyInput(float[] x, int rows) {
    float s = cfg.sigma();
    int n = rows * net.inputSize();
    if (rows > cfg.batch() || x.length < n) {
      return x; // the forward pass names what does not fit
    }
    for (int i = 0; i < n; i++) {
      noisyX[i] = x[i] + (float) (s * noiseRng.gaussian());
    }
    return noisyX;
  }

  /** (E15) g + eps, eps ~ N(0, sigma^2). */
  private void addNoise(float[] g, float s) {
    for (int i = 0; i < g.length; i++) {
      g[i] += (float) (s * noiseRng.gaussian());
    }
  }

  /** Returns l, or throws "layer 7 out of range [0, 3)". */
  static int checkLayer(int l, int depth) {
    if (l < 0 || l >= depth) {
      throw new IllegalArgumentException("layer " + l + " out of range [0, " + depth + ")");
    }
    return l;
  }
}
