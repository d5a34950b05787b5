package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code methods=} selectors as people write them, through the shaded agent in child JVMs: the
 * source-style nested name and Java's varargs form match; a class that never loads, a name in the
 * wrong case, a misspelt method and JDK classes are each reported; malformed options stop the JVM
 * cleanly.
 */
class SelectorsIT {

  static final Map<String, String> JOB = Map.of(
      "sel/Outer.java", """
          package sel;
          public class Outer {
            public static class Nested {
              public static int g(int x) { System.err.println("COMPUTE g " + x); return x * 3; }
            }
          }
          """,
      "sel/Ov.java", """
          package sel;
          public class Ov {
            public static int f(int... xs) {
              System.err.println("COMPUTE f " + xs.length);
              int s = 0; for (int x : xs) s += x; return s;
            }
          }
          """,
      "sel/Main.java", """
          package sel;
          public class Main {
            public static void main(String[] args) {
              double[] d = {3, 1, 2};
              java.util.Arrays.sort(d);
              System.out.println(Math.pow(2, 10) + " " + d[0]);
              System.out.println(Outer.Nested.g(2) + " " + Outer.Nested.g(2));
              System.out.println(Ov.f(1, 2, 3) + " " + Ov.f(1, 2, 3));
            }
          }
          """);

  static Path dir;
  static Path classes;
  static String java;

  @BeforeAll
  static void compile() throws Exception {
    dir = Jvm.testDir("SelectorsIT");
    classes = Jvm.compile(dir.resolve("classes"), List.of(), JOB);
    java = Jvm.javas().findFirst().orElseThrow();
  }

  @Test
  void sourceStyleNestedAndVarargsMatch_theOthersAreReportedAtExit() throws Exception {
    Jvm.Result r = Jvm.run(java, List.of(Jvm.agent("methods=java.lang.Math#pow;java.util.Arrays#sort;"
        + "sel.Outer.Nested#g;sel.Nope#f;sel.ov#f;sel.Ov#fx;sel.Ov#f(int...),dir=" + dir.resolve("cache")
        + ",weavecache=off")), List.of(classes), "sel.Main");
    assertEquals(0, r.exitCode(), r::toString);
    assertEquals(List.of("1024.0 1.0", "6 6", "6 6"), r.lines(), r::toString);
    assertEquals(1, r.errLines("COMPUTE g"), "sel.Outer.Nested#g is sel.Outer$Nested#g: " + r);
    assertEquals(1, r.errLines("COMPUTE f"), "f(int...) is f(int[]): " + r);
    for (String jdk : List.of("java.lang.Math#pow", "java.util.Arrays#sort")) {
      assertEquals(1, r.warnings("MemoCache agent: methods=" + jdk + " names a JDK class; JDK methods are not"
          + " supported (only application and library classes are woven), so it is computed normally"), r::toString);
    }
    List<String> err = r.err().lines().toList();
    int at = err.indexOf("WARNING: MemoCache agent: 3 methods= selectors matched no loaded method; nothing was"
        + " memoized for them:");
    assertTrue(at >= 0, r::toString);
    assertEquals(List.of(
        "  sel.Nope#f: no class sel.Nope was loaded",
        "  sel.ov#f: no class sel.ov was loaded; did you mean sel.Ov#f?",
        "  sel.Ov#fx: sel.Ov declares no method fx; did you mean sel.Ov#f?"), err.subList(at + 1, Math.min(err.size(), at + 4)),
        r::toString);
    assertEquals(at + 4, err.size(), "the report is the last thing said: " + r);
  }

  @Test
  void everySelectorMatched_nothingIsReported() throws Exception {
    Jvm.Result r = Jvm.run(java, List.of(Jvm.agent("methods=sel.Outer$Nested#g;sel.Ov#f(int[]),dir="
        + dir.resolve("cache2") + ",weavecache=off")), List.of(classes), "sel.Main");
    assertEquals(0, r.exitCode(), r::toString);
    assertEquals(1, r.errLines("COMPUTE g"), r::toString);
    assertEquals(0, r.errLines("matched no"), r::toString);
    assertEquals(0, r.errLines("WARNING"), r::toString);
  }

  @Test
  void unclosedParenthesis_stopsCleanlyNamingOptionAndCharacter() throws Exception {
    assertStopsCleanly("methods=sel.Ov#f(int,dir=" + dir.resolve("x") + ",verbose",
        "SEVERE: MemoCache agent: malformed option 'methods' at character 17: '(' is never closed in 'methods=sel.Ov#f(int'");
  }

  @Test
  void unknownOption_stopsCleanly() throws Exception {
    assertStopsCleanly("directory=/x", "SEVERE: MemoCache agent: unknown option 'directory' in 'directory=/x' at"
        + " character 1; the options are ");
  }

  @Test
  void badConfigurationValue_stopsCleanly() throws Exception {
    assertStopsCleanly("memory=lots", "SEVERE: MemoCache: agent option memory=lots: not a size such as 512m, 2g or 4096");
  }

  @Test
  void bareRelativeWeaveCache_isInTheWorkingDirectory() throws Exception {
    Path work = Jvm.testDir("SelectorsIT-work");
    Jvm.Result r = Jvm.runIn(work, java, List.of(Jvm.agent("methods=sel.Ov#f,dir=" + work.resolve("cache")
        + ",weavecache=wc")), List.of(classes), Map.of(), "sel.Main");
    assertEquals(0, r.exitCode(), r::toString);
    assertEquals(1, r.errLines("COMPUTE f"), r::toString);
    try (Stream<Path> s = Files.list(work.resolve("wc"))) {
      assertEquals(1, s.count(), "one directory of woven classes: " + r);
    }
  }

  private static void assertStopsCleanly(String options, String message) throws Exception {
    Path work = Jvm.testDir("SelectorsIT-bad");
    Jvm.Result r = Jvm.runIn(work, java, List.of(Jvm.agent(options)), List.of(classes), Map.of(), "sel.Main");
    assertEquals(MemoAgent.BAD_OPTION_EXIT, r.exitCode(), r::toString);
    assertEquals("", r.out(), "the job must not run: " + r);
    assertEquals(1, r.err().lines().filter(l -> l.startsWith(message)).count(), r::toString);
    assertEquals(2, r.err().lines().count(), "the log record (two lines) and nothing else: " + r);
    assertFalse(r.err().lines().anyMatch(l -> l.startsWith("#")), "no JVM crash report: " + r);
    try (Stream<Path> s = Files.list(work)) {
      assertEquals(0, s.filter(f -> f.getFileName().toString().startsWith("hs_err")).count(), "no hs_err file");
    }
  }
}
