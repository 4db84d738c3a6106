package org.hebb4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.hebb4j.parallel.Workers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * spec/kernels.md#checks: every check of every kernel entry point, fed a bad size, offset,
 * leading dimension or array on each path (scalar, vector when present, and both threaded), must
 * throw an IllegalArgumentException with exactly the documented message; arrays that hold exactly
 * the last element touched, and zero-size products over null arrays, must be accepted.
 */
class KernelArgumentsTest {

  private static Workers workers;
  private static final List<Kernels> PATHS = new ArrayList<>();

  @BeforeAll
  static void paths() {
    workers = new Workers(2);
    PATHS.add(KernelProvider.scalar());
    KernelProvider.vector().ifPresent(PATHS::add);
    for (Kernels base : List.copyOf(PATHS)) {
      PATHS.add(new ThreadedKernels(base, workers));
    }
  }

  @AfterAll
  static void close() {
    workers.close();
  }

  /** A call that must fail with this message. */
  private record Bad(String message, Consumer<Kernels> call) {}

  private static float[] f(int n) {
    return new float[n];
  }

  private static List<Bad> cases() {
    List<Bad> c = new ArrayList<>();
    // vectors: n, offsets, lengths, null (K1)-(K7)
    c.add(new Bad("dot: n -1 < 0", k -> k.dot(-1, f(4), 0, f(4), 0)));
    c.add(new Bad("dot: xOff -1 < 0", k -> k.dot(2, f(4), -1, f(4), 0)));
    c.add(new Bad("dot: x too short: needs 5, has 4", k -> k.dot(5, f(4), 0, f(8), 0)));
    c.add(new Bad("dot: y too short: needs 5 from offset 3, has 7",
        k -> k.dot(5, f(8), 0, f(7), 3)));
    c.add(new Bad("dot: y is null", k -> k.dot(1, f(1), 0, null, 0)));
    c.add(new Bad("axpy: yOff -2 < 0", k -> k.axpy(1, 1f, f(4), 0, f(4), -2)));
    c.add(new Bad("axpy: y too short: needs 4 from offset 1, has 4",
        k -> k.axpy(4, 1f, f(4), 0, f(4), 1)));
    c.add(new Bad("scale: x too short: needs 3 from offset 2, has 4",
        k -> k.scale(3, 2f, f(4), 2)));
    c.add(new Bad("sum: n -3 < 0", k -> k.sum(-3, f(4), 0)));
    c.add(new Bad("mean: x too short: needs 9, has 8", k -> k.mean(9, f(8), 0)));
    c.add(new Bad("sumSquares: xOff -1 < 0", k -> k.sumSquares(1, f(4), -1)));
    c.add(new Bad("variance: x too short: needs 17 from offset 1, has 17",
        k -> k.variance(17, f(17), 1)));
    // activations (K8), (K9), (K9b)
    c.add(new Bad("activate: act is null", k -> k.activate(null, 1, f(1), 0, f(1), 0)));
    c.add(new Bad("activate: z too short: needs 33 from offset 1, has 33",
        k -> k.activate(Activation.TANH, 33, f(40), 0, f(33), 1)));
    c.add(new Bad("activate: aOff -1 < 0",
        k -> k.activate(Activation.RELU, 3, f(4), -1, f(4), 0)));
    c.add(new Bad("activateBackward: dz too short: needs 20, has 19",
        k -> k.activateBackward(Activation.SIGMOID, 20, f(20), 0, f(19), 0, f(20), 0)));
    c.add(new Bad("activateBackward: da is null",
        k -> k.activateBackward(Activation.RELU, 2, f(2), 0, f(2), 0, null, 0)));
    c.add(new Bad("activateBackwardFromOutput: z too short: needs 9 from offset 2, has 10",
        k -> k.activateBackwardFromOutput(Activation.TANH, 9, f(10), 2, f(9), 0, f(9), 0)));
    c.add(new Bad("activateBackwardFromOutput: act is null",
        k -> k.activateBackwardFromOutput(null, 1, f(1), 0, f(1), 0, f(1), 0)));
    // outer product (K10)
    c.add(new Bad("outerAcc: m -1 < 0", k -> k.outerAcc(-1, 2, 1f, f(2), 0, f(2), 0, f(4), 0, 2)));
    c.add(new Bad("outerAcc: lda 3 < n 4",
        k -> k.outerAcc(2, 4, 1f, f(2), 0, f(4), 0, f(8), 0, 3)));
    c.add(new Bad("outerAcc: a too short: needs 14 from offset 1, has 14",
        k -> k.outerAcc(3, 4, 1f, f(3), 0, f(4), 0, f(14), 1, 5)));
    c.add(new Bad("outerAcc: x too short: needs 3, has 2",
        k -> k.outerAcc(3, 4, 1f, f(2), 0, f(4), 0, f(12), 0, 4)));
    // gemm (K11): sizes, leading dimensions (BLAS: >= the stored columns, >= 1), spans
    c.add(new Bad("gemm: m -1 < 0", k -> gemm(k, false, false, -1, 2, 2, 2, 2, 2, 0)));
    c.add(new Bad("gemm: k -5 < 0", k -> gemm(k, false, false, 2, 2, -5, 1, 2, 2, 0)));
    c.add(new Bad("gemm: lda 12 < k 16", k -> gemm(k, false, false, 4, 4, 16, 12, 4, 4, 0)));
    c.add(new Bad("gemm: lda 3 < m 4", k -> gemm(k, true, false, 4, 4, 16, 3, 4, 4, 0)));
    c.add(new Bad("gemm: ldb 5 < n 6", k -> gemm(k, false, false, 4, 6, 3, 3, 5, 6, 0)));
    c.add(new Bad("gemm: ldb 2 < k 3", k -> gemm(k, false, true, 4, 6, 3, 3, 2, 6, 0)));
    c.add(new Bad("gemm: ldc 5 < n 6", k -> gemm(k, false, false, 4, 6, 3, 3, 6, 5, 0)));
    c.add(new Bad("gemm: lda 0 < 1", k -> gemm(k, false, false, 4, 6, 0, 0, 6, 6, 0)));
    c.add(new Bad("gemm: bOff -1 < 0", k -> k.gemm(false, false, 2, 2, 2, 1f, f(4), 0, 2,
        f(4), -1, 2, 0f, f(4), 0, 2)));
    c.add(new Bad("gemm: c too short: needs 340 from offset 4, has 300",
        k -> k.gemm(false, false, 10, 16, 8, 1f, f(80), 0, 8, f(128), 0, 16, 0f, f(300), 4, 36)));
    c.add(new Bad("gemm: a too short: needs 61 from offset 1, has 61",
        k -> k.gemm(true, false, 7, 5, 4, 1f, f(61), 1, 18, f(20), 0, 5, 0f, f(35), 0, 5)));
    c.add(new Bad("gemm: b too short: needs 23, has 22",
        k -> k.gemm(false, true, 2, 3, 7, 1f, f(14), 0, 7, f(22), 0, 8, 0f, f(6), 0, 3)));
    c.add(new Bad("gemm: a is null",
        k -> k.gemm(false, false, 1, 1, 1, 1f, null, 0, 1, f(1), 0, 1, 0f, f(1), 0, 1)));
    // big enough to be split by the threaded path: checked before any block runs
    c.add(new Bad("gemm: a too short: needs 65536, has 10",
        k -> k.gemm(false, false, 256, 256, 256, 1f, f(10), 0, 256, f(65536), 0, 256, 0f,
            f(65536), 0, 256)));
    // the named contiguous forms
    c.add(new Bad("gemmNN: b too short: needs 12, has 11",
        k -> k.gemmNN(2, 4, 3, 1f, f(6), f(11), 0f, f(8))));
    c.add(new Bad("gemmNT: c too short: needs 8 from offset 1, has 8",
        k -> k.gemmNT(2, 4, 3, 1f, f(6), 0, f(12), 0, 0f, f(8), 1)));
    c.add(new Bad("gemmTN: a too short: needs 6 from offset 2, has 7",
        k -> k.gemmTN(2, 4, 3, 1f, f(7), 2, f(12), 0, 0f, f(8), 0)));
    c.add(new Bad("gemmTN: n -4 < 0", k -> k.gemmTN(2, -4, 3, 1f, f(6), f(12), 0f, f(8))));
    c.add(new Bad("gemmNNBackwardFromOutput: z too short: needs 8 from offset 1, has 8",
        k -> k.gemmNNBackwardFromOutput(Activation.TANH, 2, 4, 3, f(6), 0, f(12), 0, f(8), 1, f(8),
            0)));
    c.add(new Bad("gemmNNBackwardFromOutput: act is null",
        k -> k.gemmNNBackwardFromOutput(null, 2, 4, 3, f(6), 0, f(12), 0, f(8), 0, f(8), 0)));
    c.add(new Bad("gemmNNBackwardFromOutput: b too short: needs 12, has 11",
        k -> k.gemmNNBackwardFromOutput(Activation.RELU, 2, 4, 3, f(6), 0, f(11), 0, f(8), 0,
            f(8), 0)));
    // conv2d (K12)-(K15), (K18)
    Conv2dShape s = new Conv2dShape(2, 3, 5, 5, 4, 3, 3, 1, 1); // x 150, w 108, y 200, col 675
    c.add(new Bad("conv2dForward: x too short: needs 150, has 149",
        k -> k.conv2dForward(s, f(149), f(108), null, f(200), f(675))));
    c.add(new Bad("conv2dForward: b too short: needs 4, has 3",
        k -> k.conv2dForward(s, f(150), f(108), f(3), f(200), f(675))));
    c.add(new Bad("conv2dForward: col too short: needs 675, has 674",
        k -> k.conv2dForward(s, f(150), f(108), null, f(200), f(674))));
    c.add(new Bad("conv2dForward: shape is null",
        k -> k.conv2dForward(null, f(150), f(108), null, f(200), f(675))));
    c.add(new Bad("conv2dBackwardData: dx too short: needs 150, has 100",
        k -> k.conv2dBackwardData(s, f(200), f(108), f(100), f(675))));
    c.add(new Bad("conv2dBackwardWeights: dw too short: needs 108, has 107",
        k -> k.conv2dBackwardWeights(s, f(150), f(200), f(107), f(675))));
    c.add(new Bad("conv2dBackwardBias: dy is null",
        k -> k.conv2dBackwardBias(s, null, f(4))));
    c.add(new Bad("im2col: x too short: needs 75 from offset 76, has 150",
        k -> Conv2d.im2col(s, f(150), 76, f(675))));
    c.add(new Bad("col2imAdd: dxOff -1 < 0", k -> Conv2d.col2imAdd(s, f(675), f(150), -1)));
    // avgpool2d (K16), (K17)
    Pool2dShape p = new Pool2dShape(2, 3, 6, 6, 2, 2); // x 216, y 54
    c.add(new Bad("avgPool2dForward: y too short: needs 54, has 53",
        k -> k.avgPool2dForward(p, f(216), f(53))));
    c.add(new Bad("avgPool2dBackward: dy too short: needs 54, has 0",
        k -> k.avgPool2dBackward(p, f(0), f(216))));
    return c;
  }

  /** gemm on arrays just large enough, with the given leading dimensions and C offset. */
  private static void gemm(Kernels k, boolean ta, boolean tb, int m, int n, int kk, int lda,
      int ldb, int ldc, int cOff) {
    float[] big = f(4096);
    k.gemm(ta, tb, m, n, kk, 1f, big, 0, lda, big, 0, ldb, 0f, f(cOff + 4096), cOff, ldc);
  }

  @Test
  void everyCheckOnEveryPath() {
    List<Bad> cases = cases();
    for (Kernels k : PATHS) {
      for (Bad b : cases) {
        String path = k.getClass().getSimpleName() + "/" + k.name();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> b.call().accept(k), path + ": expected " + b.message());
        assertEquals(b.message(), e.getMessage(), path);
      }
    }
  }

  /** The Workers entry of the vector GEMM checks too (ThreadedKernels checks before it). */
  @Test
  void parallelGemmChecks() {
    for (Kernels k : PATHS) {
      if (k instanceof ParallelGemm) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ((ParallelGemm) k).gemm(workers, false, false, 2, 2, 2, 1f, f(4), 0, 1, f(4), 0,
                2, 0f, f(4), 0, 2));
        assertEquals("gemm: lda 1 < k 2", e.getMessage());
      }
    }
  }

  /** Arrays that end exactly at the last element touched are accepted, for every transpose. */
  @Test
  void exactSpansAreAccepted() {
    int m = 3, n = 5, kk = 4, off = 2;
    for (Kernels k : PATHS) {
      for (int t = 0; t < 4; t++) {
        boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
        int lda = (ta ? m : kk) + 3, ldb = (tb ? kk : n) + 1, ldc = n + 2;
        float[] a = f(off + ((ta ? kk : m) - 1) * lda + (ta ? m : kk));
        float[] b = f(off + ((tb ? n : kk) - 1) * ldb + (tb ? kk : n));
        float[] c = f(off + (m - 1) * ldc + n);
        Executable call = () -> k.gemm(ta, tb, m, n, kk, 1f, a, off, lda, b, off, ldb, 0f, c, off,
            ldc);
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(call);
      }
      k.dot(4, f(6), 2, f(4), 0);
      k.outerAcc(2, 3, 1f, f(2), 0, f(3), 0, f(1 + 4 + 3), 1, 4);
    }
  }

  /** Zero-size products touch nothing: null operands are legal; k = 0 gives C = beta C. */
  @Test
  void zeroSizeProductsTouchNothing() {
    for (Kernels k : PATHS) {
      k.gemm(false, false, 0, 3, 2, 1f, null, 0, 2, null, 0, 3, 0f, null, 0, 3);
      k.gemm(true, true, 2, 0, 2, 1f, null, 0, 2, null, 0, 2, 0f, null, 0, 1);
      float[] c = {1f, 2f, 3f, 4f};
      k.gemm(false, false, 2, 2, 0, 1f, null, 0, 1, null, 0, 2, 0.5f, c, 0, 2);
      assertArrayEquals(new float[] {0.5f, 1f, 1.5f, 2f}, c, k.name());
      k.gemmNN(2, 2, 0, 1f, null, null, 0f, c);
      assertArrayEquals(new float[4], c, k.name());
      k.gemmTN(0, 0, 0, 1f, null, null, 0f, null);
      assertEquals(0f, k.dot(0, null, 0, null, 0), k.name());
      k.axpy(0, 1f, null, 0, null, 0);
    }
  }

  @Test
  void shapesNameTheArgument() {
    String[][] conv = {
      {"conv2d: n 0 < 1", "0 3 5 5 4 3 3 1 1"},
      {"conv2d: kh 0 < 1", "1 3 5 5 4 0 3 1 1"},
      {"conv2d: stride 0 < 1", "1 3 5 5 4 3 3 0 1"},
      {"conv2d: pad -1 < 0", "1 3 5 5 4 3 3 1 -1"},
      {"conv2d: kernel kh 5 x kw 3 is larger than the padded input 4x6 (h 2, w 4, pad 1)",
          "1 3 2 4 4 5 3 1 1"},
      {"conv2d: a tensor of 2400000000 floats does not fit a Java array",
          "100000 3 100 80 2 3 3 1 1"},
    };
    for (String[] t : conv) {
      int[] v = java.util.Arrays.stream(t[1].split(" ")).mapToInt(Integer::parseInt).toArray();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new Conv2dShape(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]));
      assertEquals(t[0], e.getMessage());
    }
    assertEquals("avgpool2d: size 3 > h 2", assertThrows(IllegalArgumentException.class,
        () -> new Pool2dShape(1, 1, 2, 5, 3, 1)).getMessage());
    assertEquals("avgpool2d: size 3 > w 2", assertThrows(IllegalArgumentException.class,
        () -> new Pool2dShape(1, 1, 5, 2, 3, 1)).getMessage());
    assertEquals("avgpool2d: stride 0 < 1", assertThrows(IllegalArgumentException.class,
        () -> new Pool2dShape(1, 1, 5, 5, 3, 0)).getMessage());
    assertEquals("avgpool2d: c -1 < 1", assertThrows(IllegalArgumentException.class,
        () -> new Pool2dShape(1, -1, 5, 5, 3, 1)).getMessage());
    assertEquals("ThreadedKernels: workers is null", assertThrows(IllegalArgumentException.class,
        () -> new ThreadedKernels(KernelProvider.scalar(), null)).getMessage());
  }
}
