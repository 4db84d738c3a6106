package org.hebb4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.Function;
import org.hebb4j.emergence.Noise;
import org.hebb4j.emergence.Rule;
import org.hebb4j.hebbian.HebbRule;
import org.hebb4j.kernel.Activation;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.TransformerConfig;
import org.junit.jupiter.api.Test;

class NamedTest {

  /** Each enum's own parse method, the words it accepts (unchanged by the move) and its noun. */
  record Case<E extends Enum<E> & Named>(Class<E> type, Function<String, E> parse,
      List<String> words, String what) {}

  static final List<Case<?>> CASES = List.of(
      new Case<>(Activation.class, Activation::parse, List.of("linear", "relu", "tanh", "sigmoid"),
          "activation"),
      new Case<>(Loss.class, Loss::parse, List.of("mse", "softmax_ce", "mse_mean"), "loss"),
      new Case<>(TransformerConfig.Norm.class, TransformerConfig.Norm::parse,
          List.of("pre", "none"), "norm"),
      new Case<>(HebbRule.class, HebbRule::parse, List.of("plain", "instar", "oja"),
          "Hebbian rule"),
      new Case<>(Rule.class, Rule::parse, List.of("sgd", "adam", "adamw", "dfa", "randomnn"),
          "rule"),
      new Case<>(Noise.class, Noise::parse, List.of("none", "param", "signal", "input"), "noise"));

  @Test
  void everyWordParsesToItsConstant() {
    for (Case<?> c : CASES) {
      check(c);
    }
  }

  private static <E extends Enum<E> & Named> void check(Case<E> c) {
    assertEquals(c.words(), Named.ids(c.type()), c.type().getSimpleName());
    E[] constants = c.type().getEnumConstants();
    for (int i = 0; i < constants.length; i++) {
      assertSame(constants[i], c.parse().apply(c.words().get(i)));
      assertSame(constants[i], Named.parse(c.type(), c.what(), c.words().get(i)));
    }
  }

  @Test
  void unknownWordsGiveOneLineListingTheChoices() {
    for (Case<?> c : CASES) {
      String expected = " (expected one of: " + String.join(", ", c.words()) + ")";
      for (String bad : new String[] {"nope", "", c.words().get(0).toUpperCase(), " "
          + c.words().get(0)}) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> c.parse().apply(bad));
        assertEquals("unknown " + c.what() + " '" + bad + "'" + expected, e.getMessage());
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> c.parse().apply(null));
      assertEquals("no " + c.what() + " given" + expected, e.getMessage());
    }
  }
}
