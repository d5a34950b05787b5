package org.memocache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.memocache.testing.LogCapture;

/** How the engine uses its lower tiers through the SPI: encoded once, decoded, copied up, rejected. */
class LowerTiersTest {

  private static Object never() {
    throw new AssertionError("computed although stored");
  }

  @Test
  void hitInALowerTier_isCopiedIntoTheTiersAbove_byteForByte() {
    RecordingTier upper = new RecordingTier("upper");
    RecordingTier lower = new RecordingTier("lower");
    List<Object> value = List.of("a", 1.5, List.of(new double[] {1, 2}));
    try (Memo m = Memo.builder().memoryOnly().tier(lower).build()) {
      m.call("p", () -> value, 1);
    }
    try (Memo m = Memo.builder().memoryOnly().tier(upper).tier(lower).build()) {
      Object back = m.call("p", LowerTiersTest::never, 1);
      assertEquals(value.get(0), ((List<?>) back).get(0));
      assertEquals(1, m.stats().tiers().get(1).hits());
      assertEquals(1, m.stats().tiers().get(0).misses());
    }
    assertEquals(1, upper.map.size(), "copied into the tier above");
    RecordingTier.Stored below = lower.map.values().iterator().next();
    RecordingTier.Stored above = upper.map.values().iterator().next();
    assertArrayEquals(below.payload(), above.payload(), "the payload as stored below");
    assertEquals(below.codecId(), above.codecId());
    assertEquals(below.codecVersion(), above.codecVersion());
    assertEquals(below.valueType(), above.valueType());
    assertEquals(below.shapes(), above.shapes());
    assertEquals(below.info().argsSummary(), above.info().argsSummary());
    assertEquals(below.info().created(), above.info().created());
    assertEquals(below.info().computeTime(), above.info().computeTime());
    try (Memo m = Memo.builder().memoryOnly().tier(upper).build()) {
      assertEquals(value.get(0), ((List<?>) m.call("p", LowerTiersTest::never, 1)).get(0), "the copy is read");
    }
  }

  @Test
  void damagedEntry_isRejected_deletedByTheTier_andRecomputed() {
    RecordingTier tier = new RecordingTier();
    try (Memo m = Memo.builder().memoryOnly().tier(tier).build()) {
      m.call("p", () -> new double[] {1, 2, 3}, 1);
    }
    CacheKey key = tier.map.keys().nextElement();
    tier.damage(key);
    AtomicInteger computed = new AtomicInteger();
    try (Memo m = Memo.builder().memoryOnly().tier(tier).build()) {
      assertArrayEquals(new double[] {1, 2, 4}, m.call("p", () -> {
        computed.incrementAndGet();
        return new double[] {1, 2, 4};
      }, 1));
    }
    assertEquals(1, computed.get(), "a damaged entry is a miss");
    assertEquals(1, tier.counters().corrupt(), "counted by the tier");
    assertArrayEquals(new double[] {1, 2, 4}, (double[]) tier.value(key), "replaced by the new result");
  }

  /** A result the codec fails on: the JDK does not open AtomicReference's field to Kryo. */
  record Counter(java.util.concurrent.atomic.AtomicReference<Integer> count) {}

  @Test
  void valueTheCodecFailsOn_isReturned_warnedOnceByTheEngine_andCountedAsAStoreFailure() {
    RecordingTier tier = new RecordingTier();
    try (LogCapture log = new LogCapture(); Memo m = Memo.builder().memoryOnly().tier(tier).build()) {
      for (int k = 0; k < 2; k++) {
        Counter c = new Counter(new java.util.concurrent.atomic.AtomicReference<>(k));
        assertEquals(k, m.call("count", () -> c, k).count().get(), "the computed value is returned");
      }
      assertEquals(2, m.stats().storeFailures());
      assertTrue(tier.map.isEmpty(), "nothing stored");
      List<String> warnings = log.messages(Level.WARNING).stream().filter(w -> w.contains("cannot store")).toList();
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).startsWith("MemoCache: cannot store a " + Counter.class.getName()
          + " (result of count) in memory: kryo: cannot encode " + Counter.class.getName()), warnings.get(0));
    }
  }
}
