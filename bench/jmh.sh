#!/usr/bin/env bash
# Runs the JMH benchmarks (src/test/java/org/hebb4j/bench) on the JDK in JAVA_HOME, or on the java
# in PATH when JAVA_HOME is unset. Every argument goes to JMH, e.g.
#   bench/jmh.sh -wi 3 -i 5 -w 1s -r 1s -f 1 GemmBenchmark
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 bench/jmh.sh -p impl=vector Kernels
#   bench/jmh.sh -h        (JMH's own help; -l lists the benchmarks)
# See BENCHMARKS.md. Use one core's worth of machine: never run two of these at once.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -n "${JAVA_HOME:-}" ]]; then
  JAVA="$JAVA_HOME/bin/java"
else
  JAVA="$(command -v java)"
fi

mvn -q -DskipTests test-compile
mvn -q dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
  -Dmdep.includeScope=test
CP="target/test-classes:target/classes:$(cat target/test-classpath.txt)"

exec "$JAVA" --add-modules jdk.incubator.vector -cp "$CP" org.openjdk.jmh.Main "$@"
