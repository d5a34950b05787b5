package org.memocache.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lease protocol in one JVM, against a real redis-server. */
class LeasesTest {
  @TempDir static Path dir;
  static RedisServer server;
  static Redis redis;
  static Leases leases;

  @BeforeAll
  static void start() throws Exception {
    server = RedisServer.start(dir.resolve("redis"), "lease-test-pw");
    redis = Redis.connect(server.uri(), Duration.ofSeconds(2));
    leases = new Leases(redis, "t:");
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

  @Test
  void lease_isExclusive_andNamesItsHolder() {
    Instant before = Instant.now().minusMillis(5);
    try (Lease first = leases.tryAcquire("k", Duration.ofSeconds(5)).orElseThrow()) {
      assertEquals(Optional.empty(), leases.tryAcquire("k", Duration.ofSeconds(5)));
      LeaseHolder h = leases.holder("k").orElseThrow();
      assertEquals(ProcessHandle.current().pid(), h.pid());
      assertEquals(first.token(), h.token());
      assertFalse(h.host().isEmpty());
      assertFalse(h.since().isBefore(before), h.since() + " before " + before);
      assertTrue(leases.tryAcquire("other", Duration.ofSeconds(5)).isPresent(), "other keys are free");
    }
    assertEquals(Optional.empty(), leases.holder("k"));
    assertTrue(leases.tryAcquire("k", Duration.ofSeconds(5)).isPresent(), "free after release");
  }

  @Test
  void fencingTokens_growWithEveryGrant() {
    long last = 0;
    for (int i = 0; i < 5; i++) {
      try (Lease l = leases.tryAcquire("k" + (i % 2), Duration.ofSeconds(5)).orElseThrow()) {
        assertTrue(l.token() > last, l.token() + " after " + last);
        last = l.token();
      }
    }
  }

  @Tag("slow") // two seconds of holding a lease past its TTL
  @Test
  void watchdog_keepsLeaseBeyondTtl() throws Exception {
    try (Lease l = leases.tryAcquire("k", Duration.ofMillis(500)).orElseThrow()) {
      Thread.sleep(2_000);
      assertFalse(l.lost());
      assertEquals(Optional.empty(), leases.tryAcquire("k", Duration.ofMillis(500)));
    }
  }

  @Test
  void lostLease_neverReleasesTheNextHoldersLease() throws Exception {
    Lease stale = leases.tryAcquire("k", Duration.ofSeconds(5)).orElseThrow();
    // As if the lease had expired while its holder stalled.
    redis.call("DEL", c -> c.del("t:lease:k"));
    try (Lease next = leases.tryAcquire("k", Duration.ofSeconds(5)).orElseThrow()) {
      stale.close();
      assertEquals(next.token(), leases.holder("k").orElseThrow().token());
      assertTrue(stale.lost());
    }
  }

  @Test
  void renewal_findingAnotherHolder_marksLeaseLost() throws Exception {
    try (Lease stale = leases.tryAcquire("k", Duration.ofMillis(300)).orElseThrow()) {
      redis.call("DEL", c -> c.del("t:lease:k"));
      try (Lease next = leases.tryAcquire("k", Duration.ofSeconds(5)).orElseThrow()) {
        long end = System.currentTimeMillis() + 2_000;
        while (!stale.lost() && System.currentTimeMillis() < end) {
          Thread.sleep(5);
        }
        assertTrue(stale.lost());
        assertFalse(next.lost());
      }
    }
  }

  @Test
  void acquire_waitsForRelease() throws Exception {
    Lease held = leases.tryAcquire("k", Duration.ofSeconds(5)).orElseThrow();
    Thread releaser = new Thread(() -> {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
      held.close();
    });
    releaser.start();
    long t0 = System.nanoTime();
    try (Lease l = leases.acquire("k", Duration.ofSeconds(5), Duration.ofSeconds(5)).orElseThrow()) {
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms >= 150 && ms < 2_000, ms + " ms");
      assertTrue(l.token() > held.token());
    }
    releaser.join();
    try (Lease l = leases.tryAcquire("k", Duration.ofSeconds(5)).orElseThrow()) {
      assertEquals(Optional.empty(), leases.acquire("k", Duration.ofSeconds(5), Duration.ofMillis(100)));
    }
  }

  @Test
  void shortTtl_isRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> leases.tryAcquire("k", Duration.ofMillis(5)));
    assertEquals("lease ttl must be at least 30 ms: PT0.005S", e.getMessage());
  }
}
