package org.hebb4j.cli;

/** Bad input from the user (argument, option, file): one line on stderr, exit status 2. */
public class UsageException extends RuntimeException {

  public UsageException(String message) {
    super(message);
  }
}
