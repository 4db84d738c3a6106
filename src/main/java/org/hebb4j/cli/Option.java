package org.hebb4j.cli;

/**
 * A command-line option {@code --name VALUE} (or a flag when {@code value} is null), with its
 * help text and default shown by {@code --help}.
 */
public record Option(String name, String value, String help, String defaultValue) {

  public static Option flag(String name, String help) {
    return new Option(name, null, help, null);
  }

  public static Option of(String name, String value, String help, String defaultValue) {
    return new Option(name, value, help, defaultValue);
  }

  boolean isFlag() {
    return value == null;
  }
}
