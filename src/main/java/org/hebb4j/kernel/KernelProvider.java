package org.hebb4j.kernel;

import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * Chooses the kernel implementation once, at first use (spec/kernels.md#dispatch), and is the only
 * way to get the Vector API kernels: they are package-private classes, compiled on their own with
 * the incubator module (src/main/vector), and loaded by name only after the one module check has
 * found the Vector API module in the boot layer, so the jar runs on a JVM started
 * without {@code --add-modules}, on the class path or the module path. They are used when C2 is
 * running and the preferred vector size is at least 128 bits; {@code -Dhebb4j.simd=false} forces
 * the scalar path, and {@code -Dhebb4j.vectorBits=128|256|512} chooses the vector width (every
 * width gives the same bits, spec/kernels.md#one-result).
 */
public final class KernelProvider {

  /** System property: {@code true} (default) or {@code false}. */
  public static final String SIMD_PROPERTY = "hebb4j.simd";

  /**
   * System property: the width of the vector kernels' vectors in bits, {@code 128}, {@code 256} or
   * {@code 512} (default: the platform's preferred width, at most 512). A width wider than the
   * hardware's is emulated by the Vector API: slow, but the same bits (spec/kernels.md#one-result).
   */
  public static final String VECTOR_BITS_PROPERTY = "hebb4j.vectorBits";

  private static final String VECTOR_CLASS = "org.hebb4j.kernel.VectorKernels";
  private static final String VECTOR_MODULE = "jdk.incubator.vector";
  private static final Kernels SCALAR = new ScalarKernels();

  private KernelProvider() {}

  /** The choice made once; an unusable property is kept as its message, never thrown here. */
  private static final class Holder {
    static final Choice CHOICE = choose(System.getProperty(SIMD_PROPERTY),
        System.getProperty(VECTOR_BITS_PROPERTY));
  }

  /** Kernels and why; kernels null with {@code error} set when the property is unusable. */
  private record Choice(Kernels kernels, String reason, String error) {
    Choice(Kernels kernels, String reason) {
      this(kernels, reason, null);
    }

    Choice checked() {
      if (error != null) {
        throw new IllegalStateException(error);
      }
      return this;
    }
  }

  /**
   * The kernels every part of hebb4j uses by default. See spec/kernels.md#dispatch.
   *
   * @return the vector kernels when usable, else the scalar ones
   * @throws IllegalStateException on every call when {@value #SIMD_PROPERTY} was neither true nor
   *     false, or {@value #VECTOR_BITS_PROPERTY} none of 128, 256, 512, at the first call (one line
   *     naming the property and the value)
   */
  public static Kernels get() {
    return Holder.CHOICE.checked().kernels();
  }

  /**
   * Why {@link #get()} is what it is, for {@code hebb4j info}. See spec/kernels.md#dispatch.
   *
   * @return one line, e.g. "Vector API, 256-bit vectors"
   * @throws IllegalStateException as {@link #get()}
   */
  public static String reason() {
    return Holder.CHOICE.checked().reason();
  }

  /**
   * The scalar reference implementation. See spec/kernels.md#dispatch.
   *
   * @return the scalar kernels, always present
   */
  public static Kernels scalar() {
    return SCALAR;
  }

  /**
   * The Vector API implementation, ignoring {@value #SIMD_PROPERTY} and the C2 check, or empty when
   * the module is absent, the preferred vector size is below 128 bits or {@value
   * #VECTOR_BITS_PROPERTY} is unusable. For tests and benchmarks. See spec/kernels.md#dispatch.
   *
   * @return the vector kernels, or empty
   */
  public static Optional<Kernels> vector() {
    return Optional.ofNullable(VectorHolder.LOADED.kernels());
  }

  /**
   * Checks {@value #SIMD_PROPERTY} and {@value #VECTOR_BITS_PROPERTY}; returns a one-line error, or
   * null when both values are usable. See spec/kernels.md#dispatch.
   *
   * @return the error, or null
   */
  public static String checkProperty() {
    String bad = checkProperty(System.getProperty(SIMD_PROPERTY));
    return bad != null ? bad : checkVectorBits(System.getProperty(VECTOR_BITS_PROPERTY));
  }

  /** The error for a property value v (null when unset), or null when it is usable. */
  static String checkProperty(String v) {
    if (v == null || v.equals("true") || v.equals("false")) {
      return null;
    }
    return "-D" + SIMD_PROPERTY + " must be true or false, got '" + v + "'";
  }

  /** The error for a {@value #VECTOR_BITS_PROPERTY} value (null when unset), or null. */
  static String checkVectorBits(String v) {
    if (v == null || v.equals("128") || v.equals("256") || v.equals("512")) {
      return null;
    }
    return "-D" + VECTOR_BITS_PROPERTY + " must be 128, 256 or 512, got '" + v + "'";
  }

  /** The choice for property values (null when unset); an unusable value gives an error. */
  private static Choice choose(String property, String vectorBits) {
    String bad = checkProperty(property);
    if (bad == null) {
      bad = checkVectorBits(vectorBits);
    }
    if (bad != null) {
      return new Choice(null, bad, bad);
    }
    if ("false".equals(property)) {
      return new Choice(SCALAR, "forced by -D" + SIMD_PROPERTY + "=false");
    }
    Choice v = VectorHolder.LOADED;
    if (v.kernels() == null) {
      return new Choice(SCALAR, v.reason());
    }
    if (!c2Enabled()) {
      return new Choice(SCALAR, "C2 compiler not active (interpreter or C1 only)");
    }
    return v;
  }

  /**
   * What {@link #get()} would do for a property value (null when unset), for tests.
   *
   * @param property the value of {@value #SIMD_PROPERTY}
   * @return the kernels
   * @throws IllegalStateException for a value other than true or false
   */
  static Kernels getFor(String property) {
    return choose(property, null).checked().kernels();
  }

  /**
   * What {@link #get()} would do for both property values (null when unset), for tests.
   *
   * @param property the value of {@value #SIMD_PROPERTY}
   * @param vectorBits the value of {@value #VECTOR_BITS_PROPERTY}
   * @return the kernels
   * @throws IllegalStateException for an unusable value
   */
  static Kernels getFor(String property, String vectorBits) {
    return choose(property, vectorBits).checked().kernels();
  }

  /** The vector kernels, loaded once; kernels null when unusable, with the reason. */
  private static final class VectorHolder {
    static final Choice LOADED = loadVector();
  }

  /**
   * The one home of the module check: the vector kernels are loaded only when {@value
   * #VECTOR_MODULE} is in the boot layer (on the module path it is then also read by this module,
   * which requires it statically).
   */
  private static Choice loadVector() {
    String bad = checkVectorBits(System.getProperty(VECTOR_BITS_PROPERTY));
    if (bad != null) {
      return new Choice(null, bad);
    }
    if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
      return new Choice(null, "module " + VECTOR_MODULE + " not present"
          + " (start the JVM with --add-modules " + VECTOR_MODULE + ")");
    }
    Kernels v;
    try {
      // package-private class and constructor: reachable by reflection from this package only
      v = (Kernels) Class.forName(VECTOR_CLASS).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return new Choice(null, "vector kernels failed to load: " + e);
    }
    if (v.vectorBitSize() < 128) {
      return new Choice(null, "preferred vector size " + v.vectorBitSize() + " bits, below 128");
    }
    String chosen = System.getProperty(VECTOR_BITS_PROPERTY) != null
        ? " (-D" + VECTOR_BITS_PROPERTY + ")" : "";
    return new Choice(v, "Vector API, " + v.vectorBitSize() + "-bit vectors" + chosen);
  }

  /** True unless the JVM runs interpreted (-Xint) or stops tiered compilation before C2. */
  private static boolean c2Enabled() {
    if (System.getProperty("java.vm.info", "").contains("interpreted mode")) {
      return false;
    }
    try {
      for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        if (arg.startsWith("-XX:TieredStopAtLevel=") && !arg.endsWith("=4")) {
          return false;
        }
        if (arg.equals("-Xint") || arg.equals("-XX:-UseCompiler")) {
          return false;
        }
      }
    } catch (RuntimeException | LinkageError e) {
      // java.management is missing from a trimmed runtime: assume the default server VM.
    }
    return true;
  }
}
