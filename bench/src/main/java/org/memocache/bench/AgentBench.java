package org.memocache.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.memocache.annotations.Memoize;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The agent's figures of the targets (docs/design.md), each against its reference measured in the same run:
 * <ul>
 *   <li>a memory hit through an agent-woven {@code @Memoize} method with two small arguments vs a
 *       raw Caffeine {@code getIfPresent} on a record key, both in the same JVM running under the
 *       agent (JMH; target ≤ 2×); {@code -prof gc} with {@code --gc} shows the allocation per hit;
 *   <li>JVM start-up to the first (memoized) result of a small program with the agent vs without
 *       it, interleaved, many repeats, min and median (target ≤ +300 ms): with the woven class
 *       taken from the agent's weave cache (every start of a job after its first), and weaving
 *       afresh with Byte Buddy ({@code weavecache=off}, what the first start costs).
 * </ul>
 * Run after {@code mvn -q -B -DskipTests package} (which builds {@code agent/target/memocache-agent.jar}):
 * <pre>
 * java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" org.memocache.bench.AgentBench [--quick] [--gc] [--hit-only|--startup-only] [--class-heavy=a.jar:b.jar]
 * </pre>
 */
public final class AgentBench {
  private AgentBench() {}

  public static void main(String[] args) throws Exception {
    List<String> a = Arrays.asList(args);
    boolean quick = a.contains("--quick");
    Path jar = Path.of(System.getProperty("memocache.agent.jar", "agent/target/memocache-agent.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run mvn -q -B -DskipTests package first");
    }
    Path dir = Files.createTempDirectory("agentbench");
    System.out.println("== AgentBench (" + Runtime.getRuntime().availableProcessors() + " cores, Java "
        + System.getProperty("java.version") + ", load average " + loadAverage() + ")");
    if (!a.contains("--hit-only")) {
      // --class-heavy=a.jar:b.jar: the program first loads every class of these jars, as a big job does.
      List<String> heavy = a.stream().filter(x -> x.startsWith("--class-heavy="))
          .flatMap(x -> Arrays.stream(x.substring("--class-heavy=".length()).split(File.pathSeparator)))
          .toList();
      startUp(jar, dir, quick ? 8 : 25, heavy);
    }
    if (!a.contains("--startup-only")) {
      memoryHit(jar, dir, quick, a.contains("--gc"));
    }
  }

  /**
   * Wall time of {@code java ... Sample} with and without the agent, alternating; {@code heavy}: jars
   * whose classes the program loads first (on its class path too).
   */
  static void startUp(Path jar, Path dir, int repeats, List<String> heavy) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classes = Path.of(Sample.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    for (String h : heavy) {
      classes += File.pathSeparator + h;
    }
    List<String> program = new ArrayList<>(List.of("-cp", classes, Sample.class.getName()));
    program.addAll(heavy);
    List<String> plain = concat(List.of(java), program);
    String options = "=dir=" + dir.resolve("startup") + ",weavecache=" + dir.resolve("woven");
    List<String> agent = concat(List.of(java, "-javaagent:" + jar + options), program);
    // Weaving afresh in every JVM: the first start of a job, or weavecache=off.
    List<String> cold = concat(List.of(java, "-javaagent:" + jar
        + options.replaceFirst("weavecache=.*", "weavecache=off")), program);
    if (!heavy.isEmpty()) {
      System.out.println("class-heavy program: loads every class of " + heavy + " first");
    }
    for (int i = 0; i < 3; i++) { // warm the page cache, the cache directory and the weave cache
      run(plain);
      run(agent);
      run(cold);
    }
    double[] without = new double[repeats];
    double[] with = new double[repeats];
    double[] weaving = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      without[i] = run(plain);
      with[i] = run(agent);
      weaving[i] = run(cold);
    }
    Measure.Summary p = Measure.summarize("start-up to first result, plain java", without, "ms");
    Measure.Summary w = Measure.summarize("start-up to first result, agent (woven classes cached)", with, "ms");
    Measure.Summary c = Measure.summarize("start-up to first result, agent weaving (weavecache=off)", weaving, "ms");
    System.out.println(p.format());
    System.out.println(w.format());
    System.out.println(c.format());
    System.out.printf(Locale.ROOT, "DELTA %-52s %8.1f ms (first start of a job; no target)%n",
        "agent start-up overhead when weaving (median)", c.median() - p.median());
    System.out.printf(Locale.ROOT, "DELTA %-52s %8.1f ms (target <= +300 ms); min to min %.1f ms%n",
        "agent start-up overhead (median)", w.median() - p.median(), w.min() - p.min());
    System.out.println(Measure.ratio("start-up with agent / without (median)", w.median() / p.median(), "-"));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static double run(List<String> command) throws Exception {
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (p.waitFor() != 0 || !new String(out).startsWith("144")) {
      throw new IllegalStateException(command + " failed: " + new String(out));
    }
    return (System.nanoTime() - t0) / 1e6;
  }

  /** JMH: both benchmarks in one forked JVM running under the agent. */
  static void memoryHit(Path jar, Path dir, boolean quick, boolean gc) throws Exception {
    OptionsBuilder b = new OptionsBuilder();
    b.include(Hit.class.getName().replace('$', '.') + ".*")
        .forks(quick ? 1 : 3)
        .warmupIterations(quick ? 2 : 3)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(quick ? 3 : 5)
        .measurementTime(TimeValue.seconds(1))
        .jvmArgsAppend("-Xmx1g", "-javaagent:" + jar + "=dir=" + dir.resolve("hit"));
    if (gc) {
      b.addProfiler("gc");
    }
    Options opt = b.build();
    Collection<RunResult> results = new Runner(opt).run();
    double raw = 0;
    double woven = 0;
    for (RunResult r : results) {
      double[] scores = r.getBenchmarkResults().stream()
          .flatMap(x -> x.getIterationResults().stream())
          .mapToDouble(i -> i.getPrimaryResult().getScore()).toArray();
      Measure.Summary s = Measure.summarize(r.getParams().getBenchmark().replaceAll(".*\\.", ""), scores, "ns/op");
      System.out.println(s.format());
      r.getSecondaryResults().forEach((k, v) -> {
        if (k.equals("·gc.alloc.rate.norm") || k.equals("gc.alloc.rate.norm")) {
          System.out.printf(Locale.ROOT, "       %s: %.1f B/op%n", s.name(), v.getScore());
        }
      });
      if (r.getParams().getBenchmark().endsWith("rawCaffeineGetIfPresent")) {
        raw = s.median();
      } else {
        woven = s.median();
      }
    }
    System.out.println(Measure.ratio("agent-woven @Memoize hit / raw Caffeine getIfPresent (median)", woven / raw, "<= 2"));
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (Exception e) {
      return "n/a";
    }
  }

  /** The memory-hit benchmarks; the {@code @Memoize} method is woven by the agent in the fork. */
  @State(Scope.Thread)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public static class Hit {
    record Key(int n, long seed) {}

    static final double[] RESULT = {1, 2, 3};
    static int bodies;

    Cache<Key, double[]> caffeine;
    int n = 1000;
    long seed = 42;

    @Memoize(tiers = Memoize.Tier.MEMORY)
    static double[] simulate(int n, long seed) {
      bodies++;
      return RESULT;
    }

    @Setup
    public void setUp() {
      caffeine = Caffeine.newBuilder().maximumSize(10_000).build();
      caffeine.put(new Key(n, seed), RESULT);
      simulate(n, seed);
      simulate(n, seed);
      if (bodies != 1) {
        throw new IllegalStateException("Hit.simulate ran " + bodies + " times for one key: it is not"
            + " woven (is the fork running under the agent?)");
      }
    }

    @Benchmark
    public double[] rawCaffeineGetIfPresent() {
      return caffeine.getIfPresent(new Key(n, seed));
    }

    @Benchmark
    public double[] wovenMemoizeHit() {
      return simulate(n, seed);
    }
  }

  /** The start-up program: loads every class of the jars given, makes one memoized call, then exits. */
  public static final class Sample {
    private Sample() {}

    @Memoize
    static long square(int n) {
      return (long) n * n;
    }

    public static void main(String[] args) throws IOException {
      for (String jar : args) {
        try (JarFile f = new JarFile(jar)) {
          for (JarEntry e : Collections.list(f.entries())) {
            String n = e.getName();
            if (n.endsWith(".class") && !n.endsWith("module-info.class")) {
              try {
                Class.forName(n.substring(0, n.length() - 6).replace('/', '.'), false, Sample.class.getClassLoader());
              } catch (ClassNotFoundException | LinkageError absentDependency) {
                // as a job would not load it either
              }
            }
          }
        }
      }
      System.out.println(square(12));
    }
  }
}
