package org.memocache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoTest {
  final Memo memo = Memo.builder().memoryOnly().build();

  @AfterEach
  void close() {
    memo.close();
  }

  @Test
  void secondCall_isAHit_andNotComputed() {
    AtomicInteger computed = new AtomicInteger();
    double[] a = memo.call("square", () -> {
      computed.incrementAndGet();
      return new double[] {9};
    }, 3);
    double[] b = memo.call("square", () -> {
      computed.incrementAndGet();
      return new double[] {-1};
    }, 3);
    assertEquals(1, computed.get());
    assertArrayEquals(a, b);
    memo.call("square", () -> new double[] {16}, 4);
    assertEquals(2, memo.stats().misses());
    assertEquals(1, memo.stats().memoryHits());
  }

  @Test
  void sixtyFourThreads_oneComputation() throws Exception {
    AtomicInteger computed = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(64);
    List<Future<List<Integer>>> futures = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      futures.add(pool.submit(() -> {
        start.await();
        return memo.call("slow", () -> {
          computed.incrementAndGet();
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          return List.of(1, 2, 3);
        }, "k", 7);
      }));
    }
    start.countDown();
    for (Future<List<Integer>> f : futures) {
      assertEquals(List.of(1, 2, 3), f.get(30, TimeUnit.SECONDS));
    }
    pool.shutdown();
    assertEquals(1, computed.get());
    MemoStats s = memo.stats();
    assertEquals(1, s.loads());
    assertEquals(63, s.memoryHits());
  }

  @Test
  void equalMapsThatAnswerDifferently_areDifferentCalls() {
    Map<String, Integer> plain = new HashMap<>(Map.of("A", 1));
    TreeMap<String, Integer> caseless = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    caseless.put("A", 1);
    assertEquals("null", memo.call("lookup", () -> String.valueOf(plain.get("a")), plain));
    assertEquals("1", memo.call("lookup", () -> String.valueOf(caseless.get("a")), caseless));
    LinkedHashMap<String, Integer> xy = new LinkedHashMap<>();
    xy.put("x", 1);
    xy.put("y", 2);
    LinkedHashMap<String, Integer> yx = new LinkedHashMap<>();
    yx.put("y", 2);
    yx.put("x", 1);
    assertEquals("x,y", memo.call("columns", () -> String.join(",", xy.keySet()), xy));
    assertEquals("y,x", memo.call("columns", () -> String.join(",", yx.keySet()), yx));
    assertEquals(4, memo.stats().loads());
  }

  @Test
  void aDirectoryArgument_whoseFileIsWrittenInPlace_isComputedAgain(@TempDir Path dir) throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path csv = Files.writeString(data.resolve("a.csv"), "1");
    FileTime dirTime = Files.getLastModifiedTime(data);
    Supplier<String> read = () -> {
      try {
        return Files.readString(csv);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
    assertEquals("1", memo.call("read", read, data));
    assertEquals("1", memo.call("read", read, data));
    Files.writeString(csv, "2");
    Files.setLastModifiedTime(csv, FileTime.fromMillis(Files.getLastModifiedTime(csv).toMillis() + 2_000));
    Files.setLastModifiedTime(data, dirTime);
    assertEquals("2", memo.call("read", read, data));
    assertEquals(2, memo.stats().loads());
  }

  @Test
  void recursiveCallOfSameKey_failsFast() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> memo.call("fib", () -> memo.call("fib", () -> 1, 5), 5));
    assertTrue(e.getMessage().contains("fib(5) calls itself"), e.getMessage());
    // Nothing is left in flight: the key computes normally afterwards.
    assertEquals(2, (int) memo.call("fib", () -> 2, 5));
  }

  @Test
  void recursionOnOtherKeys_works() {
    Function<Integer, Long>[] fib = new Function[1];
    fib[0] = memo.function("fib2", (Integer n) -> n < 2 ? (long) n : fib[0].apply(n - 1) + fib[0].apply(n - 2));
    assertEquals(12586269025L, fib[0].apply(50));
    assertEquals(51, memo.stats().loads());
  }

  @Test
  void nullResults_areCached() {
    AtomicInteger computed = new AtomicInteger();
    for (int i = 0; i < 3; i++) {
      assertNull(memo.call("nothing", () -> {
        computed.incrementAndGet();
        return null;
      }, "x"));
    }
    assertEquals(1, computed.get());
    assertTrue(memo.method("nothing").lookup("x").isPresent());
    assertNull(memo.method("nothing").lookup("x").get().value());
  }

  @Test
  void exceptions_propagate_andAreNotCached() {
    AtomicInteger computed = new AtomicInteger();
    for (int i = 0; i < 3; i++) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> memo.call("bad", () -> {
        computed.incrementAndGet();
        throw new IllegalArgumentException("no convergence");
      }, 1));
      assertEquals("no convergence", e.getMessage());
    }
    assertEquals(3, computed.get());
    assertEquals(3, memo.stats().loadFailures());
    assertFalse(memo.method("bad").contains(1));
    assertEquals("fine", memo.call("bad", () -> "fine", 1));
  }

  @Test
  void memoryTier_evictsByWeight() {
    try (Memo small = Memo.builder().memoryOnly().maximumMemoryBytes(4 << 20).build()) {
      AtomicInteger computed = new AtomicInteger();
      for (int i = 0; i < 10; i++) {
        small.call("block", () -> {
          computed.incrementAndGet();
          return new byte[1 << 20];
        }, i);
      }
      assertEquals(10, computed.get());
      long present = 0;
      for (int i = 0; i < 10; i++) {
        if (small.method("block").contains(i)) {
          present++;
        }
      }
      assertTrue(present <= 4, "at most 4 MiB of 1 MiB results stay, found " + present);
      assertTrue(small.stats().memoryEvictions() >= 6, small.stats().toString());
    }
  }

  @Test
  void stats_countTimeSaved() {
    memo.call("work", () -> {
      long end = System.nanoTime() + 20_000_000;
      while (System.nanoTime() < end) {
        Thread.onSpinWait();
      }
      return 1;
    }, "a");
    for (int i = 0; i < 5; i++) {
      memo.call("work", () -> 2, "a");
    }
    MemoStats s = memo.stats();
    assertEquals(5, s.memoryHits());
    assertEquals(1, s.misses());
    assertEquals(1, s.loads());
    assertTrue(s.loadTime().toMillis() >= 20, s.toString());
    assertTrue(s.timeSaved().toMillis() >= 100, s.toString());
    assertEquals(5.0 / 6, s.hitRate(), 1e-9);
  }

  @Test
  void structuralAndHashedKeys_agree() {
    memo.call("mixed", () -> "first", 1, "a");
    assertEquals("first", memo.call("mixed", () -> "second", 1, "a"));
    memo.call("arr", () -> "first", new int[] {1, 2});
    assertEquals("first", memo.call("arr", () -> "second", new int[] {1, 2}));
    assertEquals("third", memo.call("arr", () -> "third", new int[] {1, 3}));
  }

  @Test
  void mutatingAnArgumentArray_afterTheCall_doesNotCorruptTheCache() {
    Object[] args = {1, 2};
    memo.call("sum", () -> 3, args);
    args[1] = 5;
    assertEquals(6, (int) memo.call("sum", () -> 6, args));
    assertEquals(3, (int) memo.call("sum", () -> -1, 1, 2));
  }

  @Test
  void put_storesWithoutComputing_andReplaces() {
    assertTrue(memo.method("p").put("stored", 1));
    assertEquals("stored", memo.call("p", () -> "computed", 1));
    memo.method("p").put("replaced", 1);
    assertEquals("replaced", memo.method("p").lookup(1).orElseThrow().value());
    memo.method("p").put(null, 2);
    assertTrue(memo.method("p").contains(2));
    assertNull(memo.call("p", () -> "computed", 2));
    int[] a = {1, 2};
    memo.method("p").put(a, 3);
    a[0] = 9;
    assertArrayEquals(new int[] {1, 2}, memo.call("p", () -> new int[0], 3), "a copy is kept, as of a computed result");
  }

  @Test
  void allowPackages_validatesTheNames() {
    memo.method("p").allowPackages("com.acme", "com.acme.model");
    assertThrows(IllegalArgumentException.class, () -> memo.method("p").allowPackages("not a package"));
  }

  @Test
  void invalidate_andClear() {
    memo.call("f", () -> 1, 1);
    memo.call("f", () -> 2, 2);
    memo.call("g", () -> 3, 1);
    assertTrue(memo.method("f").invalidate(1));
    assertFalse(memo.method("f").contains(1));
    assertTrue(memo.method("f").contains(2));
    memo.method("f").clear();
    assertFalse(memo.method("f").contains(2));
    assertTrue(memo.method("g").contains(1));
  }

  @Test
  void expiry_usesTheInjectedClock() {
    MutableClock clock = new MutableClock();
    try (Memo m = Memo.builder().memoryOnly().expireAfter(Duration.ofHours(1)).clock(clock).build()) {
      AtomicInteger computed = new AtomicInteger();
      m.call("t", computed::incrementAndGet, 1);
      clock.advance(Duration.ofMinutes(59));
      m.call("t", computed::incrementAndGet, 1);
      assertEquals(1, computed.get());
      clock.advance(Duration.ofMinutes(2));
      m.call("t", computed::incrementAndGet, 1);
      assertEquals(2, computed.get());
    }
  }

  @Test
  void builder_validatesAtTheCall_andNamesTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Memo.builder().maximumDiskBytes(-5));
    assertTrue(e.getMessage().contains("-5"), e.getMessage());
    IllegalStateException s = assertThrows(IllegalStateException.class,
        () -> Memo.builder().directory(java.nio.file.Path.of("/a")).directory(java.nio.file.Path.of("/b")));
    assertTrue(s.getMessage().contains("/a"), s.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Memo.builder().allowPackages("com acme"));
    assertTrue(e.getMessage().contains("'com acme'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Memo.builder().expireAfter(Duration.ZERO));
    assertTrue(e.getMessage().contains("PT0S"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> memo.call(" ", () -> 1));
  }

  @Test
  void unhashableArgument_isAClearError() {
    Runnable r = () -> {};
    MemoKeyException e = assertThrows(MemoKeyException.class, () -> memo.call("cb", () -> 1, 1, r));
    assertTrue(e.getMessage().startsWith("cb: parameter 1 (arg1)"), e.getMessage());
    assertEquals(1, memo.stats().keyFailures());
  }

  @Test
  void tierSpi_isConsultedBelowMemory_andWrittenThrough() {
    RecordingTier tier = new RecordingTier();
    try (Memo m = Memo.builder().memoryOnly().tier(tier).build()) {
      m.call("p", () -> "v", 1);
      assertEquals(1, tier.puts.get());
      try (Memo fresh = Memo.builder().memoryOnly().tier(tier).build()) {
        assertEquals("v", fresh.call("p", () -> "other", 1));
        assertEquals(1, fresh.stats().tierHits());
        assertEquals(1, fresh.stats().tiers().get(0).hits());
      }
    }
  }

  static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
