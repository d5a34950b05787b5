package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.Memo;

/** The disk tier as {@code Memo} finds and uses it. */
class MemoDiskTest {

  @Test
  void memoWithDirectory_findsTheDiskTierByServiceLoader(TestInfo info) {
    Path dir = TestDirs.forTest(info);
    try (Memo memo = Memo.builder().directory(dir).build()) {
      assertTrue(memo.tiers().stream().anyMatch(t -> t instanceof DiskTier d && d.directory().equals(dir)),
          memo.tiers().toString());
      assertEquals("x", memo.call("f", () -> "x", 1));
      assertEquals(1, memo.entries("f").size());
      assertTrue(Files.exists(dir.resolve("MEMOCACHE")));
    }
  }

  @Test
  void secondRunInANewJvm_hitsDisk(TestInfo info) throws Exception {
    Path base = TestDirs.forTest(info);
    Path dir = base.resolve("cache");
    Path marker = base.resolve("computed.txt");
    String sum;
    try (Child first = Child.start(base.resolve("first.log"), "memo-once", dir.toString(), marker.toString())) {
      sum = first.await("sum ", 60_000);
      assertEquals("tierHits 0 loads 1", first.await("tierHits ", 60_000));
      assertEquals(0, first.waitFor(60_000));
    }
    try (Child second = Child.start(base.resolve("second.log"), "memo-once", dir.toString(), marker.toString())) {
      assertEquals(sum, second.await("sum ", 60_000), "same result");
      assertEquals("tierHits 1 loads 0", second.await("tierHits ", 60_000));
      assertEquals(0, second.waitFor(60_000));
    }
    assertEquals(1, Files.readAllLines(marker).size(), "computed once across the two runs");
  }
}
