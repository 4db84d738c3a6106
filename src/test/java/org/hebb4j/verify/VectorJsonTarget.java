package org.hebb4j.verify;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.hebb4j.json.Json;
import org.hebb4j.json.JsonException;

/**
 * The test-vector JSON fuzz target (org.hebb4j.fuzz.FuzzTarget#VECTOR_JSON): the bytes decoded
 * as the Verifier decodes a file, parsed by {@link Json#parse}, then every TENSOR object of a
 * case's {@code inputs} and {@code expected} read by {@link TensorJson}. Only a
 * {@link JsonException} or a {@link VectorFormatException}, with a one-line message, may escape
 * the readers; anything else is a finding.
 */
public final class VectorJsonTarget {

  private VectorJsonTarget() {}

  /**
   * Reads one input.
   *
   * @param in the file's bytes
   * @throws AssertionError on a message that is not one line; other exceptions propagate
   */
  public static void read(byte[] in) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(in)).toString();
    } catch (CharacterCodingException e) {
      return; // the Verifier's "not valid UTF-8"
    }
    Object top;
    try {
      top = Json.parse(text);
    } catch (JsonException e) {
      oneLine(e.problem());
      if (e.line() < 1 || e.column() < 1 || e.offset() < 0 || e.offset() > text.length()) {
        throw new AssertionError("bad location of " + e.problem() + ": " + e.offset());
      }
      return;
    }
    if (top instanceof Map<?, ?> m && m.get("cases") instanceof List<?> cases) {
      for (Object c : cases) {
        if (c instanceof Map<?, ?> cm) {
          tensors(cm.get("inputs"));
          tensors(cm.get("expected"));
        }
      }
    } else {
      tensors(top);
    }
  }

  private static void tensors(Object v) {
    if (!(v instanceof Map<?, ?> m)) {
      return;
    }
    for (Map.Entry<?, ?> e : m.entrySet()) {
      // as the Verifier names it (its report escapes line breaks in a key)
      String where = "cases[0].inputs." + Json.printable((String) e.getKey(), 100);
      try {
        if (TensorJson.isInt(e.getValue(), where)) {
          TensorJson.readInt(e.getValue(), where);
        } else {
          TensorJson.readFloat(e.getValue(), where);
        }
      } catch (VectorFormatException x) {
        oneLine(x.getMessage());
      }
    }
  }

  private static void oneLine(String m) {
    if (m == null || m.isBlank() || m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0) {
      throw new AssertionError("message is not one line: " + m);
    }
  }
}
