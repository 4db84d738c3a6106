package org.hebb4j.verify;

import java.util.Arrays;
import java.util.Map;
import org.hebb4j.emergence.Probe;
import org.hebb4j.emergence.Updates;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Conventions;
import org.hebb4j.nn.Dense;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Mlp;
import org.hebb4j.nn.MlpConfig;
import org.hebb4j.rng.Rng;
import org.hebb4j.tensor.IntTensor;
import org.hebb4j.tensor.Tensor;

/**
 * Ops {@code dense_mlp}, {@code sgd_step}, {@code adamw_step}, {@code adam_step},
 * {@code dfa_signal}, {@code hebbian_term}, {@code alignment}, {@code dense_init}
 * (spec/emergence.md), each run through the same classes the experiments use.
 */
final class EmergenceOps {

  private EmergenceOps() {}

  static void register(Map<String, VectorOp> ops) {
    ops.put("dense_mlp", EmergenceOps::denseMlp);
    ops.put("sgd_step", EmergenceOps::sgdStep);
    ops.put("adamw_step", (c, k) -> adamStep(c, false));
    ops.put("adam_step", (c, k) -> adamStep(c, true));
    ops.put("dfa_signal", EmergenceOps::dfaSignal);
    ops.put("hebbian_term", EmergenceOps::hebbianTerm);
    ops.put("alignment", EmergenceOps::alignment);
    ops.put("dense_init", (c, k) -> denseInit(c));
  }

  /** (E10) or (E27): a dense layer drawn by {@link Dense#init(Rng, Conventions)}. */
  static Outputs denseInit(VectorCase c) {
    Rng r = new Rng(c.longParam("seed"));
    String stream = c.hasParam("stream") ? c.string("stream") : "";
    if (!stream.isEmpty()) {
      for (String name : stream.split("/", -1)) {
        r = r.derive(name);
      }
    }
    int in = c.integer("in", 1, 1 << 16), out = c.integer("out", 1, 1 << 16);
    boolean bias = c.bool("bias");
    Dense d = new Dense(in, out, bias, Activation.LINEAR);
    d.init(r, c.named("conventions", Conventions.class));
    Outputs o = new Outputs().put("W", Tensor.of(d.w, out, in));
    return bias ? o.put("b", Tensor.of(d.b, out)) : o;
  }

  static Activation act(VectorCase c) {
    return c.named("act", Activation.class);
  }

  static void shape(VectorCase c, String input, Tensor t, int... dims) {
    c.check(Arrays.equals(t.shape(), dims), input, "expected shape " + Arrays.toString(dims)
        + ", got " + Arrays.toString(t.shape()));
  }

  /** (E1)-(E7) on a 2-layer MLP. */
  static Outputs denseMlp(VectorCase c, Kernels k) {
    Activation act = act(c);
    Loss loss = c.named("loss", Loss.class);
    Tensor x = c.tensor("x", 2), w1 = c.tensor("W1", 2), b1 = c.tensor("b1", 1);
    Tensor w2 = c.tensor("W2", 2), b2 = c.tensor("b2", 1);
    int bsz = x.dim(0), d = x.dim(1), h = w1.dim(0), o = w2.dim(0);
    c.check(bsz >= 1, "x", "needs at least one row");
    shape(c, "W1", w1, h, d);
    shape(c, "b1", b1, h);
    shape(c, "W2", w2, o, h);
    shape(c, "b2", b2, o);
    float[] y = null;
    int[] labels = null;
    if (loss != Loss.SOFTMAX_CE) {
      Tensor yt = c.tensor("y", 2);
      shape(c, "y", yt, bsz, o);
      y = yt.data();
    } else {
      IntTensor lt = c.intTensor("labels");
      c.check(lt.shape().length == 1 && lt.shape()[0] == bsz, "labels", "expected shape ["
          + bsz + "]");
      labels = lt.data();
      for (int v : labels) {
        c.check(v >= 0 && v < o, "labels", "label " + v + " outside [0, " + o + ")");
      }
    }
    Mlp net = new Mlp(MlpConfig.builder().input(d).hidden(h).output(o).activation(act).build());
    Dense l1 = net.layer(0), l2 = net.layer(1);
    System.arraycopy(w1.data(), 0, l1.w, 0, l1.w.length);
    System.arraycopy(b1.data(), 0, l1.b, 0, h);
    System.arraycopy(w2.data(), 0, l2.w, 0, l2.w.length);
    System.arraycopy(b2.data(), 0, l2.b, 0, o);
    Mlp.Workspace ws = net.workspace(bsz);
    ws.forward(k, x.data(), bsz);
    double sum = ws.loss(loss, y, labels, 1f / bsz, k);
    ws.backward(k, false);
    return new Outputs()
        .put("a1", Tensor.of(Arrays.copyOf(ws.hPost(0), bsz * h), bsz, h))
        .put("z1", Tensor.of(Arrays.copyOf(ws.hPre(1), bsz * h), bsz, h))
        .put("out", Tensor.of(Arrays.copyOf(ws.output(), bsz * o), bsz, o))
        .scalar("loss", (float) (sum / bsz))
        .put("dW1", Tensor.of(ws.dW(0).clone(), h, d))
        .put("db1", Tensor.of(ws.db(0).clone(), h))
        .put("dW2", Tensor.of(ws.dW(1).clone(), o, h))
        .put("db2", Tensor.of(ws.db(1).clone(), o));
  }

  /** (E8) with g = -grad. */
  static Outputs sgdStep(VectorCase c, Kernels k) {
    float lr = c.floatParam("lr"), wd = c.floatParam("weight_decay");
    Tensor w = c.tensor("w"), grad = c.tensor("grad");
    shape(c, "grad", grad, w.shape());
    int n = w.size();
    float[] g = new float[n];
    Updates.sgdSignal(n, grad.data(), g);
    Tensor out = w.copy();
    Updates.apply(n, lr, wd, g, out.data());
    return new Outputs().put("w_next", out);
  }

  /** (E12) AdamW or (E13) Adam with coupled L2. */
  static Outputs adamStep(VectorCase c, boolean coupled) {
    float lr = c.floatParam("lr"), b1 = c.floatParam("beta1"), b2 = c.floatParam("beta2");
    float eps = c.floatParam("eps"), wd = c.floatParam("weight_decay");
    long t = c.longParam("t");
    if (t < 1) {
      throw new VectorFormatException(c.where() + ".params.t: must be at least 1, got " + t);
    }
    Tensor w = c.tensor("w"), grad = c.tensor("grad"), m = c.tensor("m"), v = c.tensor("v");
    shape(c, "grad", grad, w.shape());
    shape(c, "m", m, w.shape());
    shape(c, "v", v, w.shape());
    int n = w.size();
    Tensor wn = w.copy(), mn = m.copy(), vn = v.copy();
    float[] g = new float[n];
    if (coupled) {
      Updates.sgdSignal(n, grad.data(), g);
      Updates.adamCoupledStep(n, lr, wd, g, wn.data(), b1, b2, eps, t, mn.data(), vn.data());
    } else {
      Updates.adamSignal(n, grad.data(), b1, b2, eps, t, m.data(), v.data(), mn.data(),
          vn.data(), g);
      Updates.apply(n, lr, wd, g, wn.data());
    }
    return new Outputs().put("w_next", wn).put("m_next", mn).put("v_next", vn);
  }

  /** (E20) delta = (e Bfb^T) * act'(a1), g1 = -delta^T x. */
  static Outputs dfaSignal(VectorCase c, Kernels k) {
    Activation act = act(c);
    Tensor e = c.tensor("e", 2), bfb = c.tensor("Bfb", 2), a1 = c.tensor("a1", 2);
    Tensor x = c.tensor("x", 2);
    int bsz = e.dim(0), o = e.dim(1), h = bfb.dim(0), d = x.dim(1);
    shape(c, "Bfb", bfb, h, o);
    shape(c, "a1", a1, bsz, h);
    c.check(x.dim(0) == bsz, "x", "has " + x.dim(0) + " rows, e has " + bsz);
    Tensor delta = Tensor.zeros(bsz, h), g1 = Tensor.zeros(h, d);
    Mlp.dfaDelta(k, bsz, o, h, e.data(), bfb.data(), act, a1.data(), delta.data());
    k.gemmTN(h, d, bsz, -1f, delta.data(), x.data(), 0f, g1.data());
    return new Outputs().put("delta", delta).put("g1", g1);
  }

  /** (E16) H = (1/B) h_post^T h_pre. */
  static Outputs hebbianTerm(VectorCase c, Kernels k) {
    Tensor pre = c.tensor("h_pre", 2), post = c.tensor("h_post", 2);
    int bsz = pre.dim(0), in = pre.dim(1), out = post.dim(1);
    c.check(post.dim(0) == bsz, "h_post", "has " + post.dim(0) + " rows, h_pre has " + bsz);
    Tensor h = Tensor.zeros(out, in);
    Probe.hebbian(k, new Dense(in, out, false, Activation.LINEAR), bsz, post.data(), pre.data(),
        h.data());
    return new Outputs().put("H", h);
  }

  /** (E17) cos(g, h), 0 when a norm is 0. */
  static Outputs alignment(VectorCase c, Kernels k) {
    Tensor g = c.tensor("g"), h = c.tensor("h");
    shape(c, "h", h, g.shape());
    return new Outputs().scalar("cos",
        (float) Probe.cosine(k, g.size(), g.data(), 0, h.data(), 0));
  }
}
