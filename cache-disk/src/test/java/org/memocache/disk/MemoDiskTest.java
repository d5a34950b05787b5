package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.Memo;
import org.memocache.testing.Child;
import org.memocache.testing.LogCapture;

/** The disk tier as {@code Memo} finds and uses it. */
class MemoDiskTest {

  @Test
  void memoWithDirectory_findsTheDiskTierByServiceLoader(TestInfo info) {
    Path dir = TestDirs.forTest(info);
    try (Memo memo = Memo.builder().directory(dir).build()) {
      assertTrue(memo.tiers().stream().anyMatch(t -> t instanceof DiskTier d && d.directory().equals(dir)),
          memo.tiers().toString());
      assertEquals("x", memo.call("f", () -> "x", 1));
      assertEquals(1, memo.method("f").entries().size());
      assertTrue(Files.exists(dir.resolve("MEMOCACHE")));
    }
  }

  @Test
  void put_isStoredOnDisk_replacingAComputedResult(TestInfo info) {
    Path dir = TestDirs.forTest(info);
    try (Memo memo = Memo.builder().directory(dir).build()) {
      assertEquals("computed", memo.call("put", () -> "computed", 1));
      assertTrue(memo.method("put").put("replaced", 1));
      assertTrue(memo.method("put").put("new", 2));
    }
    try (Memo memo = Memo.builder().directory(dir).build()) {
      assertEquals("replaced", memo.call("put", () -> "computed again", 1));
      assertEquals("new", memo.method("put").lookup(2).orElseThrow().value());
      assertEquals(2, memo.method("put").entries().size());
    }
  }

  @Test
  void supplierWaitingForAnotherThreadOfTheSameKey_waitsOneLockTimeoutThenBothStore(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info);
    try (Memo memo = Memo.builder().directory(dir).lockTimeout(Duration.ofMillis(700)).build();
        LogCapture log = new LogCapture()) {
      ExecutorService pool = Executors.newSingleThreadExecutor();
      long start = System.nanoTime();
      try {
        int r = memo.call("cycle", () -> {
          try {
            return pool.submit(() -> memo.call("cycle", () -> 41, 1)).get(30, TimeUnit.SECONDS) + 1;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, 1);
        assertEquals(42, r);
      } finally {
        pool.shutdownNow();
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      // One bound, not two: the waiter that gave up does not wait again on the key's lock, which
      // the thread it gave up on holds.
      assertTrue(millis >= 700 && millis < 1_300, millis + " ms");
      List<String> warnings = log.messages(Level.WARNING);
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).endsWith(" of this process (" + dir + "); computing cycle(1) here too"),
          warnings.get(0));
      assertEquals(1, memo.method("cycle").entries().size());
    }
  }

  @Test
  void secondRunInANewJvm_hitsDisk(TestInfo info) throws Exception {
    Path base = TestDirs.forTest(info);
    Path dir = base.resolve("cache");
    Path marker = base.resolve("computed.txt");
    String sum;
    try (Child first = Child.start(ChildMain.class, base.resolve("first.log"), "memo-once", dir.toString(), marker.toString())) {
      sum = first.await("sum ", 60_000);
      assertEquals("tierHits 0 loads 1", first.await("tierHits ", 60_000));
      assertEquals(0, first.waitFor(60_000));
    }
    try (Child second = Child.start(ChildMain.class, base.resolve("second.log"), "memo-once", dir.toString(), marker.toString())) {
      assertEquals(sum, second.await("sum ", 60_000), "same result");
      assertEquals("tierHits 1 loads 0", second.await("tierHits ", 60_000));
      assertEquals(0, second.waitFor(60_000));
    }
    assertEquals(1, Files.readAllLines(marker).size(), "computed once across the two runs");
  }
}
