package org.hebb4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hebb4j.io.SafeTensors;
import org.hebb4j.nn.Transformer;
import org.hebb4j.nn.TransformerConfig;
import org.hebb4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hebb4j emergence --model transformer} end to end on tiny settings, and its errors. */
class TransformerEmergenceTest {

  static final List<String> MAPS = List.of("E", "b1.Wq", "b1.Wk", "b1.Wv", "b1.Wo", "b1.W1",
      "b1.W2", "b2.Wq", "b2.Wk", "b2.Wv", "b2.Wo", "b2.W1", "b2.W2", "R");

  @TempDir
  Path tmp;

  @Test
  void tinyRunWritesEveryMap() throws IOException {
    Path out = tmp.resolve("tr");
    MainTest.Run r = MainTest.run("emergence", "--model", "transformer", "--steps", "12",
        "--seeds", "2", "--gammas", "0,5e-3", "--train", "100", "--val", "40", "--batch", "16",
        "--ffn", "16", "--threads", "2", "--save", "--out", out.toString());
    assertEquals(0, r.status(), r.err());
    for (String m : MAPS) {
      assertTrue(r.out().contains("\n" + m + " "), m + " missing from the table:\n" + r.out());
    }
    assertTrue(r.out().contains("protocol fullbatch") && r.out().contains("protocol timeavg")
        && r.out().contains("protocol persample"), r.out());
    List<String> csv = Files.readAllLines(out.resolve("alignment.csv"));
    assertEquals("model,activation,rule,gamma,sigma,layer,protocol,seeds,mean,std", csv.get(0));
    // 3 rules x 2 gammas x 14 maps x 4 protocols
    assertEquals(1 + 3 * 2 * 14 * 4, csv.size());
    Set<String> seen = new HashSet<>();
    for (String line : csv.subList(1, csv.size())) {
      String[] f = line.split(",");
      assertEquals("transformer", f[0], line);
      assertTrue(List.of("sgd", "adam", "adamw").contains(f[2]), line);
      assertTrue(Double.isFinite(Double.parseDouble(f[8])), line);
      seen.add(f[5]);
    }
    assertEquals(new HashSet<>(MAPS), seen);
    List<String> runs = Files.readAllLines(out.resolve("runs.csv"));
    assertEquals(1 + 3 * 2 * 2 * 14, runs.size());
    for (String line : runs.subList(1, runs.size())) {
      assertTrue(Double.isFinite(Double.parseDouble(line.split(",")[7])), line); // persample
    }
    assertFalse(Files.exists(out.resolve("timeseries.csv")));
    for (String p : new String[] {"minibatch", "fullbatch", "timeavg", "persample"}) {
      assertTrue(Files.size(out.resolve("alignment-vs-gamma-" + p + ".svg")) > 1000, p);
    }
    // the saved network loads back into a transformer of the same architecture
    Path model = out.resolve("models/adamw-gamma0.005-seed2.safetensors");
    Transformer net = new Transformer(TransformerConfig.builder().ffn(16).build());
    Map<String, Tensor> state = SafeTensors.read(model).tensors();
    net.loadStateDict(state);
    assertEquals(net.parameters().keySet(), state.keySet());
    assertEquals(3 * 2 * 2, Files.list(out.resolve("models")).count());
  }

  @Test
  void sameBitsForAnyThreadCount() {
    String[] argv = {"emergence", "--model", "transformer", "--rules", "sgd,adamw", "--steps",
        "6", "--seeds", "1", "--gammas", "5e-3", "--train", "64", "--val", "16", "--batch", "16",
        "--blocks", "1", "--norm", "none", "--loss", "mse_mean", "--threads", "1", "--out",
        tmp.resolve("a").toString()};
    assertEquals(0, MainTest.run(argv).status());
    argv[argv.length - 3] = "2";
    argv[argv.length - 1] = tmp.resolve("b").toString();
    assertEquals(0, MainTest.run(argv).status());
    try {
      assertEquals(Files.readString(tmp.resolve("a/runs.csv")),
          Files.readString(tmp.resolve("b/runs.csv")));
      assertTrue(Files.readString(tmp.resolve("a/runs.csv")).contains("b1.W2"));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void mlpTakesTheLossToo() throws IOException {
    Path[] out = {tmp.resolve("mse"), tmp.resolve("mean")};
    String[] losses = {"mse", "mse_mean"};
    double[] val = new double[2];
    for (int i = 0; i < 2; i++) {
      MainTest.Run r = MainTest.run("emergence", "--rules", "sgd", "--gammas", "0", "--seeds",
          "1", "--steps", "5", "--train", "64", "--val", "16", "--batch", "16", "--loss",
          losses[i], "--out", out[i].toString());
      assertEquals(0, r.status(), r.err());
      assertTrue(Files.readString(out[i].resolve("config.txt")).contains("loss " + losses[i]));
      List<String> runs = Files.readAllLines(out[i].resolve("runs.csv"));
      int col = List.of(runs.get(0).split(",")).indexOf("val_loss");
      val[i] = Double.parseDouble(runs.get(1).split(",")[col]);
    }
    // mse_mean is (2/32) of mse for the same outputs; the training differs, so only roughly
    assertTrue(val[1] < 0.2 * val[0], val[0] + " " + val[1]);
  }

  @Test
  void badCombinationsGiveOneLineAndStatusTwo() {
    String out = tmp.resolve("x").toString();
    String[][] bad = {
        {"--model", "transformer", "--tokens", "5"},
        {"--model", "transformer", "--heads", "3"},
        {"--model", "transformer", "--rules", "sgd,dfa"},
        {"--model", "transformer", "--rules", "randomnn"},
        {"--model", "transformer", "--noise", "param", "--sigma", "0.1"},
        {"--model", "transformer", "--norm", "post"},
        {"--model", "transformer", "--neurons"},
        {"--model", "transformer", "--every", "10"},
        {"--model", "transformer", "--batch", "300", "--train", "200"},
        {"--model", "rnn"},
        {"--tokens", "8"},
        {"--loss", "softmax_ce"}};
    String[] says = {"tokens 5 does not divide 32", "heads 3 does not divide 32",
        "not dfa", "not randomnn", "without noise", "--norm", "no time series",
        "no time series", "larger than the training set", "--model", "--model transformer",
        "--loss"};
    for (int i = 0; i < bad.length; i++) {
      String[] argv = new String[bad[i].length + 3];
      argv[0] = "emergence";
      System.arraycopy(bad[i], 0, argv, 1, bad[i].length);
      argv[argv.length - 2] = "--out";
      argv[argv.length - 1] = out;
      MainTest.Run r = MainTest.run(argv);
      ExperimentCommandsTest.oneLine(r, 2, says[i]);
      assertFalse(Files.exists(tmp.resolve("x")), String.join(" ", argv));
    }
  }
}
