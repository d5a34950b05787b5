package org.memocache.redis.internal;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import org.redisson.Redisson;
import org.redisson.api.RBucket;
import org.redisson.api.RFencedLock;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.config.Config;

/**
 * Round trips against a real redis-server and s3proxy on this machine: the Lua lease of
 * {@link Leases} beside Redisson's {@code RLock} and {@code RFencedLock}, a small GET through Jedis
 * and Redisson, reads of values of growing size from Redis and from the object store (what the
 * inline limit of {@link SharedBytes} is chosen by), and the cost of {@link SharedLimits}' index on
 * publications and hits. Arguments: round trips per measurement (default 2000), then {@code limits}
 * to run only the reads through {@link SharedBytes} and the index costs.
 *
 * <pre>
 * mvn -B -o -q -pl cache-redis -am test-compile dependency:build-classpath \
 *   -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -Dmemocache.s3proxy.jar=cache-redis/target/s3proxy/s3proxy.jar \
 *   -cp cache-redis/target/test-classes:cache-redis/target/classes:$(cat cache-redis/target/bench.cp) \
 *   org.memocache.redis.internal.SharedBench 2000 [limits]
 * </pre>
 *
 * ({@code -am} builds test-support in the same reactor: nothing is installed into the local
 * repository.)
 */
public final class SharedBench {
  private SharedBench() {}

  interface Op {
    void run(int i) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    Path dir = Files.createTempDirectory("memocache-bench");
    try (RedisServer server = RedisServer.start(dir.resolve("redis"), null);
        S3Server s3 = S3Server.start(dir.resolve("s3"));
        Redis redis = Redis.connect(server.uri(), Duration.ofSeconds(5));
        Leases leases = new Leases(redis, "b:");
        S3Blobs blobs = s3.client("bench", Duration.ofSeconds(30))) {
      blobs.createBucket();
      if (args.length > 1 && args[1].equals("limits")) {
        limits(redis, blobs, n);
        return;
      }
      Config config = new Config();
      config.useSingleServer().setAddress("redis://127.0.0.1:" + server.port());
      RedissonClient redisson = Redisson.create(config);
      try {
        System.out.println("redis-server " + server.port() + ", " + n + " round trips each, µs");
        System.out.println("operation                              min   median      p99      max");
        measure("Lua lease: tryAcquire + close", n, i -> leases.tryAcquire("l" + (i & 63), Duration.ofSeconds(30))
            .orElseThrow().close());
        measure("Redisson RLock: lock + unlock", n, i -> {
          RLock l = redisson.getLock("r" + (i & 63));
          l.lock();
          l.unlock();
        });
        measure("Redisson RFencedLock: lockAndGetToken + unlock", n, i -> {
          RFencedLock l = redisson.getFencedLock("f" + (i & 63));
          l.lockAndGetToken();
          l.unlock();
        });
        SharedBytes inline = new SharedBytes(redis, blobs, "b:", "bench/", 512L << 20);
        byte[] small = new byte[100];
        inline.put("small", new ByteArrayInputStream(small), small.length);
        measure("Jedis GET 100 B (SharedBytes.get)", n, i -> {
          try (StoredBytes s = inline.get("small").orElseThrow()) {
            s.stream().readAllBytes();
          }
        });
        RBucket<byte[]> bucket = redisson.getBucket("b:rsmall", ByteArrayCodec.INSTANCE);
        bucket.set(small);
        measure("Redisson RBucket GET 100 B", n, i -> bucket.get());

        System.out.println();
        System.out.println("read of one value (GET, stream to the end), median µs");
        System.out.println("size          redis     s3proxy");
        SharedBytes objects = new SharedBytes(redis, blobs, "b:", "bench/", 0);
        for (int size : new int[] {1 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20}) {
          byte[] v = new byte[size];
          new java.util.Random(size).nextBytes(v);
          inline.put("in" + size, new ByteArrayInputStream(v), size);
          objects.put("ob" + size, new ByteArrayInputStream(v), size);
          int reps = Math.max(20, Math.min(n, (64 << 20) / size));
          long r = median(reps, i -> read(inline, "in" + size));
          long o = median(reps, i -> read(objects, "ob" + size));
          System.out.printf(Locale.ROOT, "%-10s %8d %11d%n", size >= 1 << 20 ? (size >> 20) + " MiB"
              : (size >> 10) + " KiB", r, o);
        }
      } finally {
        redisson.shutdown();
      }
    }
  }

  /**
   * Reads of 100 B and 16 MiB through {@link SharedBytes}, inline in Redis and in the object store
   * behind a manifest; then publications and hits of 100 B without bounds (no index), with bounds
   * that evict nothing, with bounds that evict one value per publication, and hits that touch the
   * index every time (an age bound of nanoseconds makes every hit due).
   */
  private static void limits(Redis redis, S3Blobs blobs, int n) throws Exception {
    System.out.println("reads through SharedBytes (get, stream to the end), µs");
    System.out.println("operation                                      min   median      max");
    SharedBytes inline = new SharedBytes(redis, blobs, "r:", "reads/", 512L << 20);
    SharedBytes objects = new SharedBytes(redis, blobs, "o:", "reads/", 0);
    long[] m = new long[4];
    int row = 0;
    for (int size : new int[] {100, 16 << 20}) {
      byte[] v = new byte[size];
      new java.util.Random(size).nextBytes(v);
      inline.put("v" + size, new ByteArrayInputStream(v), size);
      objects.put("v" + size, new ByteArrayInputStream(v), size);
      int reps = size > 1 << 20 ? Math.max(20, n / 50) : n;
      String label = size > 1 << 20 ? "16 MiB" : "100 B";
      long[] r = compare(reps, new String[] {"Redis inline " + label, "object store + manifest " + label},
          i -> read(inline, "v" + size), i -> read(objects, "v" + size));
      m[row++] = r[0];
      m[row++] = r[1];
    }
    System.out.printf(Locale.ROOT, "object store / inline, medians: 100 B %.1f×, 16 MiB %.2f×%n",
        (double) m[1] / m[0], (double) m[3] / m[2]);

    System.out.println();
    System.out.println("index cost, 100 B values, µs");
    System.out.println("operation                                      min   median      max");
    byte[] small = new byte[100];
    // No upkeep thread: it would trim the store whose age bound is nanoseconds.
    for (String ns : new String[] {"p:", "x:", "e:", "h:"}) {
      redis.call("SET", c -> c.set((ns + "maintenance").getBytes(java.nio.charset.StandardCharsets.UTF_8),
          new byte[] {1}));
    }
    SharedBytes plain = new SharedBytes(redis, blobs, "p:", "p/", 1 << 20);
    SharedBytes indexed = new SharedBytes(redis, blobs, "x:", "x/", 1 << 20,
        SharedLimits.none().maxEntries(Long.MAX_VALUE - 1));
    SharedBytes evicting = new SharedBytes(redis, blobs, "e:", "e/", 1 << 20, SharedLimits.none().maxEntries(1000));
    SharedBytes touching = new SharedBytes(redis, blobs, "h:", "h/", 1 << 20,
        SharedLimits.none().maxAge(Duration.ofNanos(4)));
    for (int i = 0; i < 1000; i++) {
      evicting.put("f" + i, new ByteArrayInputStream(small), small.length);
    }
    int[] next = new int[3];
    long[] p = compare(n, new String[] {"publish, no bounds (SET NX)", "publish, bounds, nothing evicted (script)",
        "publish, bounds, one value evicted"},
        i -> plain.put("k" + next[0]++, new ByteArrayInputStream(small), small.length),
        i -> indexed.put("k" + next[1]++, new ByteArrayInputStream(small), small.length),
        i -> evicting.put("k" + next[2]++, new ByteArrayInputStream(small), small.length));
    touching.put("hot", new ByteArrayInputStream(small), small.length);
    long[] h = compare(n, new String[] {"hit, no bounds (GET)", "hit, bounds, touched within the interval",
        "hit, bounds, touch sent on every hit"},
        i -> read(plain, "k1"), i -> read(indexed, "k1"), i -> read(touching, "hot"));
    System.out.printf(Locale.ROOT, "ratios of medians to no bounds: publish %.2f× (%.2f× evicting one), hit %.2f×"
        + " (%.2f× touching every hit)%n", (double) p[1] / p[0], (double) p[2] / p[0], (double) h[1] / h[0],
        (double) h[2] / h[0]);
  }

  /**
   * Runs {@code ops} in turns of {@code n / 10}, after a warm-up of each, so that drift of the machine
   * falls on all alike; prints min, median and max in µs and returns the medians in ns.
   */
  private static long[] compare(int n, String[] names, Op... ops) throws Exception {
    for (Op op : ops) {
      for (int i = 0; i < Math.min(n, 500); i++) {
        op.run(i);
      }
    }
    int turn = Math.max(1, n / 10);
    long[][] t = new long[ops.length][turn * 10];
    for (int round = 0; round < 10; round++) {
      for (int o = 0; o < ops.length; o++) {
        for (int i = 0; i < turn; i++) {
          long t0 = System.nanoTime();
          ops[o].run(i);
          t[o][round * turn + i] = System.nanoTime() - t0;
        }
      }
    }
    long[] medians = new long[ops.length];
    for (int o = 0; o < ops.length; o++) {
      long[] s = t[o];
      Arrays.sort(s);
      System.out.printf(Locale.ROOT, "%-44s %6.1f %8.1f %8.1f%n", names[o], s[0] / 1e3, s[s.length / 2] / 1e3,
          s[s.length - 1] / 1e3);
      medians[o] = s[s.length / 2];
    }
    return medians;
  }

  private static void read(SharedBytes store, String key) throws Exception {
    try (StoredBytes s = store.get(key).orElseThrow()) {
      s.stream().transferTo(java.io.OutputStream.nullOutputStream());
    }
  }

  private static long[] times(int n, Op op) throws Exception {
    for (int i = 0; i < Math.min(n, 500); i++) {
      op.run(i);
    }
    long[] t = new long[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      op.run(i);
      t[i] = System.nanoTime() - t0;
    }
    Arrays.sort(t);
    return t;
  }

  private static long median(int n, Op op) throws Exception {
    return times(n, op)[n / 2] / 1000;
  }

  private static void measure(String name, int n, Op op) throws Exception {
    long[] t = times(n, op);
    System.out.printf(Locale.ROOT, "%-46s %5d %8d %8d %8d%n", name, t[0] / 1000, t[n / 2] / 1000,
        t[n * 99 / 100] / 1000, t[n - 1] / 1000);
  }
}
