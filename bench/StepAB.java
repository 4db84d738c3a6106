import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The transformer SRE training step (`./hebb4j bench transformer --threads 1`, rule sgd) of two or
 * more hebb4j jars in ONE JVM, each jar in its own class loader, run in alternating bursts of 20
 * steps: SECONDS of warm-up, then 2 SECONDS timed; per jar the calling thread's CPU time per step
 * (min, 5th, 10th, 25th percentile, median). On a shared machine the jars see the same load at
 * the same moments, which separate runs do not; listing one jar twice shows the noise floor.
 * Run (build each jar first, e.g. copy target/hebb4j.jar aside per commit):
 *
 *   java --add-modules jdk.incubator.vector -XX:+UseParallelGC bench/StepAB.java SECONDS A.jar B.jar ...
 *
 * See BENCHMARKS.md.
 */
public class StepAB {
  public static void main(String[] a) throws Exception {
    double secs = Double.parseDouble(a[0]);
    int nj = a.length - 1;
    Object[] steps = new Object[nj];
    Method[] runs = new Method[nj];
    for (int j = 0; j < nj; j++) {
      ClassLoader cl = new URLClassLoader(new URL[] {Path.of(a[j + 1]).toUri().toURL()},
          ClassLoader.getPlatformClassLoader());
      Object k = cl.loadClass("org.hebb4j.kernel.KernelProvider").getMethod("get").invoke(null);
      Class<?> kernels = cl.loadClass("org.hebb4j.kernel.Kernels");
      Class<?> rule = cl.loadClass("org.hebb4j.emergence.Rule");
      Class<?> ts = cl.loadClass("org.hebb4j.experiment.emergence.TransformerStep");
      steps[j] = ts.getMethod("setup", kernels, rule).invoke(null, k, rule.getField("SGD").get(null));
      runs[j] = ts.getMethod("run");
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long end = System.nanoTime() + (long) (secs * 1e9);
    while (System.nanoTime() < end) {
      for (int j = 0; j < nj; j++) {
        for (int i = 0; i < 20; i++) {
          runs[j].invoke(steps[j]);
        }
      }
    }
    double[][] c = new double[nj][1 << 20];
    int[] n = new int[nj];
    end = System.nanoTime() + (long) (2 * secs * 1e9);
    while (System.nanoTime() < end && n[nj - 1] + 20 <= c[0].length) {
      for (int j = 0; j < nj; j++) {
        for (int i = 0; i < 20; i++) {
          long t0 = mx.getCurrentThreadCpuTime();
          runs[j].invoke(steps[j]);
          c[j][n[j]++] = (mx.getCurrentThreadCpuTime() - t0) / 1e6;
        }
      }
    }
    for (int j = 0; j < nj; j++) {
      double[] s = Arrays.copyOf(c[j], n[j]);
      Arrays.sort(s);
      int m = n[j];
      System.out.printf("%-16s ms/step CPU: min %.4f p05 %.4f p10 %.4f p25 %.4f median %.4f (%d steps)%n",
          Path.of(a[j + 1]).getFileName(), s[0], s[m / 20], s[m / 10], s[m / 4], s[m / 2], m);
    }
  }
}
