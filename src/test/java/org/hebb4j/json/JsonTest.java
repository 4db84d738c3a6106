package org.hebb4j.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  private static JsonException refused(String text) {
    return assertThrows(JsonException.class, () -> Json.parse(text), text);
  }

  @Test
  void rejectsMalformedText() {
    for (String bad : new String[] {"", "{", "[1,]", "{\"a\" 1}", "01", "1.e5", "\"abc", "tru",
        "{\"a\":1}x", "[1 2]", "-", "\"\\x\"", "{\"a\":1,}", "{1:2}", "[\"\u0001\"]", "\"\\u12",
        "\"\\u12g4\"", "1e", "1e+", "--1", "[1]]", "nul", "'a'"}) {
      refused(bad);
    }
  }

  @Test
  void parsesEveryKindOfValue() {
    assertEquals(List.of(1L, -2.5e-3, "é", true, Json.NULL),
        Json.parse(" [1, -2.5E-3, \"\\u00e9\", true, null] "));
    assertEquals(List.of(false, List.of(), Map.of(), "a\"\\/\b\f\n\r\tz"),
        Json.parse("[false,[],{},\"a\\\"\\\\\\/\\b\\f\\n\\r\\tz\"]"));
    Object m = Json.parse("{\"b\":1,\"a\":{\"c\":[2]}}");
    assertEquals(List.of("b", "a"), List.copyOf(((Map<?, ?>) m).keySet()));
    assertEquals("null", Json.NULL.toString());
  }

  @Test
  void integersAreExactAndOtherNumbersDoubles() {
    assertEquals(0L, Json.parse("0"));
    assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
    assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
    assertEquals(999_999_999_999_999_999L, Json.parse("999999999999999999"));
    assertEquals(new BigInteger("18446744073709551616"), Json.parse("18446744073709551616"));
    assertEquals(new BigInteger("-9223372036854775809"), Json.parse("-9223372036854775809"));
    assertEquals(new BigInteger("-1" + "0".repeat(64)), Json.parse("-1" + "0".repeat(64)));
    assertEquals(-0.0, Json.parse("-0"));
    assertEquals(1.0, Json.parse("1.0"));
    assertEquals(100.0, Json.parse("1e2"));
    assertEquals(-0.0, Json.parse("-0.0"));
    assertEquals(0.1f, (float) (double) (Double) Json.parse("0.1"));
  }

  @Test
  void aDuplicateKeyIsRefusedNamingItAndItsPlace() {
    JsonException e = refused("{\"a\":1,\n \"a\":2}");
    assertEquals("duplicate key 'a'", e.problem());
    assertEquals("a", e.duplicateKey());
    assertEquals(0, e.depth());
    assertEquals(9, e.offset());
    assertEquals(2, e.line());
    assertEquals(2, e.column());
    e = refused("{\"x\":{\"k\\n\":1,\"k\\n\":2}}");
    assertEquals("duplicate key 'k\\u000a'", e.problem());
    assertEquals(1, e.depth());
    assertNull(refused("[1 2]").duplicateKey());
  }

  @Test
  void errorsSayWhereAndWhetherTheTextEnded() {
    JsonException e = refused("{\"a\" 1}");
    assertEquals("expected ':'", e.problem());
    assertEquals(5, e.offset());
    assertTrue(!e.atEnd());
    e = refused("{\"a\":[1,");
    assertTrue(e.atEnd());
    assertEquals("unexpected end of the text (truncated?)", e.problem());
    assertEquals("unexpected text after the JSON value", refused("{} x").problem());
    assertEquals("control character in a string", refused("\"\u0001\"").problem());
  }

  @Test
  void nestingIsLimited() {
    Json.parse("[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1));
    assertEquals("nesting deeper than " + Json.MAX_DEPTH,
        refused("[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2)).problem());
    refused("[".repeat(100_000));
    refused("{\"a\":".repeat(100_000));
  }

  @Test
  void quoteEscapesControlCharactersAndShortensLongText() {
    assertEquals("'a\\u000ab'", Json.quote("a\nb"));
    assertEquals("'" + "x".repeat(100) + "...'", Json.quote("x".repeat(150)));
  }
}
