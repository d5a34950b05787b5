package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.MemoConfig;
import org.memocache.internal.Config;
import org.memocache.internal.codec.Codecs;

/** Eviction by size (least recently accessed first), by entry count and by age, with a fake clock. */
class EvictionTest {
  private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

  private static MemoConfig config(Path dir, DiskTierTest.MutableClock clock, long maxBytes, long maxEntries,
      Duration expire) {
    return new Config(dir, 1 << 20, maxBytes, maxEntries, expire, false, Duration.ofSeconds(5), List.of(), true, clock);
  }

  private static Set<Integer> present(DiskTier tier, int n) {
    Set<Integer> s = new TreeSet<>();
    for (int k = 0; k < n; k++) {
      if (Files.exists(tier.store().entryFile(TestKeys.key(k)))) {
        s.add(k);
      }
    }
    return s;
  }

  @Test
  void bySize_leastRecentlyAccessedFirst(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info);
    DiskTierTest.MutableClock clock = new DiskTierTest.MutableClock(T0);
    long entrySize;
    try (DiskTier probe = DiskTier.open(TestDirs.config(dir.resolveSibling(dir.getFileName() + "-probe")),
        Codecs.builtIns(), Duration.ZERO)) {
      TestKeys.put(probe, TestKeys.key(0), new double[1000], TestKeys.meta("n=1000"));
      entrySize = Files.size(probe.store().entryFile(TestKeys.key(0)));
    }
    try (DiskTier tier = DiskTier.open(config(dir, clock, 5 * entrySize, Long.MAX_VALUE, null), Codecs.builtIns(),
        Duration.ZERO)) {
      for (int k = 0; k < 10; k++) {
        clock.advance(Duration.ofMinutes(1));
        assertTrue(TestKeys.put(tier, TestKeys.key(k), new double[1000], TestKeys.meta("n=1000", clock.instant())));
      }
      clock.advance(Duration.ofHours(1));
      for (int k : new int[] {0, 1, 2}) {
        assertTrue(TestKeys.get(tier, TestKeys.key(k), TestKeys.FILTER).isPresent());
      }
      MaintenanceReport r = tier.maintain();
      assertEquals(5, r.evicted(), r.toString());
      assertEquals(5 * entrySize, r.evictedBytes());
      assertEquals(5, r.entries());
      assertEquals(5 * entrySize, r.bytes());
      assertEquals(Set.of(0, 1, 2, 8, 9), present(tier, 10), "the recently read ones and the newest stay");
      assertEquals(5, tier.counters().evictions());
      assertEquals(0, tier.maintain().evicted(), "within limits now");
    }
  }

  @Test
  void byCount(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info);
    DiskTierTest.MutableClock clock = new DiskTierTest.MutableClock(T0);
    try (DiskTier tier = DiskTier.open(config(dir, clock, Long.MAX_VALUE, 3, null), Codecs.builtIns(), Duration.ZERO)) {
      for (int k = 0; k < 7; k++) {
        clock.advance(Duration.ofSeconds(10));
        TestKeys.put(tier, TestKeys.key(k), "v" + k, TestKeys.meta("k", clock.instant()));
      }
      assertEquals(4, tier.maintain().evicted());
      assertEquals(Set.of(4, 5, 6), present(tier, 7));
    }
  }

  @Test
  void byAge(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info);
    DiskTierTest.MutableClock clock = new DiskTierTest.MutableClock(T0);
    try (DiskTier tier = DiskTier.open(config(dir, clock, Long.MAX_VALUE, Long.MAX_VALUE, Duration.ofDays(1)),
        Codecs.builtIns(), Duration.ZERO)) {
      TestKeys.put(tier, TestKeys.key(0), "old", TestKeys.meta("k", clock.instant()));
      clock.advance(Duration.ofDays(2));
      TestKeys.put(tier, TestKeys.key(1), "new", TestKeys.meta("k", clock.instant()));
      clock.advance(Duration.ofHours(1));
      assertTrue(TestKeys.get(tier, TestKeys.key(0), TestKeys.FILTER).isEmpty(), "expired entries are misses at once");
      assertTrue(TestKeys.get(tier, TestKeys.key(1), TestKeys.FILTER).isPresent());
      MaintenanceReport r = tier.maintain();
      assertEquals(1, r.evicted(), r.toString());
      assertEquals(Set.of(1), present(tier, 2));
      clock.advance(Duration.ofDays(1));
      assertEquals(1, tier.maintain().evicted());
      assertEquals(Set.of(), present(tier, 2));
    }
  }
}
