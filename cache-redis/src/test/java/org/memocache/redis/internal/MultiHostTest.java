package org.memocache.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memocache.testing.Child;

/**
 * Hosts as child JVMs, each with its own local cache directory, sharing one redis-server and one S3
 * API server through the configuration ({@code MEMOCACHE_SHARED}, {@code MEMOCACHE_BLOBS}, the AWS
 * SDK's variables): each key is computed once across all of them, a new host computes nothing, and a
 * shared hit copied into the local disk tier survives Redis going away.
 */
@Tag("slow") // six child JVMs, servers started and stopped
class MultiHostTest {
  @TempDir Path dir;

  @Test
  void fourHosts_computeTenKeysTenTimes_andAFifthComputesNothing() throws Exception {
    int keys = 10;
    Path markers = Files.createDirectories(dir.resolve("markers"));
    try (RedisServer redis = RedisServer.start(dir.resolve("redis"), "multi-host-pw");
        S3Server s3 = S3Server.start(dir.resolve("s3"))) {
      try (S3Blobs b = s3.client("shared", Duration.ofSeconds(5))) {
        b.createBucket();
      }
      Map<String, String> env = new HashMap<>(s3.environment());
      env.put("MEMOCACHE_SHARED", redis.uri().toString());
      env.put("MEMOCACHE_BLOBS", "s3://shared/runs");
      env.put("AWS_ENDPOINT_URL", s3.endpoint().toString());

      Path go = dir.resolve("go");
      List<Child> hosts = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          hosts.add(Child.start(HostMain.class, dir.resolve("host" + i + ".log"), env, "256m",
              dir.resolve("local" + i).toString(), markers.toString(), go.toString(), Integer.toString(keys), "200",
              Integer.toString(i * 3)));
        }
        for (Child h : hosts) {
          assertEquals("ready [disk, shared]", h.await("ready", 60_000));
        }
        long t0 = System.nanoTime();
        Files.createFile(go);
        for (Child h : hosts) {
          assertEquals(0, h.waitFor(120_000), h.output().toString());
        }
        long wallMs = (System.nanoTime() - t0) / 1_000_000;
        Map<Integer, Integer> computed = computations(markers);
        for (int k = 0; k < keys; k++) {
          assertEquals(1, computed.getOrDefault(k, 0), "computations of key " + k + ": " + computed);
        }
        for (Child h : hosts) {
          assertResults(h, keys);
          assertTrue(h.output().contains("counters shared Counters[corrupt=0, writeFailures=0, evictions=0, foreign=0,"
              + " unavailable=0]"), h.output().toString());
        }
        System.out.println("fourHosts: " + wallMs + " ms wall for " + keys + " keys of 200 ms on 4 hosts");
        hosts.forEach(h -> System.out.println(h.output()));
      } finally {
        hosts.forEach(Child::close);
      }
      try (S3Blobs b = s3.client("shared", Duration.ofSeconds(5))) {
        assertEquals(1, b.count("runs/"), "the one large value is in the object store");
      }

      Path fifth = dir.resolve("local5");
      try (Child h = Child.start(HostMain.class, dir.resolve("host5.log"), env, "256m", fifth.toString(),
          markers.toString(), go.toString(), Integer.toString(keys), "200", "0")) {
        assertEquals(0, h.waitFor(120_000), h.output().toString());
        assertResults(h, keys);
      }
      assertEquals(keys, computations(markers).values().stream().mapToInt(Integer::intValue).sum(),
          "the fifth host computed nothing");

      redis.close();
      s3.close();
      try (Child h = Child.start(HostMain.class, dir.resolve("host6.log"), env, "256m", fifth.toString(),
          markers.toString(), go.toString(), Integer.toString(keys), "200", "0")) {
        assertEquals(0, h.waitFor(120_000), h.output().toString());
        assertResults(h, keys);
      }
      assertEquals(keys, computations(markers).values().stream().mapToInt(Integer::intValue).sum(),
          "with Redis gone, the fifth host's disk tier holds every value it got from the shared tier");
    }
  }

  private static void assertResults(Child host, int keys) {
    for (int k = 0; k < keys; k++) {
      String expected = "result " + k + " " + Arrays.hashCode(HostMain.valueOf(k)) + " in ";
      assertTrue(host.output().stream().anyMatch(l -> l.startsWith(expected)), expected + " in " + host.output());
    }
  }

  private static Map<Integer, Integer> computations(Path markers) throws Exception {
    Map<Integer, Integer> computed = new HashMap<>();
    try (Stream<Path> s = Files.list(markers)) {
      s.forEach(p -> computed.merge(Integer.parseInt(p.getFileName().toString().split("-")[0]), 1, Integer::sum));
    }
    return computed;
  }
}
