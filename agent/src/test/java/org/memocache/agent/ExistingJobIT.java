package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An existing job, compiled without any MemoCache dependency, memoized by naming its methods to the
 * agent: the second run computes nothing and prints the same output.
 */
class ExistingJobIT {

  static final Map<String, String> JOB = Map.of(
      "job/Pipeline.java", """
          package job;
          import java.util.Random;
          public class Pipeline {
            public static double[] clean(int n, long seed) {
              System.err.println("COMPUTE clean " + n + " " + seed);
              Random r = new Random(seed);
              double[] d = new double[n];
              for (int i = 0; i < n; i++) d[i] = Math.abs(r.nextGaussian());
              return d;
            }
            public static String unrelated(int n) { System.err.println("COMPUTE unrelated"); return "u" + n; }
          }
          """,
      "job/Fit.java", """
          package job;
          import java.util.List;
          public class Fit {
            private final double rate;
            public Fit(double rate) { this.rate = rate; }
            public double fit(double[] data) {
              System.err.println("COMPUTE fit " + rate);
              double s = 0; for (double v : data) s += v * rate; return s;
            }
            public List<String> labels(int k) {
              System.err.println("COMPUTE labels " + k);
              return java.util.stream.IntStream.range(0, k).mapToObj(i -> "L" + i + "@" + rate).toList();
            }
            public long[] histogram(double[] data, int bins) {
              System.err.println("COMPUTE histogram " + bins);
              long[] h = new long[bins];
              for (double v : data) h[Math.min(bins - 1, (int) (v * bins / 4))]++;
              return h;
            }
            public void log(String s) { System.err.println("LOG " + s); }
          }
          """,
      "job/Main.java", """
          package job;
          import java.util.Arrays;
          public class Main {
            public static void main(String[] args) {
              double[] d = Pipeline.clean(1000, 42);
              double[] again = Pipeline.clean(1000, 42);
              Fit a = new Fit(0.5), b = new Fit(2.0);
              System.out.println("sum " + Arrays.stream(d).sum() + " same " + Arrays.equals(d, again));
              System.out.println("fit a " + a.fit(d) + " b " + b.fit(d));
              System.out.println("labels " + a.labels(3) + " " + b.labels(2));
              System.out.println("hist " + Arrays.toString(a.histogram(d, 8)));
              a.log("done");
              System.out.println(Pipeline.unrelated(3));
            }
          }
          """);

  @ParameterizedTest
  @MethodSource("org.memocache.agent.Jvm#javas")
  void secondRunComputesNothingAndPrintsTheSame(String java) throws Exception {
    Path dir = Jvm.testDir("ExistingJobIT-" + (java.contains("25") ? "jdk25" : "jdk17"));
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(), JOB);
    Path cache = dir.resolve("cache");
    List<String> agent = List.of(Jvm.agent("methods=job.Pipeline#clean(int,long);job.Fit#*,dir=" + cache
        + ",weavecache=" + dir.resolve("woven")));

    Jvm.Result first = Jvm.run(java, agent, List.of(classes), "job.Main");
    Jvm.Result second = Jvm.run(java, agent, List.of(classes), "job.Main");
    Jvm.Result plain = Jvm.run(java, List.of(), List.of(classes), "job.Main");
    // Weaving again (no weave cache) gives the same classes: still nothing to compute.
    Jvm.Result rewoven = Jvm.run(java, List.of(Jvm.agent("methods=job.Pipeline#clean(int,long);job.Fit#*,dir="
        + cache + ",weavecache=off")), List.of(classes), "job.Main");

    assertEquals(0, first.exitCode(), first::toString);
    assertEquals(0, second.exitCode(), second::toString);
    assertEquals(plain.out(), first.out(), "the agent must not change the output");
    assertEquals(first.out(), second.out());
    // First run: clean once (the repeat is a memory hit), fit per receiver state, labels per
    // receiver, one histogram; the unnamed method computes every time.
    assertEquals(1, first.errLines("COMPUTE clean"), first::toString);
    assertEquals(2, first.errLines("COMPUTE fit"), first::toString);
    assertEquals(2, first.errLines("COMPUTE labels"), first::toString);
    assertEquals(1, first.errLines("COMPUTE histogram"), first::toString);
    assertEquals(1, first.errLines("COMPUTE unrelated"), first::toString);
    // Second run: every named method is served from the cache directory.
    assertEquals(0, second.errLines("COMPUTE clean") + second.errLines("COMPUTE fit")
        + second.errLines("COMPUTE labels") + second.errLines("COMPUTE histogram"), second::toString);
    assertEquals(1, second.errLines("COMPUTE unrelated"));
    assertEquals(first.out(), rewoven.out());
    assertEquals(0, rewoven.errLines("COMPUTE clean") + rewoven.errLines("COMPUTE fit"), rewoven::toString);
    try (var entries = Files.list(dir.resolve("woven"))) {
      assertEquals(1, entries.count(), "one directory of woven classes for this agent build");
    }
    assertEquals(2, second.errLines("LOG done") + first.errLines("LOG done"), "void methods still run");
    // The one warning: #* leaves out Fit#log (void), said in one line.
    for (Jvm.Result r : List.of(first, second, rewoven)) {
      assertEquals(1, r.warnings("MemoCache"), r::toString);
      assertEquals(1, r.warnings("MemoCache agent: methods=job.Fit#* skips 1 method that cannot be memoized"), r::toString);
    }
  }
}
