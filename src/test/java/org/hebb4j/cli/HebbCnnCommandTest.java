package org.hebb4j.cli;

import static org.hebb4j.experiment.hebbcnn.HebbCnnExperimentTest.synthetic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hebb4j.data.Dataset;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hebb4j hebbcnn} on IDX files: outputs, thread independence, error handling. */
class HebbCnnCommandTest {

  @TempDir
  Path dir;

  record Run(int status, String out, String err) {}

  static Run cli(String... argv) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    int s = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(s, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static byte[] idx(int[] dims, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
    b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    b.put(payload);
    return b.array();
  }

  void writeIdxSet(Path d, Dataset train, Dataset test) throws IOException {
    Files.createDirectories(d);
    for (Dataset ds : new Dataset[] {train, test}) {
      String pre = ds == train ? "train" : "t10k";
      byte[] px = new byte[ds.x().length];
      for (int i = 0; i < px.length; i++) {
        px[i] = (byte) Math.round(ds.x()[i] * 255);
      }
      byte[] lb = new byte[ds.n()];
      for (int i = 0; i < lb.length; i++) {
        lb[i] = (byte) ds.labels()[i];
      }
      Files.write(d.resolve(pre + "-images-idx3-ubyte"), idx(new int[] {ds.n(), ds.h(), ds.w()},
          px));
      Files.write(d.resolve(pre + "-labels-idx1-ubyte"), idx(new int[] {ds.n()}, lb));
    }
  }

  @Test
  void cliRunsOnIdxFilesAndIsThreadIndependent() throws IOException {
    Rng r = new Rng(5);
    Path data = dir.resolve("data");
    writeIdxSet(data, synthetic("a", 120, 28, r), synthetic("b", 60, 28, r));
    String[] common = {"hebbcnn", "--data", data.toString(), "--variant", "triangle+pruning",
        "--epochs", "1", "--channels", "6,8,10", "--lr", "0.01,0.01,0.01", "--keep", "0.2",
        "--burn-in", "2", "--batch", "20"};
    String[] csv = new String[2];
    for (int t = 1; t <= 2; t++) {
      Path out = dir.resolve("out" + t);
      String[] argv = java.util.Arrays.copyOf(common, common.length + 4);
      argv[common.length] = "--out";
      argv[common.length + 1] = out.toString();
      argv[common.length + 2] = "--threads";
      argv[common.length + 3] = String.valueOf(t);
      Run run = cli(argv);
      assertEquals(0, run.status(), run.err());
      assertTrue(run.out().contains("triangle+pruning") && run.out().contains("no 'final' row"),
          run.out());
      csv[t - 1] = Files.readString(out.resolve("decoding.csv"));
    }
    assertEquals(csv[0], csv[1], "results must not depend on --threads");
  }

  @Test
  void badFilesAndImpossibleOptionsGiveOneLineAndStatusTwo() throws IOException {
    Path data = dir.resolve("trunc");
    Files.createDirectories(data);
    Rng r = new Rng(5);
    writeIdxSet(data, synthetic("a", 20, 28, r), synthetic("b", 10, 28, r));
    byte[] full = Files.readAllBytes(data.resolve("train-images-idx3-ubyte"));
    Files.write(data.resolve("train-images-idx3-ubyte"),
        java.util.Arrays.copyOf(full, full.length - 100)); // truncated
    Path lying = dir.resolve("lying");
    writeIdxSet(lying, synthetic("a", 20, 28, r), synthetic("b", 10, 28, r));
    byte[] lb = Files.readAllBytes(lying.resolve("t10k-labels-idx1-ubyte"));
    lb[7] = 50; // header claims 50 labels
    Files.write(lying.resolve("t10k-labels-idx1-ubyte"), lb);
    Path good = dir.resolve("good");
    writeIdxSet(good, synthetic("a", 20, 28, r), synthetic("b", 10, 28, r));
    String[][] cases = {
        {"hebbcnn", "--data", data.toString()},
        {"hebbcnn", "--data", lying.toString()},
        {"hebbcnn", "--data", dir.resolve("nowhere").toString()},
        {"hebbcnn", "--k", "500"},
        {"hebbcnn", "--k", "0"},
        {"hebbcnn", "--keep", "0"},
        {"hebbcnn", "--keep", "1.5"},
        {"hebbcnn", "--keep", "1,0.5"},
        {"hebbcnn", "--lr", "-1e-4,1e-4,1e-3"},
        {"hebbcnn", "--batch", "0"},
        {"hebbcnn", "--channels", "10,10"},
        {"hebbcnn", "--variant", "fancy"},
        {"hebbcnn", "--epochs", "-1"},
        {"hebbcnn", "--data", good.toString(), "--kernels", "5,3,30"},
        {"hebbcnn", "--data", good.toString(), "--k", "1,1,400", "--channels", "4,4,4"},
    };
    for (String[] argv : cases) {
      Run run = cli(argv);
      String line = String.join(" ", argv);
      assertEquals(2, run.status(), line + "\n" + run.err());
      assertEquals(1, run.err().strip().lines().count(), line + "\n" + run.err());
      assertTrue(run.err().startsWith("hebb4j hebbcnn: "), run.err());
      assertTrue(!run.err().contains("Exception") && !run.err().contains("\tat "), run.err());
    }
    assertTrue(cli(cases[2]).err().contains("apt-get install"), "missing data says how to install");
  }
}
