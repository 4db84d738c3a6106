package org.hebb4j.nn;

import java.util.Locale;
import org.hebb4j.kernel.Activation;
import org.hebb4j.util.Named;

/**
 * The architecture of a {@link Transformer} on the SRE (spec/transformer.md#config): the 32-d
 * input cut into {@code tokens} tokens, {@code blocks} blocks of {@code heads}-head self-attention
 * and a {@code 32-ffn-32} feed-forward with {@code act}, layer norms {@code norm}. Build one with
 * {@link #builder()}.
 *
 * @param tokens tokens per input row, dividing 32
 * @param heads attention heads, dividing 32
 * @param blocks transformer blocks, at least 1
 * @param act the feed-forward activation
 * @param norm pre-LN blocks and a final LN, or none
 * @param ffn the feed-forward width Hf, at least 1
 */
public record TransformerConfig(int tokens, int heads, int blocks, Activation act, Norm norm,
    int ffn) {

  /** The model width d = 32 (the SRE's input and output width; spec/transformer.md#shapes). */
  public static final int D = 32;

  /** Where the layer norms are (spec/transformer.md#forward). */
  public enum Norm implements Named {
    /** Pre-LN blocks (LN before attention and before the feed-forward) and a final LN. */
    PRE,
    /** No layer norm anywhere. */
    NONE;

    /**
     * The word in test vectors and options. See spec/transformer.md#forward.
     *
     * @return "pre" or "none"
     */
    @Override
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The constant named {@code s}. See spec/transformer.md#forward.
     *
     * @param s "pre" or "none"
     * @return the constant
     * @throws IllegalArgumentException if no constant is named {@code s} (one line)
     */
    public static Norm parse(String s) {
      return Named.parse(Norm.class, "norm", s);
    }
  }

  /**
   * Checks the fields. See spec/transformer.md#config.
   *
   * @param tokens tokens per input row, dividing 32
   * @param heads attention heads, dividing 32
   * @param blocks transformer blocks, at least 1
   * @param act the feed-forward activation
   * @param norm the layer norms
   * @param ffn the feed-forward width, at least 1
   * @throws IllegalArgumentException with one line naming the field when a value is not allowed
   */
  public TransformerConfig {
    if (tokens < 1 || D % tokens != 0) {
      throw new IllegalArgumentException("tokens " + tokens + " does not divide " + D
          + " (allowed: 1, 2, 4, 8, 16, 32)");
    }
    if (heads < 1 || D % heads != 0) {
      throw new IllegalArgumentException("heads " + heads + " does not divide " + D
          + " (allowed: 1, 2, 4, 8, 16, 32)");
    }
    if (blocks < 1) {
      throw new IllegalArgumentException("blocks must be at least 1, got " + blocks);
    }
    if (ffn < 1 || ffn > 1 << 20) {
      throw new IllegalArgumentException("ffn width must be in [1, 1048576], got " + ffn);
    }
    if (act == null || norm == null) {
      throw new IllegalArgumentException("TransformerConfig act and norm must not be null");
    }
  }

  /**
   * Features per token, F = 32 / tokens. See spec/transformer.md#shapes.
   *
   * @return F
   */
  public int tokenWidth() {
    return D / tokens;
  }

  /**
   * Columns per head, dh = 32 / heads. See spec/transformer.md#shapes.
   *
   * @return dh
   */
  public int headWidth() {
    return D / heads;
  }

  /**
   * A builder with the defaults of spec/transformer.md#config: 4 tokens, 4 heads, 2 blocks, tanh,
   * pre-LN, ffn 128.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link TransformerConfig}; every setter returns the builder. */
  public static final class Builder {
    private int tokens = 4;
    private int heads = 4;
    private int blocks = 2;
    private Activation act = Activation.TANH;
    private Norm norm = Norm.PRE;
    private int ffn = 128;

    private Builder() {}

    /**
     * Tokens per row. See spec/transformer.md#config.
     *
     * @param v dividing 32
     * @return this builder
     */
    public Builder tokens(int v) {
      tokens = v;
      return this;
    }

    /**
     * Attention heads. See spec/transformer.md#config.
     *
     * @param v dividing 32
     * @return this builder
     */
    public Builder heads(int v) {
      heads = v;
      return this;
    }

    /**
     * Blocks. See spec/transformer.md#config.
     *
     * @param v at least 1
     * @return this builder
     */
    public Builder blocks(int v) {
      blocks = v;
      return this;
    }

    /**
     * Feed-forward activation. See spec/transformer.md#config.
     *
     * @param v the activation
     * @return this builder
     */
    public Builder act(Activation v) {
      act = v;
      return this;
    }

    /**
     * Layer norms. See spec/transformer.md#config.
     *
     * @param v PRE or NONE
     * @return this builder
     */
    public Builder norm(Norm v) {
      norm = v;
      return this;
    }

    /**
     * Feed-forward width. See spec/transformer.md#config.
     *
     * @param v at least 1
     * @return this builder
     */
    public Builder ffn(int v) {
      ffn = v;
      return this;
    }

    /**
     * The config. See spec/transformer.md#config.
     *
     * @return the checked config
     * @throws IllegalArgumentException one line naming the bad field
     */
    public TransformerConfig build() {
      return new TransformerConfig(tokens, heads, blocks, act, norm, ffn);
    }
  }
}
