package org.hebb4j.cli;

import java.io.PrintStream;
import java.util.List;

/** One {@code hebb4j COMMAND}: its options, help and body. */
public interface Command {

  String name();

  /** One line for the command list. */
  String summary();

  /** Positional arguments for the usage line, e.g. {@code "PATH..."}, or "". */
  default String positionalUsage() {
    return "";
  }

  /** Longer description printed by {@code COMMAND --help}. */
  default String description() {
    return summary();
  }

  List<Option> options();

  /** Runs the command; returns the exit status. Bad input: throw {@link UsageException}. */
  int run(Args args, PrintStream out, PrintStream err) throws Exception;
}
