package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.internal.codec.Codecs;
import org.memocache.testing.LogCapture;

/**
 * Faults that used to stop maintenance or the index journal for the life of the process: a huge
 * (sparse) journal file, a journal append on an interrupted thread, {@code close()} while
 * maintenance is writing the index.
 */
class MaintenanceFaultsTest {
  private Path dir;

  @BeforeEach
  void dir(TestInfo info) {
    dir = TestDirs.forTest(info);
  }

  @Test
  void sparseJournalOfOneGiB_isSkipped_maintenanceCompletes_warnedOnce() throws IOException {
    try (LogCapture log = new LogCapture();
         DiskTier tier = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO)) {
      TestKeys.put(tier, TestKeys.key(1), new double[] {1}, TestKeys.meta("n=1"));
      assertTrue(tier.maintain().ran());
      Path journal = dir.resolve("index").resolve("journal-0badc0de-1-1-1-1.log");
      try (RandomAccessFile f = new RandomAccessFile(journal.toFile(), "rw")) {
        f.setLength(1L << 30);
      }
      TestKeys.put(tier, TestKeys.key(2), new double[] {2}, TestKeys.meta("n=2"));
      MaintenanceReport r = tier.maintain();
      assertTrue(r.ran());
      assertEquals(2, r.entries(), r.toString());
      assertTrue(tier.maintain().ran(), "maintenance keeps running");
      List<String> warnings = log.messages(Level.WARNING);
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).startsWith("MemoCache: skipping the index journal " + journal + " of 1073741824"
          + " unread bytes"), warnings.get(0));
    }
  }

  @Test
  void journalAppendOnAnInterruptedThread_laterEntriesAreStillIndexed() throws IOException {
    try (LogCapture log = new LogCapture();
         DiskTier tier = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO)) {
      TestKeys.put(tier, TestKeys.key(0), new double[] {0}, TestKeys.meta("n=0"));
      assertTrue(tier.maintain().fullScan(), "the first run creates the index from the headers");
      Thread.currentThread().interrupt();
      try {
        assertTrue(tier.remove(TestKeys.key(0)));
      } finally {
        assertTrue(Thread.interrupted(), "the caller's interrupt flag is kept");
      }
      for (int i = 1; i <= 5; i++) {
        assertTrue(TestKeys.put(tier, TestKeys.key(i), new double[] {i}, TestKeys.meta("n=" + i)));
      }
      MaintenanceReport r = tier.maintain();
      assertFalse(r.fullScan(), "learned from the journal, not from a scan: " + r);
      assertEquals(5, r.entries(), r.toString());
      assertEquals(6, r.journalRecords(), r.toString());
      assertEquals(List.of(), log.messages(Level.WARNING));
    }
  }

  @Test
  void failedJournalWrite_warnsTruthfully_isRetried_andTheIndexCatchesUpWithAScan() throws IOException {
    try (LogCapture log = new LogCapture();
         DiskTier tier = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO)) {
      assertTrue(tier.maintain().ran());
      // The journal's first file cannot be created: index/ is (for a moment) a plain file.
      Path index = dir.resolve("index");
      Path moved = dir.resolve("index.moved");
      Files.move(index, moved);
      Files.writeString(index, "not a directory");
      assertTrue(TestKeys.put(tier, TestKeys.key(1), new double[] {1}, TestKeys.meta("n=1")), "the result is still stored");
      Files.delete(index);
      Files.move(moved, index);
      assertTrue(TestKeys.put(tier, TestKeys.key(2), new double[] {2}, TestKeys.meta("n=2")));
      List<String> warnings = log.messages(Level.WARNING);
      assertEquals(1, warnings.size(), warnings.toString());
      String w = warnings.get(0);
      assertTrue(w.startsWith("MemoCache: cannot write the index journal in " + dir + " because of an I/O error"), w);
      assertTrue(w.contains("Results are still stored and read; the index catches up with a full scan at the next"
          + " maintenance, and the journal is retried on the next write."), w);
      MaintenanceReport r = tier.maintain();
      assertTrue(r.fullScan(), "records were lost: a full scan: " + r);
      assertEquals(2, r.entries(), r.toString());
      assertTrue(TestKeys.put(tier, TestKeys.key(3), new double[] {3}, TestKeys.meta("n=3")));
      r = tier.maintain();
      assertFalse(r.fullScan(), "the journal works again: " + r);
      assertEquals(3, r.entries(), r.toString());
      assertEquals(1, log.messages(Level.WARNING).size());
    }
  }

  @Test
  void closeDuringMaintenance_leavesANonEmptyValidIndex() throws Exception {
    try (DiskTier tier = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO)) {
      for (int i = 0; i < 2_000; i++) {
        TestKeys.put(tier, TestKeys.key(i), new double[] {i}, TestKeys.meta("n=" + i));
      }
    }
    Path index = dir.resolve("index").resolve("index.db");
    for (int delay : new int[] {5, 20, 60, 150, 300}) {
      Files.deleteIfExists(index);
      DiskTier tier = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ofMillis(1));
      Thread.sleep(delay);
      tier.close();
      if (Files.exists(index)) {
        assertTrue(Files.size(index) > 0, "index.db empty after close at " + delay + " ms");
        try (DiskTier again = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO)) {
          MaintenanceReport r = again.maintain();
          assertFalse(r.indexRebuilt(), "index.db damaged after close at " + delay + " ms: " + r);
          assertEquals(2_000, r.entries());
        }
      }
    }
  }
}
