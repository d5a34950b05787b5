package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.EntryInfo;
import org.memocache.Memo;
import org.memocache.MethodStats;
import org.memocache.testing.Child;

/** Hits and time saved, as {@code stats} reports them, count every process's reads. */
class StatsAcrossProcessesTest {
  private static final int KEYS = 5;
  private static final int HIT_RUNS = 5;

  /** Child JVMs that exit without closing their {@code Memo}: their reads still count. */
  @Test
  void oneStoringRunAndFiveHitRuns_ofFiveKeys_count25Hits(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info);
    Path logs = dir.resolveSibling(dir.getFileName() + "-logs");
    assertEquals("loads 5", run(dir, logs.resolve("store.log")).loads);
    long hitCallNanos = 0;
    for (int i = 0; i < HIT_RUNS; i++) {
      Run r = run(dir, logs.resolve("hit-" + i + ".log"));
      assertEquals("loads 0", r.loads);
      hitCallNanos += r.tookNanos;
    }
    try (CacheDirectory cd = CacheDirectory.open(dir)) {
      List<MethodStats> methods = cd.methods();
      assertEquals(1, methods.size(), methods::toString);
      MethodStats s = methods.get(0);
      assertEquals(KEYS, s.entries());
      assertEquals(KEYS * HIT_RUNS, s.hits(), s::toString);
      assertTrue(s.computeTime().toMillis() >= KEYS * 200L, s::toString);
      Duration wouldCompute = s.computeTime().multipliedBy(HIT_RUNS);
      // Each hit's own cost is subtracted: less than all computations, but at most what the callers
      // saw the hits take.
      assertTrue(s.timeSaved().compareTo(wouldCompute) < 0, s::toString);
      assertTrue(s.timeSaved().toNanos() >= wouldCompute.toNanos() - hitCallNanos, s::toString);
      for (EntryInfo e : cd.entries()) {
        assertEquals(HIT_RUNS, e.hits(), e::toString);
      }
    }
  }

  /** A value that is instant to compute and slow to read saved nothing, however often it was read. */
  @Test
  void hitSlowerThanComputing_savesNothing(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info);
    double[] big = new double[2_000_000];
    try (Memo memo = Memo.builder().directory(dir).build()) {
      memo.call("instant", () -> big, 1);
    }
    for (int i = 0; i < 3; i++) {
      try (Memo reader = Memo.builder().directory(dir).build()) {
        assertEquals(big.length, reader.call("instant", () -> new double[0], 1).length);
        assertEquals(Duration.ZERO, reader.stats().timeSaved(), () -> reader.stats().toString());
      }
    }
    try (CacheDirectory cd = CacheDirectory.open(dir)) {
      MethodStats s = cd.methods().get(0);
      assertEquals(3, s.hits(), s::toString);
      assertEquals(Duration.ZERO, s.timeSaved(), s::toString);
    }
  }

  private record Run(String loads, long tookNanos) {}

  private static Run run(Path dir, Path log) throws Exception {
    Child c = Child.start(ChildMain.class, log, "stats-run", dir.toString(), String.valueOf(KEYS), "250");
    long took = 0;
    for (int k = 0; k < KEYS; k++) {
      took += Long.parseLong(c.await("took ", 60_000).split(" ")[1]);
    }
    String loads = c.await("loads ", 60_000);
    assertEquals(0, c.waitFor(60_000));
    return new Run(loads, took);
  }
}
