package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.build.EntryPoint;
import net.bytebuddy.build.Plugin;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.inline.MethodNameTransformer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two versions of a program whose result class differs (the memoized method's body does not) share
 * one cache directory and run alternately, woven by the agent and by the build plugin: each prints
 * exactly what it prints without MemoCache, each one's second run computes nothing, and neither
 * deletes the other's entries.
 */
@Tag("slow")
class ResultShapeIT {

  /** The memoized method, the same bytecode in both versions. */
  static final String MAIN = """
      package app;
      import org.memocache.annotations.Memoize;
      public class Main {
        @Memoize static Summary summarize(int n) {
          System.err.println("COMPUTE summarize");
          double sum = 0, max = 0;
          for (int i = 1; i <= n; i++) { sum += i; max = Math.max(max, i); }
          return new Summary(sum / n, max);
        }
        public static void main(String[] args) { System.out.println(summarize(1000)); }
      }
      """;

  /** The same computation through the programmatic API, which has no declared result type. */
  static final String PROGRAMMATIC = """
      package app;
      import java.nio.file.Path;
      import org.memocache.Memo;
      public class Programmatic {
        public static void main(String[] args) {
          try (Memo memo = Memo.builder().directory(Path.of(args[0])).allowPackages("app").build()) {
            System.out.println(memo.call("summarize", () -> Main.summarize(1000), 1000));
          }
        }
      }
      """;

  static Stream<Arguments> versions() {
    return Stream.of(
        Arguments.of("record",
            "package app; public record Summary(double mean, double max) {}",
            "package app; public record Summary(double mean, double spread) {}"),
        Arguments.of("plainClass",
            """
            package app; public class Summary { double mean; double max;
              Summary(double mean, double max) { this.mean = mean; this.max = max; }
              @Override public String toString() { return "mean=" + mean + " max=" + max; } }
            """,
            """
            package app; public class Summary { float mean; double spread;
              Summary(double mean, double max) { this.mean = (float) mean; this.spread = max; }
              @Override public String toString() { return "mean=" + mean + " spread=" + spread; } }
            """),
        Arguments.of("superclassField",
            """
            package app; public class Summary extends Base { double mean;
              Summary(double mean, double max) { this.mean = mean; this.max = max; }
              @Override public String toString() { return "mean=" + mean + " max=" + max; } }
            class Base { double max; }
            """,
            """
            package app; public class Summary extends Base { double mean;
              Summary(double mean, double max) { this.mean = mean; this.max = max; }
              @Override public String toString() { return "mean=" + mean + " max=" + max + " unit=" + unit; } }
            class Base { int unit = 7; double max; }
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("versions")
  void twoVersionsSharingADirectory_eachKeepTheirOwnResults(String name, String summaryA, String summaryB)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path dir = Jvm.testDir("ResultShapeIT-" + name);
    Path a = Jvm.compile(dir.resolve("a"), List.of(Jvm.agentJar()),
        Map.of("app/Main.java", MAIN, "app/Summary.java", summaryA, "app/Programmatic.java", PROGRAMMATIC));
    Path b = Jvm.compile(dir.resolve("b"), List.of(Jvm.agentJar()),
        Map.of("app/Main.java", MAIN, "app/Summary.java", summaryB, "app/Programmatic.java", PROGRAMMATIC));
    String plainA = plain(java, a);
    String plainB = plain(java, b);
    assertTrue(!plainA.equals(plainB), plainA);

    // Woven by the agent.
    Path cache = dir.resolve("cache");
    List<String> agent = List.of(Jvm.agent("dir=" + cache + ",weavecache=off"));
    alternate(cache, plainA, plainB, v -> Jvm.run(java, agent, List.of(v ? a : b), "app.Main"));

    // Woven at build time, using the default directory.
    Path wovenA = weave(a, dir.resolve("woven-a"));
    Path wovenB = weave(b, dir.resolve("woven-b"));
    Path home = dir.resolve("home");
    List<String> defaults = List.of("-Duser.home=" + home);
    alternate(home.resolve(".cache/memocache"), plainA, plainB,
        v -> Jvm.run(java, defaults, List.of(v ? wovenA : wovenB, Jvm.agentJar()), "app.Main"));

    // Without a declared type the key cannot tell the versions apart: a miss (never a wrong value),
    // and each store replaces the other's entry.
    Path prog = dir.resolve("programmatic");
    List<Path> cpA = List.of(a, Jvm.agentJar());
    List<Path> cpB = List.of(b, Jvm.agentJar());
    for (int i = 0; i < 2; i++) {
      Jvm.Result ra = Jvm.run(java, List.of(), cpA, "app.Programmatic", prog.toString());
      assertEquals(plainA, ra.out(), ra::toString);
      Jvm.Result ra2 = Jvm.run(java, List.of(), cpA, "app.Programmatic", prog.toString());
      assertEquals(plainA, ra2.out(), ra2::toString);
      assertEquals(0, ra2.errLines("COMPUTE summarize"), () -> "a hit for the version that stored\n" + ra2);
      Jvm.Result rb = Jvm.run(java, List.of(), cpB, "app.Programmatic", prog.toString());
      assertEquals(plainB, rb.out(), rb::toString);
      assertEquals(1, rb.errLines("COMPUTE summarize"), rb::toString);
      assertEquals(1, rb.warnings("MemoCache: a stored result of summarize in " + prog
          + " was written for another definition of app.Summary; this program does not use it (a miss) and leaves it"
          + " in place"), rb::toString);
      assertEquals(0, rb.warnings("damaged"), rb::toString);
    }
  }

  /** A run of version a ({@code true}) or b. */
  interface Launch {
    Jvm.Result run(boolean a) throws Exception;
  }

  /** Runs a, b, a, b on one directory: plain output every time, the second runs compute nothing, nothing deleted. */
  private static void alternate(Path cache, String plainA, String plainB, Launch launch) throws Exception {
    Set<Path> before = Set.of();
    String[][] runs = {{"a", "1"}, {"b", "1"}, {"a", "0"}, {"b", "0"}};
    for (String[] run : runs) {
      boolean isA = run[0].equals("a");
      Jvm.Result r = launch.run(isA);
      assertEquals(0, r.exitCode(), r::toString);
      assertEquals(isA ? plainA : plainB, r.out(), () -> "version " + run[0] + " printed what a plain run does\n" + r);
      assertEquals(Integer.parseInt(run[1]), r.errLines("COMPUTE summarize"), () -> "version " + run[0] + "\n" + r);
      assertEquals(0, r.warnings("MemoCache"), r::toString);
      Set<Path> now = entries(cache);
      Set<Path> was = before;
      assertTrue(now.containsAll(was), () -> "no entry deleted: " + was + " -> " + now);
      before = now;
    }
    assertEquals(2, before.size(), before::toString);
  }

  /** Weaves {@code classes} with the build plugin into {@code out}. */
  private Path weave(Path classes, Path out) throws IOException {
    Files.createDirectories(out);
    Plugin.Engine.Default.of(EntryPoint.Default.REBASE, ClassFileVersion.JAVA_V17,
            MethodNameTransformer.Suffixing.withRandomSuffix())
        .with(ClassFileLocator.ForClassLoader.of(getClass().getClassLoader()))
        .apply(new Plugin.Engine.Source.ForFolder(classes.toFile()), new Plugin.Engine.Target.ForFolder(out.toFile()),
            List.of(new Plugin.Factory.Simple(new MemoizePlugin())));
    return out;
  }

  private static String plain(String java, Path classes) throws Exception {
    Jvm.Result r = Jvm.run(java, List.of(), List.of(classes, Jvm.agentJar()), "app.Main");
    assertEquals(0, r.exitCode(), r::toString);
    assertEquals(1, r.errLines("COMPUTE summarize"), r::toString);
    return r.out();
  }

  private static Set<Path> entries(Path cache) throws IOException {
    try (Stream<Path> s = Files.walk(cache.resolve("entries"))) {
      return new TreeSet<>(s.filter(p -> p.toString().endsWith(".memo")).toList());
    }
  }
}
