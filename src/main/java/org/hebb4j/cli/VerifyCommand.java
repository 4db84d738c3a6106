package org.hebb4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.verify.Verifier;

/** {@code hebb4j verify PATH...}: checks golden test vectors (spec/test-vectors.md). */
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
    return "PATH...";
  }

  @Override
  public String description() {
    return "Runs every case of every test-vector file (directories are searched recursively for\n"
        + "*.json) through the active kernels and compares each expected output. Prints one line\n"
        + "per failing case, a summary per op, and last 'N passed, M failed'.\n"
        + "Exit status: 0 when every case passes, 1 when one fails, 2 for bad arguments.\n"
        + "Use -Dhebb4j.simd=false (before the command) to check the scalar kernels.";
  }

  @Override
  public List<Option> options() {
    return List.of();
  }

  @Override
  public int run(Args args, PrintStream out, PrintStream err) throws IOException {
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
}
