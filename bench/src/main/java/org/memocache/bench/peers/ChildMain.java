package org.memocache.bench.peers;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;
import org.memocache.Memo;
import org.memocache.bench.Measure;

/**
 * One measurement in a child JVM of its own, so that heaps, JIT state and open files of one peer
 * never colour another's figures. The Java twin of {@code bench/peers/pypeers.py}: same commands,
 * same values, same line protocol ({@code SAMPLES metric unit v...}, {@code INFO k=v},
 * {@code SKIP reason}).
 *
 * <p>Usage: {@code ChildMain <command> <system> [args...]}; systems are {@code memocache},
 * {@code caffeine}, {@code ehcache} and {@code mapdb}, as each command allows.
 */
public final class ChildMain {
  private static final long MAIN_ENTERED = System.nanoTime();
  private static final AtomicLong COMPUTED = new AtomicLong();

  private ChildMain() {}

  /** Runs one command; see the class Javadoc. */
  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: ChildMain <command> <system> [args...]");
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    try {
      switch (args[0]) {
        case "noop" -> { }
        case "memory-hit" -> memoryHit(rest[0], i(rest[1]), i(rest[2]), i(rest[3]), false);
        case "memory-scale" -> memoryHit(rest[0], i(rest[1]), i(rest[2]), i(rest[3]), true);
        case "populate" -> populate(rest[0], Path.of(rest[1]), i(rest[2]));
        case "fresh-hit" -> freshHit(rest[0], Path.of(rest[1]), i(rest[2]), i(rest[3]), i(rest[4]));
        case "miss-store" -> missStore(rest[0], Path.of(rest[1]), i(rest[2]), i(rest[3]));
        case "hash" -> hash(Long.parseLong(rest[1]), i(rest[2]));
        case "bigio" -> bigio(rest[0], Path.of(rest[1]), rest[2], rest[3], rest[4]);
        case "sweep-worker" -> sweepWorker(Path.of(rest[1]), Path.of(rest[2]), i(rest[3]),
            Path.of(rest[4]), Path.of(rest[5]));
        default -> throw new IllegalArgumentException("unknown command: " + args[0]);
      }
    } catch (IllegalStateException e) {
      if (missingDiskTier(e)) {
        Protocol.skip("cache-disk (issue #4) is not on the class path yet, so Memo has no disk tier");
        return;
      }
      throw e;
    }
    System.out.flush();
  }

  /** Whether {@code e} is Memo saying that cache-disk is not on the class path. */
  private static boolean missingDiskTier(Throwable e) {
    return e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("needs the disk tier");
  }

  // ---- memory hits: two small arguments, a warm process ----

  /** A record key, what a Caffeine user would write for two small arguments. */
  record Key(long n, long seed) {}

  private static void memoryHit(String system, int nkeys, int batches, int perBatch, boolean random)
      throws Exception {
    long[] order = new long[perBatch];
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < perBatch; i++) {
      order[i] = random ? rnd.nextInt(nkeys) : i % nkeys;
    }
    Measure.Task batch;
    Runnable after = () -> { };
    switch (system) {
      case "memocache" -> {
        // Bound set so that every entry fits (the default, a quarter of the heap, would evict at 10^6):
        // this measures the hit path, and the misses counted afterwards prove it was only hits.
        Memo memo = Memo.builder().memoryOnly().maximumMemoryBytes(Runtime.getRuntime().maxMemory() / 2).build();
        for (long n = 0; n < nkeys; n++) {
          long k = n;
          memo.call("f", () -> Values.small(k, Values.SEED), k, Values.SEED);
        }
        batch = () -> {
          Object last = null;
          for (long n : order) {
            last = memo.call("f", () -> Values.small(n, Values.SEED), n, Values.SEED);
          }
          return last;
        };
        after = () -> Protocol.info("recomputed", memo.stats().misses() - nkeys);
      }
      case "caffeine" -> {
        Cache<Key, double[]> cache = Caffeine.newBuilder().maximumSize(nkeys * 2L).build();
        for (long n = 0; n < nkeys; n++) {
          cache.put(new Key(n, Values.SEED), Values.small(n, Values.SEED));
        }
        batch = () -> {
          Object last = null;
          for (long n : order) {
            last = cache.getIfPresent(new Key(n, Values.SEED));
          }
          return last;
        };
      }
      case "ehcache" -> {
        CacheManager manager = CacheManagerBuilder.newCacheManagerBuilder()
            .withCache("heap", CacheConfigurationBuilder.newCacheConfigurationBuilder(Key.class, double[].class,
                ResourcePoolsBuilder.heap(nkeys * 2L)))
            .build(true);
        org.ehcache.Cache<Key, double[]> cache = manager.getCache("heap", Key.class, double[].class);
        for (long n = 0; n < nkeys; n++) {
          cache.put(new Key(n, Values.SEED), Values.small(n, Values.SEED));
        }
        batch = () -> {
          Object last = null;
          for (long n : order) {
            last = cache.get(new Key(n, Values.SEED));
          }
          return last;
        };
      }
      case "mapdb" -> {
        // heapDB keeps objects on the heap; keys go through the serializer for hashing/equality.
        DB db = DBMaker.heapDB().make();
        HTreeMap<Long, double[]> map = db.hashMap("heap", Serializer.LONG, Serializer.DOUBLE_ARRAY).create();
        for (long n = 0; n < nkeys; n++) {
          map.put(n * 1_000_003L + Values.SEED, Values.small(n, Values.SEED));
        }
        batch = () -> {
          Object last = null;
          for (long n : order) {
            last = map.get(n * 1_000_003L + Values.SEED);
          }
          return last;
        };
      }
      default -> throw new IllegalArgumentException("memory-hit: unknown system " + system);
    }
    perOp(batch, Math.max(5, batches / 3), perBatch); // warm-up: let the JIT settle
    Protocol.samples("hit", "ns/op", perOp(batch, batches, perBatch));
    after.run();
  }

  private static double[] perOp(Measure.Task batch, int batches, int perBatch) throws Exception {
    double[] ns = new double[batches];
    for (int b = 0; b < batches; b++) {
      long t0 = System.nanoTime();
      Measure.blackhole = batch.run();
      ns[b] = (double) (System.nanoTime() - t0) / perBatch;
    }
    return ns;
  }

  // ---- disk hits and stores of small values ----

  private static DiskPeer openPeer(String system, Path dir, long diskBytes, boolean big) throws IOException {
    Files.createDirectories(dir);
    return switch (system) {
      case "memocache" -> MemoCachePeer.open(dir);
      case "ehcache" -> EhcachePeer.open(dir, diskBytes, big);
      case "mapdb" -> MapDbPeer.open(dir);
      default -> throw new IllegalArgumentException("not a disk peer: " + system);
    };
  }

  private static Supplier<double[]> small(long n, long seed) {
    return () -> {
      COMPUTED.incrementAndGet();
      return Values.small(n, seed);
    };
  }

  private static void populate(String system, Path dir, int nkeys) throws IOException {
    try (DiskPeer p = openPeer(system, dir, 256L << 20, false)) {
      for (long n = 0; n < nkeys; n++) {
        p.getOrCompute(n, Values.SEED, small(n, Values.SEED));
      }
    }
    Protocol.info("populated", nkeys);
    Protocol.info("computed", COMPUTED.get());
  }

  private static void freshHit(String system, Path dir, int nkeys, int firstKey, int warmOps) throws IOException {
    long jvmStartMs = ManagementFactory.getRuntimeMXBean().getStartTime();
    long t0 = System.nanoTime();
    try (DiskPeer p = openPeer(system, dir, 256L << 20, false)) {
      long t1 = System.nanoTime();
      Object v = p.getOrCompute(firstKey, Values.SEED, small(firstKey, Values.SEED));
      long t2 = System.nanoTime();
      boolean ok = Values.isSmall(v, firstKey, Values.SEED);
      long t3 = System.nanoTime();
      for (int j = 0; j < warmOps; j++) {
        long k = (firstKey + 1 + j) % nkeys;
        ok &= Values.isSmall(p.getOrCompute(k, Values.SEED, small(k, Values.SEED)), k, Values.SEED);
      }
      long t4 = System.nanoTime();
      Protocol.samples("import+open", "ms", (t1 - MAIN_ENTERED) / 1e6);
      Protocol.samples("first-hit", "ms", (t2 - t1) / 1e6);
      Protocol.samples("warm-disk-hit", "us/op", (t4 - t3) / 1e3 / Math.max(1, warmOps));
      Protocol.info("jvm-start-to-main-ms", System.currentTimeMillis() - jvmStartMs - (System.nanoTime() - t0) / 1_000_000);
      Protocol.info("computed", COMPUTED.get());
      Protocol.info("wrong", ok ? 0 : 1);
    }
  }

  private static void missStore(String system, Path dir, int batches, int perBatch) throws IOException {
    try (DiskPeer p = openPeer(system, dir, 1L << 30, false)) {
      long n = 0;
      for (int i = 0; i < perBatch; i++, n++) {
        p.getOrCompute(n, Values.SEED + 1, small(n, Values.SEED + 1));
      }
      double[] us = new double[batches];
      for (int b = 0; b < batches; b++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < perBatch; i++, n++) {
          p.getOrCompute(n, Values.SEED + 1, small(n, Values.SEED + 1));
        }
        us[b] = (System.nanoTime() - t0) / 1e3 / perBatch;
      }
      Protocol.samples("miss+store", "us/op", us);
      Protocol.info("computed", COMPUTED.get());
      Protocol.info("expected", n);
    }
  }

  // ---- big arrays ----

  private static void hash(long bytes, int repeats) {
    double[] a = Values.big(bytes);
    double[] dst = a.clone(); // touches every page: the timed copies measure bandwidth
    Memo memo = Memo.builder().memoryOnly().build();
    memo.method("warm-up").keyOf(new double[1024]).orElseThrow();
    double[] copy = new double[repeats];
    double[] hashed = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      System.arraycopy(a, 0, dst, 0, a.length);
      long t1 = System.nanoTime();
      Measure.blackhole = memo.method("hash").keyOf((Object) a).orElseThrow();
      long t2 = System.nanoTime();
      copy[r] = bytes / ((t1 - t0) / 1e9) / 1e9;
      hashed[r] = bytes / ((t2 - t1) / 1e9) / 1e9;
    }
    Protocol.samples("arraycopy", "GB/s", copy);
    Protocol.samples("Memo.keyOf", "GB/s", hashed);
  }

  /**
   * Per size: a store (a miss whose computation returns a prepared array, so the time is the
   * tier's) and a load (a hit through a freshly opened handle, so nothing is served from memory).
   */
  private static void bigio(String system, Path dir, String sizesCsv, String repsCsv, String tag) throws IOException {
    long[] sizes = Arrays.stream(sizesCsv.split(",")).mapToLong(Long::parseLong).toArray();
    int[] reps = Arrays.stream(repsCsv.split(",")).mapToInt(Integer::parseInt).toArray();
    long maxSize = Arrays.stream(sizes).max().orElse(0);
    long diskBytes = Math.max(1L << 30, 3 * maxSize * Arrays.stream(reps).max().orElse(1) + (1L << 30));
    int tagHash = tag.hashCode() & 0xffff;
    for (int s = 0; s < sizes.length; s++) {
      try {
        bigioSize(system, dir, sizes[s], reps[s], diskBytes, maxSize > (64L << 20), tagHash);
      } catch (Exception | OutOfMemoryError | StackOverflowError e) {
        if (missingDiskTier(e)) {
          throw (IllegalStateException) e;
        }
        // One size a peer cannot handle (MapDB's serializer stops short of 1 GiB) must not lose the others.
        Protocol.fail("store@" + sizes[s], e.getClass().getName() + ": " + e.getMessage());
      }
      System.gc();
    }
  }

  private static void bigioSize(String system, Path dir, long size, int repeats, long diskBytes, boolean big,
                                int tagHash) throws IOException {
    {
      double[][] prepared = {Values.big(size)}; // a holder, emptied after this size for the GC
      double[] store = new double[repeats];
      double[] load = new double[repeats];
      int wrong = 0;
      for (int r = 0; r < repeats; r++) {
        long b = ((long) tagHash << 16) | r;
        long before = COMPUTED.get();
        long t0;
        long t1;
        try (DiskPeer p = openPeer(system, dir, diskBytes, big)) {
          t0 = System.nanoTime();
          p.getOrCompute(size, b, () -> {
            COMPUTED.incrementAndGet();
            return prepared[0];
          });
          t1 = System.nanoTime();
        }
        Object v;
        long t2;
        long t3;
        try (DiskPeer p = openPeer(system, dir, diskBytes, big)) {
          t2 = System.nanoTime();
          v = p.getOrCompute(size, b, () -> {
            COMPUTED.incrementAndGet();
            return prepared[0];
          });
          t3 = System.nanoTime();
        }
        if (COMPUTED.get() != before + 1 || v == prepared[0] || !Values.isBig(v, size)) {
          wrong++;
        }
        v = null;
        store[r] = (t1 - t0) / 1e6;
        load[r] = (t3 - t2) / 1e6;
      }
      Protocol.samples("store@" + size, "ms", store);
      Protocol.samples("load@" + size, "ms", load);
      Protocol.info("wrong@" + size, wrong);
      prepared[0] = null;
    }
  }

  // ---- N processes x K keys of 200 ms work ----

  private static void sweepWorker(Path dir, Path markers, int nkeys, Path ready, Path barrier) throws Exception {
    try (Memo memo = Memo.builder().directory(dir).build()) {
      Files.createFile(ready);
      while (!Files.exists(barrier)) {
        Thread.sleep(5);
      }
      int wrong = 0;
      for (long k = 0; k < nkeys; k++) {
        long key = k;
        Object v = memo.call("sweep", () -> {
          COMPUTED.incrementAndGet();
          try {
            Thread.sleep(200);
            Files.createFile(markers.resolve(key + "." + ProcessHandle.current().pid() + "." + System.nanoTime()));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return Values.small(key, Values.SEED);
        }, key);
        if (!Values.isSmall(v, key, Values.SEED)) {
          wrong++;
        }
      }
      Protocol.info("wrong", wrong);
      Protocol.info("computed", COMPUTED.get());
    }
  }

  private static int i(String s) {
    return Integer.parseInt(s);
  }

  /** The line protocol shared with {@code pypeers.py}. */
  static final class Protocol {
    private Protocol() {}

    static void samples(String metric, String unit, double... values) {
      StringBuilder sb = new StringBuilder("SAMPLES ").append(metric).append(' ').append(unit);
      for (double v : values) {
        sb.append(' ').append(String.format(Locale.ROOT, "%.6f", v));
      }
      System.out.println(sb);
    }

    static void info(String key, Object value) {
      System.out.println("INFO " + key + "=" + value);
    }

    static void fail(String metric, String reason) {
      System.out.println("FAIL " + metric + " " + reason.replace('\n', ' '));
    }

    static void skip(String reason) {
      System.out.println("SKIP " + reason);
    }
  }
}
