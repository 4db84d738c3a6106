package org.hebb4j.emergence;

import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Dense;
import org.hebb4j.nn.DivergedException;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Mlp;
import org.hebb4j.rng.Rng;

/**
 * Trains an {@link Mlp} with one {@link Rule} (spec/emergence.md#rules). Each step computes the
 * learning signal g of every parameter ({@link #signalW}, {@link #signalB}), hands it to an
 * optional {@link Probe}, and only then applies (E8) (weights, with decay) and (E9) (biases, no
 * decay). Every buffer is allocated in the constructor; {@link #step} allocates nothing.
 */
public final class Trainer {

  private final Kernels k;
  private final Mlp net;
  private final Mlp.Workspace ws;
  private final Loss loss;
  private final TrainConfig cfg;
  private final int depth;
  private final float[][] gW;
  private final float[][] gB;
  private final float[][] mW;
  private final float[][] vW;
  private final float[][] mB;
  private final float[][] vB;
  /** (E14) the noise-free parameters v when parameter noise is on; else null. */
  private final float[][] masterW;
  private final float[][] masterB;
  private final float[][] feedback;
  private final Rng noiseRng;
  private final double[] weightSq;
  /** "layer 1 weights", ... for divergence messages (built here, not in the step). */
  private final String[] weightsName;
  private long t;

  /**
   * @param net the initialised student; trained in place
   * @param run the run's root stream: DFA feedback from {@code run.derive("dfa")}, noise from
   *     {@code run.derive("noise")} (spec/emergence.md#rng)
   */
  public Trainer(Kernels k, Mlp net, Loss loss, TrainConfig cfg, Rng run) {
    this.k = k;
    this.net = net;
    this.loss = loss;
    this.cfg = cfg;
    this.depth = net.depth();
    this.ws = net.workspace(cfg.batch());
    gW = new float[depth][];
    gB = new float[depth][];
    boolean adam = cfg.rule().optimizer != Rule.Optimizer.PLAIN;
    mW = adam ? new float[depth][] : null;
    vW = adam ? new float[depth][] : null;
    mB = adam ? new float[depth][] : null;
    vB = adam ? new float[depth][] : null;
    boolean param = cfg.noisy() && cfg.noise() == Noise.PARAM;
    masterW = param ? new float[depth][] : null;
    masterB = param ? new float[depth][] : null;
    feedback = cfg.rule().dfa ? new float[depth][] : null;
    Rng dfa = run.derive("dfa");
    for (int l = 0; l < depth; l++) {
      Dense d = net.layer(l);
      gW[l] = new float[d.w.length];
      gB[l] = d.hasBias() ? new float[d.out] : null;
      if (adam) {
        mW[l] = new float[d.w.length];
        vW[l] = new float[d.w.length];
        mB[l] = d.hasBias() ? new float[d.out] : null;
        vB[l] = d.hasBias() ? new float[d.out] : null;
      }
      if (param) {
        masterW[l] = d.w.clone();
        masterB[l] = d.hasBias() ? d.b.clone() : null;
      }
      if (feedback != null && l < depth - 1) {
        // (E20) B_l [out_l, outputSize] ~ N(0, 1/out_l)
        feedback[l] = new float[d.out * net.outputSize()];
        dfa.derive("layer" + (l + 1)).fillGaussian(feedback[l], 0, feedback[l].length,
            (float) (1.0 / Math.sqrt(d.out)));
      }
    }
    noiseRng = run.derive("noise");
    weightSq = new double[depth];
    weightsName = new String[depth];
    for (int l = 0; l < depth; l++) {
      weightsName[l] = "layer " + (l + 1) + " weights";
    }
  }

  public Mlp net() {
    return net;
  }

  public TrainConfig config() {
    return cfg;
  }

  /** Steps taken so far. */
  public long steps() {
    return t;
  }

  /** The training workspace (batch buffers, h_pre and h_post of the last step). */
  public Mlp.Workspace workspace() {
    return ws;
  }

  /** Learning signal g of layer l's weights from the last step ([out, in]). */
  public float[] signalW(int l) {
    return gW[l];
  }

  public float[] signalB(int l) {
    return gB[l];
  }

  /** ||W_l||_F^2 after the last step (of the noise-free parameters v under parameter noise). */
  public double weightNormSq(int l) {
    return weightSq[l];
  }

  /** The DFA feedback matrix of hidden layer l, or null. */
  public float[] feedback(int l) {
    return feedback == null ? null : feedback[l];
  }

  /**
   * One training step on {@code rows} rows in {@code x} and {@code y} or {@code labels}; returns
   * the batch-mean loss. The probe (may be null) sees g before the update.
   */
  public double step(float[] x, float[] y, int[] labels, int rows, Probe probe, boolean window,
      boolean sample) {
    t++;
    if (masterW != null) {
      perturb();
    }
    ws.forward(k, x, rows);
    double lossSum = ws.loss(loss, y, labels, 1f / rows, k);
    if (!Double.isFinite(lossSum)) {
      throw DivergedException.at(t, "the training loss");
    }
    backward(ws, false);
    signals(ws, true, gW, gB, null, null);
    if (cfg.noisy() && cfg.noise() == Noise.SIGNAL) {
      float s = cfg.sigma();
      for (int l = 0; l < depth; l++) {
        addNoise(gW[l], s);
        if (gB[l] != null) {
          addNoise(gB[l], s);
        }
      }
    }
    if (probe != null && (window || sample)) {
      probe.observe(ws, gW, window, sample);
    }
    for (int l = 0; l < depth; l++) {
      Dense d = net.layer(l);
      float[] w = masterW != null ? masterW[l] : d.w;
      float[] b = masterB != null ? masterB[l] : d.b;
      if (cfg.rule().optimizer == Rule.Optimizer.ADAM) {
        Updates.adamCoupledStep(w.length, cfg.lr(), cfg.gamma(), gW[l], w, cfg.beta1(),
            cfg.beta2(), cfg.eps(), t, mW[l], vW[l]);
        if (gB[l] != null) {
          Updates.adamCoupledStep(d.out, cfg.lr(), 0f, gB[l], b, cfg.beta1(), cfg.beta2(),
              cfg.eps(), t, mB[l], vB[l]);
        }
      } else {
        Updates.apply(w.length, cfg.lr(), cfg.gamma(), gW[l], w);
        if (gB[l] != null) {
          Updates.apply(d.out, cfg.lr(), 0f, gB[l], b);
        }
      }
      double sq = k.sumSquares(w.length, w, 0);
      if (!Double.isFinite(sq) || (gB[l] != null && !Float.isFinite(k.sum(d.out,
          masterB != null ? masterB[l] : d.b, 0)))) {
        throw DivergedException.at(t, weightsName[l]);
      }
      weightSq[l] = sq;
    }
    return lossSum / rows;
  }

  /** (E6)/(E20): the rule's error path on a workspace that has run forward and loss. */
  public void backward(Mlp.Workspace w, boolean accumulate) {
    if (feedback != null) {
      w.backwardDfa(k, feedback, accumulate);
    } else {
      w.backward(k, accumulate);
    }
  }

  /**
   * (E11), (E12): the learning signals from the gradients in {@code w}; for Adam (E13) the signal
   * is -dL/dW and the moments belong to the update. With {@code commit} the AdamW moments advance (a
   * real step); without, they are read only and the moments the step would produce go to the
   * scratch arrays {@code sm}, {@code sv} (a dry run at step t+1, (E18b)).
   */
  void signals(Mlp.Workspace w, boolean commit, float[][] outW, float[][] outB, float[][] sm,
      float[][] sv) {
    boolean adamw = cfg.rule().optimizer == Rule.Optimizer.ADAMW;
    long step = commit ? t : t + 1;
    for (int l = 0; l < depth; l++) {
      Dense d = net.layer(l);
      int n = d.w.length;
      if (!adamw) {
        Updates.sgdSignal(n, w.dW[l], outW[l]);
        if (outB[l] != null) {
          Updates.sgdSignal(d.out, w.db[l], outB[l]);
        }
        continue;
      }
      Updates.adamSignal(n, w.dW[l], cfg.beta1(), cfg.beta2(), cfg.eps(), step, mW[l], vW[l],
          commit ? mW[l] : sm[2 * l], commit ? vW[l] : sv[2 * l], outW[l]);
      if (outB[l] != null) {
        Updates.adamSignal(d.out, w.db[l], cfg.beta1(), cfg.beta2(), cfg.eps(), step, mB[l],
            vB[l], commit ? mB[l] : sm[2 * l + 1], commit ? vB[l] : sv[2 * l + 1], outB[l]);
      }
    }
  }

  /**
   * (E18b) The learning signal the rule would give for one step on the whole of {@code data}
   * (noise-free parameters, no signal noise, Adam moments not advanced), with the Hebbian term
   * over the same rows: fills {@code outW} and {@code hW} ([out, in] per layer). Evaluates in
   * chunks through {@code eval}. Allocates a little (called once per run).
   */
  public void fullBatch(Data data, Mlp.Workspace eval, float[][] outW, float[][] hW) {
    useMaster();
    int chunk = eval.capacity();
    float scale = 1f / data.n();
    float[] xb = new float[chunk * data.d()];
    float[] yb = data.hasLabels() ? null : new float[chunk * data.o()];
    int[] lb = data.hasLabels() ? new int[chunk] : null;
    int[] idx = new int[data.n()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    for (int from = 0; from < data.n(); from += chunk) {
      int rows = Math.min(chunk, data.n() - from);
      data.gather(idx, from, rows, xb, yb, lb);
      eval.forward(k, xb, rows);
      eval.loss(loss, yb, lb, scale, k);
      backward(eval, from > 0);
      for (int l = 0; l < depth; l++) {
        Dense d = net.layer(l);
        // (E16) summed over all rows with weight 1/n
        k.gemm(true, false, d.out, d.in, rows, scale, eval.hPost(l), 0, d.out, eval.hPre(l), 0,
            d.in, from > 0 ? 1f : 0f, hW[l], 0, d.in);
      }
    }
    float[][] outB = new float[depth][];
    float[][] sm = null, sv = null;
    if (cfg.rule().optimizer == Rule.Optimizer.ADAMW) {
      sm = new float[2 * depth][];
      sv = new float[2 * depth][];
    }
    for (int l = 0; l < depth; l++) {
      Dense d = net.layer(l);
      outB[l] = d.hasBias() ? new float[d.out] : null;
      if (sm != null) {
        sm[2 * l] = new float[d.w.length];
        sv[2 * l] = new float[d.w.length];
        sm[2 * l + 1] = new float[d.out];
        sv[2 * l + 1] = new float[d.out];
      }
    }
    signals(eval, false, outW, outB, sm, sv);
  }

  /**
   * Mean loss over {@code data} with the noise-free parameters, through {@code eval} in chunks;
   * {@code correct[0]} receives the number of correct argmax predictions when labels are present
   * ({@code correct} may be null). Allocates nothing when {@code xb} etc. are given.
   */
  public double evaluate(Data data, Mlp.Workspace eval, float[] xb, float[] yb, int[] lb,
      int[] idx, long[] correct) {
    useMaster();
    return Evaluation.meanLoss(k, loss, data, eval, xb, yb, lb, idx, correct);
  }

  /** Puts the noise-free parameters v into the network (a no-op without parameter noise). */
  public void useMaster() {
    if (masterW == null) {
      return;
    }
    for (int l = 0; l < depth; l++) {
      Dense d = net.layer(l);
      System.arraycopy(masterW[l], 0, d.w, 0, d.w.length);
      if (d.hasBias()) {
        System.arraycopy(masterB[l], 0, d.b, 0, d.out);
      }
    }
  }

  /** (E14) w = v + eps, eps ~ N(0, sigma^2), for every weight and bias. */
  private void perturb() {
    float s = cfg.sigma();
    for (int l = 0; l < depth; l++) {
      Dense d = net.layer(l);
      float[] v = masterW[l], w = d.w;
      for (int i = 0; i < w.length; i++) {
        w[i] = v[i] + (float) (s * noiseRng.gaussian());
      }
      if (d.hasBias()) {
        float[] vb = masterB[l], b = d.b;
        for (int i = 0; i < b.length; i++) {
          b[i] = vb[i] + (float) (s * noiseRng.gaussian());
        }
      }
    }
  }

  /** (E15) g + eps, eps ~ N(0, sigma^2). */
  private void addNoise(float[] g, float s) {
    for (int i = 0; i < g.length; i++) {
      g[i] += (float) (s * noiseRng.gaussian());
    }
  }
}
