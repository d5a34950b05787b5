package org.memocache.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memocache.testing.Child;

/** Child JVMs as hosts sharing one real redis-server: compute once, dead and stalled holders. */
@Tag("slow") // child JVMs as hosts and waits for lease expiry (5 s); LeasesTest covers leases in the fast run
class CrossHostLeaseTest {
  @TempDir static Path shared;
  static RedisServer server;
  static Redis redis;
  static Leases leases;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    server = RedisServer.start(shared.resolve("redis"), "cross-host-pw");
    redis = Redis.connect(server.uri(), Duration.ofSeconds(2));
    leases = new Leases(redis, ChildMain.NAMESPACE);
  }

  @AfterAll
  static void stop() throws Exception {
    leases.close();
    redis.close();
    server.close();
  }

  @BeforeEach
  void flush() {
    redis.call("FLUSHALL", c -> c.flushAll());
  }

  private Map<String, String> env() {
    return Map.of("MEMOCACHE_TEST_REDIS", server.uri().toString());
  }

  @Test
  void fourHosts_computeEachKeyOnce() throws Exception {
    Path markers = Files.createDirectories(dir.resolve("markers"));
    Path go = dir.resolve("go");
    int keys = 10;
    List<Child> children = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        children.add(Child.start(ChildMain.class, dir.resolve("child" + i + ".log"), env(), "64m", "compute", markers.toString(),
            go.toString(), Integer.toString(keys), "200"));
      }
      for (Child c : children) {
        c.await("ready", 30_000);
      }
      long t0 = System.nanoTime();
      Files.createFile(go);
      for (Child c : children) {
        assertEquals(0, c.waitFor(60_000), c.output().toString());
      }
      long wallMs = (System.nanoTime() - t0) / 1_000_000;
      Map<Integer, Integer> computed = new HashMap<>();
      try (Stream<Path> s = Files.list(markers)) {
        s.forEach(p -> computed.merge(Integer.parseInt(p.getFileName().toString().split("-")[0]), 1, Integer::sum));
      }
      for (int k = 0; k < keys; k++) {
        assertEquals(1, computed.getOrDefault(k, 0), "computations of key " + k + ": " + computed);
      }
      for (Child c : children) {
        for (int k = 0; k < keys; k++) {
          assertTrue(c.output().contains("result " + k + " " + ChildMain.valueOf(k)), c.output().toString());
        }
      }
      // 10 keys of 200 ms on 4 hosts: ideally 3 rounds, 600 ms.
      System.out.println("fourHosts_computeEachKeyOnce: " + wallMs + " ms wall for " + keys + " keys");
    } finally {
      for (Child c : children) {
        c.close();
      }
    }
  }

  @Test
  void killedHolder_losesLeaseAfterTtl() throws Exception {
    try (Child holder = Child.start(ChildMain.class, dir.resolve("holder.log"), env(), "64m", "hold", "k", "1000",
        dir.resolve("never").toString())) {
      holder.await("leased", 30_000);
      LeaseHolder h = leases.holder("k").orElseThrow();
      assertEquals(holder.pid(), h.pid());
      assertEquals(Optional.empty(), leases.tryAcquire("k", Duration.ofSeconds(5)));
      holder.kill();
      long t0 = System.nanoTime();
      try (Lease l = leases.acquire("k", Duration.ofSeconds(5), Duration.ofSeconds(10)).orElseThrow()) {
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 2_500, "taken over after " + ms + " ms (ttl 1 s)");
        assertTrue(l.token() > h.token());
      }
    }
  }

  @Test
  void stoppedHolder_losesLease_andItsLatePublishLoses() throws Exception {
    Path go = dir.resolve("go");
    try (Child holder = Child.start(ChildMain.class, dir.resolve("holder.log"), env(), "64m", "hold", "k", "500", go.toString())) {
      holder.await("leased", 30_000);
      RedisServer.signal("STOP", holder.pid());
      SharedBytes store = new SharedBytes(redis, null, ChildMain.NAMESPACE, "", 1 << 20);
      try (Lease l = leases.acquire("k", Duration.ofSeconds(5), Duration.ofSeconds(5)).orElseThrow()) {
        byte[] mine = "taken-over".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(store.put("k", new java.io.ByteArrayInputStream(mine), mine.length));
        Files.createFile(go);
        RedisServer.signal("CONT", holder.pid());
        assertEquals("lost=true", holder.await("lost=", 10_000));
        assertEquals("published=false", holder.await("published=", 10_000));
        holder.await("closed", 10_000);
        assertEquals(l.token(), leases.holder("k").orElseThrow().token(), "the stale holder freed the new lease");
        assertEquals(Optional.of("taken-over"), ChildMain.read(store, "k"));
      }
    }
  }
}
