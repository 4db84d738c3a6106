package org.hebb4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hebb4j.util.Named;

/**
 * Parsed arguments of one command: {@code --name value}, {@code --name=value}, flags and
 * positionals. Every getter validates and fails with a {@link UsageException} naming the option.
 */
public final class Args {

  private final Map<String, String> values = new HashMap<>();
  private final List<String> positional = new ArrayList<>();
  /** The command's name, for messages. */
  String command = "";
  /** The run's checkpoints, for the signal handler ({@link Main}); null when it has none. */
  volatile org.hebb4j.experiment.Checkpoints checkpoints;
  /** Folders this run created, outermost first ({@link #created}); removed if it fails. */
  private final List<Path> created = new ArrayList<>();

  /** Parses {@code argv} against the command's declared options. */
  static Args parse(String[] argv, List<Option> options) {
    Map<String, Option> byName = new HashMap<>();
    for (Option o : options) {
      byName.put(o.name(), o);
    }
    Args a = new Args();
    boolean onlyPositional = false;
    for (int i = 0; i < argv.length; i++) {
      String s = argv[i];
      if (onlyPositional || !s.startsWith("--") || s.equals("-")) {
        if (!onlyPositional && s.startsWith("-") && !s.equals("-") && !isNumber(s)) {
          throw new UsageException("unknown option " + s);
        }
        a.positional.add(s);
        continue;
      }
      if (s.equals("--")) {
        onlyPositional = true;
        continue;
      }
      String name = s.substring(2), value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      Option o = byName.get(name);
      if (o == null) {
        throw new UsageException("unknown option --" + name);
      }
      if (o.isFlag()) {
        if (value != null) {
          throw new UsageException("--" + name + " takes no value");
        }
        value = "true";
      } else if (value == null) {
        if (i + 1 >= argv.length) {
          throw new UsageException("--" + name + " needs a value (" + o.value() + ")");
        }
        value = argv[++i];
      }
      if (a.values.put(name, value) != null) {
        throw new UsageException("--" + name + " given more than once");
      }
    }
    return a;
  }

  private static boolean isNumber(String s) {
    try {
      Double.parseDouble(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Records a folder this run created (its parents before it), so that a failed run does not
   * leave it behind ({@link #removeCreatedIfEmpty}).
   */
  void created(Path dir) {
    created.add(dir);
  }

  /**
   * Removes, innermost first, every folder this run created that is empty: a run that failed
   * leaves no empty folder behind. Folders holding files are kept.
   */
  void removeCreatedIfEmpty() {
    for (int i = created.size() - 1; i >= 0; i--) {
      try {
        java.nio.file.Files.deleteIfExists(created.get(i));
      } catch (java.io.IOException | SecurityException notEmpty) {
        // holds files (or cannot be removed): keep it
      }
    }
    created.clear();
  }

  /** The options given, name to value (flags: "true"), a sorted copy. */
  java.util.SortedMap<String, String> values() {
    return new java.util.TreeMap<>(values);
  }

  /** Replaces every option by {@code options} (a resumed run's recorded ones). */
  void replaceValues(Map<String, String> options) {
    values.clear();
    values.putAll(options);
  }

  public List<String> positional() {
    return positional;
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  public boolean flag(String name) {
    return values.containsKey(name);
  }

  public String string(String name, String dflt) {
    return values.getOrDefault(name, dflt);
  }

  /** One of {@code allowed}. */
  public String choice(String name, String dflt, String... allowed) {
    String v = string(name, dflt);
    for (String a : allowed) {
      if (a.equals(v)) {
        return v;
      }
    }
    throw new UsageException("--" + name + ": '" + v + "' is not one of "
        + String.join(", ", allowed));
  }

  /**
   * The constant of {@code type} named by the option's value ({@link Named#parse}), or
   * {@code dflt} when the option is absent.
   *
   * @param <E> the enum type
   * @param name the option's name, without {@code --}
   * @param type the enum's class
   * @param dflt the value when the option is absent
   * @return the constant named by the value, or {@code dflt}
   * @throws UsageException if the value names no constant, one line:
   *     {@code --rule: unknown value 'x' (expected one of: sgd, adam, ...)}
   */
  public <E extends Enum<E> & Named> E named(String name, Class<E> type, E dflt) {
    String v = values.get(name);
    if (v == null) {
      return dflt;
    }
    try {
      return Named.parse(type, "value", v);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--" + name + ": " + e.getMessage());
    }
  }

  public Path path(String name, Path dflt) {
    String v = values.get(name);
    if (v == null) {
      return dflt;
    }
    if (v.isEmpty()) {
      throw new UsageException("--" + name + ": empty path");
    }
    return Path.of(v);
  }

  /** An integer in [min, max]. */
  public int integer(String name, int dflt, int min, int max) {
    String v = values.get(name);
    if (v == null) {
      return dflt;
    }
    String t = v.trim();
    long n;
    try {
      n = Long.parseLong(t);
    } catch (NumberFormatException e) {
      if (!t.matches("[+-]?\\d+")) {
        throw new UsageException("--" + name + ": expected an integer, got '" + v + "'");
      }
      n = t.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE; // beyond long: out of range
      t = t.startsWith("+") ? t.substring(1) : t;
      throw outOfRange("--" + name, t, n < min, bound(min), bound(max));
    }
    if (n < min || n > max) {
      throw outOfRange("--" + name, Long.toString(n), n < min, bound(min), bound(max));
    }
    return (int) n;
  }

  /** A finite number in [min, max]. */
  public double number(String name, double dflt, double min, double max) {
    String v = values.get(name);
    if (v == null) {
      return dflt;
    }
    return parseNumber("--" + name, v, min, max);
  }

  /** A comma-separated list of finite numbers in [min, max]. */
  public double[] numbers(String name, double[] dflt, double min, double max) {
    String v = values.get(name);
    if (v == null) {
      return dflt.clone();
    }
    String[] parts = v.split(",", -1);
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = parseNumber("--" + name, parts[i], min, max);
    }
    return out;
  }

  /** A comma-separated list of whole numbers in [min, max]. */
  public int[] integers(String name, int[] dflt, int min, int max) {
    double[] d = new double[dflt.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = dflt[i];
    }
    double[] v = numbers(name, d, min, max);
    int[] r = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      if (v[i] != Math.rint(v[i])) {
        String b = bound(v[i]);
        throw new UsageException("--" + name + ": expected whole numbers, got "
            + (b != null ? b : String.valueOf(v[i])));
      }
      r[i] = (int) v[i];
    }
    return r;
  }

  static double parseNumber(String what, String v, double min, double max) {
    double d;
    try {
      d = Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(what + ": expected a number, got '" + v + "'");
    }
    if (!Double.isFinite(d)) {
      throw new UsageException(what + ": expected a finite number, got '" + v + "'");
    }
    if (d < min || d > max) {
      throw outOfRange(what, v.trim(), d < min, bound(min), bound(max));
    }
    return d;
  }

  /**
   * "--NAME: V is too large (at most MAX)" or "--NAME: V is too small (at least MIN)"; a bound
   * that is no limit in practice (e.g. -Double.MAX_VALUE) is not printed.
   */
  private static UsageException outOfRange(String what, String v, boolean small, String min,
      String max) {
    String limit = small ? min : max;
    return new UsageException(what + ": " + v + " is too " + (small ? "small" : "large")
        + (limit == null ? "" : " (at " + (small ? "least " : "most ") + limit + ")"));
  }

  /**
   * A bound as the user would write it: a whole number without a decimal point or exponent
   * ("1000000000", not "1.0E9"), else the shortest decimal form; null for no practical bound.
   */
  static String bound(double b) {
    if (Math.abs(b) >= Double.MAX_VALUE / 2) {
      return null;
    }
    if (b == Math.rint(b) && Math.abs(b) < 1e18) {
      return Long.toString((long) b);
    }
    return java.math.BigDecimal.valueOf(b).stripTrailingZeros().toPlainString();
  }
}
