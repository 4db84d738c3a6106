package org.hebb4j.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hebb4j.kernel.Activation;

/**
 * The architecture of an {@link Mlp} (spec/emergence.md#mlp): {@code input -> hidden... ->
 * output}, every hidden layer with {@code activation}, the last layer with
 * {@code outputActivation}, every layer with a bias or none. Build one with {@link #builder()}
 * or {@link #linear(int, int)}.
 *
 * @param input the input width d, at least 1
 * @param hidden the hidden widths in order (may be empty), each at least 1
 * @param output the output width o, at least 1
 * @param activation the activation of every hidden layer
 * @param outputActivation the activation of the last layer (linear in every experiment)
 * @param bias whether every layer has a bias
 */
public record MlpConfig(int input, List<Integer> hidden, int output, Activation activation,
    Activation outputActivation, boolean bias) {

  /** The value of the metadata key "format" (spec/emergence.md#mlp-state). */
  public static final String FORMAT = "hebb4j.mlp/1";

  /**
   * Checks and freezes the fields. See spec/emergence.md#mlp.
   *
   * @param input the input width d, at least 1
   * @param hidden the hidden widths in order (may be empty), each at least 1
   * @param output the output width o, at least 1
   * @param activation the activation of every hidden layer
   * @param outputActivation the activation of the last layer
   * @param bias whether every layer has a bias
   * @throws IllegalArgumentException naming the field when a width is below 1 or a field is null
   */
  public MlpConfig {
    if (input < 1) {
      throw new IllegalArgumentException("MlpConfig input must be at least 1, got " + input);
    }
    if (output < 1) {
      throw new IllegalArgumentException("MlpConfig output must be at least 1, got " + output);
    }
    if (hidden == null || activation == null || outputActivation == null) {
      throw new IllegalArgumentException("MlpConfig hidden, activation and outputActivation"
          + " must not be null");
    }
    for (Integer h : hidden) {
      if (h == null || h < 1) {
        throw new IllegalArgumentException("MlpConfig hidden widths must be at least 1, got "
            + hidden);
      }
    }
    hidden = List.copyOf(hidden);
    int prev = input;
    for (int i = 0; i <= hidden.size(); i++) {
      int next = i < hidden.size() ? hidden.get(i) : output;
      if ((long) prev * next > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("MlpConfig layer " + (i + 1) + " (" + prev + " -> "
            + next + ") has more weights than a Java array holds");
      }
      prev = next;
    }
  }

  /**
   * A bias-free linear map {@code input -> output} (the phase diagram's linear regression).
   * See spec/emergence.md#mlp.
   *
   * @param input the input width
   * @param output the output width
   * @return the config
   */
  public static MlpConfig linear(int input, int output) {
    return builder().input(input).output(output).activation(Activation.LINEAR).bias(false)
        .build();
  }

  /**
   * A builder with hidden widths none, activation tanh, output activation linear and biases.
   * See spec/emergence.md#mlp.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The widths {input, hidden..., output}. See spec/emergence.md#mlp.
   *
   * @return a new array of depth() + 1 widths
   */
  public int[] sizes() {
    int[] s = new int[hidden.size() + 2];
    s[0] = input;
    for (int i = 0; i < hidden.size(); i++) {
      s[i + 1] = hidden.get(i);
    }
    s[s.length - 1] = output;
    return s;
  }

  /**
   * The number of dense layers (weight matrices). See spec/emergence.md#mlp.
   *
   * @return hidden().size() + 1
   */
  public int depth() {
    return hidden.size() + 1;
  }

  /**
   * The names and shapes of {@link Mlp#parameters()} for this architecture, without allocating
   * a network: a loader can check a file's tensors against them before building one
   * (spec/emergence.md#mlp-state).
   *
   * @return an unmodifiable map in layer order: "0.weight" {h_1, d}, "0.bias" {h_1}, ...
   */
  public Map<String, int[]> stateShapes() {
    Map<String, int[]> m = new LinkedHashMap<>();
    int[] s = sizes();
    for (int l = 0; l + 1 < s.length; l++) {
      m.put((2 * l) + ".weight", new int[] {s[l + 1], s[l]});
      if (bias) {
        m.put((2 * l) + ".bias", new int[] {s[l + 1]});
      }
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  /**
   * The number of parameters (weights and biases) of the network. See spec/emergence.md#mlp-state.
   *
   * @return the count
   */
  public long parameterCount() {
    long n = 0;
    for (int[] shape : stateShapes().values()) {
      n += shape.length == 1 ? shape[0] : (long) shape[0] * shape[1];
    }
    return n;
  }

  /**
   * The config as strings for a safetensors {@code __metadata__} (spec/emergence.md#mlp-state):
   * keys format, input, hidden (comma list, empty for none), output, activation,
   * output_activation, bias.
   *
   * @return an unmodifiable map in that key order
   */
  public Map<String, String> metadata() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("input", Integer.toString(input));
    StringBuilder h = new StringBuilder();
    for (Integer w : hidden) {
      h.append(h.length() == 0 ? "" : ",").append(w);
    }
    m.put("hidden", h.toString());
    m.put("output", Integer.toString(output));
    m.put("activation", activation.id());
    m.put("output_activation", outputActivation.id());
    m.put("bias", Boolean.toString(bias));
    return java.util.Collections.unmodifiableMap(m);
  }

  /**
   * Reads a config written by {@link #metadata()}; other keys are ignored.
   * See spec/emergence.md#mlp-state.
   *
   * @param m the metadata
   * @return the config
   * @throws IllegalArgumentException naming the key when it is missing or its value is bad
   */
  public static MlpConfig fromMetadata(Map<String, String> m) {
    if (m == null) {
      throw new IllegalArgumentException("metadata is null");
    }
    String format = get(m, "format");
    if (!format.equals(FORMAT)) {
      throw new IllegalArgumentException("metadata 'format': expected " + FORMAT + ", got '"
          + format + "'");
    }
    List<Integer> hidden = new ArrayList<>();
    String h = get(m, "hidden");
    if (!h.isEmpty()) {
      for (String w : h.split(",", -1)) {
        hidden.add(width("hidden", w));
      }
    }
    String bias = get(m, "bias");
    if (!bias.equals("true") && !bias.equals("false")) {
      throw new IllegalArgumentException("metadata 'bias': expected true or false, got '" + bias
          + "'");
    }
    return new MlpConfig(width("input", get(m, "input")), hidden,
        width("output", get(m, "output")), activation(m, "activation"),
        activation(m, "output_activation"), bias.equals("true"));
  }

  private static String get(Map<String, String> m, String key) {
    String v = m.get(key);
    if (v == null) {
      throw new IllegalArgumentException("metadata key '" + key + "' is missing");
    }
    return v;
  }

  private static int width(String key, String v) {
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("metadata '" + key + "': expected a positive integer, got '"
        + v + "'");
  }

  private static Activation activation(Map<String, String> m, String key) {
    try {
      return Activation.parse(get(m, key));
    } catch (IllegalArgumentException e) {
      if (e.getMessage().startsWith("metadata")) {
        throw e;
      }
      throw new IllegalArgumentException("metadata '" + key + "': " + e.getMessage());
    }
  }

  /** Builds an {@link MlpConfig} by named fields. */
  public static final class Builder {
    private int input;
    private final List<Integer> hidden = new ArrayList<>();
    private int output;
    private Activation activation = Activation.TANH;
    private Activation outputActivation = Activation.LINEAR;
    private boolean bias = true;

    private Builder() {}

    /**
     * Sets the input width. See spec/emergence.md#mlp.
     *
     * @param d the width, at least 1
     * @return this builder
     */
    public Builder input(int d) {
      this.input = d;
      return this;
    }

    /**
     * Sets the hidden widths, replacing any given before. See spec/emergence.md#mlp.
     *
     * @param widths the widths in order (none for a single layer)
     * @return this builder
     */
    public Builder hidden(int... widths) {
      hidden.clear();
      for (int w : widths) {
        hidden.add(w);
      }
      return this;
    }

    /**
     * Sets the output width. See spec/emergence.md#mlp.
     *
     * @param o the width, at least 1
     * @return this builder
     */
    public Builder output(int o) {
      this.output = o;
      return this;
    }

    /**
     * Sets the hidden layers' activation (default tanh). See spec/emergence.md#mlp.
     *
     * @param act the activation
     * @return this builder
     */
    public Builder activation(Activation act) {
      this.activation = act;
      return this;
    }

    /**
     * Sets the last layer's activation (default linear). See spec/emergence.md#mlp.
     *
     * @param act the activation
     * @return this builder
     */
    public Builder outputActivation(Activation act) {
      this.outputActivation = act;
      return this;
    }

    /**
     * Sets whether every layer has a bias (default true). See spec/emergence.md#mlp.
     *
     * @param b true for biases
     * @return this builder
     */
    public Builder bias(boolean b) {
      this.bias = b;
      return this;
    }

    /**
     * The config. See spec/emergence.md#mlp.
     *
     * @return the config
     * @throws IllegalArgumentException when input or output was not set or a field is invalid
     */
    public MlpConfig build() {
      return new MlpConfig(input, hidden, output, activation, outputActivation, bias);
    }
  }
}
