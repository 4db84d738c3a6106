package org.hebb4j.kernel;

import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * Chooses the kernel implementation once, at first use (spec/kernels.md#dispatch). The Vector API
 * implementation is loaded by name, and only after checking that the module jdk.incubator.vector is
 * in the boot layer, so no class outside {@code org.hebb4j.kernel.vector} ever refers to a Vector
 * API type and the jar runs on a JVM started without {@code --add-modules}. It is used when C2 is
 * running and the preferred vector size is at least 128 bits; {@code -Dhebb4j.simd=false} forces
 * the scalar path.
 */
public final class KernelProvider {

  /** System property: {@code true} (default) or {@code false}. */
  public static final String SIMD_PROPERTY = "hebb4j.simd";

  private static final String VECTOR_CLASS = "org.hebb4j.kernel.vector.VectorKernels";
  private static final Kernels SCALAR = new ScalarKernels();

  private KernelProvider() {}

  private static final class Holder {
    static final Choice CHOICE = choose();
  }

  private record Choice(Kernels kernels, String reason) {}

  /** The kernels every part of hebb4j uses by default. */
  public static Kernels get() {
    return Holder.CHOICE.kernels();
  }

  /** Why {@link #get()} is what it is, for {@code hebb4j info}. */
  public static String reason() {
    return Holder.CHOICE.reason();
  }

  /** The scalar reference implementation. */
  public static Kernels scalar() {
    return SCALAR;
  }

  /**
   * The Vector API implementation, ignoring {@value #SIMD_PROPERTY} and the C2 check, or empty when
   * the module is absent or the preferred vector size is below 128 bits. For tests and benchmarks.
   */
  public static Optional<Kernels> vector() {
    return Optional.ofNullable(loadVector());
  }

  /**
   * Checks {@value #SIMD_PROPERTY}; returns a one-line error, or null when the value is usable.
   */
  public static String checkProperty() {
    String v = System.getProperty(SIMD_PROPERTY);
    if (v == null || v.equals("true") || v.equals("false")) {
      return null;
    }
    return "-D" + SIMD_PROPERTY + " must be true or false, got '" + v + "'";
  }

  private static Choice choose() {
    if (checkProperty() != null) {
      throw new IllegalStateException(checkProperty());
    }
    if ("false".equals(System.getProperty(SIMD_PROPERTY))) {
      return new Choice(SCALAR, "forced by -D" + SIMD_PROPERTY + "=false");
    }
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return new Choice(SCALAR, "module jdk.incubator.vector not present"
          + " (start the JVM with --add-modules jdk.incubator.vector)");
    }
    if (!c2Enabled()) {
      return new Choice(SCALAR, "C2 compiler not active (interpreter or C1 only)");
    }
    Kernels v;
    try {
      v = instantiateVector();
    } catch (ReflectiveOperationException | LinkageError e) {
      return new Choice(SCALAR, "vector kernels failed to load: " + e);
    }
    if (v.vectorBitSize() < 128) {
      return new Choice(SCALAR, "preferred vector size " + v.vectorBitSize() + " bits, below 128");
    }
    return new Choice(v, "Vector API, " + v.vectorBitSize() + "-bit vectors");
  }

  private static Kernels loadVector() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      Kernels k = instantiateVector();
      return k.vectorBitSize() >= 128 ? k : null;
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }

  private static Kernels instantiateVector() throws ReflectiveOperationException {
    return (Kernels) Class.forName(VECTOR_CLASS).getDeclaredConstructor().newInstance();
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
