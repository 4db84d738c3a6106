package org.hebb4j.cli;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hebb4j.kernel.KernelProvider;

/**
 * {@code hebb4j COMMAND [OPTIONS]}: the command-line front end. Built only on the library API.
 * Exit status: 0 success, 1 failure (e.g. failed vectors, diverged training), 2 bad input
 * (options, data, or a file that cannot be read or written).
 */
public final class Main {

  private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

  static {
    for (Command c : List.<Command>of(new InfoCommand(), new VerifyCommand(), new BenchCommand(),
        new EmergenceCommand(),
        new PhaseCommand(),
        new ClassifyCommand(),
        new HebbCnnCommand(),
        new SoftHebbCommand(),
        new KrotovCommand(),
        new FeaturesCommand(),
        new MergeCommand())) {
      COMMANDS.put(c.name(), c);
    }
  }

  /** Set by the first SIGINT or SIGTERM. */
  private static final java.util.concurrent.atomic.AtomicBoolean STOPPING =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** The arguments of the run in progress, for the signal handler's clean-up; else null. */
  private static volatile Args current;

  private Main() {}

  /**
   * The command line: runs {@link #run} and exits with its status; SIGINT and SIGTERM stop the
   * run with one line on stderr and status 130 or 143.
   *
   * @param argv the command and its options
   */
  public static void main(String[] argv) {
    stopOnSignals();
    System.exit(run(argv, System.out, System.err));
  }

  /**
   * SIGINT and SIGTERM stop the run with one line on stderr, e.g. "hebb4j: stopped by SIGTERM",
   * and the usual status 128 + signal number (130, 143), instead of the JVM's silent exit.
   * Shutdown hooks still run. A signal the JVM may not handle (-Xrs) keeps the JVM's handling.
   * sun.misc.Signal is reached by reflection only because javac warns, unsuppressibly, on any
   * direct use of it; it is in every JDK (module jdk.unsupported).
   */
  private static void stopOnSignals() {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Method handle = signal.getMethod("handle", signal, handler);
      for (Map.Entry<String, Integer> e : Map.of("INT", 2, "TERM", 15).entrySet()) {
        Object stop = Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler},
            (proxy, method, args) -> {
              if (method.getName().equals("handle")) {
                stop("SIG" + e.getKey(), 128 + e.getValue());
              }
              return null;
            });
        try {
          handle.invoke(null, signal.getConstructor(String.class).newInstance(e.getKey()), stop);
        } catch (InvocationTargetException reserved) {
          // IllegalArgumentException: reserved by the JVM (-Xrs); keep its handling
        }
      }
    } catch (ReflectiveOperationException | RuntimeException absent) {
      // no sun.misc.Signal: the JVM's own handling (the same status, no message)
    }
  }

  private static void stop(String signal, int status) {
    if (STOPPING.getAndSet(true)) {
      return; // a second signal while the first one stops the run
    }
    // On a terminal the progress line may be showing: clear it first (as Progress does).
    String clear = System.console() != null ? "\r" + " ".repeat(78) + "\r" : "";
    if (deferStop(signal)) {
      return; // the run writes a checkpoint at its next batch boundary, then stops (run)
    }
    Args a = current;
    org.hebb4j.experiment.Checkpoints cp = a != null ? a.checkpoints : null;
    if (a != null) {
      a.removeCreatedIfEmpty(); // a stopped run leaves no empty folder behind
    }
    System.err.print(clear + "hebb4j: stopped by " + signal
        + (cp != null && cp.written() ? resumeHint(a) : "") + "\n");
    System.err.flush();
    Runtime.getRuntime().exit(status);
  }

  /**
   * Asks the run under way to stop at its next batch boundary after writing a checkpoint
   * ({@link org.hebb4j.experiment.Checkpoints#requestStop}): what SIGINT and SIGTERM do to a run
   * that is training with checkpoints. False when there is no such run: the caller stops at once.
   */
  static boolean deferStop(String signal) {
    Args a = current;
    org.hebb4j.experiment.Checkpoints cp = a != null ? a.checkpoints : null;
    return cp != null && cp.requestStop(signal);
  }

  /** "; resume with: hebb4j COMMAND --resume DIR" for a run with a checkpoint in DIR. */
  private static String resumeHint(Args a) {
    return "; resume with: hebb4j " + a.command + " --resume " + a.path("out", null);
  }

  /**
   * The options {@code command} declares (for the CLI fuzz target, org.hebb4j.fuzz).
   *
   * @throws IllegalArgumentException for an unknown command
   */
  public static List<Option> options(String command) {
    Command c = COMMANDS.get(command);
    if (c == null) {
      throw new IllegalArgumentException("unknown command '" + command + "'");
    }
    return c.options();
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
      err.println("hebb4j: unknown command '" + oneLine(argv[0])
          + "' (run hebb4j --help for the list)");
      return 2;
    }
    String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
    if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
      help(c, out);
      return 0;
    }
    Args args = null;
    int status = 1;
    try {
      args = Args.parse(rest, c.options());
      args.command = c.name();
      current = args;
      status = c.run(args, out, err);
      return status;
    } catch (org.hebb4j.experiment.Checkpoints.Stopped e) {
      // a stop request (SIGINT/SIGTERM, stop above) met at a batch boundary, checkpoint written
      String clear = System.console() != null ? "\r" + " ".repeat(78) + "\r" : "";
      err.print(clear + "hebb4j: stopped by " + e.signal() + resumeHint(args) + "\n");
      err.flush();
      return status = e.signal().equals("SIGINT") ? 130 : 143;
    } catch (UsageException | org.hebb4j.data.DataException e) {
      err.println("hebb4j " + c.name() + ": "
          + oneLine(withoutAdviceGiven(e.getMessage(), args)));
      return status = 2;
    } catch (java.io.IOException e) {
      err.println("hebb4j " + c.name() + ": " + oneLine(ioMessage(e)));
      return status = 2;
    } catch (java.io.UncheckedIOException e) {
      err.println("hebb4j " + c.name() + ": " + oneLine(ioMessage(e.getCause())));
      return status = 2;
    } catch (org.hebb4j.nn.DivergedException e) {
      err.println("hebb4j " + c.name() + ": " + oneLine(e.getMessage()));
      return status = 1;
    } catch (Exception | OutOfMemoryError | StackOverflowError e) {
      err.println("hebb4j " + c.name() + ": internal error: " + e
          + " (run with -Dhebb4j.debug=true for the stack trace)");
      if (Boolean.getBoolean("hebb4j.debug")) {
        e.printStackTrace(err);
      }
      return status = 1;
    } finally {
      current = null;
      if (status != 0 && args != null) {
        args.removeCreatedIfEmpty(); // a failed run leaves no empty folder behind
      }
    }
  }

  /**
   * {@code message} on one line: a value from the command line or a file may hold line breaks
   * and other control characters, shown escaped ({@link org.hebb4j.json.Json#printable}).
   */
  static String oneLine(String message) {
    return message == null ? "(no message)"
        : org.hebb4j.json.Json.printable(message, Integer.MAX_VALUE);
  }

  /** A clause advising an option, e.g. " or pass --data DIR" (the data sets' install hints). */
  private static final java.util.regex.Pattern ADVICE =
      java.util.regex.Pattern.compile(",? (?:or|and) pass --([a-z][a-z-]*) [A-Z]+");

  /**
   * {@code message} without the clauses advising an option the command line already gives
   * ("... or pass --data DIR" after {@code --data DIR}: the folder given is the one at fault).
   */
  static String withoutAdviceGiven(String message, Args args) {
    if (message == null || args == null) {
      return message;
    }
    java.util.regex.Matcher m = ADVICE.matcher(message);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, args.has(m.group(1)) ? "" : "$0");
    }
    return m.appendTail(sb).toString();
  }

  /**
   * One line for a file that could not be read or written: the file and the reason (a
   * {@link org.hebb4j.io.FormatException} already names both).
   */
  static String ioMessage(java.io.IOException e) {
    if (e instanceof java.nio.file.FileSystemException f && f.getFile() != null) {
      return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": "
          + reason(e);
    }
    String m = e.getMessage();
    return (m != null ? m : e.toString()).replace('\n', ' ');
  }

  /** Why {@code e} happened, in a few words, without the file names it may carry. */
  static String reason(java.io.IOException e) {
    if (e instanceof java.nio.file.FileSystemException f) {
      return e instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
          : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
          : e instanceof java.nio.file.NotDirectoryException ? "not a directory"
          : e instanceof java.nio.file.FileAlreadyExistsException ? "exists and is not a folder"
          : f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
    }
    String m = e.getMessage();
    return (m != null ? m : e.getClass().getSimpleName()).replace('\n', ' ');
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
    out.println("  -Dhebb4j.vectorBits=128|256|512   vector width (same bits at every width)");
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
