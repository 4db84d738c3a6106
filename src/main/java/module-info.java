/**
 * hebb4j: emergent Hebbian dynamics and Hebbian learning through gradients, in pure Java.
 *
 * <p>The exported packages are the library's API; {@code cli}, {@code verify}, {@code plot} and
 * {@code experiment} are the command-line tool's. The Vector API is optional
 * (spec/kernels.md#dispatch): start the JVM with {@code --add-modules jdk.incubator.vector} to use
 * the vector kernels; without it every kernel runs on the scalar path.
 */
module org.hebb4j {
  requires static jdk.incubator.vector;
  requires static java.management;
  requires static jdk.management;

  exports org.hebb4j.kernel;
  exports org.hebb4j.tensor;
  exports org.hebb4j.rng;
  exports org.hebb4j.nn;
  exports org.hebb4j.hebbian;
  exports org.hebb4j.emergence;
  exports org.hebb4j.linalg;
  exports org.hebb4j.data;
  exports org.hebb4j.parallel;
  exports org.hebb4j.io;
  exports org.hebb4j.util;
}
