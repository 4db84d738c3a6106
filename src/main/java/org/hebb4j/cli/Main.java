package org.hebb4j.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hebb4j.kernel.KernelProvider;

/**
 * {@code hebb4j COMMAND [OPTIONS]}: the command-line front end. Built only on the library API.
 * Exit status: 0 success, 1 failure (e.g. failed vectors, diverged training), 2 bad input.
 */
public final class Main {

  private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

  static {
    for (Command c : List.<Command>of(new InfoCommand(), new VerifyCommand(), new BenchCommand(),
        new EmergenceCommand(),
        new PhaseCommand(),
        new ClassifyCommand(),
        new HebbCnnCommand())) {
      COMMANDS.put(c.name(), c);
    }
  }

  private Main() {}

  public static void main(String[] argv) {
    System.exit(run(argv, System.out, System.err));
  }

  /** Runs one command line; returns the exit status (never throws, never exits). */
  public static int run(String[] argv, PrintStream out, PrintStream err) {
    String bad = KernelProvider.checkProperty();
    if (bad != null) {
      err.println("hebb4j: " + bad);
      return 2;
    }
    if (argv.length == 0) {
      usage(err);
      return 2;
    }
    if (argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
      usage(out);
      return 0;
    }
    if (argv[0].equals("--version")) {
      out.println("hebb4j " + InfoCommand.version());
      return 0;
    }
    Command c = COMMANDS.get(argv[0]);
    if (c == null) {
      err.println("hebb4j: unknown command '" + argv[0] + "' (run hebb4j --help for the list)");
      return 2;
    }
    String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
    if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
      help(c, out);
      return 0;
    }
    try {
      return c.run(Args.parse(rest, c.options()), out, err);
    } catch (UsageException | org.hebb4j.data.DataException e) {
      err.println("hebb4j " + c.name() + ": " + e.getMessage());
      return 2;
    } catch (org.hebb4j.nn.DivergedException e) {
      err.println("hebb4j " + c.name() + ": " + e.getMessage());
      return 1;
    } catch (Exception | OutOfMemoryError | StackOverflowError e) {
      err.println("hebb4j " + c.name() + ": internal error: " + e
          + " (run with -Dhebb4j.debug=true for the stack trace)");
      if (Boolean.getBoolean("hebb4j.debug")) {
        e.printStackTrace(err);
      }
      return 1;
    }
  }

  static void usage(PrintStream out) {
    out.println("usage: hebb4j COMMAND [OPTIONS]   (hebb4j COMMAND --help for its options)");
    out.println();
    out.println("commands:");
    for (Command c : COMMANDS.values()) {
      out.printf("  %-12s %s%n", c.name(), c.summary());
    }
    out.println();
    out.println("JVM properties (before the command, e.g. ./hebb4j -Dhebb4j.simd=false info):");
    out.println("  -Dhebb4j.simd=false   force the scalar kernels");
    out.println("  -Dhebb4j.debug=true   print stack traces of internal errors");
  }

  static void help(Command c, PrintStream out) {
    out.println("usage: hebb4j " + c.name() + (c.options().isEmpty() ? "" : " [OPTIONS]")
        + (c.positionalUsage().isEmpty() ? "" : " " + c.positionalUsage()));
    out.println();
    out.println(c.description());
    if (!c.options().isEmpty()) {
      out.println();
      out.println("options:");
      for (Option o : c.options()) {
        String left = "--" + o.name() + (o.isFlag() ? "" : " " + o.value());
        String right = o.help() + (o.defaultValue() == null ? "" : " (default: "
            + o.defaultValue() + ")");
        out.printf("  %-22s %s%n", left, right);
      }
    }
  }
}
