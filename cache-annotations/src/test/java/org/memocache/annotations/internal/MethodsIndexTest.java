package org.memocache.annotations.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The methods index the processor writes into the class output, in full and incremental
 * compilations, checked line by line.
 */
class MethodsIndexTest {

  private static final String HEADER =
      "# MemoCache methods index (written by the @Memoize annotation processor; do not edit)\n"
          + "# class\tmethod\tdescriptor\tversion\tcache name\n";

  @TempDir Path classes;

  private static String a(int version, String extra) {
    return """
        package com.acme;
        import org.memocache.annotations.Memoize;
        public class A {
          @Memoize(version = %d) public static double[] simulate(int n, long seed) { return new double[n]; }
          %s
        }
        """.formatted(version, extra);
  }

  private static final String B = """
      package com.acme.b;
      import org.memocache.annotations.Memoize;
      public class B {
        @Memoize(name = "fit") String fit(java.nio.file.Path p) { return ""; }
      }
      """;

  private Map<String, String> both(String a) {
    return Map.of("com.acme.A", a, "com.acme.b.B", B);
  }

  @Test
  void index_listsEveryMemoizedMethod_withJvmDescriptors_sorted() throws Exception {
    TestCompiler.Result r = TestCompiler.compile(classes, Map.of("com.acme.Sim", """
        package com.acme;
        import org.memocache.annotations.Memoize;
        import java.util.*;
        public class Sim {
          @Memoize static double[] simulate(int n, long seed) { return null; }
          @Memoize static double[] simulate(int n, long seed, double[][] init) { return null; }
          @Memoize static <T extends Comparable<T>> T max(List<T> xs, T... more) { return null; }
          @Memoize int prims(char c, boolean z, byte b, short s, float f) { return 0; }
          @Memoize String fit(java.nio.file.Path p) { return ""; }
          int notMemoized(int n) { return n; }
          static class Inner {
            @Memoize(version = 2, name = "inner") Map<String, Integer> count(String s, Map.Entry<String, Integer> e) { return null; }
          }
        }
        """));
    assertTrue(r.success(), r.diagnostics()::toString);
    assertEquals(HEADER
        + "com.acme.Sim\tfit\t(Ljava/nio/file/Path;)Ljava/lang/String;\t0\tcom.acme.Sim#fit\n"
        + "com.acme.Sim\tmax\t(Ljava/util/List;[Ljava/lang/Comparable;)Ljava/lang/Comparable;\t0\tcom.acme.Sim#max\n"
        + "com.acme.Sim\tprims\t(CZBSF)I\t0\tcom.acme.Sim#prims\n"
        + "com.acme.Sim\tsimulate\t(IJ)[D\t0\tcom.acme.Sim#simulate\n"
        + "com.acme.Sim\tsimulate\t(IJ[[D)[D\t0\tcom.acme.Sim#simulate\n"
        + "com.acme.Sim$Inner\tcount\t(Ljava/lang/String;Ljava/util/Map$Entry;)Ljava/util/Map;\t2\tinner\n",
        r.index().orElseThrow());
  }

  @Test
  void noMemoizedMethods_writeNoIndex() throws Exception {
    TestCompiler.Result r = TestCompiler.compile(classes, Map.of("com.acme.P", """
        package com.acme;
        public class P { int f() { return 1; } }
        """));
    assertTrue(r.success());
    assertFalse(Files.exists(classes.resolve(MethodIndex.PATH)));
  }

  @Test
  void incremental_recompilingOneClass_replacesItsLines_keepsTheOthers() throws Exception {
    assertTrue(TestCompiler.compile(classes, both(a(1, ""))).success());
    assertEquals(List.of(
        "com.acme.A\tsimulate\t(IJ)[D\t1\tcom.acme.A#simulate",
        "com.acme.b.B\tfit\t(Ljava/nio/file/Path;)Ljava/lang/String;\t0\tfit"),
        indexLines());

    // Only A is recompiled (as an incremental build does), with a new version and a new method.
    TestCompiler.Result r = TestCompiler.compile(classes, Map.of("com.acme.A",
        a(2, "@Memoize static int count(String s) { return 0; }")));
    assertTrue(r.success(), r.diagnostics()::toString);
    assertEquals(List.of(
        "com.acme.A\tcount\t(Ljava/lang/String;)I\t0\tcom.acme.A#count",
        "com.acme.A\tsimulate\t(IJ)[D\t2\tcom.acme.A#simulate",
        "com.acme.b.B\tfit\t(Ljava/nio/file/Path;)Ljava/lang/String;\t0\tfit"),
        indexLines());

    // Recompiling A again, unchanged, neither duplicates nor loses anything.
    assertTrue(TestCompiler.compile(classes, Map.of("com.acme.A",
        a(2, "@Memoize static int count(String s) { return 0; }"))).success());
    assertEquals(3, indexLines().size(), indexLines()::toString);
  }

  @Test
  void incremental_classThatLostItsMemoizedMethods_losesItsLines() throws Exception {
    assertTrue(TestCompiler.compile(classes, both(a(1, ""))).success());
    TestCompiler.Result r = TestCompiler.compile(classes, Map.of("com.acme.b.B", """
        package com.acme.b;
        public class B { String fit(java.nio.file.Path p) { return ""; } }
        """));
    assertTrue(r.success(), r.diagnostics()::toString);
    assertEquals(List.of("com.acme.A\tsimulate\t(IJ)[D\t1\tcom.acme.A#simulate"), indexLines());
  }

  @Test
  void incremental_deletedClass_losesItsLines() throws Exception {
    assertTrue(TestCompiler.compile(classes, both(a(1, ""))).success());
    Files.delete(classes.resolve("com/acme/b/B.class"));
    assertTrue(TestCompiler.compile(classes, Map.of("com.acme.A", a(1, ""))).success());
    assertEquals(List.of("com.acme.A\tsimulate\t(IJ)[D\t1\tcom.acme.A#simulate"), indexLines());
  }

  @Test
  void incremental_unchangedIndex_isNotRewritten() throws Exception {
    assertTrue(TestCompiler.compile(classes, both(a(1, ""))).success());
    Path index = classes.resolve(MethodIndex.PATH);
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(index, old);
    assertTrue(TestCompiler.compile(classes, Map.of("com.acme.A", a(1, ""))).success());
    assertEquals(old, Files.getLastModifiedTime(index));
  }

  @Test
  void compileErrors_leaveTheIndexAsItWas() throws Exception {
    assertTrue(TestCompiler.compile(classes, both(a(1, ""))).success());
    String before = Files.readString(classes.resolve(MethodIndex.PATH));
    TestCompiler.Result r = TestCompiler.compile(classes, Map.of("com.acme.A",
        a(2, "@Memoize static void broken() {}")));
    assertFalse(r.success());
    assertEquals(before, Files.readString(classes.resolve(MethodIndex.PATH)));
  }

  @Test
  void damagedIndexLine_isWarnedAndDropped() throws Exception {
    assertTrue(TestCompiler.compile(classes, both(a(1, ""))).success());
    Path index = classes.resolve(MethodIndex.PATH);
    Files.writeString(index, Files.readString(index) + "garbage without tabs\n");
    TestCompiler.Result r = TestCompiler.compile(classes, Map.of("com.acme.A", a(1, "")));
    assertTrue(r.success());
    assertEquals("META-INF/memocache/methods line 5: expected 5 tab-separated fields (class, method,"
        + " descriptor, version, cache name) but found 1: 'garbage without tabs' (the line is"
        + " dropped; a clean build rewrites the index)", r.onlyWarning().message());
    assertEquals(2, indexLines().size(), indexLines()::toString);
  }

  @Test
  void typeGeneratedByAnotherProcessor_isJudgedInTheNextRound() throws Exception {
    TestCompiler.Result r = TestCompiler.compile(classes, Map.of("com.acme.Uses", """
        package com.acme;
        import org.memocache.annotations.Memoize;
        public class Uses {
          @Memoize static int size(com.acme.gen.Generated g, int n) { return n; }
        }
        """), List.of(new Generator()));
    assertTrue(r.success(), r.diagnostics()::toString);
    assertEquals(List.of(), r.diagnostics());
    assertEquals(List.of("com.acme.Uses\tsize\t(Lcom/acme/gen/Generated;I)I\t0\tcom.acme.Uses#size"),
        indexLines());
  }

  private List<String> indexLines() throws IOException {
    return Files.readString(classes.resolve(MethodIndex.PATH)).lines()
        .filter(l -> !l.startsWith("#")).toList();
  }

  /** Generates {@code com.acme.gen.Generated} in the first round, as code generators do. */
  private static final class Generator extends AbstractProcessor {
    private boolean done;

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      if (!done) {
        done = true;
        try (Writer w = processingEnv.getFiler().createSourceFile("com.acme.gen.Generated").openWriter()) {
          w.write("package com.acme.gen; public record Generated(int n) {}");
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
      return false;
    }
  }
}
