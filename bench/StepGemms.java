import java.util.List;
import java.util.Random;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;

/**
 * The GEMMs of one transformer SRE training step (`./hebb4j bench transformer`: 1024 token rows,
 * d 32, FFN 128, 2 blocks), each with its transposes and beta as Dense, Attention and Transformer
 * call it, timed alone on one thread: the best time per call over SECONDS (default 0.3) of
 * 10-call rounds, after one untimed pass over all shapes; GFLOP/s per shape and for the step's
 * GEMMs (count = calls per step; the two "b0" rows are references, not in the step). Run:
 *
 *   java --add-modules jdk.incubator.vector -cp target/hebb4j.jar bench/StepGemms.java [SECONDS]
 *
 * (-Dhebb4j.simd=false for the scalar kernels). See BENCHMARKS.md.
 */
public class StepGemms {
  record Shape(String name, boolean tA, boolean tB, int m, int n, int k, float beta, int count) {}
  public static void main(String[] args) {
    Kernels kk = KernelProvider.get();
    double secs = args.length > 0 ? Double.parseDouble(args[0]) : 0.3;
    List<Shape> shapes = List.of(
      new Shape("fwd qkvo NT", false, true, 1024, 32, 32, 1f, 8),
      new Shape("fwd W1 NT", false, true, 1024, 128, 32, 1f, 2),
      new Shape("fwd W2 NT", false, true, 1024, 32, 128, 1f, 2),
      new Shape("fwd emb NT", false, true, 1024, 32, 8, 1f, 1),
      new Shape("fwd out NT", false, true, 256, 32, 32, 1f, 1),
      new Shape("bin qkvo NN", false, false, 1024, 32, 32, 1f, 8),
      new Shape("bin W1 NN", false, false, 1024, 32, 128, 0f, 2),
      new Shape("bin W2 NN", false, false, 1024, 128, 32, 0f, 2),
      new Shape("bin out NN", false, false, 256, 32, 32, 0f, 1),
      new Shape("qkvo NN b0", false, false, 1024, 32, 32, 0f, 0),
      new Shape("qkvo NT b0", false, true, 1024, 32, 32, 0f, 0),
      new Shape("dW qkvo TN", true, false, 32, 32, 1024, 0f, 8),
      new Shape("dW W1 TN", true, false, 128, 32, 1024, 0f, 2),
      new Shape("dW W2 TN", true, false, 32, 128, 1024, 0f, 2),
      new Shape("dW emb TN", true, false, 32, 8, 1024, 0f, 1),
      new Shape("dW out TN", true, false, 32, 32, 256, 0f, 1));
    Random r = new Random(1);
    System.out.println("kernels " + kk.name());
    for (int pass = 0; pass < 2; pass++) {
    double total = 0, flops = 0;
    for (Shape s : shapes) {
      int m = s.m, n = s.n, k = s.k;
      float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
      for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() - 0.5f;
      for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() - 0.5f;
      int lda = s.tA ? m : k, ldb = s.tB ? k : n;
      double best = Double.MAX_VALUE;
      long end = System.nanoTime() + (long) (secs * 1e9);
      int reps = 0;
      while (System.nanoTime() < end || reps < 20) {
        long t0 = System.nanoTime();
        for (int i = 0; i < 10; i++) {
          kk.gemm(s.tA, s.tB, m, n, k, 1f, a, 0, lda, b, 0, ldb, s.beta, c, 0, n);
        }
        best = Math.min(best, (System.nanoTime() - t0) / 10.0);
        reps++;
      }
      double f = 2.0 * m * n * k;
      total += best * s.count;
      flops += f * s.count;
      if (pass == 1) System.out.printf("%-13s %4dx%4dx%4d x%d  %7.2f us  %6.1f GFLOP/s%n", s.name, m, n, k, s.count,
          best / 1e3, f / best);
    }
    if (pass == 1) System.out.printf("step GEMMs: %.1f MFLOP in %.3f ms = %.1f GFLOP/s%n", flops / 1e6, total / 1e6, flops / total);
    }
  }
}
