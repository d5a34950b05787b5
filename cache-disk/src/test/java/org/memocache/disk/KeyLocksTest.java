package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.disk.internal.DiskStore;
import org.memocache.internal.codec.Codecs;
import org.memocache.spi.Tier;
import org.memocache.testing.Child;
import org.memocache.testing.LogCapture;

class KeyLocksTest {
  private Path dir;
  private DiskStore store;

  @BeforeEach
  void open(TestInfo info) throws Exception {
    dir = TestDirs.forTest(info);
    store = DiskStore.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO, Duration.ofMillis(200),
        Duration.ofMillis(300));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void inOneJvm_oneThreadAtATime_andTheLockFileIsKeptUntilMaintenance() throws Exception {
    Tier.KeyLock a = store.lock(TestKeys.key(1), "a", Duration.ZERO).orElseThrow();
    Path file = store.lockFile(TestKeys.key(1));
    assertTrue(Files.exists(file));
    assertTrue(Files.readString(file).startsWith("pid=" + ProcessHandle.current().pid() + " host="), Files.readString(file));
    assertTrue(Files.readString(file).contains(" desc=a"));
    AtomicBoolean released = new AtomicBoolean();
    CompletableFuture<Boolean> b = CompletableFuture.supplyAsync(() -> {
      Optional<Tier.KeyLock> l = store.lock(TestKeys.key(1), "b", Duration.ofSeconds(30));
      boolean afterRelease = released.get();
      l.ifPresent(Tier.KeyLock::close);
      return l.isPresent() && afterRelease;
    });
    Thread.sleep(150);
    assertFalse(b.isDone(), "the second thread waits");
    released.set(true);
    a.close();
    assertTrue(b.get(30, TimeUnit.SECONDS), "the second thread got the lock only after the release");
    assertEquals(1024, Files.size(file), "released lock files are kept, one fixed-size record");
    assertEquals(1, store.maintain().staleLocks());
    assertFalse(Files.exists(file), "maintenance deletes lock files nobody holds");
  }

  @Test
  void timeout_isEmpty_andRecursionIsEmptyAtOnce() throws Exception {
    Tier.KeyLock a = store.lock(TestKeys.key(1), "a", Duration.ZERO).orElseThrow();
    assertTrue(store.lock(TestKeys.key(1), "again", Duration.ofMinutes(5)).isEmpty(),
        "the holding thread cannot wait for itself");
    CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(
        () -> store.lock(TestKeys.key(1), "b", Duration.ofMillis(100)).isPresent());
    assertFalse(other.get(30, TimeUnit.SECONDS));
    assertTrue(store.lock(TestKeys.key(2), "other key", Duration.ZERO).map(l -> {
      l.close();
      return true;
    }).orElse(false), "other keys are independent");
    a.close();
    Tier.KeyLock again = store.lock(TestKeys.key(1), "c", Duration.ZERO).orElseThrow();
    again.close();
  }

  @Test
  void twoTiersOnOneDirectoryInOneJvm_shareTheLockTable() throws Exception {
    try (DiskTier second = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO)) {
      Tier.KeyLock a = store.lock(TestKeys.key(1), "a", Duration.ZERO).orElseThrow();
      assertTrue(second.acquire(TestKeys.key(1), "b", Duration.ofMillis(50)).isEmpty());
      a.close();
      second.acquire(TestKeys.key(1), "b", Duration.ZERO).orElseThrow().close();
    }
  }

  @Test
  void waitingForAnotherProcess_reportsProgress_thenLocksTheLiveFile_whenTheHolderDeletedIt() throws Exception {
    Path log = dir.resolveSibling(dir.getFileName() + ".child.log");
    try (Child child = Child.start(ChildMain.class, log, "hold-lock-delete", dir.toString(), "3", "1500");
        LogCapture capture = new LogCapture()) {
      long pid = Long.parseLong(child.await("locked ", 60_000).substring(7));
      Tier.KeyLock mine = store.lock(TestKeys.key(3), "simulate(n=3)", Duration.ofSeconds(60)).orElseThrow();
      try {
        List<String> progress = capture.messages(Level.INFO).stream().filter(m -> m.contains("waiting")).toList();
        assertFalse(progress.isEmpty(), "progress reported while waiting");
        String m = progress.get(0);
        assertTrue(m.startsWith("MemoCache: waiting "), m);
        assertTrue(m.contains("for pid " + pid + " on host "), m);
        // The holder may find the result stored and never compute: the message says what is known.
        assertTrue(m.contains("for pid " + pid + " on host ") && m.endsWith(" holding the lock for simulate(n=3) (" + dir + ")"), m);
        assertTrue(m.contains("(" + dir + ")"), m);
        // The holder deleted its file when it released it; we must hold the file now at the path,
        // not the unlinked one we were waiting on.
        Path file = store.lockFile(TestKeys.key(3));
        assertTrue(Files.exists(file), "the lock file at the path is the one we hold");
        assertTrue(Files.readString(file).startsWith("pid=" + ProcessHandle.current().pid() + " "), Files.readString(file));
      } finally {
        mine.close();
      }
      assertEquals(0, child.waitFor(60_000));
    }
  }

  @Tag("slow") // eight seconds of waiting for a stale heartbeat: .ci/run (mvn -Pci) runs it
  @Test
  void stoppedHolder_isTakenOverWhenItsHeartbeatStandsStill_aLiveOneIsNot() throws Exception {
    Path log = dir.resolveSibling(dir.getFileName() + ".child.log");
    try (DiskStore watching = DiskStore.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO,
            Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofSeconds(3));
        Child child = Child.start(ChildMain.class, log, "hold-lock", dir.toString(), "4", "120000");
        LogCapture capture = new LogCapture()) {
      String pid = child.await("locked ", 60_000).substring(7);
      assertTrue(Files.readString(store.lockFile(TestKeys.key(4))).contains(" beat=1000 "), "the holder announces its heartbeat");
      // A live holder beats: waiting for it ends by the timeout only, however long it computes.
      long t0 = System.nanoTime();
      assertTrue(watching.lock(TestKeys.key(4), "simulate(n=4)", Duration.ofSeconds(5)).isEmpty());
      assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) >= 5_000);
      assertTrue(capture.messages(Level.WARNING).stream().noneMatch(m -> m.contains("heartbeat")),
          capture.messages(Level.WARNING).toString());
      assertEquals(0, new ProcessBuilder("kill", "-STOP", pid).start().waitFor());
      try {
        t0 = System.nanoTime();
        assertTrue(watching.lock(TestKeys.key(4), "simulate(n=4)", Duration.ofMinutes(10)).isEmpty());
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(waited >= 3_000 && waited < 15_000, waited + " ms");
        List<String> stale = capture.messages(Level.WARNING).stream().filter(m -> m.contains("heartbeat")).toList();
        assertEquals(1, stale.size(), capture.messages(Level.WARNING).toString());
        String m = stale.get(0);
        assertTrue(m.startsWith("MemoCache: pid " + pid + " on host "), m);
        assertTrue(m.contains(" holding the lock for simulate(n=4) has not shown a heartbeat for "), m);
        assertTrue(m.endsWith(" (stopped or frozen?) (" + dir + "); computing simulate(n=4) here too"), m);
      } finally {
        new ProcessBuilder("kill", "-CONT", pid).start().waitFor();
      }
    }
  }

  @Test
  void tombstoneLeftAtThePathByADeadDeleter_isRepaired() throws Exception {
    Path file = store.lockFile(TestKeys.key(5));
    Files.createDirectories(file.getParent());
    byte[] dead = new byte[1024];
    Files.write(file, dead); // first byte 0: a tombstone whose deleter died before unlinking it
    Tier.KeyLock l = store.lock(TestKeys.key(5), "simulate(n=5)", Duration.ofSeconds(5)).orElseThrow();
    try {
      assertTrue(Files.readString(file).startsWith("pid=" + ProcessHandle.current().pid() + " "),
          "a fresh lock file replaced the tombstone");
      assertEquals(1024, Files.size(file));
    } finally {
      l.close();
    }
  }

  @Test
  void timeoutOnAnotherProcess_warns_andADeadHolderReleasesAtOnce() throws Exception {
    Path log = dir.resolveSibling(dir.getFileName() + ".child.log");
    try (Child child = Child.start(ChildMain.class, log, "hold-lock", dir.toString(), "4", "600000");
        LogCapture capture = new LogCapture()) {
      long pid = Long.parseLong(child.await("locked ", 60_000).substring(7));
      assertTrue(store.lock(TestKeys.key(4), "simulate(n=4)", Duration.ofMillis(300)).isEmpty());
      List<String> warnings = capture.messages(Level.WARNING);
      assertTrue(warnings.stream().anyMatch(w -> w.contains("for pid " + pid) && w.contains(" holding the lock for simulate(n=4) (")
          && w.endsWith("); computing simulate(n=4) here too")),
          warnings.toString());
      child.kill();
      CountDownLatch got = new CountDownLatch(1);
      Tier.KeyLock l = store.lock(TestKeys.key(4), "simulate(n=4)", Duration.ofSeconds(30)).orElseThrow();
      got.countDown();
      l.close();
      assertEquals(0, got.getCount());
    }
  }
}
