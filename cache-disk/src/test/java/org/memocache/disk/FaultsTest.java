package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.Memo;
import org.memocache.internal.codec.Codecs;
import org.memocache.testing.LogCapture;

/**
 * Disk full, read-only file system, permission denied, a failing rename, cache directory deleted:
 * the value is still returned (put says {@code false}), one warning names the cause and the file,
 * nothing partial is left behind.
 *
 * <p>The faults come from a {@link FaultyFileSystem} and need no privileges. One test checks the
 * same on a real full tmpfs, mounted from the test with {@code mount -t tmpfs}; that needs root (as
 * in CI) and is skipped elsewhere, saying why.
 */
class FaultsTest {
  private Path mounted;

  @AfterEach
  void unmount() throws Exception {
    if (mounted != null) {
      run("umount", "-l", mounted.toString());
      mounted = null;
    }
  }

  private static int run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    if (p.exitValue() != 0) {
      System.err.println(String.join(" ", cmd) + ": " + out);
    }
    return p.exitValue();
  }

  private Path mountTmpfs(Path at, String size) throws Exception {
    Files.createDirectories(at);
    int rc;
    try {
      rc = run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", at.toString());
    } catch (IOException e) {
      rc = -1;
    }
    Assumptions.assumeTrue(rc == 0, "cannot mount a tmpfs at " + at + " (needs root and CAP_SYS_ADMIN): "
        + "disk-full and read-only tests skipped");
    mounted = at;
    return at;
  }

  private static List<Path> filesUnder(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  private static final String STILL_RETURNED = "Results are still returned; they are recomputed where they"
      + " would have been read from disk.";

  private static DiskTier open(Path dir, FaultyFileSystem fs) throws IOException {
    return DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO, fs);
  }

  @Test
  void diskFull_putFails_warnsOnce_leavesNothing(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info);
    FaultyFileSystem fs = new FaultyFileSystem();
    try (DiskTier tier = open(dir, fs); LogCapture log = new LogCapture()) {
      assertTrue(TestKeys.put(tier, TestKeys.key(1), new double[100], TestKeys.meta("small")));
      List<Path> before = filesUnder(dir);
      fs.diskFull();
      double[] big = new double[512 * 1024];
      assertFalse(TestKeys.put(tier, TestKeys.key(2), big, TestKeys.meta("big")));
      assertFalse(TestKeys.put(tier, TestKeys.key(3), new double[100], TestKeys.meta("small")));
      assertEquals(2, tier.counters().writeFailures());
      assertEquals(before, filesUnder(dir), "no partial entry or tmp file left");
      assertEquals(List.of("MemoCache: cannot store results in " + tier.directory() + " because the disk is full"
          + " (java.io.IOException: No space left on device, first seen writing simulate). " + STILL_RETURNED
          + " Free space, or bound the cache with maximumDiskBytes."), log.messages(Level.WARNING));
      assertEquals(0, log.withStackTrace(Level.WARNING));
      // Space is back: values go in again, and the old one still reads.
      fs.heal();
      assertTrue(TestKeys.put(tier, TestKeys.key(4), new double[100], TestKeys.meta("small")));
      assertArrayEquals(new double[100], (double[]) TestKeys.get(tier, TestKeys.key(1), TestKeys.FILTER).orElseThrow().value());
      assertArrayEquals(new double[100], (double[]) TestKeys.get(tier, TestKeys.key(4), TestKeys.FILTER).orElseThrow().value());
    }
  }

  @Test
  void diskFull_onTheThirdWriteOfABigEntry_nothingPartial_theNextPutSucceeds(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info);
    FaultyFileSystem fs = new FaultyFileSystem();
    try (DiskTier tier = open(dir, fs); LogCapture log = new LogCapture()) {
      assertTrue(TestKeys.put(tier, TestKeys.key(1), "first", TestKeys.meta("a")));
      List<Path> before = filesUnder(dir);
      double[] big = new double[512 * 1024];
      for (int i = 0; i < big.length; i++) {
        big[i] = i;
      }
      fs.failWrite(3); // a block of the payload, after two have been written
      assertFalse(TestKeys.put(tier, TestKeys.key(2), big, TestKeys.meta("big")));
      assertEquals(1, fs.injected());
      assertEquals(before, filesUnder(dir), "the tmp file of the failed entry is deleted");
      assertTrue(TestKeys.get(tier, TestKeys.key(2), TestKeys.FILTER).isEmpty());
      assertTrue(TestKeys.put(tier, TestKeys.key(2), big, TestKeys.meta("big")), "only the third write failed");
      assertArrayEquals(big, (double[]) TestKeys.get(tier, TestKeys.key(2), TestKeys.FILTER).orElseThrow().value());
      assertEquals(1, tier.counters().writeFailures());
      assertEquals(1, log.messages(Level.WARNING).size(), log.messages(Level.WARNING).toString());
      assertTrue(log.messages(Level.WARNING).get(0).contains(" because the disk is full "),
          log.messages(Level.WARNING).get(0));
    }
  }

  @Test
  void diskFull_whileLocking_oneWarningLineWithoutStackTrace(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info);
    FaultyFileSystem fs = new FaultyFileSystem();
    try (DiskTier tier = open(dir, fs); LogCapture log = new LogCapture()) {
      fs.diskFull();
      for (int i = 0; i < 3; i++) {
        // No lock can be recorded: the caller computes without it, as for a read-only cache.
        assertTrue(tier.acquire(TestKeys.key(10 + i), "fit(" + i + ")", Duration.ofSeconds(1)).isEmpty());
      }
      assertEquals(3, fs.injected());
      String lockName = tier.store().lockFile(TestKeys.key(10)).getFileName().toString();
      assertEquals(List.of("MemoCache: cannot store results in " + tier.directory() + " because the disk is full"
          + " (java.io.IOException: No space left on device, first seen writing lock file " + lockName + "). "
          + STILL_RETURNED + " Free space, or bound the cache with maximumDiskBytes."), log.messages(Level.WARNING));
      assertEquals(0, log.withStackTrace(Level.WARNING));
    }
  }

  @Test
  void readOnlyFileSystem_putFails_readsWork(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info);
    FaultyFileSystem fs = new FaultyFileSystem();
    try (DiskTier tier = open(dir, fs)) {
      assertTrue(TestKeys.put(tier, TestKeys.key(1), "stored before", TestKeys.meta("a")));
    }
    fs.readOnly();
    List<Path> before = filesUnder(dir);
    try (DiskTier tier = open(dir, fs); LogCapture log = new LogCapture()) {
      assertEquals("stored before", TestKeys.get(tier, TestKeys.key(1), TestKeys.FILTER).orElseThrow().value());
      assertFalse(TestKeys.put(tier, TestKeys.key(2), "new", TestKeys.meta("b")));
      assertFalse(TestKeys.put(tier, TestKeys.key(3), "new", TestKeys.meta("c")));
      assertTrue(tier.acquire(TestKeys.key(2), "b", Duration.ofSeconds(5)).isEmpty(),
          "no lock file can be made: compute without it");
      assertEquals(2, tier.counters().writeFailures());
      List<String> warnings = log.messages(Level.WARNING);
      assertEquals(1, warnings.size(), warnings.toString());
      String w = warnings.get(0);
      assertTrue(w.startsWith("MemoCache: cannot store results in " + tier.directory() + " because the file system"
          + " is read-only (java.nio.file.FileSystemException: " + tier.directory().resolve("tmp") + "/"), w);
      assertTrue(w.endsWith(".tmp: Read-only file system, first seen writing simulate). " + STILL_RETURNED
          + " Point the cache at a writable directory to store new results."), w);
      assertEquals(before, filesUnder(dir));
    }
  }

  @Test
  void permissionDenied_putFails_leavesNothing(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info);
    FaultyFileSystem fs = new FaultyFileSystem();
    try (DiskTier tier = open(dir, fs); LogCapture log = new LogCapture()) {
      fs.deny(tier.directory().resolve("tmp"));
      List<Path> before = filesUnder(dir);
      assertFalse(TestKeys.put(tier, TestKeys.key(1), "v", TestKeys.meta("a")));
      assertTrue(TestKeys.get(tier, TestKeys.key(1), TestKeys.FILTER).isEmpty());
      assertEquals(1, tier.counters().writeFailures());
      assertEquals(before, filesUnder(dir));
      List<String> warnings = log.messages(Level.WARNING);
      assertEquals(1, warnings.size(), warnings.toString());
      String w = warnings.get(0);
      assertTrue(w.startsWith("MemoCache: cannot store results in " + tier.directory() + " because permission is"
          + " denied (java.nio.file.AccessDeniedException: " + tier.directory().resolve("tmp") + "/"), w);
      assertTrue(w.endsWith(".tmp, first seen writing simulate). " + STILL_RETURNED
          + " Point the cache at a writable directory to store new results."), w);
      assertEquals(0, log.withStackTrace(Level.WARNING));
    }
  }

  @Test
  void renameFails_valueStillReturned_tmpFileDeleted_warningNamesTheFiles(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info);
    FaultyFileSystem fs = new FaultyFileSystem();
    AtomicInteger computed = new AtomicInteger();
    try (DiskTier tier = open(dir, fs); LogCapture log = new LogCapture()) {
      fs.failMovesTo(".memo");
      try (Memo memo = Memo.builder().memoryOnly().tier(tier).build()) {
        assertEquals(42, memo.call("answer", () -> computed.incrementAndGet() * 0 + 42, 1));
      }
      assertEquals(1, computed.get());
      assertEquals(1, tier.counters().writeFailures());
      assertEquals(List.of(), filesUnder(dir).stream()
          .filter(f -> f.toString().endsWith(".tmp") || f.toString().endsWith(".memo")).toList(),
          "neither the tmp file nor an entry is left");
      List<String> warnings = log.messages(Level.WARNING);
      assertEquals(1, warnings.size(), warnings.toString());
      String w = warnings.get(0);
      assertTrue(w.startsWith("MemoCache: cannot store results in " + tier.directory() + " because of an I/O error"
          + " (java.nio.file.FileSystemException: " + tier.directory().resolve("tmp") + "/"), w);
      assertTrue(w.matches(".*\\.tmp -> " + java.util.regex.Pattern.quote(tier.directory().resolve("entries") + "/")
          + "[0-9a-f]{16}/[0-9a-f]{2}/[0-9a-f]{32}\\.memo: Input/output error, first seen writing answer\\)\\. "
          + java.util.regex.Pattern.quote(STILL_RETURNED)), w);
      assertEquals(1, log.withStackTrace(Level.WARNING), "an unexpected I/O error carries its stack trace");
    }
  }

  @Test
  void realTmpfs_diskFull_putFails_warnsOnce_leavesNothing(TestInfo info) throws Exception {
    Path fs = mountTmpfs(TestDirs.forTest(info), "2m");
    Path dir = fs.resolve("cache");
    try (DiskTier tier = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO);
        LogCapture log = new LogCapture()) {
      assertTrue(TestKeys.put(tier, TestKeys.key(1), new double[100], TestKeys.meta("small")));
      double[] big = new double[512 * 1024]; // 4 MiB, twice the file system
      List<Path> before = filesUnder(dir);
      assertFalse(TestKeys.put(tier, TestKeys.key(2), big, TestKeys.meta("big")));
      assertFalse(TestKeys.put(tier, TestKeys.key(3), big, TestKeys.meta("big")));
      assertEquals(2, tier.counters().writeFailures());
      assertEquals(before, filesUnder(dir), "no partial entry or tmp file left");
      List<String> warnings = log.messages(Level.WARNING);
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).contains("the disk is full"), warnings.get(0));
      assertTrue(warnings.get(0).contains(dir.toString()), warnings.get(0));
      // Space is back once the failed write is gone: small values still go in, old ones still read.
      assertTrue(TestKeys.put(tier, TestKeys.key(4), new double[100], TestKeys.meta("small")));
      assertArrayEquals(new double[100], (double[]) TestKeys.get(tier, TestKeys.key(1), TestKeys.FILTER).orElseThrow().value());
    }
  }

  @Test
  void directoryDeletedWhileRunning_putFails_nothingRecreated(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info);
    try (DiskTier tier = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO);
        LogCapture log = new LogCapture()) {
      assertTrue(TestKeys.put(tier, TestKeys.key(1), "v", TestKeys.meta("a")));
      TestDirs.deleteRecursively(dir);
      assertTrue(TestKeys.get(tier, TestKeys.key(1), TestKeys.FILTER).isEmpty());
      assertFalse(TestKeys.put(tier, TestKeys.key(2), new double[10], TestKeys.meta("b")));
      assertFalse(TestKeys.put(tier, TestKeys.key(3), "w", TestKeys.meta("c")));
      assertFalse(Files.exists(dir), "the tier does not recreate a deleted cache directory");
      List<String> warnings = log.messages(Level.WARNING);
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).contains("no longer exists"), warnings.get(0));
    }
  }

}
