package org.hebb4j.experiment.sweep;

import java.util.function.Function;

/**
 * Shard {@code index} of {@code count}: the cells c of a sweep with c mod count == index
 * (spec/emergence.md#shard-assignment). The assignment is fixed by the cell order alone, never by
 * timing; a count larger than the number of cells leaves some shards empty, which is valid.
 *
 * @param index the shard, 0 &lt;= index &lt; count
 * @param count the number of shards, at least 1
 */
public record Shard(int index, int count) {

  /** The whole sweep in one shard. */
  public static final Shard ALL = new Shard(0, 1);

  /** Slurm job arrays: the task's id (spec/emergence.md#shard-assignment). */
  public static final String SLURM_ID = "SLURM_ARRAY_TASK_ID";
  /** Slurm job arrays: the number of tasks. */
  public static final String SLURM_COUNT = "SLURM_ARRAY_TASK_COUNT";
  /** Slurm job arrays: the smallest task id (0 for {@code --array=0-N}). */
  public static final String SLURM_MIN = "SLURM_ARRAY_TASK_MIN";
  /** Kubernetes Indexed Jobs: the pod's completion index. */
  public static final String K8S_INDEX = "JOB_COMPLETION_INDEX";
  /** The shard count of a Kubernetes Indexed Job, set in its pod spec (its completions). */
  public static final String COUNT_VAR = "HEBB4J_SHARD_COUNT";

  /**
   * Checks the range.
   *
   * @param index the shard
   * @param count the number of shards
   * @throws IllegalArgumentException unless 0 &lt;= index &lt; count
   */
  public Shard {
    if (count < 1 || index < 0 || index >= count) {
      throw new IllegalArgumentException("a shard i/n needs 0 <= i < n, got " + index + "/"
          + count);
    }
  }

  /**
   * Whether cell {@code c} belongs to this shard.
   *
   * @param c the cell's index in the sweep's order
   * @return c mod count == index
   */
  public boolean owns(int c) {
    return c % count == index;
  }

  /**
   * The cells of this shard among {@code cells}, in order.
   *
   * @param cells the sweep's number of cells
   * @return index, index + count, ... below cells
   */
  public int[] cells(int cells) {
    int n = index < cells ? (cells - index + count - 1) / count : 0;
    int[] out = new int[n];
    for (int j = 0; j < n; j++) {
      out[j] = index + j * count;
    }
    return out;
  }

  /**
   * "i/n".
   *
   * @return the spec
   */
  @Override
  public String toString() {
    return index + "/" + count;
  }

  /**
   * Parses {@code i/n}, {@code auto} or {@code auto/N} (spec/emergence.md#shard-assignment).
   * {@code auto} reads a Slurm job array ({@value #SLURM_ID} minus {@value #SLURM_MIN}, default
   * 0, of {@value #SLURM_COUNT}) or a Kubernetes Indexed Job ({@value #K8S_INDEX} of N, N from
   * {@code auto/N} or {@value #COUNT_VAR}); N given both ways must agree.
   *
   * @param spec the value of {@code --shard}
   * @param env the environment (System::getenv, or a map in tests)
   * @return the shard
   * @throws IllegalArgumentException with a one-line message naming the value or variable
   */
  public static Shard parse(String spec, Function<String, String> env) {
    String s = spec.trim();
    if (s.equals("auto") || s.startsWith("auto/")) {
      Integer given = s.equals("auto") ? null : number(s.substring(5), "the count N of auto/N",
          1);
      return auto(given, env);
    }
    int slash = s.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("expected i/n (0 <= i < n), auto or auto/N, got '"
          + spec + "'");
    }
    int i = number(s.substring(0, slash), "the index i of i/n", 0);
    int n = number(s.substring(slash + 1), "the count n of i/n", 1);
    if (i >= n) {
      throw new IllegalArgumentException("the index i of i/n must be below n, got '" + spec
          + "'");
    }
    return new Shard(i, n);
  }

  private static Shard auto(Integer given, Function<String, String> env) {
    String slurm = env.apply(SLURM_ID), k8s = env.apply(K8S_INDEX);
    if (slurm != null && k8s != null) {
      throw new IllegalArgumentException("auto: both " + SLURM_ID + " and " + K8S_INDEX
          + " are set; give i/n");
    }
    if (slurm != null) {
      String c = env.apply(SLURM_COUNT);
      if (c == null) {
        throw new IllegalArgumentException("auto: " + SLURM_ID + " is set but " + SLURM_COUNT
            + " is not");
      }
      int count = number(c, SLURM_COUNT, 1);
      String m = env.apply(SLURM_MIN);
      int min = m == null ? 0 : number(m, SLURM_MIN, 0);
      int id = number(slurm, SLURM_ID, 0);
      if (id < min || id - min >= count) {
        throw new IllegalArgumentException("auto: " + SLURM_ID + "=" + id + " is outside the "
            + count + " tasks from " + SLURM_MIN + "=" + min + " (use a contiguous"
            + " --array=0-N)");
      }
      if (given != null && given != count) {
        throw new IllegalArgumentException("auto/" + given + ": " + SLURM_COUNT + " is " + count);
      }
      return new Shard(id - min, count);
    }
    if (k8s != null) {
      String c = env.apply(COUNT_VAR);
      Integer count = c == null ? null : number(c, COUNT_VAR, 1);
      if (count == null && given == null) {
        throw new IllegalArgumentException("auto: " + K8S_INDEX + " is set but the count is"
            + " not: give auto/N or set " + COUNT_VAR + " (the Job's completions)");
      }
      if (count != null && given != null && !count.equals(given)) {
        throw new IllegalArgumentException("auto/" + given + ": " + COUNT_VAR + " is " + count);
      }
      int n = given != null ? given : count;
      int i = number(k8s, K8S_INDEX, 0);
      if (i >= n) {
        throw new IllegalArgumentException("auto: " + K8S_INDEX + "=" + i + " is not below the"
            + " count " + n);
      }
      return new Shard(i, n);
    }
    throw new IllegalArgumentException("auto: neither " + SLURM_ID + " (a Slurm job array) nor "
        + K8S_INDEX + " (a Kubernetes Indexed Job) is set");
  }

  /** A whole number in [min, 10^9] named {@code what}. */
  private static int number(String v, String what, int min) {
    String t = v.trim();
    if (!t.matches("\\d{1,9}")) {
      throw new IllegalArgumentException(what + ": expected a whole number, got '" + v + "'");
    }
    int n = Integer.parseInt(t);
    if (n < min) {
      throw new IllegalArgumentException(what + ": must be at least " + min + ", got " + n);
    }
    return n;
  }
}
