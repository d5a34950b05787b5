package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.Memo;

/**
 * A value decoded on a disk hit is kept in memory, and the caller gets a copy of it; a big one is
 * the caller's own and the disk tier serves the next call.
 */
class ResultCopyDiskTest {

  @Test
  void mutatingTheResultOfADiskHit_doesNotChangeTheNextMemoryHit(TestInfo info) {
    Path dir = TestDirs.forTest(info);
    AtomicInteger computed = new AtomicInteger();
    try (Memo first = Memo.builder().directory(dir).build()) {
      first.call("vec", () -> {
        computed.incrementAndGet();
        return new double[] {1, 2, 3};
      }, 3);
    }
    try (Memo second = Memo.builder().directory(dir).build()) {
      double[] fromDisk = second.call("vec", () -> new double[0], 3);
      fromDisk[0] = 42;
      double[] fromMemory = second.call("vec", () -> new double[0], 3);
      assertArrayEquals(new double[] {1, 2, 3}, fromMemory);
      assertEquals(1, second.stats().tierHits());
      assertEquals(1, second.stats().memoryHits());
    }
    assertEquals(1, computed.get());
  }

  /** A mutable object of a class of its own, as a library's matrix is: not a JDK container or record. */
  public static final class Grid {
    final double[][] cells;

    Grid(double[][] cells) {
      this.cells = cells;
    }
  }

  @Test
  void mutatingADecodedObjectOfItsOwnClass_changesNeitherTheNextMemoryHitNorTheCachedValue(TestInfo info) {
    Path dir = TestDirs.forTest(info);
    try (Memo first = Memo.builder().directory(dir).build()) {
      first.call("grid", () -> new Grid(new double[][] {{1, 2}, {3, 4}}), 2);
    }
    try (Memo second = Memo.builder().directory(dir).build()) {
      Grid fromDisk = second.call("grid", () -> new Grid(new double[0][]), 2);
      fromDisk.cells[0][0] = 42;
      Grid fromMemory = second.call("grid", () -> new Grid(new double[0][]), 2);
      assertNotSame(fromDisk, fromMemory);
      assertArrayEquals(new double[] {1, 2}, fromMemory.cells[0], "the caller's change is its own");
      fromMemory.cells[1][1] = 42;
      Grid again = second.call("grid", () -> new Grid(new double[0][]), 2);
      assertArrayEquals(new double[] {3, 4}, again.cells[1]);
      assertEquals(1, second.stats().tierHits());
      assertEquals(2, second.stats().memoryHits());
    }
  }

  /** 8 MiB: above the size the engine leaves to the lower tiers. */
  static final int BIG = 1 << 20;

  static double[] ramp(int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  @Test
  void aBigResult_isServedByTheDiskTier_notCopiedIntoMemory(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info);
    AtomicInteger computed = new AtomicInteger();
    try (Memo first = Memo.builder().directory(dir).build()) {
      double[] own = first.call("big", () -> {
        computed.incrementAndGet();
        return ramp(BIG);
      }, 1);
      own[0] = 42;
      double[] next = first.call("big", () -> new double[0], 1);
      assertEquals(0, next[0], "the store wrote the computed value before the caller changed it");
      assertEquals(1, first.stats().tierHits());
      assertEquals(0, first.stats().memoryHits());
    }
    try (Memo second = Memo.builder().directory(dir).build()) {
      double[] a = second.call("big", () -> new double[0], 1);
      a[1] = 42;
      double[] b = second.call("big", () -> new double[0], 1);
      assertNotSame(a, b);
      assertArrayEquals(ramp(BIG), b);
      // Eight threads at once: each decodes its own, none computes.
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<double[]>> all = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          all.add(pool.submit(() -> second.call("big", () -> {
            computed.incrementAndGet();
            return new double[0];
          }, 1)));
        }
        List<double[]> got = new ArrayList<>();
        for (Future<double[]> f : all) {
          double[] v = f.get();
          assertArrayEquals(ramp(BIG), v);
          for (double[] earlier : got) {
            assertNotSame(earlier, v);
          }
          got.add(v);
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(10, second.stats().tierHits());
      assertEquals(0, second.stats().memoryHits());
    }
    assertEquals(1, computed.get());
  }

  @Test
  void aBigResult_isKeptInMemory_whenResultsAreShared(TestInfo info) {
    Path dir = TestDirs.forTest(info);
    try (Memo memo = Memo.builder().directory(dir).shareResults("big").build()) {
      double[] a = memo.call("big", () -> ramp(BIG), 1);
      double[] b = memo.call("big", () -> new double[0], 1);
      assertSame(a, b);
      assertEquals(1, memo.stats().memoryHits());
    }
  }

  @Test
  void aMemoryHit_isOfTheClassADiskHitIs_forTheJdksImmutableCollections(TestInfo info) {
    Path dir = TestDirs.forTest(info);
    List<Supplier<Object>> results = List.of(
        () -> List.of(new double[] {1}, new double[] {2}, new double[] {3}),
        () -> Arrays.stream(new Object[] {new double[] {1}, null}).toList(),
        () -> Map.of("a", new double[] {1}),
        () -> Map.of("a", new double[] {1}, "b", new double[] {2}),
        () -> Collections.singletonList(new double[] {1}));
    try (Memo first = Memo.builder().directory(dir).build()) {
      for (int i = 0; i < results.size(); i++) {
        first.call("immutable", results.get(i), i);
      }
    }
    try (Memo second = Memo.builder().directory(dir).build()) {
      for (int i = 0; i < results.size(); i++) {
        Object fromDisk = second.call("immutable", () -> "computed", i);
        Object fromMemory = second.call("immutable", () -> "computed", i);
        assertEquals(results.get(i).get().getClass(), fromDisk.getClass());
        assertEquals(fromDisk.getClass(), fromMemory.getClass(), "result " + i);
        assertNotSame(fromDisk, fromMemory);
      }
      assertEquals(results.size(), second.stats().tierHits());
      assertEquals(results.size(), second.stats().memoryHits());
    }
  }
}
