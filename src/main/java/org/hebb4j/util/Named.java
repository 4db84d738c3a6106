package org.hebb4j.util;

import java.util.ArrayList;
import java.util.List;

/**
 * An enum constant with a word naming it on the command line, in JSON test vectors and in saved
 * files ({@code "tanh"}, {@code "softmax_ce"}, {@code "instar"}). The one place where such words
 * are parsed: every enum's {@code parse(String)} is {@code Named.parse(Type.class, what, word)},
 * so unknown words give the same one-line error everywhere.
 */
public interface Named {

  /**
   * The word naming this constant: lower case, unique within its enum.
   *
   * @return the word, never null
   */
  String id();

  /**
   * The constant of {@code type} whose {@link #id()} equals {@code word} exactly (case matters).
   *
   * @param <E> the enum type
   * @param type the enum's class
   * @param what what the word names, for the error message, e.g. {@code "activation"}
   * @param word the word to parse; may be null (rejected)
   * @return the constant named {@code word}
   * @throws IllegalArgumentException if no constant is named {@code word}, with the one-line
   *     message {@code unknown WHAT 'WORD' (expected one of: W1, W2, ...)}
   */
  static <E extends Enum<E> & Named> E parse(Class<E> type, String what, String word) {
    for (E e : type.getEnumConstants()) {
      if (e.id().equals(word)) {
        return e;
      }
    }
    String given = word == null ? "no " + what + " given" : "unknown " + what + " '" + word + "'";
    throw new IllegalArgumentException(given + " (expected one of: "
        + String.join(", ", ids(type)) + ")");
  }

  /**
   * The words of every constant of {@code type}, in declaration order, e.g. for option help.
   *
   * @param <E> the enum type
   * @param type the enum's class
   * @return an unmodifiable list of the {@link #id()} of each constant
   */
  static <E extends Enum<E> & Named> List<String> ids(Class<E> type) {
    List<String> ids = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      ids.add(e.id());
    }
    return List.copyOf(ids);
  }
}
