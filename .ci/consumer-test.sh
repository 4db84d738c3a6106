#!/usr/bin/env bash
# A downstream Maven project against the installed jar (issue 9): `mvn install`, then the
# consumer in src/it/consumer (the README's Hebbian-CNN example: 1000 Fashion-MNIST images,
# train, save, load, compare features) built with Maven and run on the class path and the module
# path, each with and without jdk.incubator.vector. Fails unless all four print the same-bits
# line with the expected kernels and module. Needs /usr/share/datasets/fashion-mnist.
set -euo pipefail
cd "$(dirname "$0")/.."
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

mvn -B -q -DskipTests install
version="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -n1)"
repo="${M2_REPO:-$HOME/.m2/repository}"
lib="$repo/org/hebb4j/hebb4j/$version/hebb4j-$version.jar"
[ -f "$lib" ] || { echo "consumer-test: $lib was not installed" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r src/it/consumer "$work/consumer"
(cd "$work/consumer" && mvn -B -q -Dhebb4j.version="$version" package)
app="$work/consumer/target/consumer.jar"

fail=0
check() { # name, expected kernels, expected module, java args...
  local name="$1" kernels="$2" module="$3"; shift 3
  local out
  out="$("$java" "$@" "$work/model-$name.safetensors" 2>"$work/err-$name")" || true
  local want="kernels $kernels, module $module, steps 10, same features: true"
  if [ "$out" = "$want" ] && ! grep -v '^WARNING: Using incubator modules' "$work/err-$name" | grep -q .; then
    echo "consumer $name: $out"
  else
    echo "consumer $name: FAILED: got '$out', want '$want'" >&2
    cat "$work/err-$name" >&2
    fail=1
  fi
}
vec=(--add-modules jdk.incubator.vector)
check classpath scalar null -cp "$app:$lib" org.hebb4j.demo.Demo
check classpath+vector vector null "${vec[@]}" -cp "$app:$lib" org.hebb4j.demo.Demo
check modulepath scalar org.hebb4j -p "$app:$lib" -m org.hebb4j.demo/org.hebb4j.demo.Demo
check modulepath+vector vector org.hebb4j "${vec[@]}" -p "$app:$lib" \
  -m org.hebb4j.demo/org.hebb4j.demo.Demo
exit "$fail"
