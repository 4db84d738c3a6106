package org.hebb4j.json;

/**
 * Malformed JSON text: a one-line {@link #problem} and where it was found. Callers put it in
 * their own words and exception type (the file name, a character offset or a line and column).
 */
public final class JsonException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What is wrong. */
  private final String problem;
  /** 0-based character offset. */
  private final int offset;
  /** 1-based line. */
  private final int line;
  /** 1-based column. */
  private final int column;
  /** Whether the text ended there. */
  private final boolean atEnd;
  /** The repeated key, or null. */
  private final String duplicateKey;
  /** Depth of the object with the repeated key, or -1. */
  private final int depth;

  JsonException(String problem, String text, int offset, String duplicateKey, int depth) {
    super(problem);
    this.problem = problem;
    this.offset = offset;
    this.atEnd = offset >= text.length();
    int ln = 1;
    int col = 1;
    for (int i = 0; i < Math.min(offset, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        ln++;
        col = 1;
      } else {
        col++;
      }
    }
    this.line = ln;
    this.column = col;
    this.duplicateKey = duplicateKey;
    this.depth = depth;
  }

  /**
   * What is wrong, without the location, for example {@code "expected ':'"}.
   *
   * @return the problem
   */
  public String problem() {
    return problem;
  }

  /**
   * Where it is wrong.
   *
   * @return the 0-based character offset into the text
   */
  public int offset() {
    return offset;
  }

  /**
   * Where it is wrong.
   *
   * @return the 1-based line
   */
  public int line() {
    return line;
  }

  /**
   * Where it is wrong.
   *
   * @return the 1-based column (in characters)
   */
  public int column() {
    return column;
  }

  /**
   * Whether the text ended where more was expected.
   *
   * @return true when {@link #offset} is the end of the text
   */
  public boolean atEnd() {
    return atEnd;
  }

  /**
   * The repeated key when the problem is a duplicate key.
   *
   * @return the key, or null for every other problem
   */
  public String duplicateKey() {
    return duplicateKey;
  }

  /**
   * The nesting depth of the object holding the {@link #duplicateKey}.
   *
   * @return 0 for the top-level object, 1 for an object inside it, ...; -1 for other problems
   */
  public int depth() {
    return depth;
  }
}
