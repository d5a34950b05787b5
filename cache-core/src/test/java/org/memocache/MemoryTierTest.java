package org.memocache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.memocache.Engine.Held;

/** The memory tier before and after its Caffeine cache is built. */
class MemoryTierTest {
  private static final MethodId METHOD = new MethodId("memorytier.test", "()V", 0, 0L);
  private static final MemoConfig CONFIG;

  static {
    try (Memo memo = Memo.builder().memoryOnly().build()) {
      CONFIG = memo.config();
    }
  }

  private final AtomicInteger evicted = new AtomicInteger();
  private final List<Held> removed = new ArrayList<>();

  private MemoryTier tier(long maximumBytes) {
    return new MemoryTier(maximumBytes, h -> evicted.incrementAndGet(), h -> {
      synchronized (removed) {
        removed.add(h);
      }
    });
  }

  private static Held held(Object value, int weight) {
    return new Held(value, 0, weight, Long.MAX_VALUE, Instant.EPOCH, false, METHOD, CONFIG);
  }

  @Test
  void resultsKeptBeforeTheCacheIsBuiltAreServedAfter() {
    MemoryTier t = tier(1 << 20);
    Held a = held("a", 10);
    Held b = held("b", 10);
    t.put("ka", a);
    t.put("kb", b);
    assertFalse(t.built());
    assertSame(a, t.get("ka"));

    t.build();
    assertTrue(t.built());
    assertSame(a, t.get("ka"), "moved into the cache");
    assertSame(b, t.get("kb"));
    assertEquals(2, t.values().size());
    assertEquals(0, evicted.get());
  }

  @Test
  void aResultTheMapCannotTake_buildsTheCache_whoseBoundDecides() {
    MemoryTier t = tier(100);
    Held first = held("1", 60);
    t.put("k1", first);
    assertFalse(t.built());
    t.put("k2", held("2", 60));
    assertTrue(t.built(), "over the map's byte bound: the caller built the cache");
    assertEquals(1, t.values().size(), "the cache's bound of 100 bytes holds one of the two");
    assertEquals(1, evicted.get());

    MemoryTier many = tier(Long.MAX_VALUE);
    for (int i = 0; i < MemoryTier.EARLY_ENTRIES; i++) {
      many.put(i, held(i, 1));
    }
    assertFalse(many.built());
    many.put(MemoryTier.EARLY_ENTRIES, held(MemoryTier.EARLY_ENTRIES, 1));
    assertTrue(many.built(), "one entry more than the map takes: the caller built the cache");
    for (int i = 0; i <= MemoryTier.EARLY_ENTRIES; i++) {
      assertEquals(i, many.get(i).value, "kept: " + i);
    }
  }

  @Test
  void removalsBeforeTheCacheIsBuilt() {
    MemoryTier t = tier(1 << 20);
    Held a = held("a", 1);
    Held replaced = held("a0", 1);
    t.put("ka", replaced);
    t.put("ka", a);
    t.put("kb", held("b", 1));
    t.put("kc", held("c", 1));
    assertEquals(List.of(replaced), removed, "a replaced result leaves the tier");

    assertTrue(t.remove("kb"));
    assertFalse(t.remove("kb"));
    t.removeIf("kc"::equals);
    assertNull(t.get("kc"));
    assertEquals(1, t.values().size());

    t.build();
    assertSame(a, t.get("ka"));
    assertNull(t.get("kb"), "a removed result is not moved into the cache");
    t.clear();
    assertNull(t.get("ka"));
    assertEquals(0, evicted.get());
  }

  @Test
  void putsRacingTheBuildAreAllKept() throws Exception {
    for (int round = 0; round < 20; round++) {
      MemoryTier t = tier(Long.MAX_VALUE);
      int n = 200;
      CountDownLatch start = new CountDownLatch(1);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread writer = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < n; i++) {
            Held h = held(i, 1);
            t.put(i, h);
            if (t.get(i) != h) {
              throw new AssertionError("lost " + i);
            }
          }
        } catch (Throwable e) {
          failure.set(e);
        }
      });
      writer.start();
      start.countDown();
      t.build();
      writer.join();
      if (failure.get() != null) {
        throw new AssertionError(failure.get());
      }
      for (int i = 0; i < n; i++) {
        assertEquals(i, t.get(i).value, "round " + round + ", key " + i);
      }
    }
  }
}
