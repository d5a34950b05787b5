package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.disk.internal.DiskStore;
import org.memocache.internal.codec.Codecs;
import org.memocache.testing.Child;
import org.memocache.testing.LogCapture;

/**
 * Maintenance under load, in real child JVMs: a tiny {@code maximumDiskBytes} holds within its
 * stated bound while many processes store all the time; a stopped holder of the maintenance lease
 * is taken over (and learns it lost the lease when it runs again); a killed one is replaced at once.
 */
@Tag("slow")
class MaintenanceLoadTest {
  static final long LIMIT = 64 * 1024;
  static final int JVMS = Integer.getInteger("memocache.load.jvms", 6);
  static final int THREADS = Integer.getInteger("memocache.load.threads", 16);
  static final long MILLIS = Long.getLong("memocache.load.millis", 10_000);
  static final int VALUE_BYTES = 8000;

  Path dir;

  @BeforeEach
  void setUp(TestInfo info) {
    dir = TestDirs.forTest(info);
  }

  @Test
  void tinyLimitUnderLoad_staysWithinTheLimitPlusOneBudgetPerProcess() throws Exception {
    Path go = dir.resolveSibling(dir.getFileName() + ".go");
    Files.deleteIfExists(go);
    List<Process> children = new ArrayList<>();
    List<List<String>> outputs = new ArrayList<>();
    try {
      for (int i = 0; i < JVMS; i++) {
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        Process p = start(dir.resolveSibling(dir.getFileName() + ".child" + i + ".log"), dir.toString(),
            Long.toString(LIMIT), Integer.toString(THREADS), "200", Integer.toString(VALUE_BYTES), Long.toString(MILLIS),
            go.toString());
        children.add(p);
        outputs.add(lines);
        ProcessLines.collect(p, lines);
      }
      for (List<String> lines : outputs) {
        ProcessLines.awaitLine(lines, "ready", 60_000);
      }
      Files.createFile(go);
      long largestEntry = 0;
      long worst = 0;
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MILLIS);
      while (System.nanoTime() < end) {
        long[] sizes = entrySizes(dir.resolve("entries"));
        worst = Math.max(worst, sizes[0]);
        largestEntry = Math.max(largestEntry, sizes[1]);
        Thread.sleep(20);
      }
      long calls = 0;
      long computed = 0;
      long steadyCpu = 0;
      long steadyWall = 0;
      for (int i = 0; i < JVMS; i++) {
        assertTrue(children.get(i).waitFor(60, TimeUnit.SECONDS), "child " + i + " did not finish");
        String done = ProcessLines.awaitLine(outputs.get(i), "done", 5_000);
        assertTrue(done.contains(" wrong=0 errors=0 hangs=0 "), done);
        calls += Long.parseLong(field(done, "calls"));
        computed += Long.parseLong(field(done, "computed"));
        steadyCpu += Long.parseLong(field(done, "steadyMaintenanceCpuMillis"));
        steadyWall = Math.max(steadyWall, Long.parseLong(field(done, "steadyWallMillis")));
      }
      System.out.printf("maintenance under load: %d JVMs x %d threads, %d s, limit %d: worst %d bytes of entries"
          + " (bound %d); %d calls, %d computed; maintenance CPU of all processes in the second half: %d ms in %d ms"
          + " = %.1f%% of one core%n", JVMS, THREADS, MILLIS / 1000, LIMIT, worst,
          LIMIT + JVMS * Math.max(LIMIT / 8, largestEntry), calls, computed, steadyCpu, steadyWall,
          100.0 * steadyCpu / Math.max(1, steadyWall));
      assertTrue(largestEntry > VALUE_BYTES, "entries were stored: " + largestEntry);
      // docs/disk.md: at most the limit plus one write budget per process (an eighth of the limit,
      // at least one entry).
      long bound = LIMIT + JVMS * Math.max(LIMIT / 8, largestEntry);
      assertTrue(worst <= bound, "entries reached " + worst + " bytes; bound " + bound + " (limit " + LIMIT + ", "
          + JVMS + " processes, largest entry " + largestEntry + ")");
      assertTrue(calls > 0);
      try (DiskTier tier = DiskTier.open(new org.memocache.internal.Config(dir, 1 << 20, LIMIT, Long.MAX_VALUE, null, false,
          Duration.ofMinutes(2), List.of("org.memocache.disk"), true, java.time.Clock.systemUTC()), Codecs.builtIns(),
          Duration.ZERO)) {
        assertTrue(tier.store().maintain(Duration.ofSeconds(30)).ran());
        assertTrue(entrySizes(dir.resolve("entries"))[0] <= LIMIT, "a maintenance run brings it within the limit");
      }
    } finally {
      children.forEach(Process::destroyForcibly);
    }
  }

  @Test
  void stoppedMaintainer_isTakenOver_andLearnsItLostTheLease() throws Exception {
    Path go = dir.resolveSibling(dir.getFileName() + ".go");
    Files.deleteIfExists(go);
    Path log = dir.resolveSibling(dir.getFileName() + ".child.log");
    try (Child holder = Child.start(ChildMain.class, log, "hold-maintenance", dir.toString(), go.toString());
        LogCapture capture = new LogCapture()) {
      String pid = holder.await("leased ", 60_000).substring(7);
      try (DiskStore store = DiskStore.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO,
          Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofSeconds(2))) {
        // A live holder beats: it keeps its lease.
        assertFalse(store.maintain(Duration.ofSeconds(3)).ran());
        assertEquals(0, new ProcessBuilder("kill", "-STOP", pid).start().waitFor());
        try {
          long t0 = System.nanoTime();
          MaintenanceReport r = store.maintain(Duration.ofSeconds(20));
          long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
          assertTrue(r.ran(), "the stopped holder's lease was taken over");
          assertTrue(waited >= 2_000 && waited < 15_000, waited + " ms");
          List<String> taken = capture.messages(Level.WARNING).stream().filter(m -> m.contains("heartbeat")).toList();
          assertEquals(1, taken.size(), capture.messages(Level.WARNING).toString());
          String m = taken.get(0);
          assertTrue(m.startsWith("MemoCache: pid " + pid + " on host "), m);
          assertTrue(m.endsWith(" (stopped or frozen?) (" + dir.toRealPath() + "); taking its maintenance.lock over"), m);
          // The next runs take the new lease at once.
          assertTrue(store.maintain(Duration.ZERO).ran());
          Files.createFile(go);
        } finally {
          new ProcessBuilder("kill", "-CONT", pid).start().waitFor();
        }
        assertEquals("lost=true", holder.await("lost=", 30_000));
        assertEquals(0, holder.waitFor(30_000));
        assertTrue(store.maintain(Duration.ZERO).ran(), "the resumed holder released only its retired file");
      }
    }
  }

  @Test
  void killedMaintainer_isReplacedAtOnce() throws Exception {
    Path go = dir.resolveSibling(dir.getFileName() + ".go");
    Files.deleteIfExists(go);
    Path log = dir.resolveSibling(dir.getFileName() + ".child.log");
    try (Child holder = Child.start(ChildMain.class, log, "hold-maintenance", dir.toString(), go.toString());
        DiskStore store = DiskStore.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO)) {
      holder.await("leased ", 60_000);
      assertFalse(store.maintain(Duration.ZERO).ran());
      holder.process().destroyForcibly().waitFor();
      long t0 = System.nanoTime();
      assertTrue(store.maintain(Duration.ofSeconds(10)).ran());
      assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 5_000);
    }
  }

  /** {total bytes, largest file} of the regular files under {@code dir}; files deleted meanwhile are skipped. */
  static long[] entrySizes(Path dir) {
    long[] out = new long[2];
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          long[] sub = entrySizes(p);
          out[0] += sub[0];
          out[1] = Math.max(out[1], sub[1]);
        } else if (!p.getFileName().toString().equals("METHOD")) {
          try {
            java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(p,
                java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile()) {
              continue; // a planted link or FIFO (HostileRoundsTest)
            }
            long size = a.size();
            out[0] += size;
            out[1] = Math.max(out[1], size);
          } catch (IOException e) {
            // evicted meanwhile
          }
        }
      }
    } catch (IOException e) {
      // gone meanwhile
    }
    return out;
  }

  private static String field(String line, String name) {
    Matcher m = Pattern.compile(name + "=(\\d+)").matcher(line);
    assertTrue(m.find(), line);
    return m.group(1);
  }

  static Process start(Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), LoadChild.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }
}
