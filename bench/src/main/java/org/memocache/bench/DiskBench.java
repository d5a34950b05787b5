package org.memocache.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.memocache.CacheKey;
import org.memocache.Memo;
import org.memocache.MemoConfig;
import org.memocache.internal.Config;
import org.memocache.MethodId;
import org.memocache.disk.DiskTier;
import org.memocache.internal.codec.AllowLists;
import org.memocache.internal.codec.Codecs;
import org.memocache.internal.codec.TierValues;
import org.memocache.spi.Tier;

/**
 * The disk-tier figures of the targets (docs/design.md), each beside its reference from the same run:
 * <ul>
 *   <li>disk hit of a small value: the first call in a fresh JVM, and warm in-process tier reads,
 *       against joblib.Memory (Debian's python3-joblib) doing the same;
 *   <li>miss + store of a small value (lock, look again, store, unlock) against a joblib miss;
 *   <li>store and load of a 1 GiB {@code double[]} against {@code dd} writing and reading 1 GiB in the
 *       same file system;
 *   <li>8 JVMs × 20 keys × 200 ms of work on one directory: computations per key (joblib's too).
 * </ul>
 * Every figure is min/median/max over repeats. Big files are created in fresh directories and only
 * deleted at the end: right after deleting many files, ext4 (no journal) allocates new ones up to
 * 25× slower for minutes, which would poison the store figure. Each timed 1 GiB step starts after a
 * {@code sync}, so that writeback of the previous step does not throttle it.
 *
 * <p>Run: {@code bash bench/run-disk.sh [--quick] [work dir]} (needs {@code -Xmx4g} for the 1 GiB part).
 */
public final class DiskBench {
  private DiskBench() {}

  private static final MethodId SMALL = MethodId.of("simulate", 0);
  private static final String PYTHON = "/usr/bin/python3";

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].startsWith("child-")) {
      child(args);
      return;
    }
    boolean quick = Arrays.asList(args).contains("--quick");
    Path work = Path.of(Arrays.stream(args).filter(a -> !a.startsWith("--")).findFirst().orElse("target/diskbench"))
        .toAbsolutePath().resolve("run-" + System.currentTimeMillis());
    Files.createDirectories(work);
    boolean joblib = joblibAvailable();
    System.out.println("== DiskBench (" + Runtime.getRuntime().availableProcessors() + " cores, Java "
        + System.getProperty("java.version") + ", work dir " + work + ", joblib " + (joblib ? "yes" : "not found")
        + ")");
    try {
      smallHit(work, quick ? 3 : 7, joblib);
      missAndStore(work, quick ? 200 : 1000, joblib);
      bigArray(work, quick ? 2 : 4);
      processes(work, joblib);
    } finally {
      deleteRecursively(work);
    }
  }

  // ---- small hit ----

  static void smallHit(Path work, int repeats, boolean joblib) throws Exception {
    Path dir = work.resolve("small-hit");
    try (Memo memo = Memo.builder().directory(dir).build()) {
      memo.call("simulate", DiskBench::smallValue, 1000, 7L);
    }
    double[] fresh = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      fresh[i] = Double.parseDouble(runJava("child-first-hit", dir.toString()).trim());
    }
    Measure.Summary jvm = Measure.summarize("disk hit, first call in a fresh JVM (µs)", fresh, "µs");
    System.out.println(jvm.format());

    CacheKey key;
    try (Memo memo = Memo.builder().directory(dir).build()) {
      key = memo.method("simulate").keyOf(1000, 7L).orElseThrow();
    }
    double[] warm;
    try (DiskTier tier = DiskTier.open(config(dir), Codecs.builtIns(), Duration.ZERO)) {
      TierValues values = new TierValues(Codecs.builtIns(), dir.toString());
      int n = 2000;
      warm = new double[n];
      for (int i = 0; i < n + 2000; i++) {
        long t0 = System.nanoTime();
        Measure.blackhole = values.get(tier, key, AllowLists.forMethod(null, List.of())).orElseThrow();
        if (i >= 2000) {
          warm[i - 2000] = (System.nanoTime() - t0) / 1e3;
        }
      }
    }
    Measure.Summary tierHit = Measure.summarize("disk hit, warm, DiskTier.get of a double[16] (µs)", warm, "µs");
    System.out.println(tierHit.format());

    if (joblib) {
      Path jdir = work.resolve("joblib-hit");
      python(JOBLIB_PRELUDE + "f(1000, 7)\n", jdir.toString());
      double[] jfresh = new double[repeats];
      for (int i = 0; i < repeats; i++) {
        jfresh[i] = Double.parseDouble(python(JOBLIB_PRELUDE
            + "t0 = time.perf_counter(); f(1000, 7); print((time.perf_counter() - t0) * 1e6)\n", jdir.toString()).trim());
      }
      Measure.Summary jj = Measure.summarize("joblib hit, first call in a fresh python (µs)", jfresh, "µs");
      System.out.println(jj.format());
      double[] jwarm = parseAll(python(JOBLIB_PRELUDE + "f(1000, 7)\nfor i in range(300):\n"
          + "    t0 = time.perf_counter(); f(1000, 7); print((time.perf_counter() - t0) * 1e6)\n", jdir.toString()));
      Measure.Summary jw = Measure.summarize("joblib hit, warm (µs)", jwarm, "µs");
      System.out.println(jw.format());
      System.out.println(Measure.ratio("disk hit fresh process: joblib / memocache", jj.median() / jvm.median(), "≥ 20"));
      System.out.println(Measure.ratio("disk hit warm: joblib / memocache", jw.median() / tierHit.median(), "≥ 20"));
    }
  }

  static double[] smallValue() {
    double[] a = new double[16];
    for (int i = 0; i < a.length; i++) {
      a[i] = Math.sqrt(i);
    }
    return a;
  }

  // ---- miss + store ----

  static void missAndStore(Path work, int n, boolean joblib) throws Exception {
    Path dir = work.resolve("miss-store");
    double[] t = new double[n];
    try (DiskTier tier = DiskTier.open(config(dir), Codecs.builtIns(), Duration.ZERO)) {
      TierValues values = new TierValues(Codecs.builtIns(), dir.toString());
      for (int i = -200; i < n; i++) {
        CacheKey key = new CacheKey(SMALL, 42, i + 1000L);
        long t0 = System.nanoTime();
        if (values.get(tier, key, c -> true).isEmpty()) {
          Tier.KeyLock lock = tier.acquire(key, "simulate(i=" + i + ")", Duration.ofSeconds(10)).orElseThrow();
          try {
            if (values.get(tier, key, c -> true).isEmpty()) {
              values.put(tier, key, Objects.requireNonNull(values.encode("simulate", smallValue(),
                  new Tier.Metadata("i=" + i, Instant.now(), Duration.ofMillis(1)), c -> true)));
            }
          } finally {
            lock.close();
          }
        }
        if (i >= 0) {
          t[i] = (System.nanoTime() - t0) / 1e3;
        }
      }
    }
    Measure.Summary mc = Measure.summarize("miss + store of a double[16]: get, lock, get, put, unlock (µs)", t, "µs");
    System.out.println(mc.format());
    if (joblib) {
      double[] j = parseAll(python(JOBLIB_PRELUDE + "for i in range(" + Math.min(n, 300) + "):\n"
          + "    t0 = time.perf_counter(); f(1000, 100000 + i); print((time.perf_counter() - t0) * 1e6)\n",
          work.resolve("joblib-miss").toString()));
      Measure.Summary js = Measure.summarize("joblib miss + store (µs)", j, "µs");
      System.out.println(js.format());
      System.out.println(Measure.ratio("miss + store: joblib / memocache", js.median() / mc.median(), "≥ 10"));
    }
  }

  // ---- 1 GiB ----

  static void bigArray(Path work, int repeats) throws Exception {
    if (Runtime.getRuntime().maxMemory() < (3L << 30)) {
      System.out.println("1 GiB store/load skipped: run with -Xmx4g");
      return;
    }
    int n = 1 << 27;
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = i * 0.5;
    }
    Path dir = work.resolve("big");
    Path ddDir = work.resolve("dd");
    Files.createDirectories(ddDir);
    double[] store = new double[repeats];
    double[] load = new double[repeats];
    double[] ddWrite = new double[repeats];
    double[] ddRead = new double[repeats];
    try (DiskTier tier = DiskTier.open(config(dir), Codecs.builtIns(), Duration.ZERO)) {
      TierValues values = new TierValues(Codecs.builtIns(), dir.toString());
      for (int r = 0; r < repeats; r++) {
        Path ddFile = ddDir.resolve("dd-" + r);
        // Start every timed step with no dirty pages pending, so one step's writeback does not
        // throttle the next (both dd and the store are measured into the page cache).
        run("sync");
        long t0 = System.nanoTime();
        run("dd", "if=/dev/zero", "of=" + ddFile, "bs=1M", "count=1024", "status=none");
        ddWrite[r] = (System.nanoTime() - t0) / 1e6;

        CacheKey key = new CacheKey(SMALL, 7, r);
        run("sync");
        t0 = System.nanoTime();
        if (!values.put(tier, key, Objects.requireNonNull(values.encode("big", a,
            new Tier.Metadata("big", Instant.now(), Duration.ZERO), c -> true)))) {
          throw new IllegalStateException("store of 1 GiB failed");
        }
        store[r] = (System.nanoTime() - t0) / 1e6;

        t0 = System.nanoTime();
        run("dd", "if=" + ddFile, "of=/dev/null", "bs=1M", "status=none");
        ddRead[r] = (System.nanoTime() - t0) / 1e6;

        t0 = System.nanoTime();
        double[] back = (double[]) values.get(tier, key, c -> true).orElseThrow().value();
        load[r] = (System.nanoTime() - t0) / 1e6;
        if (back.length != n || back[n - 1] != a[n - 1]) {
          throw new IllegalStateException("1 GiB load returned a different array");
        }
        Measure.blackhole = back;
      }
    }
    Measure.Summary dw = Measure.summarize("dd of=<same fs> bs=1M count=1024 (ms)", ddWrite, "ms");
    Measure.Summary st = Measure.summarize("store 1 GiB double[] (DiskTier.put) (ms)", store, "ms");
    Measure.Summary dr = Measure.summarize("dd if=<1 GiB file> of=/dev/null (ms)", ddRead, "ms");
    Measure.Summary ld = Measure.summarize("load 1 GiB double[] (DiskTier.get, verified) (ms)", load, "ms");
    for (Measure.Summary s : List.of(dw, st, dr, ld)) {
      System.out.println(s.format());
    }
    System.out.println(Measure.ratio("store 1 GiB: dd time / store time (median)", dw.median() / st.median(), "≥ 0.5"));
    System.out.println(Measure.ratio("store 1 GiB: dd time / store time (best of each)", dw.min() / st.min(), "≥ 0.5"));
    System.out.println(Measure.ratio("load 1 GiB: dd read time / load time (median)", dr.median() / ld.median(), "—"));
  }

  // ---- processes ----

  static void processes(Path work, boolean joblib) throws Exception {
    int procs = 8;
    int keys = 20;
    Path base = work.resolve("procs");
    Path markers = base.resolve("markers");
    Path go = base.resolve("go");
    Files.createDirectories(markers);
    List<Process> ps = new ArrayList<>();
    for (int i = 0; i < procs; i++) {
      ps.add(javaProcess("child-compute", base.resolve("cache").toString(), markers.toString(), go.toString(),
          String.valueOf(keys)));
    }
    Thread.sleep(3000); // let every JVM start and open the cache
    long t0 = System.nanoTime();
    Files.createFile(go);
    for (Process p : ps) {
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException("child failed: " + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    double wall = (System.nanoTime() - t0) / 1e6;
    double[] perKey = computationsPerKey(markers, keys);
    Measure.Summary mc = Measure.summarize("memocache: computations per key (8 JVMs × 20 keys × 200 ms)", perKey, "");
    System.out.println(mc.format());
    System.out.printf(Locale.ROOT, "memocache: wall time after release %.0f ms (serial work would be %d ms)%n", wall,
        keys * 200);
    if (joblib) {
      Path jb = work.resolve("procs-joblib");
      Path jm = jb.resolve("markers");
      Files.createDirectories(jm);
      Path jgo = jb.resolve("go");
      String script = "import joblib, os, sys, time, random\n"
          + "mem = joblib.Memory(sys.argv[1], verbose=0)\n"
          + "def work(k):\n"
          + "    open(os.path.join(sys.argv[2], '%d-%d' % (k, os.getpid())), 'w').close()\n"
          + "    time.sleep(0.2)\n"
          + "    return [k, k * 0.5]\n"
          + "f = mem.cache(work)\n"
          + "keys = list(range(" + keys + ")); random.seed(os.getpid()); random.shuffle(keys)\n"
          + "while not os.path.exists(sys.argv[3]): time.sleep(0.002)\n"
          + "for k in keys: f(k)\n";
      Path py = jb.resolve("procs.py");
      Files.writeString(py, script);
      List<Process> jps = new ArrayList<>();
      for (int i = 0; i < procs; i++) {
        jps.add(new ProcessBuilder(PYTHON, py.toString(), jb.resolve("cache").toString(), jm.toString(), jgo.toString())
            .redirectErrorStream(true).start());
      }
      Thread.sleep(3000);
      Files.createFile(jgo);
      for (Process p : jps) {
        p.getInputStream().readAllBytes();
        p.waitFor(10, TimeUnit.MINUTES);
      }
      double[] jPerKey = computationsPerKey(jm, keys);
      System.out.println(Measure.summarize("joblib: computations per key (8 processes × 20 keys × 200 ms)", jPerKey, "")
          .format());
    }
    System.out.println(Measure.ratio("computations per key, memocache (max)", mc.max(), "= 1"));
  }

  private static double[] computationsPerKey(Path markers, int keys) throws IOException {
    Map<Integer, Integer> count = new HashMap<>();
    try (Stream<Path> s = Files.list(markers)) {
      s.forEach(p -> count.merge(Integer.parseInt(p.getFileName().toString().split("-")[0]), 1, Integer::sum));
    }
    double[] out = new double[keys];
    for (int k = 0; k < keys; k++) {
      out[k] = count.getOrDefault(k, 0);
    }
    return out;
  }

  // ---- children ----

  private static void child(String[] args) throws Exception {
    switch (args[0]) {
      case "child-first-hit" -> {
        try (Memo memo = Memo.builder().directory(Path.of(args[1])).build()) {
          long t0 = System.nanoTime();
          double[] v = memo.call("simulate", () -> {
            throw new IllegalStateException("expected a disk hit");
          }, 1000, 7L);
          long t1 = System.nanoTime();
          Measure.blackhole = v;
          System.out.println((t1 - t0) / 1e3);
        }
      }
      case "child-compute" -> {
        Path markers = Path.of(args[2]);
        Path go = Path.of(args[3]);
        int keys = Integer.parseInt(args[4]);
        try (Memo memo = Memo.builder().directory(Path.of(args[1])).build()) {
          List<Integer> order = new ArrayList<>();
          for (int k = 0; k < keys; k++) {
            order.add(k);
          }
          java.util.Collections.shuffle(order, new java.util.Random(ProcessHandle.current().pid()));
          while (!Files.exists(go)) {
            Thread.sleep(2);
          }
          for (int k : order) {
            Measure.blackhole = memo.call("work", () -> {
              try {
                Files.createFile(markers.resolve(k + "-" + ProcessHandle.current().pid()));
                Thread.sleep(200);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
              return new double[] {k, k * 0.5};
            }, k);
          }
        }
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  private static MemoConfig config(Path dir) {
    return new Config(dir, 1 << 20, Long.MAX_VALUE, Long.MAX_VALUE, null, false, Duration.ofMinutes(1), List.of(),
        true, Clock.systemUTC());
  }

  private static Process javaProcess(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), DiskBench.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  private static String runJava(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), DiskBench.class.getName()));
    cmd.addAll(List.of(args));
    return run(cmd.toArray(String[]::new));
  }

  private static final String JOBLIB_PRELUDE = "import sys, time, joblib\n"
      + "mem = joblib.Memory(sys.argv[1], verbose=0)\n"
      + "def simulate(n, seed):\n"
      + "    return [float(i) ** 0.5 for i in range(16)]\n"
      + "f = mem.cache(simulate)\n";

  private static boolean joblibAvailable() {
    try {
      return new ProcessBuilder(PYTHON, "-c", "import joblib").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static String python(String script, String arg) throws Exception {
    Path f = Files.createTempFile("diskbench", ".py");
    try {
      Files.writeString(f, script);
      return run(PYTHON, f.toString(), arg);
    } finally {
      Files.deleteIfExists(f);
    }
  }

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }

  private static double[] parseAll(String lines) {
    return Arrays.stream(lines.trim().split("\\s+")).mapToDouble(Double::parseDouble).toArray();
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }
}
