package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two versions of a job that differ only in code a {@code @Memoize} method calls, run under the
 * agent on one cache directory (and one weave cache): the second version computes the affected
 * method again and prints what a plain run of it prints, the first version run again is served
 * from the cache, and an edit of code no memoized method reaches recomputes nothing.
 */
@Tag("slow") // six child-JVM rounds (7 s); MemoizePluginCalleeTest covers callee fingerprints in the fast run
class CalleeFingerprintIT {

  static final String JOB = """
      package app;
      import java.util.function.DoubleUnaryOperator;
      import org.memocache.annotations.Memoize;
      public class Job {
        static void computed(String what) { System.err.println("COMPUTE " + what); }
        @Memoize public static String f(int n) {
          computed("f");
          double s = 0;
          for (int i = 0; i < n; i++) s += gauss(i);
          return String.format("%.6f", s);
        }
        private static double gauss(int i) { return Math.exp(-i * i / 8.0); }
        @Memoize public static double other(int n) { computed("other"); return Helper.scale(n); }
        @Memoize public static double viaLambda(double x) {
          computed("lambda");
          DoubleUnaryOperator op = v -> v * 2;
          return op.applyAsDouble(x);
        }
        private final int base;
        public Job(int base) { this.base = base; }
        @Memoize public double g(int n) { computed("g"); return twice(n) + base; }
        private double twice(int n) { return 2.0 * n; }
        @Memoize public static double useLib(double x) { computed("lib"); return lib.Lib.square(x); }
        public static int unrelated() { return 7; }
        public static void main(String[] args) {
          System.out.println("f " + f(20) + " other " + other(10) + " lambda " + viaLambda(3)
              + " g " + new Job(1).g(4) + " lib " + useLib(3) + " unrelated " + unrelated());
        }
      }
      """;

  static final String HELPER = """
      package app;
      class Helper { static double scale(int n) { return n * 0.5; } }
      """;

  static final String LIB = """
      package lib;
      public class Lib { public static double square(double x) { return x * x; } }
      """;

  /** One edit: which version of the job, the library jar's name, and which method must compute. */
  static Stream<Arguments> edits() {
    return Stream.of(
        Arguments.of("private-static-helper", JOB.replace("/ 8.0", "/ 9.0"), HELPER, "lib-1.0.jar", "f"),
        Arguments.of("other-class", JOB, HELPER.replace("n * 0.5", "n * 0.25"), "lib-1.0.jar", "other"),
        Arguments.of("lambda", JOB.replace("v * 2", "v * 3"), HELPER, "lib-1.0.jar", "lambda"),
        Arguments.of("private-instance", JOB.replace("2.0 * n", "3.0 * n"), HELPER, "lib-1.0.jar", "g"),
        Arguments.of("library-version", JOB, HELPER, "lib-2.0.jar", "lib"),
        Arguments.of("unrelated", JOB.replace("return 7;", "return 8;"), HELPER, "lib-1.0.jar", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("edits")
  void editedCalleeComputes_firstVersionStillHits(String name, String job, String helper, String libJar,
      String recomputed) throws Exception {
    Path dir = Jvm.testDir("CalleeFingerprintIT-" + name);
    List<Path> v1 = version(dir.resolve("v1"), JOB, HELPER, "lib-1.0.jar");
    List<Path> v2 = version(dir.resolve("v2"), job, helper, libJar);
    String java = Jvm.javas().findFirst().orElseThrow();
    List<String> agent = List.of(Jvm.agent("verbose,dir=" + dir.resolve("cache") + ",weavecache=" + dir.resolve("woven")));

    Jvm.Result first = Jvm.run(java, agent, v1, "app.Job");
    Jvm.Result second = Jvm.run(java, agent, v2, "app.Job");
    Jvm.Result again = Jvm.run(java, agent, v1, "app.Job");
    Jvm.Result plain2 = Jvm.run(java, List.of(), v2, "app.Job");

    for (Jvm.Result r : List.of(first, second, again, plain2)) {
      assertEquals(0, r.exitCode(), r::toString);
    }
    assertEquals(5, computed(first), first::toString);
    assertEquals(plain2.out(), second.out(), "the second version prints what it prints without MemoCache");
    assertEquals(recomputed.isEmpty() ? List.of() : List.of("COMPUTE " + recomputed),
        second.err().lines().filter(l -> l.startsWith("COMPUTE")).toList(), second::toString);
    if (!name.equals("library-version") && !name.equals("unrelated")) {
      assertNotEquals(first.out(), second.out(), "the edit changes a result");
    }
    assertEquals(first.out(), again.out());
    assertEquals(0, computed(again), "the first version's results are still there: " + again);
    if (name.equals("other-class")) {
      // The same app/Job.class: its cached weaving is retaken only while its callees are unchanged.
      assertEquals(1, second.errLines("app.Job calls code that changed since it was woven; weaving it again"), second::toString);
      assertEquals(1, again.errLines("app.Job calls code that changed since it was woven; weaving it again"), again::toString);
    }
    assertEquals(0, first.warnings("MemoCache") + second.warnings("MemoCache") + again.warnings("MemoCache"),
        second::toString);
  }

  private static long computed(Jvm.Result r) {
    return r.err().lines().filter(l -> l.startsWith("COMPUTE")).count();
  }

  /** Compiles a version of the job against the library, packed as {@code libJar}: its class path. */
  private static List<Path> version(Path dir, String job, String helper, String libJar) throws IOException {
    Path lib = Jvm.jar(Jvm.compile(dir.resolve("lib-classes"), List.of(), Map.of("lib/Lib.java", LIB)),
        Files.createDirectories(dir).resolve(libJar));
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(Jvm.agentJar(), lib),
        Map.of("app/Job.java", job, "app/Helper.java", helper));
    return List.of(classes, lib);
  }
}
