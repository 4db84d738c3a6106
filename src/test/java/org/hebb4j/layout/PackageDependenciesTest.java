package org.hebb4j.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layout rule of issue 9 on src/main/java: no package but {@code cli} uses {@code cli}, and
 * the packages' dependency graph has no cycle. A dependency is an import (static or not, single
 * type or on demand) or a fully qualified name in code; comments and string literals do not count
 * (the kernel provider loads the vector kernels by name, on purpose).
 */
class PackageDependenciesTest {

  private static final String ROOT = "org.hebb4j";
  private static final Path SOURCES = Path.of("src", "main", "java");

  /**
   * Dependencies (from -> to, packages relative to org.hebb4j) other branches remove; each must
   * still exist here (an entry that is gone fails the test, so the list only shrinks). Empty
   * since HebbCnnCommand moved to cli.
   */
  static final Set<String> KNOWN = Set.of();

  private static final Pattern PACKAGE = Pattern.compile("\\bpackage\\s+([\\w.]+)\\s*;");
  private static final Pattern REFERENCE = Pattern.compile(
      "\\b" + Pattern.quote(ROOT) + "((?:\\s*\\.\\s*[a-z_][a-z0-9_]*)*)\\s*\\.\\s*(?:[A-Z]|\\*)");

  /** The graph: package -> (package it uses -> the files using it). */
  static Map<String, Map<String, Set<String>>> graph() throws IOException {
    Map<String, Map<String, Set<String>>> g = new TreeMap<>();
    List<Path> files;
    try (Stream<Path> s = Files.walk(SOURCES)) {
      files = s.filter(f -> f.toString().endsWith(".java"))
          .filter(f -> !f.getFileName().toString().equals("module-info.java"))
          .sorted().collect(Collectors.toList());
    }
    assertTrue(files.size() > 50, "only " + files.size() + " sources under " + SOURCES);
    for (Path f : files) {
      String code = code(Files.readString(f));
      Matcher p = PACKAGE.matcher(code);
      assertTrue(p.find(), f + ": no package declaration");
      String from = relative(p.group(1));
      Map<String, Set<String>> uses = g.computeIfAbsent(from, k -> new TreeMap<>());
      for (String to : references(code)) {
        if (!to.equals(from)) {
          uses.computeIfAbsent(to, k -> new TreeSet<>()).add(f.getFileName().toString());
        }
      }
    }
    return g;
  }

  /** The org.hebb4j packages (relative names) that {@code code} refers to. */
  static Set<String> references(String code) {
    Set<String> out = new TreeSet<>();
    Matcher m = REFERENCE.matcher(code);
    while (m.find()) {
      out.add(relative(ROOT + m.group(1).replaceAll("\\s", "")));
    }
    return out;
  }

  private static String relative(String pkg) {
    return pkg.equals(ROOT) ? "" : pkg.substring(ROOT.length() + 1);
  }

  /** {@code java} with comments, string, text-block and character literals blanked. */
  static String code(String java) {
    StringBuilder sb = new StringBuilder(java.length());
    int n = java.length();
    for (int i = 0; i < n; i++) {
      char c = java.charAt(i);
      if (c == '/' && i + 1 < n && java.charAt(i + 1) == '/') {
        while (i < n && java.charAt(i) != '\n') {
          i++;
        }
        sb.append('\n');
      } else if (c == '/' && i + 1 < n && java.charAt(i + 1) == '*') {
        int end = java.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 1;
        sb.append(' ');
      } else if (java.startsWith("\"\"\"", i)) {
        int end = i + 3;
        while (end < n && !(java.startsWith("\"\"\"", end) && java.charAt(end - 1) != '\\')) {
          end++;
        }
        i = Math.min(n, end + 2);
        sb.append("\"\"");
      } else if (c == '"' || c == '\'') {
        int j = i + 1;
        while (j < n && java.charAt(j) != c && java.charAt(j) != '\n') {
          j += java.charAt(j) == '\\' ? 2 : 1;
        }
        i = Math.min(j, n);
        sb.append(c).append(c);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The edges of {@code g} as "from -> to". */
  private static Set<String> edges(Map<String, Map<String, Set<String>>> g) {
    Set<String> out = new TreeSet<>();
    g.forEach((from, uses) -> uses.keySet().forEach(to -> out.add(from + " -> " + to)));
    return out;
  }

  @Test
  void onlyCliUsesCli() throws IOException {
    Map<String, Map<String, Set<String>>> g = graph();
    List<String> bad = new ArrayList<>();
    g.forEach((from, uses) -> {
      if (!from.equals("cli") && uses.containsKey("cli")
          && !KNOWN.contains(from + " -> cli")) {
        bad.add(from + " -> cli " + uses.get("cli"));
      }
    });
    assertEquals(List.of(), bad, "packages that use org.hebb4j.cli");
  }

  @Test
  void packagesFormNoCycle() throws IOException {
    Map<String, Map<String, Set<String>>> g = graph();
    assertTrue(g.get("nn").containsKey("kernel") && g.get("cli").containsKey("nn"),
        "the scan misses known dependencies: " + edges(g));
    Set<String> stale = new TreeSet<>(KNOWN);
    stale.removeAll(edges(g));
    assertEquals(Set.of(), stale, "dependencies now gone: remove them from KNOWN");
    for (String e : KNOWN) {
      String[] ft = e.split(" -> ");
      g.get(ft[0]).remove(ft[1]);
    }
    List<String> cycles = new ArrayList<>();
    for (Set<String> scc : components(g)) {
      if (scc.size() > 1) {
        StringBuilder sb = new StringBuilder(String.join(", ", scc) + ":");
        for (String from : scc) {
          g.get(from).forEach((to, files) -> {
            if (scc.contains(to)) {
              sb.append(" ").append(from).append(" -> ").append(to).append(" ").append(files);
            }
          });
        }
        cycles.add(sb.toString());
      }
    }
    assertEquals(List.of(), cycles, "package cycles (strongly connected components)");
  }

  @Test
  void theScanSeesCodeOnly() {
    String java = "package org.hebb4j.a;\nimport static org.hebb4j.b.B.f;\n"
        + "import org.hebb4j.c.*;\n/* org.hebb4j.d.D */ // org.hebb4j.e.E\n"
        + "class X { String s = \"org.hebb4j.f.F \\\" org.hebb4j.g.G\"; char q = '\"';\n"
        + "  Object o = org.hebb4j . h.H.of(); String t = \"\"\"\n  org.hebb4j.i.I\"\"\";\n"
        + "  org.hebb4j.Top top; }";
    assertEquals(Set.of("b", "c", "h", ""), references(code(java)));
  }

  /** Tarjan's strongly connected components of {@code g}. */
  static List<Set<String>> components(Map<String, Map<String, Set<String>>> g) {
    Map<String, Integer> index = new HashMap<>(), low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    List<Set<String>> out = new ArrayList<>();
    for (String v : g.keySet()) {
      if (!index.containsKey(v)) {
        connect(v, g, index, low, stack, out);
      }
    }
    return out;
  }

  private static void connect(String v, Map<String, Map<String, Set<String>>> g,
      Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
      List<Set<String>> out) {
    index.put(v, index.size());
    low.put(v, index.get(v));
    stack.push(v);
    for (String w : g.getOrDefault(v, Map.of()).keySet()) {
      if (!index.containsKey(w)) {
        connect(w, g, index, low, stack, out);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (stack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> scc = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        scc.add(w);
      } while (!w.equals(v));
      out.add(scc);
    }
  }
}
