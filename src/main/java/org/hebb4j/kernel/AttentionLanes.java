package org.hebb4j.kernel;

/**
 * What the forward pass of the attention core leaves for its backward pass
 * (spec/kernels.md#attention, the lanes): one per attention layer and its q, k, v, P arrays, for
 * {@code capacity} batch rows of {@code tokens} tokens, {@code heads} heads of {@code dh}
 * columns. {@link Kernels#attention(int, int, int, int, float, float[], float[], float[], int,
 * float[], double[], int, float[], AttentionLanes)} records which batch rows it computed (and, on
 * the vector path, keeps its lane-major q, k, v, P); {@link Kernels#attentionBackward(int, int,
 * int, int, float, float[], float[], float[], float[], int, float[], int, float[], int, float[],
 * float[], float[], AttentionLanes)} uses them and fails for a batch row that no forward pass
 * computed. Calls on disjoint batch rows may run on different threads at once.
 */
public final class AttentionLanes {

  final int capacity;
  final int tokens;
  final int heads;
  final int dh;
  /** Floats of a batch row in q, k, v (tokens heads dh) and in P (heads tokens tokens). */
  final int rowSize;
  final int probSize;
  /**
   * The lane-major q, k, v of the vector path's groups, rowSize floats a batch row; null until
   * the vector path's first call ({@link #allocate}), so the scalar path holds no copies.
   */
  float[] q;
  float[] k;
  float[] v;
  /**
   * The lane-major P of the vector path's groups, probSize floats a batch row, then PAD floats
   * (the vector path loads half vectors of P from lane L / 2 whole).
   */
  float[] p;
  /**
   * Per batch row: 0 before a forward pass; l + 1 when the vector path computed it in lane l of
   * a group (its q, k, v, P here); -1 when the scalar code computed it.
   */
  final int[] mark;
  /** Floats after the last row of p: at least the widest vector's lanes. */
  static final int PAD = 64;

  /**
   * Lanes for up to {@code capacity} batch rows.
   *
   * @param capacity batch rows, &gt;= 1
   * @param tokens tokens per batch row, &gt;= 1
   * @param heads heads, &gt;= 1
   * @param dh columns per head, &gt;= 1
   * @throws IllegalArgumentException for a size below 1 or lanes larger than a Java array
   */
  public AttentionLanes(int capacity, int tokens, int heads, int dh) {
    if (capacity < 1 || tokens < 1 || heads < 1 || dh < 1) {
      throw new IllegalArgumentException("attention lanes: capacity " + capacity + ", tokens "
          + tokens + ", heads " + heads + ", dh " + dh + " must be at least 1");
    }
    long row = (long) tokens * heads * dh;
    long probs = (long) heads * tokens * tokens;
    if (row * capacity > Integer.MAX_VALUE - 8
        || probs * capacity > Integer.MAX_VALUE - 8 - PAD) {
      throw new IllegalArgumentException("attention lanes of " + capacity + " batch rows x "
          + tokens + " tokens x " + heads + " heads x " + dh + " exceed a Java array");
    }
    this.capacity = capacity;
    this.tokens = tokens;
    this.heads = heads;
    this.dh = dh;
    rowSize = (int) row;
    probSize = (int) probs;
    mark = new int[capacity];
  }

  /**
   * Allocates q, k, v, p at the first call (the vector path's); synchronized, as calls on
   * disjoint batch rows may run at once, and so that every caller sees the arrays.
   */
  synchronized void allocate() {
    if (q == null) {
      int n = rowSize * capacity;
      q = new float[n];
      k = new float[n];
      v = new float[n];
      p = new float[probSize * capacity + PAD]; // the vector path's half vectors load whole
    }
  }

  /**
   * The first batch row of a call, checked: the shape is these lanes', xOff and pOff are the
   * same whole number of batch rows, and the rows fit the capacity.
   */
  int firstRow(String op, int batch, int t, int hs, int d, int xOff, int pOff) {
    if (t != tokens || hs != heads || d != dh) {
      throw Check.fail(op, "lanes of " + tokens + " tokens x " + heads + " heads x " + dh
          + " for " + t + " x " + hs + " x " + d);
    }
    if (xOff % rowSize != 0 || pOff % probSize != 0 || xOff / rowSize != pOff / probSize) {
      throw Check.fail(op, "with lanes, xOff " + xOff + " and pOff " + pOff
          + " must start the same batch row");
    }
    int first = xOff / rowSize;
    if (batch > capacity - first) {
      throw Check.fail(op, "batch rows " + first + " .. " + ((long) first + batch - 1)
          + " exceed the lanes' capacity " + capacity);
    }
    return first;
  }

  /** Fails unless a forward pass computed batch rows [first, first + batch). */
  void requireForward(String op, int first, int batch) {
    for (int i = first; i < first + batch; i++) {
      if (mark[i] == 0) {
        throw Check.fail(op, "batch row " + i + " has no forward pass in these lanes");
      }
    }
  }
}
