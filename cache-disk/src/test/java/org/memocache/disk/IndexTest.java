package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.EntryInfo;
import org.memocache.internal.codec.Codecs;
import org.memocache.testing.Child;
import org.memocache.testing.LogCapture;

/** The index is derived data: deleted or damaged, it is rebuilt from entry headers, nothing lost. */
class IndexTest {

  private static List<Path> journals(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir.resolve("index"))) {
      return s.filter(p -> p.getFileName().toString().startsWith("journal-")).toList();
    }
  }

  @Test
  void indexDeleted_isRebuilt_nothingLost(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info);
    try (DiskTier tier = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO)) {
      for (int k = 0; k < 20; k++) {
        TestKeys.put(tier, TestKeys.key(k), k % 2 == 0 ? new double[k + 1] : "v" + k, TestKeys.meta("k=" + k));
      }
      for (int k = 0; k < 5; k++) {
        TestKeys.get(tier, TestKeys.key(k), TestKeys.FILTER);
      }
      MaintenanceReport first = tier.maintain();
      assertEquals(20, first.entries());
      assertEquals(25, first.journalRecords(), "20 puts and 5 reads were journaled");
      TestDirs.deleteRecursively(dir.resolve("index"));
      MaintenanceReport rebuilt = tier.maintain();
      assertTrue(rebuilt.indexRebuilt() && rebuilt.fullScan(), rebuilt.toString());
      assertEquals(20, rebuilt.entries());
      assertEquals(first.bytes(), rebuilt.bytes());
      for (int k = 0; k < 20; k++) {
        assertTrue(TestKeys.get(tier, TestKeys.key(k), TestKeys.FILTER).isPresent(), "key " + k);
      }
      assertEquals(20, tier.entries("simulate").size());
    }
  }

  @Test
  void indexDamaged_isRebuilt(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info);
    try (DiskTier tier = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO)) {
      for (int k = 0; k < 10; k++) {
        TestKeys.put(tier, TestKeys.key(k), "v" + k, TestKeys.meta("k=" + k));
      }
      tier.maintain();
      Path db = dir.resolve("index").resolve("index.db");
      byte[] junk = new byte[(int) Files.size(db)];
      new java.util.Random(3).nextBytes(junk);
      Files.write(db, junk);
      try (LogCapture log = new LogCapture()) {
        MaintenanceReport r = tier.maintain();
        assertTrue(r.indexRebuilt(), r.toString());
        assertEquals(10, r.entries());
        assertTrue(log.messages(java.util.logging.Level.WARNING).stream().anyMatch(m -> m.contains("rebuilding")));
      }
    }
  }

  @Test
  void journalOfAnotherProcess_isFoldedThenDeleted_andEntriesPersistAcrossJvms(TestInfo info) throws Exception {
    Path base = TestDirs.forTest(info);
    Path dir = base.resolve("cache");
    try (Child put = Child.start(ChildMain.class, base.resolve("put.log"), "put", dir.toString(), "5", "hello")) {
      assertEquals("put true", put.await("put ", 60_000));
      assertEquals(0, put.waitFor(60_000));
    }
    try (Child get = Child.start(ChildMain.class, base.resolve("get.log"), "get", dir.toString(), "5")) {
      assertEquals("get hello", get.await("get ", 60_000));
      assertEquals(0, get.waitFor(60_000));
    }
    assertEquals(2, journals(dir).size(), "one journal per process: " + journals(dir));
    try (DiskTier tier = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO)) {
      MaintenanceReport r = tier.maintain();
      assertEquals(1, r.entries());
      assertEquals(2, r.journalRecords(), "a put and a read");
      assertEquals(List.of(), journals(dir), "journals of exited processes are deleted once folded");
      List<EntryInfo> list = tier.entries("simulate");
      assertEquals(1, list.size());
      assertEquals(1, list.get(0).hits(), "the other process's read was counted");
      assertEquals("k=5", list.get(0).argsSummary());
      assertFalse(list.get(0).toString().isEmpty());
    }
  }
}
