package org.hebb4j.cli;

import java.io.PrintStream;
import java.util.List;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;

/** {@code hebb4j info}: version, JDK, kernel path, threads. */
final class InfoCommand implements Command {

  @Override
  public String name() {
    return "info";
  }

  @Override
  public String summary() {
    return "print the version, the JDK, the active kernel path and the thread count";
  }

  @Override
  public List<Option> options() {
    return List.of();
  }

  /** The jar manifest's version on the class path, the module descriptor's on the module path. */
  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    if (v == null && Main.class.getModule().getDescriptor() != null) {
      v = Main.class.getModule().getDescriptor().rawVersion().orElse(null);
    }
    return v == null ? "dev (run from classes, not the jar)" : v;
  }

  @Override
  public int run(Args args, PrintStream out, PrintStream err) {
    if (!args.positional().isEmpty()) {
      throw new UsageException("takes no arguments, got '" + args.positional().get(0) + "'");
    }
    Kernels k = KernelProvider.get();
    out.println("hebb4j   " + version());
    out.println("jdk      " + System.getProperty("java.vm.name") + " "
        + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor")
        + "), " + System.getProperty("java.home"));
    out.println("os       " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    out.println("kernels  " + k.name() + (k.vectorBitSize() > 0 ? " (" + k.vectorBitSize()
        + "-bit vectors, " + k.vectorBitSize() / 32 + " floats per vector)" : "")
        + ": " + KernelProvider.reason());
    out.println("threads  " + Runtime.getRuntime().availableProcessors()
        + " (available processors)");
    return 0;
  }
}
