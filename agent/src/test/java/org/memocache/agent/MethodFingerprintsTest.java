package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memocache.agent.internal.ClassFiles;
import org.memocache.agent.internal.MethodFingerprints;

/**
 * What changes a method's fingerprint within its own class (its code, its lambdas) and what does not
 * (layout, debug info); callees in other classes are {@link CalleeFingerprintsTest}'s.
 */
class MethodFingerprintsTest {
  @TempDir
  Path dir;

  private static final String BASE = """
      package p;
      import java.util.function.IntUnaryOperator;
      public class C {
        public static int f(int x) {
          IntUnaryOperator g = v -> v * 3;
          return g.applyAsInt(x) + 1;
        }
        public static int other(int x) { return x - 1; }
      }
      """;

  private Map<String, Long> fingerprints(String name, String source, String debug) throws Exception {
    Path out = Jvm.compile(dir.resolve(name), List.of(), Map.of("p/C.java", source), debug);
    MethodFingerprints fps = new MethodFingerprints(ClassFiles.None.INSTANCE, "p/C",
        Files.readAllBytes(out.resolve("p/C.class")));
    return Map.of("f(I)I", fps.of("f(I)I"), "other(I)I", fps.of("other(I)I"));
  }

  @Test
  void layoutCommentsAndDebugInfo_doNotChangeIt() throws Exception {
    Map<String, Long> base = fingerprints("base", BASE, "-g");
    String moved = BASE.replace("public class C {", "public class C {\n\n  // a comment that shifts every line\n\n")
        .replace("v -> v * 3", "value -> value * 3");
    assertEquals(base.get("f(I)I"), fingerprints("moved", moved, "-g").get("f(I)I"));
    assertEquals(base.get("f(I)I"), fingerprints("nodebug", BASE, "-g:none").get("f(I)I"));
    assertNotNull(base.get("other(I)I"));
    assertTrue(base.values().stream().noneMatch(v -> v == 0L));
  }

  @Test
  void editingTheBody_changesIt() throws Exception {
    Map<String, Long> base = fingerprints("base", BASE, "-g");
    Map<String, Long> edited = fingerprints("edited", BASE.replace("+ 1;", "+ 2;"), "-g");
    assertNotEquals(base.get("f(I)I"), edited.get("f(I)I"));
    assertEquals(base.get("other(I)I"), edited.get("other(I)I"), "other methods keep theirs");
  }

  @Test
  void editingALambdaInTheMethod_changesIt() throws Exception {
    Map<String, Long> base = fingerprints("base", BASE, "-g");
    Map<String, Long> edited = fingerprints("lambda", BASE.replace("v * 3", "v * 4"), "-g");
    assertNotEquals(base.get("f(I)I"), edited.get("f(I)I"));
  }
}
