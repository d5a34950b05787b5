package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code #*} over a class with void, {@code Stream}, output-parameter and ordinary methods, through
 * the shaded agent: only the ordinary ones are memoized (a second JVM computes none of them), the
 * others run every time and are listed in verbose, summed up in one warning otherwise; a method
 * named explicitly is woven even so.
 */
class WildcardIT {

  static final Map<String, String> JOB = Map.of(
      "wc/Box.java", """
          package wc;
          public class Box { public int n; }
          """,
      "wc/W.java", """
          package wc;
          import java.util.stream.Stream;
          public class W {
            public static double total(double[] xs) {
              System.err.println("COMPUTE total");
              double s = 0; for (double x : xs) s += x; return s;
            }
            public static int scaled(int[] in, int k) {
              System.err.println("COMPUTE scaled");
              int[] r = new int[in.length];
              for (int i = 0; i < in.length; i++) r[i] = in[i] * k;
              int s = 0; for (int v : r) s += v; return s;
            }
            public static void log(String s) { System.err.println("COMPUTE log"); }
            public static Stream<String> words(String s) {
              System.err.println("COMPUTE words"); return Stream.of(s.split(" "));
            }
            public static int fill(double[] out, int n) {
              System.err.println("COMPUTE fill");
              for (int i = 0; i < n; i++) out[i] += i;
              return n;
            }
            public static int count(Box b) { System.err.println("COMPUTE count"); b.n = 7; return 1; }
            public static int alias(int[] a) { System.err.println("COMPUTE alias"); int[] o = a; o[0] = 1; return 1; }
          }
          """,
      "wc/Main.java", """
          package wc;
          public class Main {
            public static void main(String[] args) {
              for (int round = 0; round < 2; round++) {
                double[] out = new double[3];
                Box b = new Box();
                int[] a = {0, 5};
                W.log("x");
                System.out.println(W.total(new double[] {1, 2}) + " " + W.scaled(new int[] {1, 2}, 3)
                    + " " + W.words("a b").count() + " " + W.fill(out, 3) + " " + out[2]
                    + " " + W.count(b) + " " + b.n + " " + W.alias(a) + " " + a[0]);
              }
            }
          }
          """);

  static final List<String> SKIPPED = List.of("log", "words", "fill", "count", "alias");

  @Test
  void onlyOrdinaryMethodsAreMemoized_theOthersAreListedOrSummedUp() throws Exception {
    String java = Jvm.javas().findFirst().orElseThrow();
    Path dir = Jvm.testDir("WildcardIT");
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(), JOB);
    String options = "methods=wc.W#*,dir=" + dir.resolve("cache") + ",weavecache=" + dir.resolve("woven");
    Jvm.Result first = Jvm.run(java, List.of(Jvm.agent(options)), List.of(classes), "wc.Main");
    Jvm.Result second = Jvm.run(java, List.of(Jvm.agent(options)), List.of(classes), "wc.Main");
    Jvm.Result verbose = Jvm.run(java, List.of(Jvm.agent(options + ",verbose")), List.of(classes), "wc.Main");
    List<String> expected = List.of("3.0 9 2 3 2.0 1 7 1 1", "3.0 9 2 3 2.0 1 7 1 1");
    for (Jvm.Result r : List.of(first, second, verbose)) {
      assertEquals(0, r.exitCode(), r::toString);
      assertEquals(expected, r.lines(), r::toString);
      for (String m : SKIPPED) {
        assertEquals(2, r.errLines("COMPUTE " + m), m + " runs every time: " + r);
      }
    }
    assertEquals(1, first.errLines("COMPUTE total"), first::toString);
    assertEquals(1, first.errLines("COMPUTE scaled"), first::toString);
    assertEquals(0, second.errLines("COMPUTE total") + second.errLines("COMPUTE scaled"), second::toString);

    String summary = "WARNING: MemoCache agent: methods=wc.W#* skips 5 methods that cannot be memoized (void or"
        + " one-shot results, or writing into a parameter); verbose lists them";
    assertEquals(1, first.errLines(summary), first::toString);
    assertEquals(1, second.errLines(summary), "replayed from the weave cache: " + second);
    assertEquals(0, verbose.errLines(summary), verbose::toString);
    assertEquals(List.of(
        "INFO: MemoCache agent: methods=wc.W#* skips wc.W#log(java.lang.String): it returns void, so there is no result to store",
        "INFO: MemoCache agent: methods=wc.W#* skips wc.W#words(java.lang.String): it returns a Stream, which is consumed by"
            + " reading it; return a List or an array instead",
        "INFO: MemoCache agent: methods=wc.W#* skips wc.W#fill(double[],int): it writes into its parameter 1"
            + " (double[]), so a cached result would leave the caller's argument unfilled",
        "INFO: MemoCache agent: methods=wc.W#* skips wc.W#count(wc.Box): it writes into its parameter 1 (Box), so a"
            + " cached result would leave the caller's argument unfilled",
        "INFO: MemoCache agent: methods=wc.W#* skips wc.W#alias(int[]): it writes into its parameter 1 (int[]), so"
            + " a cached result would leave the caller's argument unfilled"),
        verbose.err().lines().filter(l -> l.contains(" skips ")).toList(), verbose::toString);
    assertEquals(List.of("INFO: MemoCache agent: memoizing wc.W#total(double[]) (methods=wc.W#*)",
        "INFO: MemoCache agent: memoizing wc.W#scaled(int[],int) (methods=wc.W#*)"),
        verbose.err().lines().filter(l -> l.contains(" memoizing ")).toList(), verbose::toString);
  }

  @Test
  void explicitlyNamedOutputParameterMethod_isWovenAnyway() throws Exception {
    String java = Jvm.javas().findFirst().orElseThrow();
    Path dir = Jvm.testDir("WildcardIT-named");
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(), JOB);
    Jvm.Result r = Jvm.run(java, List.of(Jvm.agent("methods=wc.W#*;wc.W#fill,verbose,weavecache=off,dir="
        + dir.resolve("cache"))), List.of(classes), "wc.Main");
    assertEquals(0, r.exitCode(), r::toString);
    assertEquals(1, r.errLines("INFO: MemoCache agent: memoizing wc.W#fill(double[],int) (methods=wc.W#fill)"),
        r::toString);
    assertEquals(0, r.errLines("skips wc.W#fill"), r::toString);
  }
}
