package org.hebb4j.json;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one strict JSON (RFC 8259) parser of hebb4j, for safetensors headers (io, spec/io.md) and
 * test-vector files (verify, spec/test-vectors.md). Objects become {@link LinkedHashMap}s in file
 * order and a repeated key is an error; arrays become {@link ArrayList}s; strings, booleans and
 * {@link #NULL} as usual. Numbers are judged exactly: an integer literal (no fraction, no
 * exponent) is a {@link Long} when it fits, a {@link BigInteger} when it does not (so a
 * safetensors offset of 2^64 is never rounded), and every other number (and {@code -0}) a
 * {@link Double}. Nesting is limited so that hostile input cannot overflow the stack; a UTF-8 byte
 * order mark is the caller's to skip. Errors are unchecked {@link JsonException}s that each
 * caller turns into its own exception and wording.
 *
 * <p>It lives in this package of its own, not exported by the module, so that io and verify
 * both use it without a dependency from io on verify and without adding to the public API.
 */
public final class Json {

  /** The JSON null (a sentinel, so that a map's missing key and null value differ). */
  public static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  /** The deepest nesting of arrays and objects accepted. */
  public static final int MAX_DEPTH = 64;

  private static final String END = "unexpected end of the text";

  private final String s;
  private int pos;

  private Json(String s) {
    this.s = s;
  }

  /**
   * Parses the whole text as one JSON value (whitespace aside).
   *
   * @param text the JSON text, without a byte order mark
   * @return a Map, List, String, Boolean, Long, BigInteger, Double or {@link #NULL}
   * @throws JsonException if the text is not exactly one valid JSON value
   */
  public static Object parse(String text) {
    Json p = new Json(text);
    p.skipWs();
    Object v = p.value(0);
    p.skipWs();
    if (p.pos != text.length()) {
      throw p.error("unexpected text after the JSON value");
    }
    return v;
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH);
    }
    if (pos >= s.length()) {
      throw error(END + " (truncated?)");
    }
    char c = s.charAt(pos);
    switch (c) {
      case '{': return object(depth);
      case '[': return array(depth);
      case '"': return string();
      case 't': return literal("true", Boolean.TRUE);
      case 'f': return literal("false", Boolean.FALSE);
      case 'n': return literal("null", NULL);
      default:
        if (c == '-' || isDigit(c)) {
          return number();
        }
        throw error("unexpected character '" + printable(c) + "'");
    }
  }

  private Map<String, Object> object(int depth) {
    Map<String, Object> m = new LinkedHashMap<>();
    pos++;
    skipWs();
    if (peek() == '}') {
      pos++;
      return m;
    }
    while (true) {
      skipWs();
      if (peek() != '"') {
        throw error(pos >= s.length() ? END + " (truncated?)" : "expected a string key");
      }
      int keyPos = pos;
      String key = string();
      skipWs();
      expect(':');
      skipWs();
      if (m.putIfAbsent(key, value(depth + 1)) != null) {
        pos = keyPos;
        throw new JsonException("duplicate key " + quote(key), s, pos, key, depth);
      }
      skipWs();
      char c = next("',' or '}'");
      if (c == '}') {
        return m;
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) {
    List<Object> list = new ArrayList<>();
    pos++;
    skipWs();
    if (peek() == ']') {
      pos++;
      return list;
    }
    while (true) {
      skipWs();
      list.add(value(depth + 1));
      skipWs();
      char c = next("',' or ']'");
      if (c == ']') {
        return list;
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() {
    pos++;
    int start = pos;
    while (pos < s.length()) { // the common case: no escapes, one substring
      char c = s.charAt(pos);
      if (c == '"') {
        return s.substring(start, pos++);
      }
      if (c == '\\' || c < 0x20) {
        break;
      }
      pos++;
    }
    StringBuilder b = new StringBuilder().append(s, start, pos);
    while (true) {
      if (pos >= s.length()) {
        throw error("unterminated string (truncated?)");
      }
      char c = s.charAt(pos++);
      if (c == '"') {
        return b.toString();
      }
      if (c < 0x20) {
        pos--;
        throw error("control character in a string");
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      char e = next("an escape character");
      switch (e) {
        case '"': b.append('"'); break;
        case '\\': b.append('\\'); break;
        case '/': b.append('/'); break;
        case 'b': b.append('\b'); break;
        case 'f': b.append('\f'); break;
        case 'n': b.append('\n'); break;
        case 'r': b.append('\r'); break;
        case 't': b.append('\t'); break;
        case 'u': {
          if (pos + 4 > s.length()) {
            throw error("truncated \\u escape");
          }
          int code = 0;
          for (int i = 0; i < 4; i++) {
            int d = Character.digit(s.charAt(pos++), 16);
            if (d < 0) {
              pos--;
              throw error("bad hex digit in \\u escape");
            }
            code = code * 16 + d;
          }
          b.append((char) code);
          break;
        }
        default:
          pos--;
          throw error("bad escape '\\" + printable(e) + "'");
      }
    }
  }

  private Object number() {
    int start = pos;
    boolean negative = peek() == '-';
    if (negative) {
      pos++;
    }
    long magnitude = 0;
    int digits = 0;
    if (peek() == '0') {
      pos++;
      digits = 1;
    } else if (isDigit(peek())) {
      while (isDigit(peek())) {
        magnitude = magnitude * 10 + (s.charAt(pos++) - '0');
        digits++;
      }
    } else {
      throw error("bad number");
    }
    boolean integer = true;
    if (peek() == '.') {
      integer = false;
      pos++;
      if (!isDigit(peek())) {
        throw error("bad number: digit expected after '.'");
      }
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      integer = false;
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!isDigit(peek())) {
        throw error("bad number: digit expected in the exponent");
      }
      digits();
    }
    String text = s.substring(start, pos);
    if (!integer || (negative && digits == 1 && magnitude == 0)) {
      return Double.parseDouble(text); // -0 too, which no Long holds
    }
    if (digits <= 18) {
      return negative ? -magnitude : magnitude; // exact: below 10^18 < 2^63
    }
    BigInteger big = new BigInteger(text);
    return big.bitLength() < Long.SIZE ? (Object) big.longValue() : big;
  }

  private void digits() {
    while (isDigit(peek())) {
      pos++;
    }
  }

  private Object literal(String word, Object v) {
    if (!s.startsWith(word, pos)) {
      throw error("unexpected token (expected " + word + ")");
    }
    pos += word.length();
    return v;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private char peek() {
    return pos < s.length() ? s.charAt(pos) : '\0';
  }

  private char next(String what) {
    if (pos >= s.length()) {
      throw error(END + ", expected " + what + " (truncated?)");
    }
    return s.charAt(pos++);
  }

  private void expect(char c) {
    if (pos >= s.length()) {
      throw error(END + ", expected '" + c + "' (truncated?)");
    }
    if (s.charAt(pos) != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private void skipWs() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private JsonException error(String problem) {
    return new JsonException(problem, s, pos, null, -1);
  }

  private static String printable(char c) {
    return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }

  /**
   * {@code s} in single quotes for a one-line message: control characters escaped, at most 100
   * characters shown.
   *
   * @param s any text, for example a key
   * @return {@code s} quoted
   */
  public static String quote(String s) {
    return "'" + printable(s, 100) + "'";
  }

  /**
   * {@code s} fit for a one-line message: control characters (including line breaks) escaped as
   * {@code \}{@code uXXXX}, at most {@code max} characters shown, then "...".
   *
   * @param s any text, for example a value read from a file or the command line
   * @param max the most characters of {@code s} shown
   * @return {@code s}, escaped and shortened
   */
  public static String printable(String s, int max) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      if (i == max) {
        b.append("...");
        break;
      }
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return b.toString();
  }
}
