package org.hebb4j.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON (RFC 8259) parser for safetensors headers (spec/io.md#safetensors). Objects
 * become {@link LinkedHashMap}s in file order and a repeated key is an error; arrays become
 * {@link ArrayList}s; numbers stay as their text ({@link Num}) so that integers of any size are
 * judged exactly; strings, booleans and {@link #NULL} as usual. Nesting is limited so a hostile
 * header cannot overflow the stack.
 */
final class HeaderJson {

  /** A JSON number, kept as its text. */
  record Num(String text) {
    @Override
    public String toString() {
      return text;
    }

    /** The value if it is a non-negative integer, Long.MAX_VALUE if larger; else -1. */
    long nonNegative() {
      if (!text.matches("0|[1-9][0-9]*")) {
        return -1;
      }
      return text.length() > 18 ? Long.MAX_VALUE : Long.parseLong(text);
    }
  }

  /** The JSON null. */
  static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  private static final int MAX_DEPTH = 64;

  private final String s;
  private final String label;
  private int pos;

  private HeaderJson(String s, String label) {
    this.s = s;
    this.label = label;
  }

  /**
   * Parses the whole text as one JSON value (whitespace aside).
   *
   * @param label the start of every error message (the file name)
   */
  static Object parse(String text, String label) throws FormatException {
    HeaderJson p = new HeaderJson(text, label);
    p.skipWs();
    Object v = p.value(0);
    p.skipWs();
    if (p.pos != text.length()) {
      throw p.error("unexpected text after the JSON value");
    }
    return v;
  }

  private Object value(int depth) throws FormatException {
    if (depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH);
    }
    char c = peek();
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
        throw error(pos >= s.length() ? "unexpected end of the header"
            : "unexpected character '" + printable(c) + "'");
    }
  }

  private Map<String, Object> object(int depth) throws FormatException {
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
        throw error("expected a string key");
      }
      int keyPos = pos;
      String key = string();
      skipWs();
      expect(':');
      skipWs();
      Object v = value(depth + 1);
      if (m.containsKey(key)) {
        pos = keyPos;
        boolean tensor = depth == 0 && !key.equals("__metadata__");
        throw error((tensor ? "duplicate tensor name " : "duplicate key ") + quote(key));
      }
      m.put(key, v);
      skipWs();
      char c = peek();
      pos++;
      if (c == '}') {
        return m;
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) throws FormatException {
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
      char c = peek();
      pos++;
      if (c == ']') {
        return list;
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() throws FormatException {
    pos++;
    StringBuilder b = new StringBuilder();
    while (true) {
      if (pos >= s.length()) {
        throw error("unterminated string");
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
      char e = pos < s.length() ? s.charAt(pos++) : '\0';
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
          int code = 0;
          for (int i = 0; i < 4; i++) {
            int d = pos < s.length() ? Character.digit(s.charAt(pos), 16) : -1;
            if (d < 0) {
              throw error("bad \\u escape");
            }
            pos++;
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

  private Num number() throws FormatException {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (isDigit(peek())) {
      digits();
    } else {
      throw error("bad number");
    }
    if (peek() == '.') {
      pos++;
      if (!isDigit(peek())) {
        throw error("bad number: digit expected after '.'");
      }
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!isDigit(peek())) {
        throw error("bad number: digit expected in the exponent");
      }
      digits();
    }
    return new Num(s.substring(start, pos));
  }

  private void digits() {
    while (isDigit(peek())) {
      pos++;
    }
  }

  private Object literal(String word, Object v) throws FormatException {
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

  private void expect(char c) throws FormatException {
    if (peek() != c) {
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

  private FormatException error(String msg) {
    String where = pos >= s.length() ? "at the end" : "at character " + pos;
    return new FormatException(label + ": header JSON: " + msg + " " + where);
  }

  private static String printable(char c) {
    return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }

  /**
   * {@code s} in single quotes for a one-line message: control characters escaped, at most 100
   * characters shown.
   */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("'");
    for (int i = 0; i < s.length(); i++) {
      if (i == 100) {
        b.append("...");
        break;
      }
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return b.append('\'').toString();
  }
}
