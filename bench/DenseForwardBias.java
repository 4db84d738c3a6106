import java.util.Arrays;
import java.util.Random;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;

/**
 * A dense layer's forward GEMM with a bias, at the shapes of the transformer SRE training step
 * (`./hebb4j bench transformer`: 1024 token rows; q/k/v/o 32 -> 32, W1 32 -> 128, W2 128 -> 32,
 * the embedding 8 -> 32, the readout on 256 rows): main's Dense.forward (C = bias on every row,
 * then gemmNT with beta 1) against Kernels.gemmNTBias (the bias added at the kernel's store), in
 * one JVM, alternating call by call; best time per call over SECONDS (default 1) after an untimed pass, and whether the
 * bits agree. Run:
 *
 *   java --add-modules jdk.incubator.vector -cp target/hebb4j.jar bench/DenseForwardBias.java [SECONDS]
 *
 * See BENCHMARKS.md.
 */
public class DenseForwardBias {
  public static void main(String[] args) {
    Kernels kk = KernelProvider.get();
    double secs = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
    Random r = new Random(1);
    int[][] shapes = {{1024, 32, 32, 8}, {1024, 128, 32, 2}, {1024, 32, 128, 2}, {1024, 32, 8, 1},
        {256, 32, 32, 1}};
    System.out.println("kernels " + kk.name());
    for (int pass = 0; pass < 2; pass++) { // the first pass warms up, untimed
    double before = 0, after = 0;
    for (int[] s : shapes) {
      int m = s[0], n = s[1], k = s[2];
      float[] a = new float[m * k], w = new float[n * k], b = new float[n];
      float[] c = new float[m * n], c2 = new float[m * n];
      for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() - 0.5f;
      for (int i = 0; i < w.length; i++) w[i] = r.nextFloat() - 0.5f;
      for (int i = 0; i < n; i++) b[i] = r.nextFloat() - 0.5f;
      double bp = Double.MAX_VALUE, bf = Double.MAX_VALUE;
      long end = System.nanoTime() + (long) (secs * 1e9);
      for (int rep = 0; rep < 200 || System.nanoTime() < end; rep++) {
        long t0 = System.nanoTime();
        for (int q = 0; q < m; q++) System.arraycopy(b, 0, c, q * n, n);
        kk.gemmNT(m, n, k, 1f, a, 0, w, 0, 1f, c, 0);
        long t1 = System.nanoTime();
        kk.gemmNTBias(m, n, k, a, 0, w, 0, b, 0, c2, 0);
        long t2 = System.nanoTime();
        bp = Math.min(bp, t1 - t0);
        bf = Math.min(bf, t2 - t1);
      }
      before += bp * s[3];
      after += bf * s[3];
      if (pass == 1) System.out.printf("%4dx%4dx%4d x%d  bias then gemmNT %7.2f us  gemmNTBias %7.2f us  same bits %b%n",
          m, n, k, s[3], bp / 1e3, bf / 1e3, Arrays.equals(c, c2));
    }
    if (pass == 1) System.out.printf("per step: %.1f us -> %.1f us%n", before / 1e3, after / 1e3);
    }
  }
}
