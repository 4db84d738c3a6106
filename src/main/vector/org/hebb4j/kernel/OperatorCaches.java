package org.hebb4j.kernel;

import static jdk.incubator.vector.VectorOperators.ABS;
import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.AND;
import static jdk.incubator.vector.VectorOperators.DIV;
import static jdk.incubator.vector.VectorOperators.FMA;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.MAX;
import static jdk.incubator.vector.VectorOperators.MUL;
import static jdk.incubator.vector.VectorOperators.NEG;
import static jdk.incubator.vector.VectorOperators.OR;
import static jdk.incubator.vector.VectorOperators.SUB;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Runs every lanewise operator the vector kernels use once per element type, when the kernels load
 * and before C2 compiles any of them, so that C2-compiled code never meets an empty entry of the
 * Vector API's operator caches (spec/kernels.md#operator-caches).
 *
 * <p>Why: on JDK 17 every lanewise operation (fma, add, mul, ...) looks its Java fallback up in a
 * per-type cache ({@code VectorOperators.ImplCache.find}), which C2 inlines at each operation.
 * Filling an entry from compiled code ends in a class-check trap in that shared method, and C2
 * adds the trap count of every method it inlines, once per inlined copy: a GEMM tile with 32
 * lanewise operations and four such traps reaches the per-compilation limit of 100
 * ({@code -XX:PerMethodTrapLimit}). C2 then guards its type predictions with virtual calls instead
 * of traps, the vector species stops being a constant, and the tile's stores run in the Java
 * fallback for the rest of the run (21.6 MB allocated per transformer step, 3-50x slower). Whether
 * the traps happen depended on what the JIT had compiled first. Filled here, in the interpreter,
 * the caches never miss again.
 */
final class OperatorCaches {

  /** The float and double operators of the kernels, by the names of {@link VectorOperators}. */
  static final List<VectorOperators.Operator> FLOATING = List.of(
      ADD, SUB, MUL, DIV, MAX, NEG, ABS, FMA);
  /** The long operators of the kernels (exp's exponent bits). */
  static final List<VectorOperators.Operator> LONG = List.of(ADD, AND, OR, LSHL);

  private OperatorCaches() {}

  /**
   * Runs each operator of {@link #FLOATING} on float and double vectors and each of {@link #LONG}
   * on long vectors of the given shape, both with a vector and with a scalar operand (a shift by a
   * scalar has a cache of its own). The caches are per element type, so one shape fills them for
   * every shape.
   */
  static void fill(VectorShape shape) {
    FloatVector f = FloatVector.broadcast(VectorSpecies.of(float.class, shape), 1f);
    DoubleVector d = DoubleVector.broadcast(VectorSpecies.of(double.class, shape), 1.0);
    LongVector l = LongVector.broadcast(VectorSpecies.of(long.class, shape), 1L);
    for (VectorOperators.Operator op : FLOATING) {
      if (op instanceof VectorOperators.Ternary t) {
        f.lanewise(t, f, f);
        d.lanewise(t, d, d);
      } else if (op instanceof VectorOperators.Binary b) {
        f.lanewise(b, f);
        f.lanewise(b, 1f);
        d.lanewise(b, d);
        d.lanewise(b, 1.0);
      } else {
        f.lanewise((VectorOperators.Unary) op);
        d.lanewise((VectorOperators.Unary) op);
      }
    }
    for (VectorOperators.Operator op : LONG) {
      l.lanewise((VectorOperators.Binary) op, l);
      l.lanewise((VectorOperators.Binary) op, 1L);
    }
  }

  /** The names of the operators {@link #fill} runs ({@code OperatorCachesTest} reads them). */
  static Set<String> names() {
    Set<String> names = new TreeSet<>();
    for (VectorOperators.Operator op : FLOATING) {
      names.add(op.name());
    }
    for (VectorOperators.Operator op : LONG) {
      names.add(op.name());
    }
    return names;
  }
}
