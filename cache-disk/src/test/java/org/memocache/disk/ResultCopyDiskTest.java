package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.Memo;

/** A value decoded on a disk hit is kept in memory, and the caller gets a copy of it. */
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
}
