package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code @Memoize} methods of every shape woven by the agent: static, instance (with state),
 * private, final, self-invoked; primitive, array, generic and null results; exceptions that pass
 * through unchanged and are never cached.
 */
class AnnotatedIT {

  static final Map<String, String> APP = Map.of(
      "app/Shapes.java", """
          package app;
          import java.io.IOException;
          import java.util.*;
          import org.memocache.annotations.Memoize;
          public class Shapes {
            static void computed(String what) { System.err.println("COMPUTE " + what); }
            public static IllegalStateException lastThrown;

            @Memoize public static long fib(int n) { computed("fib"); return n < 2 ? n : fib(n - 1) + fib(n - 2); }
            @Memoize static int anInt(int a, int b) { computed("int"); return a * b; }
            @Memoize static double aDouble(double x) { computed("double"); return Math.sqrt(x); }
            @Memoize static boolean aBoolean(String s) { computed("boolean"); return s.isEmpty(); }
            @Memoize static char aChar(int i) { computed("char"); return (char) ('a' + i); }
            @Memoize static double[][] matrix(int n) {
              computed("matrix");
              double[][] m = new double[n][n];
              for (int i = 0; i < n; i++) m[i][i] = i + 0.25;
              return m;
            }
            @Memoize static int[] ints(int n) { computed("ints"); int[] a = new int[n]; Arrays.setAll(a, i -> i * i); return a; }
            @Memoize static Map<String, List<Integer>> generic(List<String> keys) {
              computed("generic");
              Map<String, List<Integer>> m = new TreeMap<>();
              for (String k : keys) m.put(k, List.of(k.length(), k.hashCode() % 7));
              return m;
            }
            @Memoize static String nothing(int n) { computed("null"); return null; }
            @Memoize static int fails(int n) {
              computed("fails");
              lastThrown = new IllegalStateException("failed on " + n);
              throw lastThrown;
            }
            @Memoize static String checked(String path) throws IOException {
              computed("checked");
              throw new IOException("no such file " + path);
            }

            private final int base;
            public Shapes(int base) { this.base = base; }
            @Memoize public int plus(int x) { computed("plus"); return base + x; }
            @Memoize private long secret(long x) { computed("secret"); return base * x; }
            public long callSecret(long x) { return secret(x); }
            @Memoize public final String label(String prefix) { computed("label"); return prefix + base + ":" + describe(); }
            @Memoize public String describe() { computed("describe"); return "shape" + base; }
          }
          """,
      "app/Main.java", """
          package app;
          import java.util.*;
          public class Main {
            public static void main(String[] args) {
              for (int round = 0; round < 2; round++) {
                System.out.println("fib " + Shapes.fib(40));
                System.out.println("prims " + Shapes.anInt(6, 7) + " " + Shapes.aDouble(2.25) + " "
                    + Shapes.aBoolean("") + " " + Shapes.aChar(3));
                System.out.println("arrays " + Arrays.deepToString(Shapes.matrix(3)) + " " + Arrays.toString(Shapes.ints(5)));
                System.out.println("generic " + Shapes.generic(List.of("a", "bb", "ccc")));
                System.out.println("null " + Shapes.nothing(1));
                try {
                  Shapes.fails(7);
                  System.out.println("fails returned");
                } catch (IllegalStateException e) {
                  System.out.println("fails threw " + e.getMessage() + " same=" + (e == Shapes.lastThrown));
                }
                try {
                  Shapes.checked("/x");
                } catch (java.io.IOException e) {
                  System.out.println("checked threw " + e.getClass().getName() + " " + e.getMessage());
                }
                Shapes a = new Shapes(1), b = new Shapes(100);
                System.out.println("instance " + a.plus(5) + " " + b.plus(5) + " " + a.callSecret(3) + " "
                    + b.callSecret(3) + " " + a.label("L") + " " + b.label("L"));
              }
            }
          }
          """);

  @ParameterizedTest
  @MethodSource("org.memocache.agent.Jvm#javas")
  void everyShapeIsMemoizedAcrossRuns(String java) throws Exception {
    Path dir = Jvm.testDir("AnnotatedIT-" + (java.contains("25") ? "jdk25" : "jdk17"));
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(Jvm.agentJar()), APP);
    List<String> agent = List.of(Jvm.agent("dir=" + dir.resolve("cache") + ",weavecache=" + dir.resolve("woven")));

    Jvm.Result first = Jvm.run(java, agent, List.of(classes), "app.Main");
    Jvm.Result second = Jvm.run(java, agent, List.of(classes), "app.Main");

    assertEquals(0, first.exitCode(), first::toString);
    assertEquals(0, second.exitCode(), second::toString);
    List<String> round = List.of(
        "fib 102334155",
        "prims 42 1.5 true d",
        "arrays [[0.25, 0.0, 0.0], [0.0, 1.25, 0.0], [0.0, 0.0, 2.25]] [0, 1, 4, 9, 16]",
        "generic {a=[1, 6], bb=[2, 0], ccc=[3, 6]}",
        "null null",
        "fails threw failed on 7 same=true",
        "checked threw java.io.IOException no such file /x",
        "instance 6 105 3 300 L1:shape1 L100:shape100");
    List<String> twice = new java.util.ArrayList<>(round);
    twice.addAll(round);
    assertEquals(twice, first.lines(), first::toString);
    assertEquals(first.out(), second.out());

    // Run 1: each distinct call once (fib: 41 distinct n), exceptions on every call.
    Map<String, Integer> once = Map.ofEntries(Map.entry("fib", 41), Map.entry("int", 1),
        Map.entry("double", 1), Map.entry("boolean", 1), Map.entry("char", 1), Map.entry("matrix", 1),
        Map.entry("ints", 1), Map.entry("generic", 1), Map.entry("null", 1), Map.entry("fails", 2),
        Map.entry("checked", 2), Map.entry("plus", 2), Map.entry("secret", 2), Map.entry("label", 2),
        Map.entry("describe", 2));
    once.forEach((what, n) -> assertEquals((long) n, count(first, what), () -> what + "\n" + first));
    // Run 2: everything from the cache directory; failures are never cached.
    once.forEach((what, n) -> assertEquals(what.equals("fails") || what.equals("checked") ? 2L : 0L,
        count(second, what), () -> what + "\n" + second));
    assertEquals(0, first.warnings("MemoCache") + second.warnings("MemoCache"), second::toString);
  }

  private static long count(Jvm.Result r, String what) {
    return r.err().lines().filter(l -> l.equals("COMPUTE " + what)).count();
  }
}
