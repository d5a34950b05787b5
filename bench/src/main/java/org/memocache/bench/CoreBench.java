package org.memocache.bench;

import java.util.Arrays;
import java.util.Collection;
import org.memocache.CacheKey;
import org.memocache.MethodId;
import org.memocache.internal.key.KeyEncoders;
import org.memocache.internal.key.KeyHasher;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The cache-core figures of the targets (docs/design.md), each against its reference measured in the same run:
 * <ul>
 *   <li>memory hit through {@code Memo.call} (2 small args) vs raw Caffeine {@code getIfPresent}
 *       on a record key (JMH, target ≤ 2×);
 *   <li>hashing a 1 GiB {@code double[]} vs {@code System.arraycopy} of it (bandwidth ratio,
 *       target ≥ 0.5);
 *   <li>copies on memory hits: the small hit and a 16 MB {@code double[]} hit, copied vs shared (JMH);
 *   <li>the cost of watching a miss's arguments for changes: a miss with a 16 MB argument against
 *       one key hash of it.
 * </ul>
 * Run: {@code bash bench/run-core.sh} (add {@code --quick} for a short run).
 */
public final class CoreBench {
  private CoreBench() {}

  public static void main(String[] args) throws Exception {
    boolean quick = Arrays.asList(args).contains("--quick");
    System.out.println("== CoreBench (" + Runtime.getRuntime().availableProcessors() + " cores, Java "
        + System.getProperty("java.version") + ")");
    if (!Arrays.asList(args).contains("--copies")) {
      hashing(quick ? 3 : 7);
    }
    memoryHit(quick);
    largeHit(quick);
    missOverhead(quick ? 5 : 15);
  }

  /** A miss hashes its arguments once more, after the body: its cost against one key hash. */
  static void missOverhead(int repeats) throws Exception {
    int n = 2 * 1024 * 1024;
    double[] a = new double[n];
    MethodId m = MethodId.of("bench", 0);
    Measure.Summary hash = Measure.millis("one key hash of a 16 MB double[]", 3, repeats, () -> {
      return KeyHasher.acquire(m, KeyEncoders.NONE).argument(0, "a", a).finish(m);
    });
    try (org.memocache.Memo memo = org.memocache.Memo.builder().memoryOnly().build()) {
      long[] i = {0};
      Measure.Summary miss = Measure.millis("Memo.call miss, 16 MB double[] argument, trivial body", 3, repeats, () -> {
        a[0] = ++i[0];
        return memo.call("missOverhead", () -> 1.0, (Object) a);
      });
      System.out.println(hash.format());
      System.out.println(miss.format());
      System.out.println(Measure.ratio("miss / one key hash (median; 2 = key + after the body)",
          miss.median() / hash.median(), "~2"));
    }
  }

  static void largeHit(boolean quick) throws Exception {
    Options opt = new OptionsBuilder()
        .include(LargeHitBenchmark.class.getName())
        .forks(1)
        .warmupIterations(quick ? 2 : 3)
        .warmupTime(org.openjdk.jmh.runner.options.TimeValue.seconds(1))
        .measurementIterations(quick ? 3 : 5)
        .measurementTime(org.openjdk.jmh.runner.options.TimeValue.seconds(1))
        .jvmArgsAppend("-Xmx2g")
        .build();
    for (RunResult r : new Runner(opt).run()) {
      double[] scores = r.getBenchmarkResults().stream()
          .flatMap(b -> b.getIterationResults().stream())
          .mapToDouble(i -> i.getPrimaryResult().getScore()).toArray();
      System.out.println(Measure.summarize("16 MB " + r.getParams().getBenchmark().replaceAll(".*\\.", ""), scores,
          "us/op").format());
    }
  }

  static void hashing(int repeats) throws Exception {
    int n = 1 << 27; // 1 GiB of doubles
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = i * 0.5;
    }
    double[] copy = new double[n];
    MethodId m = MethodId.of("bench", 0);
    double gib = n * 8.0 / (1 << 30);
    Measure.Summary memcpy = Measure.millis("System.arraycopy 1 GiB double[]", 2, repeats, () -> {
      System.arraycopy(a, 0, copy, 0, n);
      return copy;
    });
    Measure.Summary hash = Measure.millis("KeyHasher XXH3-128 of 1 GiB double[]", 2, repeats, () -> {
      CacheKey k = KeyHasher.acquire(m, KeyEncoders.NONE).argument(0, "a", a).finish(m);
      return k;
    });
    System.out.println(memcpy.format());
    System.out.println(hash.format());
    System.out.printf("       bandwidth: memcpy %.2f GiB/s, hash %.2f GiB/s (medians)%n",
        gib / (memcpy.median() / 1e3), gib / (hash.median() / 1e3));
    System.out.println(Measure.ratio("hash bandwidth / memcpy bandwidth (median)",
        memcpy.median() / hash.median(), ">= 0.5"));
    System.out.println(Measure.ratio("hash bandwidth / memcpy bandwidth (best of each)",
        memcpy.min() / hash.min(), ">= 0.5"));
  }

  static void memoryHit(boolean quick) throws Exception {
    Options opt = new OptionsBuilder()
        .include(MemoryHitBenchmark.class.getName())
        .forks(quick ? 1 : 3)
        .warmupIterations(quick ? 2 : 3)
        .warmupTime(org.openjdk.jmh.runner.options.TimeValue.seconds(1))
        .measurementIterations(quick ? 3 : 5)
        .measurementTime(org.openjdk.jmh.runner.options.TimeValue.seconds(1))
        .jvmArgsAppend("-Xmx1g")
        .build();
    Collection<RunResult> results = new Runner(opt).run();
    double raw = 0;
    double memo = 0;
    for (RunResult r : results) {
      double[] scores = r.getBenchmarkResults().stream()
          .flatMap(b -> b.getIterationResults().stream())
          .mapToDouble(i -> i.getPrimaryResult().getScore()).toArray();
      Measure.Summary s = Measure.summarize(r.getParams().getBenchmark().replaceAll(".*\\.", ""), scores, "ns/op");
      System.out.println(s.format());
      if (r.getParams().getBenchmark().endsWith("rawCaffeineGetIfPresent")) {
        raw = s.median();
      } else if (r.getParams().getBenchmark().endsWith("memoCallHit")) {
        memo = s.median();
      }
    }
    System.out.println(Measure.ratio("Memo.call hit / raw Caffeine getIfPresent (median)", memo / raw, "<= 2"));
  }
}
