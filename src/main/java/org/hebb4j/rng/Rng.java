package org.hebb4j.rng;

import java.nio.charset.StandardCharsets;

/**
 * The project's only source of randomness: SplitMix64 with bit-exact uniform, Gaussian, integer and
 * shuffle draws and named sub-streams, all defined in spec/rng.md so that numpy (or anything else)
 * can reproduce them. Not thread-safe: give each thread or layer its own stream with
 * {@link #derive(String)}.
 */
public final class Rng {

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final double TWO_PI = 2.0 * Math.PI;

  private final long seed;
  private long state;

  /**
   * (R1) A stream whose state starts at {@code seed} (spec/rng.md#splitmix64).
   *
   * @param seed any 64-bit value, read as unsigned; equal seeds give equal streams bit for bit
   */
  public Rng(long seed) {
    this.seed = seed;
    this.state = seed;
  }

  /**
   * The seed this stream started from, unchanged by draws (spec/rng.md#streams).
   *
   * @return the constructor's {@code seed}
   */
  public long seed() {
    return seed;
  }

  /**
   * (R2) SplitMix64 output finaliser (spec/rng.md#splitmix64).
   *
   * @param z a 64-bit word, read as unsigned
   * @return the mixed word; a bijection on 64-bit words
   */
  public static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * (R3) Next raw 64-bit output: advances the state by the golden gamma and mixes it
   * (spec/rng.md#splitmix64).
   *
   * @return 64 uniformly distributed bits (read as unsigned)
   */
  public long nextLong() {
    state += GOLDEN;
    return mix64(state);
  }

  /**
   * (R4) Uniform double in [0, 1): the top 53 bits of one raw draw times 2^-53
   * (spec/rng.md#uniform).
   *
   * @return a value in [0, 1), exact in binary64
   */
  public double uniformDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /**
   * (R5) Uniform float in [0, 1): the top 24 bits of one raw draw times 2^-24
   * (spec/rng.md#uniform).
   *
   * @return a value in [0, 1), exact in binary32
   */
  public float uniformFloat() {
    return (nextLong() >>> 40) * 0x1.0p-24f;
  }

  /**
   * (R6) Standard normal by Box-Muller (cosine branch only), two raw draws per value, in binary64
   * with fdlibm's log and cos (spec/rng.md#gaussian). Allocates nothing.
   *
   * @return a draw from N(0, 1), always finite
   */
  public double gaussian() {
    double u1 = 1.0 - uniformDouble();
    double u2 = uniformDouble();
    return Math.sqrt(-2.0 * StrictMath.log(u1)) * Cosine.cos(TWO_PI * u2); // (R6a)
  }

  /**
   * (R6) The Gaussian draw rounded to float32 (spec/rng.md#gaussian); two raw draws.
   *
   * @return {@code (float) gaussian()}
   */
  public float gaussianFloat() {
    return (float) gaussian();
  }

  /**
   * (R7) Uniform integer in [0, bound) by rejection on 63-bit draws, so without modulo bias
   * (spec/rng.md#uniform); usually one raw draw.
   *
   * @param bound the exclusive upper bound, 1 to {@link Integer#MAX_VALUE}
   * @return a value in [0, bound)
   * @throws IllegalArgumentException if {@code bound <= 0}
   */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    long limit = Long.MAX_VALUE - Long.remainderUnsigned(Long.MAX_VALUE, bound);
    while (true) {
      long u = nextLong() >>> 1;
      if (u < limit) {
        return (int) (u % bound);
      }
    }
  }

  /**
   * (R8) Fisher-Yates shuffle in place: for i = n-1 down to 1, swap a[i] and a[nextInt(i + 1)]
   * (spec/rng.md#uniform); n - 1 calls of {@link #nextInt(int)}.
   *
   * @param a the array to permute, any length (0 and 1 draw nothing)
   * @throws NullPointerException if a is null
   */
  public void shuffle(int[] a) {
    java.util.Objects.requireNonNull(a, "a");
    for (int i = a.length - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /**
   * Fills {@code out[off, off+n)} with Gaussian draws of standard deviation {@code std}, each
   * {@code round_f32(double(std) * gaussian())} (spec/rng.md#gaussian); 2n raw draws, in index
   * order. Used for weight initialisation.
   *
   * @param out the destination; elements outside {@code [off, off+n)} are not touched
   * @param off the first element written
   * @param n the number of draws, 0 or more
   * @param std the standard deviation (0 writes zeros but still consumes the draws)
   * @throws NullPointerException if out is null
   * @throws IllegalArgumentException if {@code off < 0}, {@code n < 0} or
   *     {@code out.length < off + n}, checked before anything is drawn or written
   */
  public void fillGaussian(float[] out, int off, int n, float std) {
    checkRange("out", java.util.Objects.requireNonNull(out, "out").length, off, n);
    for (int i = 0; i < n; i++) {
      out[off + i] = (float) (std * gaussian());
    }
  }

  /** Throws a one-line IllegalArgumentException unless [off, off+n) lies in [0, length). */
  private static void checkRange(String name, int length, int off, int n) {
    if (off < 0 || n < 0 || (long) off + n > length) {
      throw new IllegalArgumentException(name + "[" + off + ", " + off + "+" + n
          + ") out of range for length " + length);
    }
  }

  /**
   * (R9) An independent named stream: seed' = mix64(seed ^ fnv1a64(UTF-8 bytes of name)). Depends
   * only on this stream's starting seed and the name, never on draws already made
   * (spec/rng.md#streams).
   *
   * @param name the stream's name, e.g. {@code "init"}; any string, compared by its UTF-8 bytes
   * @return a new stream; this one is unchanged
   * @throws NullPointerException if name is null
   */
  public Rng derive(String name) {
    java.util.Objects.requireNonNull(name, "name");
    return new Rng(mix64(seed ^ fnv1a64(name)));
  }

  /**
   * (R10) 64-bit FNV-1a over the UTF-8 bytes of {@code s} (spec/rng.md#streams).
   *
   * @param s the string to hash
   * @return the 64-bit hash, read as unsigned
   */
  public static long fnv1a64(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    return h;
  }
}
