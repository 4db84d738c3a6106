package org.hebb4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hebb4j.kernel.OneResultCases.Case;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;

/**
 * spec/kernels.md#one-result: the scalar kernels and the vector kernels give the same bits on
 * every case of {@link OneResultCases} (kernels on random and edge inputs, a short emergence MLP
 * run and a short Hebbian-CNN run), in this JVM and in child JVMs with 128-, 256- and 512-bit
 * vectors ({@code -Dhebb4j.vectorBits}; 512 is emulated on a machine without AVX-512: slow, same
 * bits). NaN compares equal to NaN whatever its payload.
 */
class OneResultTest {

  private static final String VECTOR = "jdk.incubator.vector";

  @Test
  void vectorKernelsGiveTheScalarBitsInThisJvm() {
    assumeTrue(KernelProvider.vector().isPresent(), "no Vector API in this JVM");
    List<Case> ref = OneResultCases.run(KernelProvider.scalar());
    List<Case> vec = OneResultCases.run(KernelProvider.vector().get());
    assertEquals(ref.size(), vec.size());
    for (int i = 0; i < ref.size(); i++) {
      assertSameBits(ref.get(i), vec.get(i));
    }
  }

  @Test
  void everyVectorWidthGivesTheScalarBits() throws Exception {
    assumeTrue(ModuleLayer.boot().findModule(VECTOR).isPresent(), "this JVM lacks " + VECTOR);
    List<String> expected = new ArrayList<>();
    for (Case c : OneResultCases.run(KernelProvider.scalar())) {
      expected.add(OneResultCases.sha256(c.values()) + " " + c.name());
    }
    for (int bits : new int[] {128, 256, 512}) {
      List<String> lines = child(bits);
      assertEquals("kernels vector " + bits, lines.get(0), bits + "-bit child JVM");
      List<String> got = lines.subList(1, lines.size());
      for (int i = 0; i < expected.size(); i++) {
        String e = expected.get(i), g = i < got.size() ? got.get(i) : "(missing)";
        if (!e.equals(g)) {
          fail(bits + "-bit vectors differ from the scalar kernels first at '"
              + e.substring(65) + "': " + g);
        }
      }
      assertEquals(expected.size(), got.size(), bits + "-bit child JVM: cases");
    }
  }

  /**
   * The scalar GEMM is the order of spec/kernels.md#one-result written out: per element, the fma
   * chain over k in blocks of 512 from 0, then fma(C, beta', alpha s).
   */
  @Test
  void gemmIsTheFmaChainOverKInBlocksOf512() {
    Rng r = new Rng(3);
    Kernels k = KernelProvider.scalar();
    for (int[] s : new int[][] {{3, 5, 7}, {2, 9, 512}, {4, 3, 1300}}) {
      int m = s[0], n = s[1], kk = s[2];
      for (boolean tb : new boolean[] {false, true}) {
        float[] a = OneResultCases.random(r, m * kk, 1f), b = OneResultCases.random(r, kk * n, 1f);
        float[] c = OneResultCases.random(r, m * n, 1f), c0 = c.clone();
        float alpha = 0.7f, beta = -1.5f;
        k.gemm(false, tb, m, n, kk, alpha, a, 0, kk, b, 0, tb ? kk : n, beta, c, 0, n);
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            float cij = c0[i * n + j];
            for (int p0 = 0; p0 < kk; p0 += 512) {
              float acc = 0f;
              for (int p = p0; p < Math.min(kk, p0 + 512); p++) {
                acc = Math.fma(a[i * kk + p], tb ? b[j * kk + p] : b[p * n + j], acc);
              }
              cij = Math.fma(cij, p0 == 0 ? beta : 1f, alpha * acc);
            }
            assertEquals(Float.floatToIntBits(cij), Float.floatToIntBits(c[i * n + j]),
                "gemm " + m + "x" + n + "x" + kk + " at " + i + "," + j);
          }
        }
      }
    }
  }

  /** dot is 32 partial sums (term i to i mod 32) combined by the tree 16, 8, 4, 2, 1. */
  @Test
  void dotIsThirtyTwoPartialSumsInAFixedTree() {
    Rng r = new Rng(4);
    for (int n : new int[] {0, 5, 32, 77, 1000}) {
      float[] x = OneResultCases.random(r, n, 1f), y = OneResultCases.random(r, n, 1f);
      float[] p = new float[32];
      for (int i = 0; i < n; i++) {
        p[i % 32] = Math.fma(x[i], y[i], p[i % 32]);
      }
      for (int h = 16; h >= 1; h /= 2) {
        for (int i = 0; i < h; i++) {
          p[i] += p[i + h];
        }
      }
      assertEquals(Float.floatToIntBits(p[0]),
          Float.floatToIntBits(KernelProvider.scalar().dot(n, x, 0, y, 0)), "dot n=" + n);
    }
  }

  private static void assertSameBits(Case ref, Case vec) {
    assertEquals(ref.name(), vec.name());
    float[] a = ref.values(), b = vec.values();
    assertEquals(a.length, b.length, ref.name());
    for (int i = 0; i < a.length; i++) {
      if (Float.floatToIntBits(a[i]) != Float.floatToIntBits(b[i])) {
        fail(ref.name() + "[" + i + "]: scalar " + a[i] + " (0x"
            + Integer.toHexString(Float.floatToRawIntBits(a[i])) + "), vector " + b[i] + " (0x"
            + Integer.toHexString(Float.floatToRawIntBits(b[i])) + ")");
      }
    }
  }

  /** Runs {@link OneResultCases#main} in a child JVM with vectors of {@code bits} bits. */
  private static List<String> child(int bits) throws IOException, InterruptedException,
      URISyntaxException {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String cp = location(KernelProvider.class) + File.pathSeparator
        + location(OneResultCases.class);
    List<String> cmd = List.of(java, "--add-modules", VECTOR, "-Xmx1g",
        "-D" + KernelProvider.VECTOR_BITS_PROPERTY + "=" + bits, "-cp", cp,
        OneResultCases.class.getName());
    Path err = Files.createTempFile("hebb4j-one-result", ".err");
    try {
      Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        fail(bits + "-bit child JVM did not finish");
      }
      assertEquals(0, p.exitValue(), bits + "-bit child JVM: " + out + Files.readString(err));
      return out.lines().toList();
    } finally {
      Files.deleteIfExists(err);
    }
  }

  private static String location(Class<?> c) throws URISyntaxException {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
