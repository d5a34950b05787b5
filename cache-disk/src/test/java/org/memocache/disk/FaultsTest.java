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
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.internal.codec.Codecs;
import org.memocache.testing.LogCapture;

/**
 * Disk full, read-only file system, cache directory deleted: the value is still returned (put says
 * {@code false}), one warning names the cause, nothing partial is left behind.
 *
 * <p>Disk full and read-only need a small tmpfs, mounted from the test with {@code mount -t tmpfs};
 * that needs root (as in CI). Where mounting is impossible those tests are skipped, saying why.
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

  @Test
  void diskFull_putFails_warnsOnce_leavesNothing(TestInfo info) throws Exception {
    Path fs = mountTmpfs(TestDirs.forTest(info), "2m");
    Path dir = fs.resolve("cache");
    try (DiskTier tier = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO);
        LogCapture log = new LogCapture()) {
      assertTrue(tier.put(TestKeys.key(1), new double[100], TestKeys.meta("small")));
      double[] big = new double[512 * 1024]; // 4 MiB, twice the file system
      List<Path> before = filesUnder(dir);
      assertFalse(tier.put(TestKeys.key(2), big, TestKeys.meta("big")));
      assertFalse(tier.put(TestKeys.key(3), big, TestKeys.meta("big")));
      assertEquals(2, tier.counters().writeFailures());
      assertEquals(before, filesUnder(dir), "no partial entry or tmp file left");
      List<String> warnings = log.messages(Level.WARNING);
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).contains("the disk is full"), warnings.get(0));
      assertTrue(warnings.get(0).contains(dir.toString()), warnings.get(0));
      // Space is back once the failed write is gone: small values still go in, old ones still read.
      assertTrue(tier.put(TestKeys.key(4), new double[100], TestKeys.meta("small")));
      assertArrayEquals(new double[100], (double[]) tier.get(TestKeys.key(1), TestKeys.FILTER).orElseThrow().value());
    }
  }

  @Test
  void diskFull_whileLocking_oneWarningLineWithoutStackTrace(TestInfo info) throws Exception {
    Path fs = mountTmpfs(TestDirs.forTest(info), "2m");
    Path dir = fs.resolve("cache");
    try (DiskTier tier = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO);
        LogCapture log = new LogCapture()) {
      fill(fs.resolve("filler"));
      for (int i = 0; i < 3; i++) {
        // No lock can be recorded: the caller computes without it, as for a read-only cache.
        assertTrue(tier.acquire(TestKeys.key(10 + i), "fit(" + i + ")", Duration.ofSeconds(1)).isEmpty());
      }
      List<String> warnings = log.messages(Level.WARNING);
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).contains("the disk is full"), warnings.get(0));
      assertTrue(warnings.get(0).contains("lock file"), warnings.get(0));
      assertFalse(warnings.get(0).contains("\n"), warnings.get(0));
      assertEquals(0, log.withStackTrace(Level.WARNING));
    }
  }

  /** Writes {@code file} until the file system is full. */
  private static void fill(Path file) throws IOException {
    byte[] chunk = new byte[64 * 1024];
    try (java.io.OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(chunk);
      }
    } catch (IOException e) {
      Assumptions.assumeTrue(String.valueOf(e.getMessage()).contains("No space left on device"), e.toString());
    }
  }

  @Test
  void readOnlyFileSystem_putFails_readsWork(TestInfo info) throws Exception {
    Path fs = mountTmpfs(TestDirs.forTest(info), "8m");
    Path dir = fs.resolve("cache");
    try (DiskTier tier = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO)) {
      assertTrue(tier.put(TestKeys.key(1), "stored before", TestKeys.meta("a")));
    }
    assertEquals(0, run("mount", "-o", "remount,ro", fs.toString()));
    List<Path> before = filesUnder(dir);
    try (DiskTier tier = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO);
        LogCapture log = new LogCapture()) {
      assertEquals("stored before", tier.get(TestKeys.key(1), TestKeys.FILTER).orElseThrow().value());
      assertFalse(tier.put(TestKeys.key(2), "new", TestKeys.meta("b")));
      assertFalse(tier.put(TestKeys.key(3), "new", TestKeys.meta("c")));
      assertTrue(tier.acquire(TestKeys.key(2), "b", Duration.ofSeconds(5)).isEmpty(),
          "no lock file can be made: compute without it");
      List<String> warnings = log.messages(Level.WARNING);
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).contains("read-only"), warnings.get(0));
      assertEquals(before, filesUnder(dir));
    } finally {
      run("mount", "-o", "remount,rw", fs.toString());
    }
  }

  @Test
  void directoryDeletedWhileRunning_putFails_nothingRecreated(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info);
    try (DiskTier tier = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO);
        LogCapture log = new LogCapture()) {
      assertTrue(tier.put(TestKeys.key(1), "v", TestKeys.meta("a")));
      TestDirs.deleteRecursively(dir);
      assertTrue(tier.get(TestKeys.key(1), TestKeys.FILTER).isEmpty());
      assertFalse(tier.put(TestKeys.key(2), new double[10], TestKeys.meta("b")));
      assertFalse(tier.put(TestKeys.key(3), "w", TestKeys.meta("c")));
      assertFalse(Files.exists(dir), "the tier does not recreate a deleted cache directory");
      List<String> warnings = log.messages(Level.WARNING);
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).contains("no longer exists"), warnings.get(0));
    }
  }

  @Test
  void permissionDenied_putFails(TestInfo info) throws Exception {
    Assumptions.assumeFalse("root".equals(System.getProperty("user.name")),
        "permission bits do not stop root: permission-denied test skipped (the read-only test covers the path)");
    Path dir = TestDirs.forTest(info);
    try (DiskTier tier = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO);
        LogCapture log = new LogCapture()) {
      Files.setPosixFilePermissions(dir.resolve("tmp"), java.nio.file.attribute.PosixFilePermissions.fromString("r-x------"));
      try {
        assertFalse(tier.put(TestKeys.key(1), "v", TestKeys.meta("a")));
        assertTrue(log.messages(Level.WARNING).get(0).contains("permission is denied"));
      } finally {
        Files.setPosixFilePermissions(dir.resolve("tmp"), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      }
    }
  }
}
