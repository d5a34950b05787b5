package org.memocache.bench.torture;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.memocache.CachedResult;
import org.memocache.Memo;

/**
 * The long crash run of the disk tier, not part of the normal test run: many JVMs share one cache
 * directory while this coordinator kills them with {@code kill -9} at random moments, flips bytes in
 * published entry files, and checks after every round that what can be read is right and that what
 * was once readable is still there. A second phase does the same on a tiny tmpfs that fills up.
 *
 * <p>It ends by printing rounds run, entries checked, wrong values served, torn entries served and
 * published entries lost (the last three must be 0), and exits non-zero when one is not.
 *
 * <p>Usage (see {@code bench/torture/run-torture.sh}): {@code Torture --work DIR [--rounds 200]
 * [--jvms 16] [--keys 400] [--seed S] [--full-disk-dir DIR] [--full-disk-rounds 30]}.
 */
public final class Torture {
  private static final String METHOD = "torture";

  private final Path work;
  private final Path cache;
  private final int jvms;
  private final int keys;
  private final SplittableRandom rnd;
  private final String classPath = System.getProperty("java.class.path");
  private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private final List<Worker> workers = new ArrayList<>();
  /** Keys the coordinator has read back correctly, and not damaged since: they must stay readable. */
  private final Set<Long> published = new HashSet<>();
  private final Map<String, Long> keyOfHex = new HashMap<>();
  private int workerSeq;

  private long coordinatorChecked;
  private long wrong;
  private long torn;
  private long lost;
  private long flips;
  private long flipsServedAfter;
  private long killsWriters;
  private long killsReaders;
  private final List<String> problems = new ArrayList<>();

  /** A running worker JVM. */
  private record Worker(String role, long memoryBytes, Process process, Path report, long startedNanos) {}

  private Torture(Path work, Path cache, int jvms, int keys, long seed) {
    this.work = work;
    this.cache = cache;
    this.jvms = jvms;
    this.keys = keys;
    this.rnd = new SplittableRandom(seed);
  }

  /** Runs the torture; see the class Javadoc. */
  public static void main(String[] args) throws Exception {
    Path work = null;
    Path fullDisk = null;
    int rounds = 200;
    int jvms = 16;
    int keys = 400;
    int fullDiskRounds = 30;
    long seed = System.nanoTime();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--work" -> work = Path.of(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--jvms" -> jvms = Integer.parseInt(args[++i]);
        case "--keys" -> keys = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--full-disk-dir" -> fullDisk = Path.of(args[++i]);
        case "--full-disk-rounds" -> fullDiskRounds = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
      }
    }
    if (work == null) {
      throw new IllegalArgumentException("--work DIR is required");
    }
    if (jvms < 2) {
      throw new IllegalArgumentException("--jvms must be at least 2 (a writer and a reader), was " + jvms);
    }
    System.out.printf(Locale.ROOT, "torture: %d rounds, %d JVMs, %d keys, seed %d, work %s%n", rounds, jvms, keys,
        seed, work);
    try {
      Memo.builder().directory(work.resolve("probe")).build().close();
    } catch (IllegalStateException e) {
      System.out.println("skipped: the disk tier is not on the class path (cache-disk, issue #4): " + e.getMessage());
      System.exit(2);
    }
    Torture main = new Torture(work, work.resolve("cache"), jvms, keys, seed);
    main.run(rounds, (int) Math.round(jvms * 0.625));
    Torture full = null;
    if (fullDisk != null) {
      full = new Torture(work, fullDisk.resolve("cache"), Math.max(2, jvms / 4), keys, seed + 1);
      full.runFullDisk(fullDiskRounds);
    }
    boolean ok = main.summary("main phase: " + jvms + " JVMs on " + main.cache);
    if (full != null) {
      ok &= full.summary("full-disk phase: " + full.jvms + " writers on a small tmpfs " + full.cache);
    } else {
      System.out.println("full-disk phase: skipped (no --full-disk-dir; run-torture.sh mounts a tmpfs as root)");
    }
    System.out.println(ok ? "TORTURE PASSED" : "TORTURE FAILED");
    System.exit(ok ? 0 : 1);
  }

  // ---- the main phase ----

  private void run(int rounds, int writers) throws Exception {
    Files.createDirectories(work.resolve("reports"));
    indexKeys();
    for (int i = 0; i < jvms; i++) {
      start(i < writers ? "writer" : "reader", i < writers ? 8L << 20 : 0);
    }
    for (int round = 1; round <= rounds; round++) {
      Thread.sleep(150 + rnd.nextInt(650));
      killOne();
      if (round % 3 == 0) {
        flipBytes();
      }
      verify(40);
      if (round % 20 == 0) {
        System.out.printf(Locale.ROOT, "round %d/%d: kills %d writers + %d readers, flips %d, published %d,"
            + " checked %d, wrong %d, torn %d, lost %d%n", round, rounds, killsWriters, killsReaders, flips,
            published.size(), coordinatorChecked + workerCounts()[0], wrong + workerCounts()[1],
            torn + workerCounts()[2], lost);
      }
    }
    stopAll();
    verify(keys);
  }

  /** The full-disk phase: writers on a tmpfs too small for their values, killed now and then. */
  private void runFullDisk(int rounds) throws Exception {
    Files.createDirectories(work.resolve("reports"));
    indexKeys();
    for (int i = 0; i < jvms; i++) {
      start("writer", 0);
    }
    for (int round = 1; round <= rounds; round++) {
      Thread.sleep(400 + rnd.nextInt(800));
      killOne();
      verify(20);
    }
    stopAll();
    verify(keys);
    long tmp = countFiles(cache.resolve("tmp"));
    System.out.printf(Locale.ROOT, "full-disk phase: %d tmp files left by killed writers (maintenance removes"
        + " orphans)%n", tmp);
  }

  private void start(String role, long memoryBytes) throws IOException {
    int id = workerSeq++;
    Path report = work.resolve("reports").resolve(cache.getParent().getFileName() + "-" + role + "-" + id + ".log");
    Process p = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
        classPath, TortureWorker.class.getName(), role, cache.toString(), Integer.toString(keys), report.toString(),
        Long.toString(rnd.nextLong()), Long.toString(memoryBytes))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("reports/workers.out").toFile()))
        .start();
    workers.add(new Worker(role, memoryBytes, p, report, System.nanoTime()));
  }

  /** Kills a worker that has been running a while (so it is past start-up, in the middle of work). */
  private void killOne() throws IOException, InterruptedException {
    for (Worker w : List.copyOf(workers)) {
      if (!w.process.isAlive()) { // died by itself: a failure of its own, report it and replace it
        problems.add(w.role + " exited by itself with " + w.process.exitValue() + " (see "
            + work.resolve("reports/workers.out") + ")");
        workers.remove(w);
        start(w.role, w.memoryBytes);
      }
    }
    List<Worker> ripe = new ArrayList<>();
    for (Worker w : workers) {
      if (System.nanoTime() - w.startedNanos > 1_500_000_000L) {
        ripe.add(w);
      }
    }
    List<Worker> pool = ripe.isEmpty() ? workers : ripe;
    Worker victim = pool.get(rnd.nextInt(pool.size()));
    victim.process.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
    victim.process.waitFor();
    workers.remove(victim);
    if (victim.role.equals("writer")) {
      killsWriters++;
    } else {
      killsReaders++;
    }
    start(victim.role, victim.memoryBytes);
  }

  private void stopAll() throws InterruptedException {
    for (Worker w : workers) {
      w.process.destroyForcibly();
    }
    for (Worker w : workers) {
      w.process.waitFor();
    }
    workers.clear();
  }

  // ---- damage ----

  /** Flips one to three bytes of a published entry (header, payload or last block) and forgets it. */
  private void flipBytes() throws IOException {
    List<Path> files = entryFiles();
    if (files.isEmpty()) {
      return;
    }
    Path f = files.get(rnd.nextInt(files.size()));
    Long k = keyOf(f);
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      long len = raf.length();
      if (len == 0) {
        return;
      }
      int n = 1 + rnd.nextInt(3);
      for (int i = 0; i < n; i++) {
        long pos = switch (rnd.nextInt(3)) {
          case 0 -> rnd.nextLong(Math.min(len, 256));
          case 1 -> rnd.nextLong(len);
          default -> Math.max(0, len - 1 - rnd.nextLong(Math.min(len, 64)));
        };
        raf.seek(pos);
        int b = raf.read();
        raf.seek(pos);
        raf.write(b ^ (1 << rnd.nextInt(8)));
      }
    } catch (IOException e) {
      return; // evicted or replaced under us: nothing damaged
    }
    flips++;
    if (k != null) {
      published.remove(k); // may now be detected and deleted: its absence is no loss
      try (Memo memo = reader()) {
        Optional<CachedResult<Object>> hit = memo.method(METHOD).lookup(k);
        if (hit.isPresent()) {
          flipsServedAfter++; // only fine if right: a writer may have re-published it already
          judge(k, hit.get().value(), "coordinator after flip");
        }
      }
    }
  }

  // ---- verification ----

  /** Looks up {@code sample} random keys (all when {@code sample >= keys}) and judges them. */
  private void verify(int sample) {
    try (Memo memo = reader()) {
      List<Long> ks = new ArrayList<>();
      if (sample >= keys) {
        for (long k = 0; k < keys; k++) {
          ks.add(k);
        }
      } else {
        for (int i = 0; i < sample; i++) {
          ks.add((long) rnd.nextInt(keys));
        }
      }
      for (long k : ks) {
        Optional<CachedResult<Object>> hit = memo.method(METHOD).lookup(k);
        if (hit.isPresent()) {
          if (judge(k, hit.get().value(), "coordinator")) {
            published.add(k);
          }
        } else if (published.remove(k)) {
          lost++;
          problems.add("LOST key " + k + ": read back correctly before, now missing");
        }
      }
    }
  }

  private boolean judge(long k, Object v, String who) {
    coordinatorChecked++;
    Expected.Verdict verdict = Expected.judge(k, v);
    if (verdict == Expected.Verdict.WRONG) {
      wrong++;
    } else if (verdict == Expected.Verdict.TORN) {
      torn++;
    }
    if (verdict != Expected.Verdict.OK) {
      problems.add(verdict + " key " + k + " served to " + who);
    }
    return verdict == Expected.Verdict.OK;
  }

  /** A Memo with no memory tier to speak of: every lookup reads the directory as it is now. */
  private Memo reader() {
    return Memo.builder().directory(cache).maximumMemoryBytes(0).build();
  }

  private void indexKeys() {
    try (Memo memo = Memo.builder().memoryOnly().build()) {
      for (long k = 0; k < keys; k++) {
        keyOfHex.put(memo.method(METHOD).keyOf(k).orElseThrow().hex(), k);
      }
    }
  }

  private Long keyOf(Path entry) {
    String name = entry.getFileName().toString();
    int dot = name.indexOf('.');
    return keyOfHex.get(dot < 0 ? name : name.substring(0, dot));
  }

  private List<Path> entryFiles() throws IOException {
    Path entries = cache.resolve("entries");
    if (!Files.isDirectory(entries)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(entries)) {
      return s.filter(Files::isRegularFile).filter(p -> keyOf(p) != null).toList();
    } catch (java.io.UncheckedIOException e) {
      return List.of(); // a file vanished during the walk; try again next round
    }
  }

  private static long countFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  /** Sums the workers' reports: {checked, wrong, torn, storeFailures, computed}. */
  private long[] workerCounts() throws IOException {
    long[] c = new long[5];
    String prefix = cache.getParent().getFileName() + "-";
    try (Stream<Path> s = Files.list(work.resolve("reports"))) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
        long checked = 0;
        long storeFailures = 0;
        long computed = 0;
        for (String l : Files.readAllLines(p, StandardCharsets.UTF_8)) {
          if (l.startsWith("STATS ")) {
            Map<String, Long> kv = new HashMap<>();
            for (String f : l.substring(6).split(" ")) {
              String[] e = f.split("=");
              kv.put(e[0], Long.parseLong(e[1]));
            }
            checked = kv.get("checked");
            storeFailures = kv.get("storeFailures");
            computed = kv.get("computed");
          } else if (l.startsWith("WRONG ")) {
            c[1]++;
          } else if (l.startsWith("TORN ")) {
            c[2]++;
          }
        }
        c[0] += checked;
        c[3] += storeFailures;
        c[4] += computed;
      }
    }
    return c;
  }

  private boolean summary(String title) throws IOException {
    long[] w = workerCounts();
    System.out.println();
    System.out.println("== " + title + " ==");
    System.out.printf(Locale.ROOT, "rounds run (kill -9):         %d (%d writers, %d readers killed)%n",
        killsWriters + killsReaders, killsWriters, killsReaders);
    System.out.printf(Locale.ROOT, "entries checked:              %d (%d by workers, %d by the coordinator)%n",
        w[0] + coordinatorChecked, w[0], coordinatorChecked);
    System.out.printf(Locale.ROOT, "computations by writers:      %d (store failures %d)%n", w[4], w[3]);
    System.out.printf(Locale.ROOT, "byte flips in entries:        %d (%d of them read back right after: re-published)%n",
        flips, flipsServedAfter);
    System.out.printf(Locale.ROOT, "readable at the end:          %d of %d keys%n", published.size(), keys);
    System.out.printf(Locale.ROOT, "wrong values served:          %d%n", wrong + w[1]);
    System.out.printf(Locale.ROOT, "torn entries served:          %d%n", torn + w[2]);
    System.out.printf(Locale.ROOT, "published entries lost:       %d%n", lost);
    problems.stream().limit(20).forEach(p -> System.out.println("  " + p));
    if (w[1] + w[2] > 0) {
      System.out.println("  workers' reports: " + work.resolve("reports"));
    }
    return wrong + w[1] == 0 && torn + w[2] == 0 && lost == 0;
  }
}
