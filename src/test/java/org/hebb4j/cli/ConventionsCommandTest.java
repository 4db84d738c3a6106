package org.hebb4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --conventions, --loss lists (Table 1 mode), --depth and the DFA / Random NN readings of
 * {@code emergence}, and --conventions of {@code phase} and {@code classify}
 * (spec/emergence.md#conventions, #table1, #depth, #variants).
 */
class ConventionsCommandTest {

  @TempDir
  Path tmp;

  static void usage(String needle, String... argv) {
    MainTest.Run r = MainTest.run(argv);
    assertEquals(2, r.status(), String.join(" ", argv) + ": " + r.err());
    assertEquals(1, r.err().strip().lines().count(), String.join(" ", argv) + ": " + r.err());
    assertTrue(r.err().contains(needle), r.err());
  }

  @Test
  void badOptionsEndWithOneLineAndStatus2() {
    usage("--conventions", "emergence", "--conventions", "keras");
    usage("--conventions", "emergence", "--conventions", "torch,torch");
    usage("--conventions", "phase", "--conventions", "jax");
    usage("--conventions", "classify", "--conventions", "jax");
    usage("--depth", "emergence", "--depth", "7");
    usage("--depth", "emergence", "--depth", "1");
    usage("--depth", "emergence", "--model", "transformer", "--depth", "3");
    usage("--loss", "emergence", "--loss", "mse,softmax_ce");
    usage("--dfa-variant", "emergence", "--dfa-variant", "all");
    usage("--teacher-init", "emergence", "--teacher-init", "xavier");
    usage("--randomnn-variant", "emergence", "--randomnn-variant", "x");
    usage("--dfa-variant", "emergence", "--model", "transformer", "--dfa-variant",
        "output-feedback");
  }

  @Test
  void listsRunTable1BesideThePaper() throws IOException {
    Path out = tmp.resolve("t1");
    MainTest.Run r = MainTest.run("emergence", "--rules", "sgd,dfa", "--conventions",
        "hebb4j,torch", "--loss", "mse,mse_mean", "--steps", "20", "--seeds", "2", "--train",
        "300", "--val", "50", "--batch", "32", "--depth", "3", "--threads", "2", "--out",
        out.toString());
    assertEquals(0, r.status(), r.err());
    for (String s : new String[] {"conventions hebb4j, loss mse", "conventions torch, loss mse",
        "conventions hebb4j, loss mse_mean", "conventions torch, loss mse_mean"}) {
      assertTrue(r.out().contains("Table 1, mlp, " + s), s + " missing:\n" + r.out());
    }
    // the paper's rows, every layer of the 3-layer student, the persample protocol
    assertTrue(r.out().contains("-0.10") && r.out().contains("0.45"), r.out());
    assertTrue(r.out().contains("persample"), r.out());
    String txt = Files.readString(out.resolve("table1.txt"));
    assertTrue(txt.contains("Table 1, mlp, conventions torch, loss mse_mean"), txt);
    List<String> csv = Files.readAllLines(out.resolve("table1.csv"));
    assertEquals("model,conventions,loss,rule,gamma,layer,protocol,seeds,mean,std,paper_layer2",
        csv.get(0));
    // 4 settings x 2 rules x 4 gammas x 3 layers x 4 protocols
    assertEquals(1 + 4 * 2 * 4 * 3 * 4, csv.size());
    String row = csv.stream().filter(l -> l.startsWith("mlp,torch,mse,sgd,0.005,3,timeavg,2,"))
        .findFirst().orElseThrow();
    assertTrue(row.endsWith(",0.59"), row); // the paper's SGD value at gamma = 5e-3
    assertTrue(Files.exists(out.resolve("torch-mse_mean").resolve("alignment.csv")));
    String al = Files.readString(out.resolve("hebb4j-mse").resolve("alignment.csv"));
    assertTrue(al.contains(",3,persample,"), al);

    // --force replaces the whole Table 1 output, setting folders included, with one setting
    MainTest.Run again = MainTest.run("emergence", "--rules", "sgd", "--steps", "20", "--seeds",
        "1", "--train", "300", "--val", "50", "--batch", "32", "--threads", "2", "--out",
        out.toString(), "--force");
    assertEquals(0, again.status(), again.err());
    assertFalse(Files.exists(out.resolve("torch-mse_mean")), "old setting folder left behind");
    assertFalse(Files.exists(out.resolve("table1.txt")), "old Table 1 left behind");
    assertTrue(Files.exists(out.resolve("alignment.csv")));
  }

  @Test
  void forceKeepsSettingFoldersHoldingForeignFiles() throws IOException {
    Path out = Files.createDirectories(tmp.resolve("t1").resolve("torch-mse"));
    Files.writeString(out.resolve("alignment.csv"), "old");
    Path notes = Files.writeString(out.resolve("notes.md"), "mine");
    MainTest.Run r = MainTest.run("emergence", "--rules", "sgd", "--steps", "20", "--seeds", "1",
        "--train", "300", "--val", "50", "--batch", "32", "--out", out.getParent().toString(),
        "--force");
    assertEquals(2, r.status(), r.err());
    assertEquals("hebb4j emergence: --out: " + notes + " is not a file a run writes",
        r.err().strip().lines().reduce((x, y) -> y).orElse("").split(" \\(--force")[0]);
    assertTrue(Files.exists(out.resolve("alignment.csv")), "nothing deleted");
  }
}
