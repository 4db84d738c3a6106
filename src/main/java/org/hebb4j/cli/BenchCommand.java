package org.hebb4j.cli;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import org.hebb4j.emergence.Rule;
import org.hebb4j.experiment.emergence.SreStep;
import org.hebb4j.experiment.emergence.TransformerStep;
import org.hebb4j.hebbian.HebbCnn;
import org.hebb4j.hebbian.HebbCnnConfig;
import org.hebb4j.hebbian.SoftHebbConfig;
import org.hebb4j.hebbian.SoftHebbNet;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.kernel.ThreadedKernels;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.hebb4j.util.Named;

/**
 * {@code hebb4j bench WHAT}: a quick built-in benchmark with warm-up, for users. The JMH suite
 * (bench/jmh.sh) is the rigorous one; see BENCHMARKS.md.
 */
final class BenchCommand implements Command {

  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String summary() {
    return "quick benchmark: gemm GFLOP/s, SRE MLP and transformer training steps/s, Hebbian-CNN "
        + "batches/s";
  }

  @Override
  public String positionalUsage() {
    return "gemm|sre|transformer|hebbcnn";
  }

  @Override
  public String description() {
    return "Times one workload after a warm-up and prints its speed and the kernel path:\n"
        + "  gemm     C = A B with square N x N matrices (or --shape MxNxK), in GFLOP/s\n"
        + "  sre      one SRE training step (32-128-32 tanh MLP, batch 256, mse, --rule)\n"
        + "  transformer  one SRE training step of the transformer (4 tokens, 4 heads, 2 pre-LN\n"
        + "           blocks, FFN 128, batch 256, mse, --rule sgd|adam|adamw), with its\n"
        + "           GFLOP/s (spec/transformer.md#cost)\n"
        + "  hebbcnn  one Hebbian-CNN training batch (paper architecture, batch 100, 28x28,\n"
        + "           --variant; --variant softhebb: one SoftHebb batch, the paper's net,\n"
        + "           batch 10, 28x28, with its GEMM FLOPs)\n"
        + "Use -Dhebb4j.simd=false (before the command) for the scalar kernels. The JMH suite\n"
        + "(bench/jmh.sh) gives the rigorous figures.";
  }

  @Override
  public List<Option> options() {
    return List.of(
        Option.of("size", "N", "matrix size for gemm", "1024"),
        Option.of("shape", "MxNxK", "gemm shape instead of --size", null),
        Option.of("rule", "R", "sre: " + String.join(", ", Named.ids(Rule.class)), "sgd"),
        Option.of("variant", "V", "hebbcnn: plain, triangle+pruning or softhebb",
            "triangle+pruning"),
        Option.of("threads", "T", "worker threads", "all cores"),
        Option.of("seconds", "S", "measuring time after a warm-up of the same length", "3"));
  }

  @Override
  public int run(Args args, PrintStream out, PrintStream err) {
    if (args.positional().size() != 1) {
      throw new UsageException("expected one workload: gemm, sre, transformer or hebbcnn");
    }
    String what = args.positional().get(0);
    int threads = args.integer("threads", Workers.defaultThreads(), 1, 256);
    double seconds = args.number("seconds", 3, 0.1, 3600);
    switch (what) {
      case "gemm": {
        int[] shape = shape(args);
        try (Workers workers = new Workers(threads)) {
          return gemm(shape, ThreadedKernels.of(KernelProvider.get(), workers), threads, seconds,
              out);
        }
      }
      case "sre": {
        Rule rule = args.named("rule", Rule.class, Rule.SGD);
        try (Workers workers = new Workers(threads)) {
          return sre(rule, ThreadedKernels.of(KernelProvider.get(), workers), threads, seconds,
              out);
        }
      }
      case "transformer": {
        Rule rule = args.named("rule", Rule.class, Rule.SGD);
        if (rule.dfa || rule.randomTargets) {
          throw new UsageException("--rule: the transformer trains with sgd, adam or adamw, not "
              + rule.id());
        }
        try (Workers workers = new Workers(threads)) {
          return transformer(rule, ThreadedKernels.of(KernelProvider.get(), workers), threads,
              seconds, out);
        }
      }
      case "hebbcnn": {
        String variant = args.choice("variant", "triangle+pruning", "plain", "triangle+pruning",
            "softhebb");
        try (Workers workers = new Workers(threads)) {
          return variant.equals("softhebb") ? softhebb(workers, seconds, out)
              : hebbcnn(variant, workers, seconds, out);
        }
      }
      default:
        throw new UsageException("unknown workload '" + what + "' (expected gemm, sre, "
            + "transformer or hebbcnn)");
    }
  }

  /** The SRE step of spec/emergence.md#sre ({@link SreStep}). */
  private static int sre(Rule rule, Kernels k, int threads, double seconds, PrintStream out) {
    SreStep step = SreStep.setup(k, rule, false);
    double[] t = time(step::run, seconds);
    out.printf("sre step (32-128-32 tanh, batch 256, %s)  kernels %s  threads %d%n",
        rule.id(), k.name(), threads);
    out.printf("  %.4f ms/step median, %.4f best  (%.0f steps/s, %d timed steps)%n",
        t[0] * 1e3, t[1] * 1e3, 1 / t[0], (int) t[2]);
    return 0;
  }

  /** The transformer SRE step of spec/transformer.md#sre ({@link TransformerStep}). */
  private static int transformer(Rule rule, Kernels k, int threads, double seconds,
      PrintStream out) {
    TransformerStep step = TransformerStep.setup(k, rule);
    double[] t = time(step::run, seconds);
    double flops = step.flops();
    out.printf("transformer step (4 tokens, 4 heads, 2 pre-LN blocks, FFN 128, batch 256, %s, "
        + "%.1f MFLOP)  kernels %s%s  threads %d%n", rule.id(), flops / 1e6, k.name(),
        k.vectorBitSize() > 0 ? " (" + k.vectorBitSize() + "-bit)" : "", threads);
    out.printf("  %.4f ms/step median, %.4f best  (%.1f GFLOP/s median, %.1f best, %d timed "
        + "steps)%n", t[0] * 1e3, t[1] * 1e3, flops / t[0] / 1e9, flops / t[1] / 1e9, (int) t[2]);
    long bytes = Long.MAX_VALUE;
    for (int w = 0; w < 5 && bytes != 0; w++) { // a one-off JIT event under load shows in one
      bytes = Math.min(bytes, allocatedBytes(step::run, 100));
    }
    if (bytes >= 0) {
      out.printf("  %d bytes allocated by the calling thread per 100 steps (fewest of up to 5 "
          + "windows)%n", bytes);
    }
    return 0;
  }

  /**
   * Bytes the calling thread allocates in {@code calls} calls (ThreadMXBean), or -1 when this JVM
   * cannot count them.
   */
  private static long allocatedBytes(Runnable call, int calls) {
    if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean)) {
      return -1;
    }
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    if (!mx.isThreadAllocatedMemorySupported() || !mx.isThreadAllocatedMemoryEnabled()) {
      return -1;
    }
    long tid = Thread.currentThread().getId();
    long first = mx.getThreadAllocatedBytes(tid);
    long overhead = mx.getThreadAllocatedBytes(tid) - first;
    long before = mx.getThreadAllocatedBytes(tid);
    for (int i = 0; i < calls; i++) {
      call.run();
    }
    return mx.getThreadAllocatedBytes(tid) - before - overhead;
  }

  /** One training batch of the paper's network (spec/hebbcnn.md), batch 100, 28x28 inputs. */
  private static int hebbcnn(String variant, Workers workers, double seconds, PrintStream out) {
    HebbCnnConfig cfg = HebbCnnConfig.builder(1, 28, 28)
        .paper(HebbCnnConfig.Variant.parse(variant)).pad(0).burnIn(0).build();
    Kernels k = KernelProvider.get();
    HebbCnn net = new HebbCnn(cfg, k, workers, new Rng(1).derive("bench/hebbcnn"));
    float[] images = new float[cfg.batch() * 28 * 28];
    Rng r = new Rng(2).derive("bench/images");
    for (int i = 0; i < images.length; i++) {
      images[i] = r.uniformFloat();
    }
    double[] t = time(() -> net.train(images, 0, cfg.batch()), seconds);
    out.printf("hebbcnn batch (paper net, batch %d, 28x28, %s)  kernels %s  threads %d%n",
        cfg.batch(), variant, k.name(), workers.threads());
    out.printf("  %.2f ms/batch median, %.2f best  (%.0f images/s, %d timed batches)%n",
        t[0] * 1e3, t[1] * 1e3, cfg.batch() / t[0], (int) t[2]);
    return 0;
  }

  /** One SoftHebb training batch (spec/softhebb.md#network), the paper's net on 28x28. */
  private static int softhebb(Workers workers, double seconds, PrintStream out) {
    SoftHebbConfig cfg = SoftHebbConfig.fashionMnist();
    Kernels k = KernelProvider.get();
    SoftHebbNet net = new SoftHebbNet(cfg, ThreadedKernels.of(k, workers), workers,
        new Rng(1).derive("bench/softhebb"));
    float[] images = new float[cfg.batch() * 28 * 28];
    Rng r = new Rng(2).derive("bench/images");
    for (int i = 0; i < images.length; i++) {
      images[i] = r.uniformFloat();
    }
    double[] t = time(() -> net.train(images, 0, cfg.batch()), seconds);
    double flops = net.gemmFlops(cfg.batch());
    out.printf("softhebb batch (paper net, batch %d, 1x28x28)  kernels %s  threads %d%n",
        cfg.batch(), k.name(), workers.threads());
    out.printf("  %.2f ms/batch median, %.2f best  (%.1f GFLOP per batch in its GEMMs: %.1f"
        + " GFLOP/s median; %d timed batches)%n", t[0] * 1e3, t[1] * 1e3, flops / 1e9,
        flops / t[0] / 1e9, (int) t[2]);
    return 0;
  }

  static int[] shape(Args args) {
    if (args.has("shape")) {
      String[] p = args.string("shape", "").split("x", -1);
      if (p.length != 3) {
        throw new UsageException("--shape: expected MxNxK, e.g. 256x32x128");
      }
      int[] s = new int[3];
      for (int i = 0; i < 3; i++) {
        s[i] = (int) Args.parseNumber("--shape", p[i], 1, 1 << 15);
        if (s[i] != Double.parseDouble(p[i])) {
          throw new UsageException("--shape: expected whole numbers, got " + p[i]);
        }
      }
      return s;
    }
    int n = args.integer("size", 1024, 1, 1 << 14);
    return new int[] {n, n, n};
  }

  private static int gemm(int[] s, Kernels k, int threads, double seconds, PrintStream out) {
    int m = s[0], n = s[1], kk = s[2];
    Rng r = new Rng(1).derive("bench/gemm");
    float[] a = new float[m * kk], b = new float[kk * n], c = new float[m * n];
    r.fillGaussian(a, 0, a.length, 1f);
    r.fillGaussian(b, 0, b.length, 1f);
    Runnable call = () -> k.gemmNN(m, n, kk, 1f, a, b, 0f, c);
    double[] perCall = time(call, seconds);
    double flops = 2.0 * m * n * kk;
    out.printf("gemm %dx%dx%d  kernels %s%s  threads %d%n", m, n, kk, k.name(),
        k.vectorBitSize() > 0 ? " (" + k.vectorBitSize() + "-bit)" : "", threads);
    out.printf("  %.1f GFLOP/s median, %.1f best  (%d timed calls, %.3f ms median)%n",
        flops / perCall[0] / 1e9, flops / perCall[1] / 1e9, (int) perCall[2], perCall[0] * 1e3);
    return 0;
  }

  /** Warm-up for {@code seconds}, then times calls for {@code seconds}: {median, best, count}. */
  static double[] time(Runnable call, double seconds) {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < end) {
      call.run();
    }
    double[] samples = new double[1 << 16];
    int count = 0;
    end = System.nanoTime() + (long) (seconds * 1e9);
    while ((System.nanoTime() < end || count < 3) && count < samples.length) {
      long t0 = System.nanoTime();
      call.run();
      samples[count++] = (System.nanoTime() - t0) * 1e-9;
    }
    double[] sorted = Arrays.copyOf(samples, count);
    Arrays.sort(sorted);
    return new double[] {sorted[count / 2], sorted[0], count};
  }
}
