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
 * {@link Leases} beside Redisson's {@code RLock} and {@code RFencedLock}, a small GET through Lettuce
 * and Redisson, and reads of values of growing size from Redis and from the object store (what the
 * inline limit of {@link SharedBytes} is chosen by).
 *
 * <pre>
 * mvn -B -o -q -pl cache-redis test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=org.memocache.redis.internal.SharedBench \
 *   -Dmemocache.s3proxy.jar=cache-redis/target/s3proxy/s3proxy.jar
 * </pre>
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
        measure("Lettuce GET 100 B (SharedBytes.get)", n, i -> {
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
