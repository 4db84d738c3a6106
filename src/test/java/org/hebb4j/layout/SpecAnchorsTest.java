package org.hebb4j.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every spec anchor ({@code spec/...md#anchor}) cited in the sources, tests, README, benchmarks,
 * test vectors and the spec itself (where {@code ...md#anchor} and {@code (#anchor)} are relative
 * to the citing spec file) names an anchor that exists: a heading whose GitHub slug is the anchor,
 * or an explicit {@code <a id="anchor">} or {@code {#anchor}}.
 */
class SpecAnchorsTest {

  /**
   * Cited anchors another branch adds; each must be missing here (an entry that exists fails the
   * test, so the list only shrinks): spec/emergence.md#mlp comes with the MLP rework (issue 9).
   */
  static final Set<String> KNOWN_MISSING = Set.of();

  private static final Pattern SPEC_CITE =
      Pattern.compile("spec/([A-Za-z0-9_-]+\\.md)#([A-Za-z0-9_-]*)");
  private static final Pattern RELATIVE_CITE =
      Pattern.compile("(?<![/\\w.-])([A-Za-z0-9_-]+\\.md)#([A-Za-z0-9_-]*)");
  private static final Pattern SAME_FILE_CITE = Pattern.compile("\\]\\(#([A-Za-z0-9_-]*)\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)[\\s#]*$");
  private static final Pattern EXPLICIT =
      Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"|\\{#([A-Za-z0-9_-]+)\\}");

  private final Map<Path, Set<String>> anchors = new HashMap<>();

  @Test
  void everyCitedSpecAnchorExists() throws IOException {
    Set<String> missing = new TreeSet<>();
    List<String> where = new ArrayList<>();
    int cites = 0;
    for (Path f : citingFiles()) {
      List<String> lines = Files.readAllLines(f);
      boolean inSpec = f.getParent() != null && f.getParent().equals(Path.of("spec"))
          && f.toString().endsWith(".md");
      for (int i = 0; i < lines.size(); i++) {
        List<String[]> found = new ArrayList<>();
        collect(SPEC_CITE, lines.get(i), null, found);
        if (inSpec) {
          collect(RELATIVE_CITE, lines.get(i), null, found);
          collect(SAME_FILE_CITE, lines.get(i), f.getFileName().toString(), found);
        }
        for (String[] c : found) {
          cites++;
          String cite = "spec/" + c[0] + "#" + c[1];
          if (!anchorsOf(Path.of("spec", c[0])).contains(c[1])) {
            missing.add(cite);
            if (!KNOWN_MISSING.contains(cite)) {
              where.add(f + ":" + (i + 1) + ": " + cite);
            }
          }
        }
      }
    }
    assertTrue(cites > 100, "found only " + cites + " citations: is the scan broken?");
    assertEquals(List.of(), where, "cited spec anchors that do not exist");
    Set<String> fixed = new TreeSet<>(KNOWN_MISSING);
    fixed.removeAll(missing);
    assertEquals(Set.of(), fixed, "anchors now present: remove them from KNOWN_MISSING");
  }

  @Test
  void slugsFollowGitHub() {
    assertEquals("standard-regression-experiment-hebb4j-emergence",
        slug("<a id=\"sre\"></a>Standard regression experiment (`hebb4j emergence`)"));
    assertEquals("k-wta-competition-h4", slug("k-WTA competition (H4)"));
    assertEquals("dense_rule--x", slug("Dense_rule & x"));
  }

  /** [file, anchor] of every match; {@code sameFile} for (#anchor) links, else group 1 is it. */
  private static void collect(Pattern p, String line, String sameFile, List<String[]> out) {
    Matcher m = p.matcher(line);
    while (m.find()) {
      out.add(sameFile != null ? new String[] {sameFile, m.group(1)}
          : new String[] {m.group(1), m.group(2)});
    }
  }

  static List<Path> citingFiles() throws IOException {
    List<Path> files = new ArrayList<>(List.of(Path.of("README.md"), Path.of("BENCHMARKS.md")));
    for (String root : new String[] {"src", "spec", "test-vectors", "bench"}) {
      try (Stream<Path> s = Files.walk(Path.of(root))) {
        files.addAll(s.filter(Files::isRegularFile)
            .filter(f -> f.toString().matches(".*\\.(java|md|json|py|sh|txt)"))
            .sorted().collect(Collectors.toList()));
      }
    }
    return files;
  }

  private Set<String> anchorsOf(Path md) throws IOException {
    if (!anchors.containsKey(md)) {
      anchors.put(md, Files.exists(md) ? read(md) : Set.of());
    }
    return anchors.get(md);
  }

  /** Heading slugs (a repeated slug gets -1, -2, ... as on GitHub) and explicit ids. */
  static Set<String> read(Path md) throws IOException {
    Set<String> out = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean fenced = false;
    for (String line : Files.readAllLines(md)) {
      Matcher e = EXPLICIT.matcher(line);
      while (e.find()) {
        out.add(e.group(1) != null ? e.group(1) : e.group(2));
      }
      if (line.startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      Matcher h = HEADING.matcher(line);
      if (!fenced && h.matches()) {
        String s = slug(h.group(1));
        int n = seen.merge(s, 1, Integer::sum) - 1;
        out.add(n == 0 ? s : s + "-" + n);
      }
    }
    return out;
  }

  /** GitHub's heading slug: tags and {#id} dropped, lower case, punctuation dropped, ' ' to '-'. */
  static String slug(String heading) {
    String t = heading.replaceAll("<[^>]*>", "").replaceAll("\\{#[^}]*\\}", "").strip();
    return t.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-');
  }
}
