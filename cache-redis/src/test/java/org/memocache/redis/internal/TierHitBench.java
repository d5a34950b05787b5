package org.memocache.redis.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.memocache.Memo;
import org.memocache.testing.Child;

/**
 * Hit latency per tier through {@code Memo.call}, against a real redis-server and s3proxy on this
 * machine: a memory hit, a local disk hit, a shared hit from Redis (a {@code double[100]}) and from
 * the object store (a 16 MB {@code double[2_000_000]}), each both warm (in a child JVM that has
 * served a few before) and as the first call of a fresh JVM; then what the shared tier adds to a
 * miss (lease, publication) against a miss with the disk tier alone. Every child JVM has the
 * configuration a user would give: {@code MEMOCACHE_SHARED}, {@code MEMOCACHE_BLOBS} and the AWS
 * SDK's variables. Prints min/median/max and ratios to the disk tier.
 *
 * <pre>
 * mvn -B -o -q -pl cache-redis -am test-compile dependency:build-classpath \
 *   -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -Dmemocache.s3proxy.jar=cache-redis/target/s3proxy/s3proxy.jar \
 *   -cp cache-redis/target/test-classes:cache-redis/target/classes:$(cat cache-redis/target/bench.cp) \
 *   org.memocache.redis.internal.TierHitBench 5 20
 * </pre>
 *
 * Args: fresh JVMs per first-hit figure (default 5), warm rounds per child (default 20).
 */
public final class TierHitBench {
  private TierHitBench() {}

  private static final int SMALL = 100;
  private static final int BIG = 2_000_000;

  public static void main(String[] args) throws Exception {
    int fresh = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Path dir = Files.createTempDirectory("memocache-tier-bench");
    try (RedisServer redis = RedisServer.start(dir.resolve("redis"), null);
        S3Server s3 = S3Server.start(dir.resolve("s3"))) {
      try (S3Blobs b = s3.client("bench", Duration.ofSeconds(10))) {
        b.createBucket();
      }
      Map<String, String> shared = new HashMap<>(s3.environment());
      shared.put("MEMOCACHE_SHARED", redis.uri().toString());
      shared.put("MEMOCACHE_BLOBS", "s3://bench/tiers");
      shared.put("AWS_ENDPOINT_URL", s3.endpoint().toString());
      System.out.println("TierHitBench: redis-server and s3proxy on 127.0.0.1, " + fresh + " fresh JVMs per first hit, "
          + rounds + " warm rounds; ms, min / median / max");

      Map<String, List<Double>> figures = new LinkedHashMap<>();
      run(dir, "populate", shared, figures, dir.resolve("populated").toString());
      run(dir, "warm", shared, figures, dir.toString(), Integer.toString(rounds));
      run(dir, "misses", shared, figures, dir.resolve("misses-shared").toString(), Integer.toString(rounds), "shared");
      run(dir, "misses", Map.of(), figures, dir.resolve("misses-disk").toString(), Integer.toString(rounds), "disk");
      for (int r = 0; r < fresh; r++) {
        Path local = dir.resolve("fresh" + r);
        run(dir, "first", shared, figures, local.toString(), "shared");
        run(dir, "first", shared, figures, local.toString(), "disk");
      }
      for (int r = 0; r < fresh; r++) {
        // A database of its own per round (redis://host:port/N), so each round computes afresh.
        Map<String, String> round = new HashMap<>(shared);
        round.put("MEMOCACHE_SHARED", redis.uri() + "/" + (1 + r % 15));
        hosts(dir.resolve("hosts" + r), round, figures);
      }
      for (Map.Entry<String, List<Double>> e : figures.entrySet()) {
        if (!e.getKey().startsWith("compute")) {
          System.out.println(row(e.getKey(), e.getValue()));
        }
      }
      System.out.println("ratios of medians to the disk tier's hit of the same value:");
      for (String when : List.of("warm", "fresh JVM")) {
        for (String size : List.of("small", "16 MB")) {
          double disk = median(figures.get(when + " disk hit " + size));
          double sharedHit = median(figures.get(when + " shared hit " + size));
          System.out.printf(Locale.ROOT, "  %-9s %-5s shared / disk %6.2fx%n", when, size, sharedHit / disk);
        }
      }
      System.out.printf(Locale.ROOT, "  miss + store, shared tier added: %+.3f ms a miss (median %.3f vs %.3f)%n",
          median(figures.get("warm miss, shared")) - median(figures.get("warm miss, disk only")),
          median(figures.get("warm miss, shared")), median(figures.get("warm miss, disk only")));
    }
  }

  /**
   * Four hosts (child JVMs with their own local directories) compute ten keys of 200 ms between them:
   * the wall time from the start signal to the last exit, against the ideal of 10 x 200 ms / 4.
   */
  private static void hosts(Path dir, Map<String, String> env, Map<String, List<Double>> figures) throws Exception {
    int hosts = 4;
    int keys = 10;
    Path markers = Files.createDirectories(dir.resolve("markers"));
    Path go = dir.resolve("go");
    List<Child> children = new ArrayList<>();
    Map<String, String> ownNamespace = new HashMap<>(env);
    ownNamespace.put("MEMOCACHE_BLOBS", env.get("MEMOCACHE_BLOBS") + "/" + dir.getFileName());
    try {
      for (int i = 0; i < hosts; i++) {
        children.add(Child.start(HostMain.class, dir.resolve("host" + i + ".log"), ownNamespace, "256m",
            dir.resolve("local" + i).toString(), markers.toString(), go.toString(), Integer.toString(keys), "200",
            Integer.toString(i * keys / hosts)));
      }
      for (Child c : children) {
        c.await("ready", 60_000);
      }
      long t0 = System.nanoTime();
      Files.createFile(go);
      for (Child c : children) {
        if (c.waitFor(120_000) != 0) {
          throw new IllegalStateException("a host failed:\n" + String.join("\n", c.output()));
        }
      }
      figures.computeIfAbsent("4 hosts x 10 keys of 200 ms: wall (ideal 500)", k -> new ArrayList<>())
          .add((System.nanoTime() - t0) / 1e6);
    } finally {
      children.forEach(Child::close);
    }
    try (var files = Files.list(markers)) {
      long computations = files.count();
      if (computations != keys) {
        throw new IllegalStateException(computations + " computations of " + keys + " keys");
      }
      figures.computeIfAbsent("4 hosts x 10 keys: computations per key", k -> new ArrayList<>())
          .add((double) computations / keys);
    }
  }

  private static void run(Path dir, String mode, Map<String, String> env, Map<String, List<Double>> figures,
      String... args) throws Exception {
    String[] all = new String[args.length + 1];
    all[0] = mode;
    System.arraycopy(args, 0, all, 1, args.length);
    try (Child c = Child.start(ChildMain.class, dir.resolve(mode + ".log"), env, "512m", all)) {
      if (c.waitFor(300_000) != 0) {
        throw new IllegalStateException(mode + " failed:\n" + String.join("\n", c.output()));
      }
      for (String line : c.output()) {
        if (line.startsWith("figure ")) {
          int eq = line.lastIndexOf('=');
          figures.computeIfAbsent(line.substring(7, eq), k -> new ArrayList<>()).add(Double.parseDouble(line.substring(eq + 1)));
        }
      }
    }
  }

  private static String row(String name, List<Double> v) {
    double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return String.format(Locale.ROOT, "%-38s %9.3f %9.3f %9.3f  (%d)", name, s[0], median(v), s[s.length - 1], s.length);
  }

  private static double median(List<Double> v) {
    double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static double[] value(int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = i * 0.5;
    }
    return v;
  }

  /** The child JVMs' side: one mode each. */
  public static final class ChildMain {
    private ChildMain() {}

    private static double[] computed(int n) {
      throw new IllegalStateException("expected a hit for a double[" + n + "]");
    }

    public static void main(String[] args) throws Exception {
      switch (args[0]) {
        case "populate" -> {
          try (Memo memo = Memo.builder().directory(Path.of(args[1])).build()) {
            for (int n : new int[] {SMALL, BIG}) {
              long t0 = System.nanoTime();
              memo.call("bench.value", () -> value(n), n);
              figure("compute and store " + n, t0);
            }
          }
        }
        case "warm" -> warm(Path.of(args[1]), Integer.parseInt(args[2]));
        case "misses" -> misses(Path.of(args[1]), Integer.parseInt(args[2]), args[3]);
        case "first" -> {
          // A fresh JVM: open, then its first call, served by the shared tier (an empty local
          // directory) or by the disk tier (the directory the previous child filled).
          String from = args[2];
          long t0 = System.nanoTime();
          try (Memo memo = Memo.builder().directory(Path.of(args[1])).build()) {
            figure("fresh JVM open (" + from + " run)", t0);
            long t1 = System.nanoTime();
            double[] small = memo.call("bench.value", () -> computed(SMALL), SMALL);
            figure("fresh JVM " + from + " hit small", t1);
            long t2 = System.nanoTime();
            double[] big = memo.call("bench.value", () -> computed(BIG), BIG);
            figure("fresh JVM " + from + " hit 16 MB", t2);
            check(small, SMALL);
            check(big, BIG);
          }
        }
        default -> throw new IllegalArgumentException(args[0]);
      }
    }

    private static void warm(Path dir, int rounds) throws Exception {
      try (Memo memo = Memo.builder().directory(dir.resolve("warm-memory")).shareResults("bench.value").build()) {
        memo.call("bench.value", () -> computed(SMALL), SMALL);
        memo.call("bench.value", () -> computed(BIG), BIG);
        for (int r = 0; r < rounds; r++) {
          for (int n : new int[] {SMALL, BIG}) {
            long t0 = System.nanoTime();
            check(memo.call("bench.value", () -> computed(n), n), n);
            figure("warm memory hit " + size(n), t0);
          }
        }
      }
      for (int r = 0; r < rounds; r++) {
        // Each hit is the first call of a new Memo, so its memory tier is empty: in a new local
        // directory a shared hit (then copied into that directory), in the same directory again a
        // disk hit.
        Path local = dir.resolve("warm" + r);
        for (String from : List.of("shared", "disk")) {
          try (Memo memo = Memo.builder().directory(local).build()) {
            for (int n : new int[] {SMALL, BIG}) {
              long t0 = System.nanoTime();
              check(memo.call("bench.value", () -> computed(n), n), n);
              figure("warm " + from + " hit " + size(n), t0);
            }
          }
        }
      }
    }

    private static void misses(Path dir, int rounds, String label) throws Exception {
      try (Memo memo = Memo.builder().directory(dir).build()) {
        String tiers = memo.tiers().stream().map(t -> t.name()).toList().toString();
        if (!tiers.equals(label.equals("shared") ? "[disk, shared]" : "[disk]")) {
          throw new IllegalStateException("tiers " + tiers + " for a " + label + " run");
        }
        for (int r = 0; r < rounds * 5; r++) {
          int k = r;
          long t0 = System.nanoTime();
          memo.call("bench.miss." + ProcessHandle.current().pid(), () -> value(SMALL), k);
          if (r >= rounds) { // the first ones warm the code up
            figure("warm miss, " + (label.equals("shared") ? "shared" : "disk only"), t0);
          }
        }
      }
    }

    private static String size(int n) {
      return n == SMALL ? "small" : "16 MB";
    }

    private static void check(double[] v, int n) {
      if (v.length != n || v[n - 1] != (n - 1) * 0.5) {
        throw new IllegalStateException("wrong value: " + v.length + " elements");
      }
    }

    private static void figure(String name, long t0) {
      System.out.println("figure " + name + "=" + String.format(Locale.ROOT, "%.4f", (System.nanoTime() - t0) / 1e6));
    }
  }
}
