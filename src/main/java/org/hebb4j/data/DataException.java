package org.hebb4j.data;

/** A missing, truncated or malformed data file; the message is one line naming the file. */
public class DataException extends RuntimeException {

  public DataException(String message) {
    super(message);
  }
}
