package org.hebb4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.verify.ExactComparison;
import org.hebb4j.verify.Verifier;

/**
 * {@code hebb4j verify PATH...}: checks golden test vectors (spec/test-vectors.md);
 * {@code hebb4j verify --exact A B} compares two runs' outputs bit for bit
 * (spec/test-vectors.md#exact).
 */
final class VerifyCommand implements Command {

  @Override
  public String name() {
    return "verify";
  }

  @Override
  public String summary() {
    return "check hebb4j against golden test-vector files";
  }

  @Override
  public String positionalUsage() {
    return "PATH... | --exact A B";
  }

  /** Files left out of a folder comparison by default: they name the kernels or hold times. */
  static final String DEFAULT_SKIP = "run.txt,config.txt,table.txt,timings.txt,*.log";

  @Override
  public String description() {
    return "Runs every case of every test-vector file (directories are searched recursively for\n"
        + "*.json) through the active kernels and compares each expected output. Prints one line\n"
        + "per failing case, a summary per op, and last 'N passed, M failed'.\n"
        + "Exit status: 0 when every case passes, 1 when one fails, 2 for bad arguments.\n"
        + "Use -Dhebb4j.simd=false (before the command) to check the scalar kernels.\n"
        + "\n"
        + "With --exact A B: compares two runs' output folders (or two files) bit for bit:\n"
        + ".npy/.npz/.safetensors by tensor and element, CSV and text by line, other files by\n"
        + "byte. Prints the first difference (file, tensor, index, both values as hex bits and\n"
        + "decimal) or 'same: N files'. Exit status: 0 same, 1 different, 2 bad input.";
  }

  @Override
  public List<Option> options() {
    return List.of(
        Option.flag("exact", "compare two runs' outputs A B bit for bit"),
        Option.of("skip", "LIST", "with --exact: file names (globs) left out of folders",
            DEFAULT_SKIP));
  }

  @Override
  public int run(Args args, PrintStream out, PrintStream err) throws IOException {
    if (args.flag("exact")) {
      return exact(args, out);
    }
    if (args.has("skip")) {
      throw new UsageException("--skip needs --exact");
    }
    if (args.positional().isEmpty()) {
      throw new UsageException("needs at least one PATH (a test-vector file or directory)");
    }
    List<Path> roots = new ArrayList<>();
    for (String s : args.positional()) {
      Path p = Path.of(s);
      if (!Files.exists(p)) {
        throw new UsageException("no such file or directory: " + s);
      }
      roots.add(p);
    }
    List<Path> files = Verifier.collect(roots);
    if (files.isEmpty()) {
      throw new UsageException("no *.json files under " + String.join(" ", args.positional()));
    }
    out.println("kernels: " + KernelProvider.get().name() + "; files: " + files.size());
    Verifier v = new Verifier(KernelProvider.get(), out);
    for (Path f : files) {
      v.verifyFile(f);
    }
    v.printSummary();
    return v.failed() == 0 && v.passed() > 0 ? 0 : 1;
  }

  /** verify --exact A B: 0 same, 1 different (the first difference printed). */
  private static int exact(Args args, PrintStream out) throws IOException {
    if (args.positional().size() != 2) {
      throw new UsageException("--exact needs two paths A B, got " + args.positional().size());
    }
    List<String> skip = new ArrayList<>();
    for (String s : args.string("skip", DEFAULT_SKIP).split(",")) {
      if (!s.isBlank()) {
        skip.add(s.strip());
      }
    }
    Path a = Path.of(args.positional().get(0)), b = Path.of(args.positional().get(1));
    ExactComparison c = new ExactComparison(skip);
    Optional<String> d;
    try {
      d = c.compare(a, b);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (d.isPresent()) {
      out.println("differ: " + d.get());
      return 1;
    }
    out.println("same: " + c.files() + " files" + (skip.isEmpty() ? ""
        : " (skipped: " + String.join(",", skip) + ")"));
    return 0;
  }
}
