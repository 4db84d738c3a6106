package org.hebb4j.nn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hebb4j.io.FormatException;
import org.hebb4j.io.SafeTensors;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.rng.Rng;
import org.hebb4j.tensor.Tensor;

/**
 * A multilayer perceptron of {@link Dense} layers with explicit backprop (spec/emergence.md#mlp),
 * built from an {@link MlpConfig}. Hidden layers use one activation, the output layer another
 * (linear in every experiment). The network holds the parameters; everything that depends on the
 * batch is in a {@link Workspace}, allocated once per batch capacity, so a training step
 * allocates nothing. Parameters are named as PyTorch's {@code state_dict} names the same
 * network built as {@code torch.nn.Sequential(Linear, Act, Linear, ...)}
 * (spec/emergence.md#mlp-state).
 */
public final class Mlp {

  private final MlpConfig config;
  private final List<Dense> layers;

  /**
   * A network of zero parameters (call {@link #init} or {@link #loadStateDict}).
   * See spec/emergence.md#mlp.
   *
   * @param config the architecture
   * @throws NullPointerException if config is null
   */
  public Mlp(MlpConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    int[] sizes = config.sizes();
    Dense[] ls = new Dense[sizes.length - 1];
    for (int l = 0; l < ls.length; l++) {
      ls[l] = new Dense(sizes[l], sizes[l + 1], config.bias(),
          l == ls.length - 1 ? config.outputActivation() : config.activation());
    }
    layers = List.of(ls);
  }

  /**
   * The architecture. See spec/emergence.md#mlp.
   *
   * @return the config this network was built from
   */
  public MlpConfig config() {
    return config;
  }

  /**
   * Number of layers (weight matrices). See spec/emergence.md#mlp.
   *
   * @return the depth L
   */
  public int depth() {
    return layers.size();
  }

  /**
   * Layer l, 0-based. See spec/emergence.md#mlp.
   *
   * @param l the index in [0, depth())
   * @return the layer (live: its arrays are the parameters)
   * @throws IllegalArgumentException if l is outside [0, depth())
   */
  public Dense layer(int l) {
    return layers.get(checkLayer(l, layers.size()));
  }

  /**
   * The layers in order. See spec/emergence.md#mlp.
   *
   * @return an unmodifiable list of the live layers
   */
  public List<Dense> layers() {
    return layers;
  }

  /**
   * The input width d. See spec/emergence.md#mlp.
   *
   * @return the width
   */
  public int inputSize() {
    return config.input();
  }

  /**
   * The output width o. See spec/emergence.md#mlp.
   *
   * @return the width
   */
  public int outputSize() {
    return config.output();
  }

  /**
   * The widths {input, hidden..., output}. See spec/emergence.md#mlp.
   *
   * @return a new array
   */
  public int[] sizes() {
    return config.sizes();
  }

  /**
   * (E10) Layer l drawn from {@code r.derive("layer" + (l + 1))}. See spec/emergence.md#mlp.
   *
   * @param r the network's stream
   * @throws NullPointerException if r is null
   */
  public void init(Rng r) {
    init(r, Conventions.HEBB4J);
  }

  /**
   * Layer l drawn from {@code r.derive("layer" + (l + 1))} by {@link Dense#init(Rng,
   * Conventions)}: (E10) under HEBB4J, {@code nn.Linear}'s default (E27) under TORCH.
   * See spec/emergence.md#conventions.
   *
   * @param r the network's stream
   * @param c the conventions
   * @throws NullPointerException if r or c is null
   */
  public void init(Rng r, Conventions c) {
    Objects.requireNonNull(r, "rng");
    for (int l = 0; l < layers.size(); l++) {
      layers.get(l).init(r.derive("layer" + (l + 1)), c);
    }
  }

  /**
   * Copies every parameter from {@code other}, which must have the same architecture (equal
   * {@link MlpConfig}s). See spec/emergence.md#mlp-state.
   *
   * @param other the source network
   * @throws NullPointerException if other is null
   * @throws IllegalArgumentException naming both configs when they differ
   */
  public void copyFrom(Mlp other) {
    Objects.requireNonNull(other, "other");
    if (!other.config.equals(config)) {
      throw new IllegalArgumentException("cannot copy a " + other.config + " network into a "
          + config + " network");
    }
    for (int l = 0; l < layers.size(); l++) {
      Dense a = layers.get(l), b = other.layers.get(l);
      System.arraycopy(b.w, 0, a.w, 0, a.w.length);
      if (a.b != null) {
        System.arraycopy(b.b, 0, a.b, 0, a.b.length);
      }
    }
  }

  /**
   * The network's output for {@code rows} rows of {@code x} on the default kernels
   * ({@link KernelProvider#get()}); allocates a workspace. Same bits as
   * {@link Workspace#forward} on those kernels. See spec/emergence.md#mlp.
   *
   * @param x inputs [rows, inputSize()] (row-major; may be longer)
   * @param rows the number of rows, at least 1
   * @return a new tensor [rows, outputSize()]
   * @throws IllegalArgumentException if rows &lt; 1 or x holds fewer than rows * inputSize()
   */
  public Tensor predict(float[] x, int rows) {
    return features(x, rows, depth() - 1);
  }

  /**
   * The post-activation z of layer {@code layer} (0-based; depth() - 1 is the output) for
   * {@code rows} rows of {@code x} on the default kernels; allocates a workspace.
   * See spec/emergence.md#mlp.
   *
   * @param x inputs [rows, inputSize()]
   * @param rows the number of rows, at least 1
   * @param layer the layer in [0, depth())
   * @return a new tensor [rows, layer(layer).out]
   * @throws IllegalArgumentException for a layer outside [0, depth()), rows &lt; 1 or a short x
   */
  public Tensor features(float[] x, int rows, int layer) {
    checkLayer(layer, depth());
    if (rows < 1) {
      throw new IllegalArgumentException("rows must be at least 1, got " + rows);
    }
    Workspace ws = workspace(rows);
    ws.forward(KernelProvider.get(), x, rows);
    int out = layers.get(layer).out;
    return Tensor.of(Arrays.copyOf(ws.z(layer), rows * out), rows, out);
  }

  /**
   * The parameters as live views (no copy: writing a tensor's data writes the network), named
   * as {@code torch.nn.Sequential(Linear, Act, Linear, ...).state_dict()} names them: linear
   * layer l (0-based) is module {@code 2l}, so "0.weight" [out, in], "0.bias" [out],
   * "2.weight", "2.bias", ... (bias entries only with biases). See spec/emergence.md#mlp-state.
   *
   * @return an unmodifiable map in layer order
   */
  public Map<String, Tensor> parameters() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (int l = 0; l < layers.size(); l++) {
      Dense d = layers.get(l);
      m.put((2 * l) + ".weight", Tensor.of(d.w, d.out, d.in));
      if (d.b != null) {
        m.put((2 * l) + ".bias", Tensor.of(d.b, d.out));
      }
    }
    return Collections.unmodifiableMap(m);
  }

  /**
   * The state to save: for an MLP exactly {@link #parameters()} (it has no buffers, unlike a
   * PyTorch module with running statistics), live views named as PyTorch's state_dict.
   * See spec/emergence.md#mlp-state.
   *
   * @return an unmodifiable map of live views
   */
  public Map<String, Tensor> stateDict() {
    return parameters();
  }

  /**
   * Copies every tensor of {@code state} into the parameter of the same name. Every name and
   * shape is checked before anything is copied. See spec/emergence.md#mlp-state.
   *
   * @param state tensors named as {@link #parameters()}
   * @throws IllegalArgumentException naming the tensor when one is missing, unexpected, or of
   *     another shape (with the expected and the given shape)
   */
  public void loadStateDict(Map<String, Tensor> state) {
    StateDicts.load("MLP", parameters(), state);
  }


  /**
   * The config as strings for a safetensors {@code __metadata__}, with "format" =
   * {@value MlpConfig#FORMAT} (spec/emergence.md#mlp-state).
   *
   * @return an unmodifiable map, see {@link MlpConfig#metadata()}
   */
  public Map<String, String> configMetadata() {
    return config.metadata();
  }

  /**
   * A network of zero parameters with the architecture in {@code metadata} (then
   * {@link #loadStateDict}). See spec/emergence.md#mlp-state.
   *
   * @param metadata as written by {@link #configMetadata()}
   * @return the network
   * @throws IllegalArgumentException naming the key when one is missing or bad
   */
  public static Mlp fromMetadata(Map<String, String> metadata) {
    return new Mlp(MlpConfig.fromMetadata(metadata));
  }

  /**
   * Writes the network to a safetensors file: {@link #stateDict()} as F32 tensors named as
   * PyTorch's {@code state_dict} ("0.weight", "0.bias", "2.weight", ...) and
   * {@link #configMetadata()} as the header's {@code __metadata__} (spec/emergence.md#mlp-state,
   * spec/io.md#safetensors). The file is written under a temporary name and renamed into place.
   *
   * @param file the file to write (replaced if it exists)
   * @throws IOException when the file cannot be written
   */
  public void save(Path file) throws IOException {
    SafeTensors.write(file, stateDict(), configMetadata());
  }

  /**
   * Reads a network written by {@link #save}, or by any writer using the same names and metadata
   * (e.g. a PyTorch {@code Sequential} of {@code Linear} and activation modules with the metadata
   * of spec/emergence.md#mlp-state): {@link #fromMetadata} and {@link #loadStateDict} on the
   * file's contents, after checking every tensor's name and shape against
   * {@link MlpConfig#stateShapes()} and that every value is finite, before the network is
   * allocated. The loaded network predicts the same bits as the saved one.
   *
   * @param file a safetensors file
   * @return the network
   * @throws FormatException when the file is not valid safetensors, or its metadata or tensors do
   *     not describe an MLP (one line naming the file and the fault)
   * @throws IOException when the file cannot be read
   */
  public static Mlp load(Path file) throws IOException {
    SafeTensors.Contents c = SafeTensors.read(file);
    try {
      MlpConfig cfg = MlpConfig.fromMetadata(c.metadata());
      checkState(cfg.stateShapes(), c);
      Mlp net = new Mlp(cfg);
      net.loadStateDict(c.tensors());
      return net;
    } catch (IllegalArgumentException e) {
      throw new FormatException(file + ": " + e.getMessage());
    }
  }

  /**
   * Reads the tensors of a safetensors file named as PyTorch's {@code state_dict} of
   * {@code torch.nn.Sequential(Linear, Act, Linear, ...)} ("0.weight" [out, in], "0.bias" [out],
   * "2.weight", ...) into a network of the given architecture: a plain PyTorch state dict saved
   * with {@code safetensors.torch.save_file}, which carries no hebb4j metadata. When the file's
   * {@code __metadata__} holds a "format" key, it must describe the same config; other metadata
   * is ignored. Every tensor's name and shape is checked against
   * {@link MlpConfig#stateShapes()}, and every value must be finite, before the network is
   * allocated. See spec/emergence.md#mlp-state and spec/io.md#safetensors.
   *
   * @param file a safetensors file of F32 tensors
   * @param config the architecture the tensors are for
   * @return the network
   * @throws NullPointerException if file or config is null
   * @throws FormatException when the file is not valid safetensors, a tensor is missing,
   *     unexpected, of another shape or not finite, or its metadata describes another config (one
   *     line naming the file and the fault)
   * @throws IOException when the file cannot be read
   */
  public static Mlp load(Path file, MlpConfig config) throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(config, "config");
    SafeTensors.Contents c = SafeTensors.read(file);
    try {
      if (c.metadata().containsKey("format")) {
        MlpConfig own = MlpConfig.fromMetadata(c.metadata());
        if (!own.equals(config)) {
          throw new IllegalArgumentException("metadata describes " + own + ", expected "
              + config);
        }
      }
      checkState(config.stateShapes(), c);
      Mlp net = new Mlp(config);
      net.loadStateDict(c.tensors());
      return net;
    } catch (IllegalArgumentException e) {
      throw new FormatException(file + ": " + e.getMessage());
    }
  }

  /** Names, shapes and finiteness of a file's tensors against a config's state shapes. */
  private static void checkState(Map<String, int[]> shapes, SafeTensors.Contents c) {
    if (!c.intTensors().isEmpty()) {
      throw new IllegalArgumentException("tensor '" + c.intTensors().keySet().iterator().next()
          + "' is I32, an MLP holds F32 tensors only");
    }
    StateDicts.checkShapes("MLP", shapes, c.tensors());
    for (Map.Entry<String, int[]> e : shapes.entrySet()) {
      Tensor t = c.tensors().get(e.getKey());
      float[] v = t.data();
      for (int i = 0; i < t.size(); i++) {
        if (!Float.isFinite(v[i])) {
          throw new IllegalArgumentException("tensor '" + e.getKey()
              + "' holds a non-finite value at index " + i);
        }
      }
    }
  }

  /** Returns l, or throws "layer 7 out of range [0, 3)". */
  static int checkLayer(int l, int depth) {
    if (l < 0 || l >= depth) {
      throw new IllegalArgumentException("layer " + l + " out of range [0, " + depth + ")");
    }
    return l;
  }

  /**
   * Buffers for batches of up to {@code capacity} rows. See spec/emergence.md#performance.
   *
   * @param capacity the largest batch, at least 1
   * @return a new workspace
   */
  public Workspace workspace(int capacity) {
    return new Workspace(capacity);
  }

  /** One layer's batch buffers (spec/emergence.md#performance). */
  private static final class Buffers {
    final float[] a;
    final float[] z;
    final float[] delta;
    final float[] dz;
    final float[] dW;
    final float[] db;

    Buffers(Dense d, int capacity, boolean first) {
      a = new float[capacity * d.out];
      z = d.act == Activation.LINEAR ? a : new float[capacity * d.out];
      delta = new float[capacity * d.out];
      dz = first ? null : new float[capacity * d.in];
      dW = new float[d.w.length];
      db = d.b == null ? null : new float[d.out];
    }
  }

  /**
   * Per-batch buffers: for each layer l its pre-activation {@code a} (the probe's h_post), its
   * activation {@code z} (the next layer's h_pre), {@code delta = dL/da}, and the parameter
   * gradients {@code dW}, {@code db}.
   */
  public final class Workspace {

    private final int capacity;
    private final Buffers[] buf;
    /** The output error kept while the output layer's own DFA feedback overwrites delta_L. */
    private final float[] err;
    private float[] x;
    private int rows;

    Workspace(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("batch capacity must be positive, got " + capacity);
      }
      this.capacity = capacity;
      buf = new Buffers[layers.size()];
      for (int l = 0; l < buf.length; l++) {
        buf[l] = new Buffers(layers.get(l), capacity, l == 0);
      }
      err = new float[capacity * layers.get(layers.size() - 1).out];
    }

    /**
     * The largest batch. See spec/emergence.md#performance.
     *
     * @return the capacity in rows
     */
    public int capacity() {
      return capacity;
    }

    /**
     * Rows of the last forward pass. See spec/emergence.md#performance.
     *
     * @return the rows
     */
    public int rows() {
      return rows;
    }

    /**
     * The network this workspace belongs to. See spec/emergence.md#mlp.
     *
     * @return the network
     */
    public Mlp net() {
      return Mlp.this;
    }

    /**
     * (E1)-(E2) for every layer. See spec/emergence.md#mlp.
     *
     * @param k the kernels
     * @param x inputs [rows, inputSize()] (kept as layer 0's h_pre until the next call)
     * @param rows batch rows in [1, capacity()]
     * @return the output [rows, outputSize()] (owned here, overwritten by the next call)
     * @throws IllegalArgumentException for rows outside [1, capacity()] or a short x
     */
    public float[] forward(Kernels k, float[] x, int rows) {
      if (rows < 1 || rows > capacity) {
        throw new IllegalArgumentException("batch of " + rows + " rows, capacity " + capacity);
      }
      if (x.length < (long) rows * inputSize()) {
        throw new IllegalArgumentException("x holds " + x.length + " values, " + rows
            + " rows of " + inputSize() + " need " + (long) rows * inputSize());
      }
      this.x = x;
      this.rows = rows;
      float[] in = x;
      for (int l = 0; l < buf.length; l++) {
        layers.get(l).forward(k, rows, in, buf[l].a, buf[l].z);
        in = buf[l].z;
      }
      return in;
    }

    /**
     * The network output of the last forward pass. See spec/emergence.md#mlp.
     *
     * @return [rows(), outputSize()] at the start of the array
     */
    public float[] output() {
      return buf[buf.length - 1].z;
    }

    /**
     * The post-activation z of layer l from the last forward pass. See spec/emergence.md#mlp.
     *
     * @param l the layer in [0, depth())
     * @return [rows(), out_l] at the start of the array
     * @throws IllegalArgumentException if l is outside [0, depth())
     */
    public float[] z(int l) {
      checkLayer(l, buf.length);
      return buf[l].z;
    }

    /**
     * The probe's h_pre of layer l: x for l = 0, else z of layer l-1. See spec/emergence.md#mlp.
     *
     * @param l the layer in [0, depth())
     * @return [rows(), in_l]
     * @throws IllegalArgumentException if l is outside [0, depth())
     */
    public float[] hPre(int l) {
      checkLayer(l, buf.length);
      return l == 0 ? x : buf[l - 1].z;
    }

    /**
     * The probe's h_post of layer l: its pre-activation a. See spec/emergence.md#mlp.
     *
     * @param l the layer in [0, depth())
     * @return [rows(), out_l]
     * @throws IllegalArgumentException if l is outside [0, depth())
     */
    public float[] hPost(int l) {
      checkLayer(l, buf.length);
      return buf[l].a;
    }

    /**
     * dL/da of layer l from the last backward pass. See spec/emergence.md#backprop.
     *
     * @param l the layer in [0, depth())
     * @return [rows(), out_l]
     * @throws IllegalArgumentException if l is outside [0, depth())
     */
    public float[] delta(int l) {
      checkLayer(l, buf.length);
      return buf[l].delta;
    }

    /**
     * dL/dW of layer l from the last backward pass. See spec/emergence.md#backprop.
     *
     * @param l the layer in [0, depth())
     * @return [out_l, in_l]
     * @throws IllegalArgumentException if l is outside [0, depth())
     */
    public float[] dW(int l) {
      checkLayer(l, buf.length);
      return buf[l].dW;
    }

    /**
     * dL/db of layer l from the last backward pass. See spec/emergence.md#backprop.
     *
     * @param l the layer in [0, depth())
     * @return [out_l], or null for a bias-free layer
     * @throws IllegalArgumentException if l is outside [0, depth())
     */
    public float[] db(int l) {
      checkLayer(l, buf.length);
      return buf[l].db;
    }

    /**
     * Loss of the last forward pass, summed over its rows (E3)/(E4); also seeds the backward
     * pass with delta_L = scale * dloss/dout * act_L'(a_L) (E5). See spec/emergence.md#loss.
     *
     * @param loss the loss
     * @param y targets [rows, o] (mse) or null
     * @param labels labels [rows] (softmax_ce) or null
     * @param scale the factor of the gradient (1/B for a batch mean)
     * @param k the kernels
     * @return the sum over rows, not the mean
     */
    public double loss(Loss loss, float[] y, int[] labels, float scale, Kernels k) {
      int last = buf.length - 1;
      Dense d = layers.get(last);
      Buffers b = buf[last];
      double s = loss.sum(rows, d.out, b.z, y, labels, scale, b.delta);
      if (d.act != Activation.LINEAR) {
        k.activateBackwardFromOutput(d.act, rows * d.out, b.z, 0, b.delta, 0, b.delta, 0);
      }
      return s;
    }

    /**
     * Loss sum of the last forward pass without touching the backward buffers.
     * See spec/emergence.md#loss.
     *
     * @param loss the loss
     * @param y targets [rows, o], or null with labels
     * @param labels class labels [rows] in [0, o), or null with targets
     * @return the sum over rows
     */
    public double lossOnly(Loss loss, float[] y, int[] labels) {
      int last = buf.length - 1;
      return loss.sum(rows, layers.get(last).out, buf[last].z, y, labels, 1f, null);
    }

    /**
     * Backprop (E5)-(E7) from delta_L set by {@link #loss}: fills dW and db of every layer.
     * See spec/emergence.md#backprop.
     *
     * @param k the kernels
     * @param accumulate add to dW and db instead of overwriting them
     */
    public void backward(Kernels k, boolean accumulate) {
      for (int l = buf.length - 1; l >= 0; l--) {
        Dense d = layers.get(l);
        Buffers b = buf[l];
        d.backwardParams(k, rows, b.delta, hPre(l), b.dW, b.db, accumulate);
        if (l > 0) {
          d.backwardInput(k, rows, b.delta, b.dz);
          Dense prev = layers.get(l - 1);
          k.activateBackwardFromOutput(prev.act, rows * prev.out, buf[l - 1].z, 0, b.dz, 0,
              buf[l - 1].delta, 0);
        }
      }
    }

    /**
     * Direct feedback alignment (E20): the output layer as backprop; each hidden layer l gets
     * delta_l = (e B_l^T) * act'(a_l) with e = delta_L. Fills dW and db like {@link #backward}.
     * See spec/emergence.md#dfa.
     *
     * @param k the kernels
     * @param feedback B_l [out_l, outputSize()] of every hidden layer l; the last entry null
     *     (the output layer's true gradient, (E20)) or B_L [o, o], which makes the output layer's
     *     delta e B_L^T too (the output-feedback reading (E30), spec/emergence.md#variants)
     * @param accumulate add to dW and db instead of overwriting them
     */
    public void backwardDfa(Kernels k, float[][] feedback, boolean accumulate) {
      int last = buf.length - 1;
      float[] e = buf[last].delta;
      int o = layers.get(last).out;
      if (feedback.length > last && feedback[last] != null) {
        System.arraycopy(e, 0, err, 0, rows * o);
        e = err;
        dfaDelta(k, rows, o, o, e, feedback[last], Activation.LINEAR, buf[last].a,
            buf[last].delta);
      }
      for (int l = last; l >= 0; l--) {
        Dense d = layers.get(l);
        Buffers b = buf[l];
        if (l < last) {
          dfaDelta(k, rows, o, d.out, e, feedback[l], d.act, b.a, b.delta);
        }
        d.backwardParams(k, rows, b.delta, hPre(l), b.dW, b.db, accumulate);
      }
    }
  }

  /**
   * (E20) delta = (e Bfb^T) * act'(a). See spec/emergence.md#dfa.
   *
   * @param k the kernels
   * @param rows batch rows
   * @param o output width
   * @param h hidden width
   * @param e the output error [rows, o]
   * @param bfb the feedback matrix [h, o]
   * @param act the hidden activation
   * @param a the hidden pre-activation [rows, h]
   * @param delta receives [rows, h]
   */
  public static void dfaDelta(Kernels k, int rows, int o, int h, float[] e, float[] bfb,
      Activation act, float[] a, float[] delta) {
    k.gemmNT(rows, h, o, 1f, e, bfb, 0f, delta);
    k.activateBackward(act, rows * h, a, 0, delta, 0, delta, 0);
  }
}
