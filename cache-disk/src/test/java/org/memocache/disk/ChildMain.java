package org.memocache.disk;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.memocache.CacheKey;
import org.memocache.Memo;
import org.memocache.internal.codec.Codecs;
import org.memocache.spi.Tier;
import org.memocache.internal.codec.TierValues;

/** What child JVMs of the cross-process tests run. Prints results on stdout, one per line. */
public final class ChildMain {
  private ChildMain() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    switch (args[0]) {
      case "hold-lock" -> holdLock(out, Path.of(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]), false);
      case "hold-lock-delete" -> holdLock(out, Path.of(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]), true);
      case "compute" -> compute(out, Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), Integer.parseInt(args[4]),
          Long.parseLong(args[5]));
      case "memo-compute" -> memoCompute(out, Path.of(args[1]), Path.of(args[2]), Path.of(args[3]),
          Integer.parseInt(args[4]), Long.parseLong(args[5]));
      case "write-loop" -> writeLoop(out, Path.of(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]));
      case "memo-once" -> memoOnce(out, Path.of(args[1]), Path.of(args[2]));
      case "stats-run" -> statsRun(out, Path.of(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]));
      case "put" -> put(out, Path.of(args[1]), Integer.parseInt(args[2]), args[3]);
      case "get" -> get(out, Path.of(args[1]), Integer.parseInt(args[2]));
      case "woven-remote" -> wovenRemote(out, Path.of(args[1]), Long.parseLong(args[2], 16), Integer.parseInt(args[3]));
      case "woven-partial" -> wovenPartial(out, Path.of(args[1]), Integer.parseInt(args[2]));
      case "hold-maintenance" -> holdMaintenance(out, Path.of(args[1]), Path.of(args[2]));
      case "progressive" -> ProgressiveChild.run(out, Path.of(args[1]), Path.of(args[2]), Long.parseLong(args[3]));
      default -> throw new IllegalArgumentException(args[0]);
    }
    out.flush();
    System.exit(0);
  }

  private static DiskTier tier(Path dir) {
    return DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO);
  }

  /** Takes the lock of key {@code k}, says so, holds it {@code millis}, releases it. */
  private static void holdLock(PrintStream out, Path dir, int k, long millis, boolean delete) throws Exception {
    try (DiskTier tier = tier(dir)) {
      Tier.KeyLock lock = tier.store().lock(TestKeys.key(k), "simulate(n=" + k + ")", Duration.ofSeconds(30), delete)
          .orElseThrow();
      out.println("locked " + ProcessHandle.current().pid());
      Thread.sleep(millis);
      lock.close();
      out.println("released");
    }
  }

  /** Takes the maintenance lease, says so, waits for {@code go}, says whether it lost the lease. */
  private static void holdMaintenance(PrintStream out, Path dir, Path go) throws Exception {
    try (DiskTier tier = tier(dir)) {
      org.memocache.disk.internal.DiskStore.Lease lease = tier.store().maintenanceLease(Duration.ofSeconds(30))
          .orElseThrow();
      out.println("leased " + ProcessHandle.current().pid());
      awaitGo(go);
      out.println("lost=" + lease.lost());
      lease.close();
    }
  }

  private static void awaitGo(Path go) throws InterruptedException {
    while (!Files.exists(go)) {
      Thread.sleep(2);
    }
  }

  /** The value of key {@code k} in the multi-process test: a double[] for even keys, a String for odd. */
  static Object valueOf(int k) {
    if (k % 2 == 0) {
      return new double[] {k, k * 0.5, -k};
    }
    return "value-" + k;
  }

  static String show(Object v) {
    return v instanceof double[] d ? java.util.Arrays.toString(d) : String.valueOf(v);
  }

  /** The protocol Memo follows, at tier level: get, lock, get again, compute, put, release. */
  private static void compute(PrintStream out, Path dir, Path markers, Path go, int keys, long workMillis)
      throws Exception {
    try (DiskTier tier = tier(dir)) {
      List<Integer> order = new ArrayList<>();
      for (int k = 0; k < keys; k++) {
        order.add(k);
      }
      Collections.shuffle(order, new Random(ProcessHandle.current().pid()));
      out.println("ready");
      awaitGo(go);
      for (int k : order) {
        CacheKey key = TestKeys.key(k);
        Optional<TierValues.Decoded> hit = TestKeys.get(tier, key, TestKeys.FILTER);
        Object v;
        if (hit.isPresent()) {
          v = hit.get().value();
        } else {
          Optional<Tier.KeyLock> lock = tier.acquire(key, "work(k=" + k + ")", Duration.ofMinutes(2));
          try {
            hit = TestKeys.get(tier, key, TestKeys.FILTER);
            if (hit.isPresent()) {
              v = hit.get().value();
            } else {
              Files.createFile(markers.resolve(k + "-" + ProcessHandle.current().pid()));
              Thread.sleep(workMillis);
              v = valueOf(k);
              if (!TestKeys.put(tier, key, v, TestKeys.meta("k=" + k))) {
                throw new IllegalStateException("put failed for key " + k);
              }
            }
          } finally {
            lock.ifPresent(Tier.KeyLock::close);
          }
        }
        out.println("result " + k + " " + show(v));
      }
      out.println("done");
    }
  }

  /** The same workload through Memo's public API. */
  private static void memoCompute(PrintStream out, Path dir, Path markers, Path go, int keys, long workMillis)
      throws Exception {
    try (Memo memo = Memo.builder().directory(dir).build()) {
      List<Integer> order = new ArrayList<>();
      for (int k = 0; k < keys; k++) {
        order.add(k);
      }
      Collections.shuffle(order, new Random(ProcessHandle.current().pid()));
      out.println("ready");
      awaitGo(go);
      for (int k : order) {
        int kk = k;
        Object v = memo.call("work", () -> {
          try {
            Files.createFile(markers.resolve(kk + "-" + ProcessHandle.current().pid()));
            Thread.sleep(workMillis);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return valueOf(kk);
        }, k);
        out.println("result " + k + " " + show(v));
      }
      out.println("stats " + memo.stats());
      out.println("done");
    }
  }

  /**
   * Calls {@code keys} keys once each, {@code workMillis} per computation, and exits without closing
   * the {@code Memo}, as a short script does.
   */
  private static void statsRun(PrintStream out, Path dir, int keys, long workMillis) {
    Memo memo = Memo.builder().directory(dir).build();
    for (int k = 0; k < keys; k++) {
      long t0 = System.nanoTime();
      Object v = memo.call("step", () -> {
        try {
          Thread.sleep(workMillis);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return valueOf(0);
      }, k);
      out.println("took " + (System.nanoTime() - t0) + " " + show(v));
    }
    out.println("loads " + memo.stats().loads());
  }

  /** One memoized call through the default-style Memo, as the README demo does. */
  private static void memoOnce(PrintStream out, Path dir, Path marker) {
    try (Memo memo = Memo.builder().directory(dir).build()) {
      double[] r = memo.call("simulate", () -> {
        try {
          Files.writeString(marker, "computed by " + ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8,
              StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        double[] a = new double[1000];
        for (int i = 0; i < a.length; i++) {
          a[i] = Math.sin(i * 7.0);
        }
        return a;
      }, 1000, 7L);
      out.println("sum " + java.util.Arrays.stream(r).sum());
      out.println("tierHits " + memo.stats().tierHits() + " loads " + memo.stats().loads());
    }
  }

  /** Writes entries of random sizes, forever, printing each published key; killed by the test. */
  private static void writeLoop(PrintStream out, Path dir, long seed, int maxKey) throws Exception {
    try (DiskTier tier = tier(dir)) {
      Random rnd = new Random(seed);
      out.println("ready");
      while (true) {
        int k = rnd.nextInt(maxKey);
        Object v = Torture.value(k);
        boolean locked = rnd.nextBoolean();
        Optional<Tier.KeyLock> lock = locked ? tier.acquire(TestKeys.key(k), "torture(k=" + k + ")",
            Duration.ofSeconds(10)) : Optional.empty();
        try {
          if (TestKeys.put(tier, TestKeys.key(k), v, TestKeys.meta("k=" + k))) {
            out.println("published " + k);
          }
          if (rnd.nextInt(4) == 0) {
            TestKeys.get(tier, TestKeys.key(rnd.nextInt(maxKey)), TestKeys.FILTER);
          }
        } finally {
          lock.ifPresent(Tier.KeyLock::close);
        }
      }
    }
  }

  private static void put(PrintStream out, Path dir, int k, String value) {
    try (DiskTier tier = tier(dir)) {
      out.println("put " + TestKeys.put(tier, TestKeys.key(k), value, TestKeys.meta("k=" + k)));
    }
  }

  private static void get(PrintStream out, Path dir, int k) {
    try (DiskTier tier = tier(dir)) {
      out.println("get " + TestKeys.get(tier, TestKeys.key(k), TestKeys.FILTER).map(h -> show(h.value())).orElse("<miss>"));
    }
  }

  /** Calls the woven {@code Remote.counts(n)} as code woven with {@code fingerprint} would. */
  private static void wovenRemote(PrintStream out, Path dir, long fingerprint, int n) {
    try (Memo memo = Memo.builder().directory(dir).build()) {
      org.memocache.MemoRuntime.install(memo);
      out.println("counts " + java.util.Arrays.toString(org.memocache.disk.woven.Woven.remoteCounts(n, fingerprint)));
    }
  }

  /** Reads the recorded progress of the woven {@code Fitter.sweep}, never called in this JVM. */
  private static void wovenPartial(PrintStream out, Path dir, int chunks) {
    try (Memo memo = Memo.builder().directory(dir).build()) {
      org.memocache.MemoizedMethod sweep = memo.method(org.memocache.disk.woven.Fitter.class, "sweep", int.class,
          org.memocache.partial.Progress.class);
      out.println("identity " + sweep.identity().map(id -> Long.toHexString(id.codeFingerprint())).orElse("none"));
      out.println("chunks " + sweep.partial(chunks, null).map(p -> p.chunkCount() + " " + java.util.Arrays.toString(
          (double[]) p.chunk(p.chunkCount() - 1))).orElse("none"));
    }
  }

  static void append(Path file, String line) throws java.io.IOException {
    Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
