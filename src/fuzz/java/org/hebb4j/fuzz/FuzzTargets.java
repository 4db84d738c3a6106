package org.hebb4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The Jazzer fuzz tests (README: Fuzzing; only with {@code mvn -Pfuzz}). Without JAZZER_FUZZ
 * each replays its corpus, src/test/resources/org/hebb4j/fuzz/FuzzTargetsInputs/METHOD/; with
 * JAZZER_FUZZ=1 and {@code -Dtest=FuzzTargets#METHOD} that one is fuzzed, and every finding is
 * written to the same folder (.ci/fuzz.sh). The checks are {@link FuzzTarget}'s, which
 * {@link CorpusReplayTest} runs without Jazzer in every {@code mvn test}.
 */
class FuzzTargets {

  @FuzzTest
  void idx(byte[] in) {
    FuzzTarget.IDX.check(in);
  }

  @FuzzTest
  void cifar10(byte[] in) {
    FuzzTarget.CIFAR10.check(in);
  }

  @FuzzTest
  void vectorJson(byte[] in) {
    FuzzTarget.VECTOR_JSON.check(in);
  }

  @FuzzTest
  void safetensors(byte[] in) {
    FuzzTarget.SAFETENSORS.check(in);
  }

  @FuzzTest
  void checkpoint(byte[] in) {
    FuzzTarget.CHECKPOINT.check(in);
  }

  @FuzzTest
  void npy(byte[] in) {
    FuzzTarget.NPY.check(in);
  }

  @FuzzTest
  void npz(byte[] in) {
    FuzzTarget.NPZ.check(in);
  }

  @FuzzTest
  void cli(byte[] in) {
    FuzzTarget.CLI.check(in);
  }
}
