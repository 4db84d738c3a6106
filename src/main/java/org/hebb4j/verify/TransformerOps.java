package org.hebb4j.verify;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Attention;
import org.hebb4j.nn.Dense;
import org.hebb4j.nn.LayerNorm;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Transformer;
import org.hebb4j.nn.TransformerConfig;
import org.hebb4j.tensor.Tensor;

/**
 * Ops {@code layer_norm}, {@code attention} and {@code transformer_sre} (spec/transformer.md),
 * each run through the same classes the transformer uses.
 */
final class TransformerOps {

  private TransformerOps() {}

  static void register(Map<String, VectorOp> ops) {
    ops.put("layer_norm", TransformerOps::layerNorm);
    ops.put("attention", TransformerOps::attention);
    ops.put("transformer_sre", TransformerOps::transformerSre);
  }

  /** (T8), with dy also (T14). */
  static Outputs layerNorm(VectorCase c, Kernels k) {
    float eps = c.floatParam("eps");
    c.check(eps >= 0 && Float.isFinite(eps), "eps", "must be finite and >= 0");
    Tensor x = c.tensor("x", 2), g = c.tensor("gamma", 1), b = c.tensor("beta", 1);
    int n = x.dim(0), d = x.dim(1);
    c.check(n >= 1 && d >= 1, "x", "needs at least one row and one column");
    EmergenceOps.shape(c, "gamma", g, d);
    EmergenceOps.shape(c, "beta", b, d);
    LayerNorm ln = new LayerNorm(d, eps);
    System.arraycopy(g.data(), 0, ln.gamma, 0, d);
    System.arraycopy(b.data(), 0, ln.beta, 0, d);
    LayerNorm.Buffers buf = ln.buffers(n);
    Tensor y = Tensor.zeros(n, d);
    ln.forward(k, n, x.data(), y.data(), buf);
    Outputs out = new Outputs().put("y", y);
    Tensor dy = c.optionalTensor("dy");
    if (dy != null) {
      EmergenceOps.shape(c, "dy", dy, n, d);
      Tensor dx = Tensor.zeros(n, d);
      ln.backward(k, n, dy.data(), dx.data(), buf, false);
      out.put("dx", dx).put("dgamma", Tensor.of(buf.dgamma.clone(), d))
          .put("dbeta", Tensor.of(buf.dbeta.clone(), d));
    }
    return out;
  }

  private static void load(VectorCase c, String w, String b, Dense d) {
    Tensor wt = c.tensor(w, 2), bt = c.tensor(b, 1);
    EmergenceOps.shape(c, w, wt, d.out, d.in);
    EmergenceOps.shape(c, b, bt, d.out);
    System.arraycopy(wt.data(), 0, d.w, 0, d.w.length);
    System.arraycopy(bt.data(), 0, d.b, 0, d.b.length);
  }

  /** (T9)-(T11), with dy also (T17)-(T19). */
  static Outputs attention(VectorCase c, Kernels k) {
    Tensor x = c.tensor("x", 3);
    int bsz = x.dim(0), t = x.dim(1), d = x.dim(2);
    c.check(bsz >= 1 && t >= 1 && d >= 1, "x", "needs every dimension at least 1");
    int heads = c.integer("heads", 1, d);
    if (d % heads != 0) {
      throw new VectorFormatException(c.where() + ".params.heads: " + heads
          + " does not divide the width " + d);
    }
    Attention attn = new Attention(d, heads);
    load(c, "Wq", "bq", attn.wq);
    load(c, "Wk", "bk", attn.wk);
    load(c, "Wv", "bv", attn.wv);
    load(c, "Wo", "bo", attn.wo);
    Attention.Buffers buf = attn.buffers(bsz, t);
    Tensor y = Tensor.zeros(bsz, t, d);
    attn.forward(k, bsz, x.data(), y.data(), buf);
    Outputs out = new Outputs().put("y", y);
    Tensor dy = c.optionalTensor("dy");
    if (dy != null) {
      EmergenceOps.shape(c, "dy", dy, bsz, t, d);
      Tensor dx = Tensor.zeros(bsz, t, d);
      attn.backward(k, bsz, x.data(), dy.data(), dx.data(), buf, false);
      out.put("dx", dx)
          .put("dWq", Tensor.of(buf.dWq.clone(), d, d)).put("dbq", Tensor.of(buf.dbq.clone(), d))
          .put("dWk", Tensor.of(buf.dWk.clone(), d, d)).put("dbk", Tensor.of(buf.dbk.clone(), d))
          .put("dWv", Tensor.of(buf.dWv.clone(), d, d)).put("dbv", Tensor.of(buf.dbv.clone(), d))
          .put("dWo", Tensor.of(buf.dWo.clone(), d, d)).put("dbo", Tensor.of(buf.dbo.clone(), d));
    }
    return out;
  }

  /** (T1)-(T20): out, loss and grad.NAME of every parameter. */
  static Outputs transformerSre(VectorCase c, Kernels k) {
    int blocks = 0;
    while (c.hasInput("b" + (blocks + 1) + ".Wq")) {
      blocks++;
    }
    c.check(blocks >= 1, "b1.Wq", "missing: the network needs at least one block");
    Tensor w1 = c.tensor("b1.W1", 2);
    TransformerConfig cfg;
    try {
      cfg = TransformerConfig.builder().tokens(c.integer("tokens", 1, TransformerConfig.D))
          .heads(c.integer("heads", 1, TransformerConfig.D)).blocks(blocks)
          .act(c.named("act", Activation.class))
          .norm(c.named("norm", TransformerConfig.Norm.class)).ffn(w1.dim(0)).build();
    } catch (IllegalArgumentException e) {
      throw new VectorFormatException(c.where() + ".params: " + e.getMessage());
    }
    Loss loss = c.named("loss", Loss.class);
    if (loss == Loss.SOFTMAX_CE) {
      throw new VectorFormatException(c.where() + ".params.loss: must be mse or mse_mean");
    }
    Transformer net = new Transformer(cfg);
    Map<String, Tensor> state = new LinkedHashMap<>();
    for (String name : net.parameters().keySet()) {
      state.put(name, c.tensor(name));
    }
    try {
      net.loadStateDict(state);
    } catch (IllegalArgumentException e) {
      throw new VectorFormatException(c.where() + ".inputs: " + e.getMessage());
    }
    Tensor x = c.tensor("x", 2), y = c.tensor("y", 2);
    int bsz = x.dim(0);
    c.check(bsz >= 1, "x", "needs at least one row");
    EmergenceOps.shape(c, "x", x, bsz, TransformerConfig.D);
    EmergenceOps.shape(c, "y", y, bsz, TransformerConfig.D);
    Transformer.Workspace ws = net.workspace(bsz);
    ws.forward(k, x.data(), bsz);
    double sum = ws.loss(loss, y.data(), 1f / bsz);
    ws.backward(k, false);
    Outputs out = new Outputs()
        .put("out", Tensor.of(Arrays.copyOf(ws.output(), bsz * TransformerConfig.D), bsz,
            TransformerConfig.D))
        .scalar("loss", (float) (sum / bsz));
    for (Map.Entry<String, Tensor> g : ws.gradients().entrySet()) {
      out.put("grad." + g.getKey(), g.getValue().copy());
    }
    return out;
  }
}
