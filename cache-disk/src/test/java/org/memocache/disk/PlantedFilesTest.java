package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.CacheKey;
import org.memocache.MemoConfig;
import org.memocache.internal.Config;
import org.memocache.disk.internal.DiskStore;
import org.memocache.internal.codec.Codecs;
import org.memocache.spi.Tier;
import org.memocache.testing.LogCapture;
import org.memocache.internal.codec.TierValues;

/**
 * A cache directory is data: links and special files planted in it never make the cache open,
 * write or delete anything outside it, and never make a call, maintenance or a listing hang. Each
 * case plants something, runs calls (get, lock, put as {@code Memo} does) and maintenance, then
 * checks that the files outside are byte for byte what they were and the values are right.
 */
class PlantedFilesTest {
  private static final Duration FAST = Duration.ofSeconds(20);

  private Path base;
  private Path dir;
  private Path outside;
  private final LogCapture log = new LogCapture();

  @BeforeEach
  void setUp(TestInfo info) throws IOException {
    base = TestDirs.forTest(info);
    dir = base.resolve("cache");
    outside = base.resolve("outside");
    Files.createDirectories(outside);
    // The cache's own folders, made by a first open: the cases below replace some of them.
    DiskStore.open(config(null), Codecs.builtIns(), Duration.ZERO).close();
  }

  @AfterEach
  void tearDown() {
    log.close();
  }

  private MemoConfig config(Duration expireAfter) {
    return new Config(dir, 1 << 20, Long.MAX_VALUE, Long.MAX_VALUE, expireAfter, false, Duration.ofMinutes(2),
        List.of("org.memocache.disk"), true, Clock.systemUTC());
  }

  private DiskStore open() throws IOException {
    return DiskStore.open(config(null), Codecs.builtIns(), Duration.ZERO);
  }

  /** What Memo does for one call at tier level: get, lock, get again, compute and put, release. */
  private static String call(DiskStore store, CacheKey key, String value) {
    Optional<TierValues.Decoded> hit = TestKeys.get(store, key, TestKeys.FILTER);
    if (hit.isPresent()) {
      return (String) hit.get().value();
    }
    Optional<Tier.KeyLock> lock = store.lock(key, "simulate", Duration.ofSeconds(2));
    try {
      hit = TestKeys.get(store, key, TestKeys.FILTER);
      if (hit.isPresent()) {
        return (String) hit.get().value();
      }
      TestKeys.put(store, key, value, TestKeys.meta("k"));
      return value;
    } finally {
      lock.ifPresent(Tier.KeyLock::close);
    }
  }

  /** Every file and link under {@code root} with its bytes (or link target), for before/after comparison. */
  private static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String rel = root.relativize(p).toString();
        if (a.isSymbolicLink()) {
          out.put(rel, "link:" + Files.readSymbolicLink(p));
        } else if (a.isRegularFile()) {
          out.put(rel, "file:" + a.lastModifiedTime() + ":" + new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
        } else {
          out.put(rel, a.isDirectory() ? "dir" : "other");
        }
      }
    }
    return out;
  }

  private Path outsideFile(String name, String content) throws IOException {
    Path f = outside.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
    return f;
  }

  private static void replaceWithLink(Path p, Path target) throws IOException {
    TestDirs.deleteRecursively(p);
    Files.createDirectories(p.getParent());
    Files.createSymbolicLink(p, target);
  }

  private static void mkfifo(Path p) throws Exception {
    Files.createDirectories(p.getParent());
    Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
    assumeTrue(mk.waitFor() == 0, "mkfifo is not available");
  }

  private String oneWarning(String fragment) {
    List<String> w = log.messages(Level.WARNING).stream().filter(m -> m.contains(fragment)).toList();
    assertEquals(1, w.size(), "one warning about " + fragment + ": " + log.messages(Level.WARNING));
    return w.get(0);
  }

  private void maintainAndCheck(DiskStore store, Map<String, String> before) throws IOException {
    store.maintain();
    assertEquals(before, snapshot(outside), "nothing outside the cache directory changed");
  }

  @Test
  void lockFileLinkedToAFileOutside_isNeverWritten() throws Exception {
    Path notes = outsideFile("notes.txt", "my notes, not a lock");
    CacheKey key = TestKeys.key(1);
    Map<String, String> before;
    try (DiskStore store = open()) {
      replaceWithLink(store.lockFile(key), notes);
      before = snapshot(outside);
      assertEquals("v1", call(store, key, "v1"));
      assertEquals("v1", call(store, key, "other"), "stored, read back");
      maintainAndCheck(store, before);
      assertTrue(Files.isSymbolicLink(store.lockFile(key)), "the planted link is left alone");
      assertEquals("MemoCache: " + store.lockFile(key) + " is a symbolic link where the cache expects a regular"
          + " file; it is left alone (never opened, written through or deleted)", oneWarning("is a symbolic link"));
    }
    assertEquals("my notes, not a lock", Files.readString(notes));
  }

  @Test
  void maintenanceLockLinkedToAFile_maintenanceNeverWritesIt() throws Exception {
    Path notes = outsideFile("notes.txt", "keep me");
    replaceWithLink(dir.resolve("locks/maintenance.lock"), notes);
    Map<String, String> before = snapshot(outside);
    try (DiskStore store = open()) {
      assertEquals("v", call(store, TestKeys.key(2), "v"));
      assertFalse(store.maintain().ran(), "no maintenance through a planted lock");
      maintainAndCheck(store, before);
      oneWarning("maintenance.lock is a symbolic link");
    }
  }

  @Test
  void lockFolderLinkedToAProject_noLockFileInItIsDeleted() throws Exception {
    CacheKey key = TestKeys.key(3);
    outsideFile("project/Cargo.lock", "cargo");
    outsideFile("project/yarn.lock", "yarn");
    try (DiskStore store = open()) {
      Path kk = store.lockFile(key).getParent();
      outsideFile("project/" + store.lockFile(key).getFileName(), "named like the key's lock");
      replaceWithLink(kk, outside.resolve("project"));
      Map<String, String> before = snapshot(outside);
      assertEquals("v", call(store, key, "v"));
      assertEquals("v", call(store, key, "w"));
      maintainAndCheck(store, before);
      oneWarning(kk + " is a symbolic link where the cache expects a directory");
    }
  }

  @Test
  void tmpLinkedToAFolder_oldFilesThereAreKept_storesFailButValuesAreReturned() throws Exception {
    Path old = outsideFile("scratch/old.tmp", "two hours old");
    Path orphanLike = outsideFile("scratch/0000000000000000-00000000000000000000000000000000.1-2-3.5.tmp", "x");
    FileTime twoHoursAgo = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
    Files.setLastModifiedTime(old, twoHoursAgo);
    Files.setLastModifiedTime(orphanLike, twoHoursAgo);
    replaceWithLink(dir.resolve("tmp"), outside.resolve("scratch"));
    Map<String, String> before = snapshot(outside);
    try (DiskStore store = open()) {
      assertEquals("v", call(store, TestKeys.key(4), "v"));
      assertEquals("w", call(store, TestKeys.key(4), "w"), "not stored: computed again");
      assertEquals(2, store.counters().writeFailures());
      maintainAndCheck(store, before);
      oneWarning("tmp is a symbolic link where the cache expects a directory");
    }
  }

  @Test
  void progressFolderLinkedToAFolder_itsFilesAreKept() throws Exception {
    CacheKey key = TestKeys.key(5);
    outsideFile("work/report.txt", "important");
    outsideFile("work/chunk-00000000.part", "named like a chunk");
    Path partial = dir.resolve("partial").resolve(key.hex());
    replaceWithLink(partial, outside.resolve("work"));
    Files.setLastModifiedTime(outside.resolve("work/report.txt"), FileTime.from(Instant.now().minus(Duration.ofDays(9))));
    Map<String, String> before = snapshot(outside);
    try (DiskStore store = DiskStore.open(config(Duration.ofMinutes(1)), Codecs.builtIns(), Duration.ZERO)) {
      assertTrue(store.partials().open(key, "k", TestKeys.FILTER).isEmpty(), "no progress is recorded through it");
      assertTrue(store.partials().read(key, TestKeys.FILTER).isEmpty());
      assertEquals("v", call(store, key, "v"));
      maintainAndCheck(store, before);
    }
    oneWarning(partial + " is a symbolic link where the cache expects a directory");
  }

  @Test
  void progressOfACompletedComputation_linkedToAFolder_isNotEmptiedOnCompletion() throws Exception {
    CacheKey key = TestKeys.key(6);
    outsideFile("work/report.txt", "important");
    try (DiskStore store = open()) {
      Tier.PartialWriter w = store.partials().open(key, "k", TestKeys.FILTER).orElseThrow();
      assertTrue(w.append(0, "chunk 0", Duration.ZERO));
      Path partial = dir.resolve("partial").resolve(key.hex());
      replaceWithLink(partial, outside.resolve("work"));
      Map<String, String> before = snapshot(outside);
      w.complete();
      maintainAndCheck(store, before);
    }
  }

  @Test
  void methodFolderLinkedElsewhere_nothingIsWrittenThere() throws Exception {
    CacheKey key = TestKeys.key(7);
    outsideFile("elsewhere/README", "not a cache");
    Path m = dir.resolve("entries").resolve(key.method().idHex());
    replaceWithLink(m, outside.resolve("elsewhere"));
    Map<String, String> before = snapshot(outside);
    try (DiskStore store = open()) {
      assertEquals("v", call(store, key, "v"));
      assertEquals("w", call(store, key, "w"), "not stored: computed again");
      assertFalse(store.remove(key));
      assertEquals(0, store.clear(null));
      assertTrue(store.entries(null).isEmpty());
      maintainAndCheck(store, before);
    }
    oneWarning(m + " is a symbolic link where the cache expects a directory");
  }

  @Test
  void keyFolderLinkedElsewhere_nothingIsWrittenThere() throws Exception {
    CacheKey key = TestKeys.key(8);
    outsideFile("elsewhere/README", "not a cache");
    Map<String, String> before;
    try (DiskStore store = open()) {
      Path kk = store.entryFile(key).getParent();
      Files.createDirectories(kk.getParent());
      replaceWithLink(kk, outside.resolve("elsewhere"));
      before = snapshot(outside);
      assertEquals("v", call(store, key, "v"));
      assertEquals("w", call(store, key, "w"));
      maintainAndCheck(store, before);
      try (CacheDirectory cd = CacheDirectory.open(dir)) {
        assertTrue(cd.entries().isEmpty());
        assertEquals(0, cd.verify(false, VerifyListener.NONE).damaged().size());
      }
    }
    assertEquals(before, snapshot(outside));
  }

  // ---- special files ----

  @Test
  void entryFileLinkedToAnEntryOutside_isNeitherReadNorDescribed() throws Exception {
    CacheKey key = TestKeys.key(11);
    try (DiskStore store = open()) {
      assertEquals("v", call(store, key, "v"));
      Path copy = outside.resolve("entry.memo");
      Files.copy(store.entryFile(key), copy);
      replaceWithLink(store.entryFile(key), copy);
      Map<String, String> before = snapshot(outside);
      assertTrue(store.info(key).isEmpty(), "no metadata through a link");
      assertTrue(TestKeys.get(store, key, TestKeys.FILTER).isEmpty(), "no value through a link");
      assertEquals(before, snapshot(outside));
    }
  }

  @Test
  void fifoAtAnEntryPath_isAMissNotAHang_andListingsSkipIt() throws Exception {
    CacheKey key = TestKeys.key(9);
    CacheKey other = TestKeys.key(10);
    try (DiskStore store = open()) {
      mkfifo(store.entryFile(other));
      assertTimeoutPreemptively(FAST, () -> {
        assertEquals("v", call(store, key, "v"));
        assertTrue(TestKeys.get(store, other, TestKeys.FILTER).isEmpty(), "a FIFO is a miss");
        assertTrue(store.info(other).isEmpty(), "and has no metadata");
        assertEquals(1, store.entries(null).size(), "listed: the real entry only");
        store.maintain();
        try (CacheDirectory cd = CacheDirectory.open(dir)) {
          assertEquals(1, cd.entries().size());
          VerifyReport r = cd.verify(true, VerifyListener.NONE);
          assertEquals(1, r.files());
          assertTrue(r.damaged().isEmpty(), r.damaged().toString());
        }
      });
      assertEquals(0, store.counters().corrupt(), "a foreign file is not damage");
      assertFalse(Files.isRegularFile(store.entryFile(other)), "left alone");
      assertTrue(Files.exists(store.entryFile(other), LinkOption.NOFOLLOW_LINKS));
      assertTimeoutPreemptively(FAST, () -> assertEquals("o", call(store, other, "o")));
      assertEquals("o", TestKeys.get(store, other, TestKeys.FILTER).orElseThrow().value(), "the store replaced the FIFO");
    }
    oneWarning("is a special file (FIFO, socket or device) where the cache expects a regular file");
  }

  @Test
  void fifoAtALockPath_computesWithoutTheLock() throws Exception {
    CacheKey key = TestKeys.key(11);
    try (DiskStore store = open()) {
      mkfifo(store.lockFile(key));
      assertTimeoutPreemptively(FAST, () -> {
        assertEquals("v", call(store, key, "v"));
        assertEquals("v", call(store, key, "w"));
        store.maintain();
      });
      assertTrue(Files.exists(store.lockFile(key), LinkOption.NOFOLLOW_LINKS), "left alone");
    }
  }

  @Test
  void fifoAtJournalPaths_neitherTheWriterNorTheMaintainerHangs() throws Exception {
    Path index = dir.resolve("index");
    // A journal name of a process on another host: the maintainer reads every journal it finds.
    mkfifo(index.resolve("journal-0badc0de-4242-abc-1-1.log"));
    try (DiskStore first = open()) {
      assertTimeoutPreemptively(FAST, () -> assertEquals("a", call(first, TestKeys.key(12), "a")));
      String own;
      try (Stream<Path> s = Files.list(index)) {
        own = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("journal-") && !n.contains("0badc0de"))
            .findFirst().orElseThrow();
      }
      // The next store of this JVM takes the next instance number: plant a FIFO under its first journal name.
      String[] p = own.substring(0, own.length() - ".log".length()).split("-");
      int instance = Integer.parseInt(p[4]);
      String next = "journal-" + p[1] + "-" + p[2] + "-" + p[3] + "-" + (instance + 1) + "-1.log";
      mkfifo(index.resolve(next));
      try (DiskStore second = open()) {
        assertTimeoutPreemptively(FAST, () -> {
          assertEquals("b", call(second, TestKeys.key(13), "b"));
          second.maintain();
          assertEquals(2, second.entries(null).size());
        });
        assertTrue(Files.isRegularFile(index.resolve(next.replace("-1.log", "-2.log"))),
            "the journal took the next name");
      }
      assertFalse(Files.isRegularFile(index.resolve(next)), "the FIFO is left alone");
    }
  }

  @Test
  void fifoAtTheIndex_maintenanceRebuildsIt() throws Exception {
    mkfifo(dir.resolve("index/index.db"));
    try (DiskStore store = open()) {
      assertTimeoutPreemptively(FAST, () -> {
        assertEquals("v", call(store, TestKeys.key(14), "v"));
        assertTrue(store.maintain().ran());
        assertEquals(1, store.maintain().entries());
      });
      assertTrue(Files.isRegularFile(dir.resolve("index/index.db"), LinkOption.NOFOLLOW_LINKS));
    }
  }

  @Test
  void indexLinkedToAFileOutside_isNeverWritten() throws Exception {
    Path notes = outsideFile("notes.txt", "keep me");
    replaceWithLink(dir.resolve("index/index.db"), notes);
    Map<String, String> before = snapshot(outside);
    try (DiskStore store = open()) {
      assertEquals("v", call(store, TestKeys.key(15), "v"));
      assertTrue(store.maintain().ran());
      assertEquals(before, snapshot(outside));
    }
  }
}
