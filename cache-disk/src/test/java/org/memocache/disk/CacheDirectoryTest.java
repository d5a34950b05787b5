package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.EntryInfo;
import org.memocache.Memo;
import org.memocache.MethodStats;
import org.memocache.disk.internal.EntryHeader;
import org.memocache.disk.internal.EntryReader;
import org.memocache.partial.Progress;

/** The inspection API the CLI is built on, on a real directory written by a Memo. */
class CacheDirectoryTest {
  private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

  /** A stored value of a class outside the JDK: needs a wider filter to load. */
  record Fit(double slope, double intercept) {}

  private Path dir;
  private DiskTierTest.MutableClock clock;
  private String a;
  private String b;
  private String c;

  /**
   * Day 0: a = double[20000]; day 1: b = int[10]; day 2: c = a Fit; day 3: a is read again. A
   * progressive computation died after 2 chunks.
   */
  @BeforeEach
  void fill(TestInfo info) {
    dir = TestDirs.forTest(info);
    clock = new DiskTierTest.MutableClock(T0);
    try (Memo memo = Memo.builder().directory(dir).clock(clock).build()) {
      memo.call("a", () -> new double[20_000], 1);
      clock.advance(Duration.ofDays(1));
      memo.call("b", () -> new int[10], 2);
      clock.advance(Duration.ofDays(1));
      memo.call("c", () -> new Fit(2, 1), 3);
      clock.advance(Duration.ofDays(1));
      try (Memo reader = Memo.builder().directory(dir).clock(clock).build()) {
        reader.call("a", () -> new double[0], 1);
      }
      assertThrows(IllegalStateException.class, () -> memo.progressive("sweep", (Progress<Integer, int[]> p) -> {
        p.append(new int[] {1}, 1);
        p.append(new int[] {2}, 2);
        throw new IllegalStateException("died");
      }, 9));
      a = memo.method("a").keyOf(1).orElseThrow().hex();
      b = memo.method("b").keyOf(2).orElseThrow().hex();
      c = memo.method("c").keyOf(3).orElseThrow().hex();
    }
  }

  @Test
  void open_refusesWhatIsNotACacheDirectory_andCreatesNothing() throws Exception {
    Path missing = dir.resolveSibling("missing");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CacheDirectory.open(missing));
    assertTrue(e.getMessage().contains("no such cache directory"), e.getMessage());
    assertFalse(Files.exists(missing));
    Path plain = Files.createDirectories(dir.resolveSibling("plain"));
    Files.writeString(plain.resolve("notes.txt"), "hello");
    e = assertThrows(IllegalArgumentException.class, () -> CacheDirectory.open(plain));
    assertEquals(plain.toAbsolutePath().normalize() + " is not a MemoCache directory (it has no MEMOCACHE marker)",
        e.getMessage());
    assertEquals(List.of("notes.txt"), Files.list(plain).map(p -> p.getFileName().toString()).toList());
  }

  @Test
  void listsMethodsEntriesAndDetails_findsByPrefix_loadsAndViews() {
    try (CacheDirectory cd = CacheDirectory.open(dir, clock)) {
      List<MethodStats> methods = cd.methods();
      assertEquals(Set.of("a", "b", "c"), methods.stream().map(m -> m.method().name()).collect(Collectors.toSet()));
      MethodStats ma = methods.stream().filter(m -> m.method().name().equals("a")).findFirst().orElseThrow();
      assertEquals(1, ma.entries());
      assertEquals(1, ma.hits());
      assertEquals(T0.plus(Duration.ofDays(3)), ma.lastAccess());
      assertEquals(3, cd.entries().size());
      assertEquals(List.of(b), cd.entries("b").stream().map(EntryInfo::key).toList());

      List<EntryDetails> found = cd.find(a.substring(0, 3).toUpperCase());
      assertTrue(found.stream().anyMatch(d -> d.info().key().equals(a)), found::toString);
      EntryDetails d = cd.details(a).orElseThrow();
      assertEquals("[D", d.valueType());
      assertEquals(64 + 8 * 20_000, d.payloadLength());
      assertEquals(3, d.blocks());
      assertEquals(1, d.info().hits());
      assertTrue(d.toString().contains("value      [D (raw-array v1"), d.toString());
      assertThrows(IllegalArgumentException.class, () -> cd.find(""));
      assertThrows(IllegalArgumentException.class, () -> cd.details(a.substring(1)));
      assertTrue(cd.details("f".repeat(32)).isEmpty());

      assertArrayEquals(new double[20_000], (double[]) cd.load(a).orElseThrow().value());
      assertTrue(cd.load(c).isEmpty(), "a Fit is not a JDK value type");
      assertTrue(Files.exists(cd.details(c).orElseThrow().file()), "and it is not deleted for that");
      assertEquals(new Fit(2, 1), cd.load(c, n -> n.startsWith("org.memocache.disk.")).orElseThrow().value());
      assertEquals(20_000, cd.view(a).orElseThrow().doubles().size());
      assertThrows(IllegalArgumentException.class, () -> cd.view(c));
    }
  }

  @Test
  void verify_findsTheDamagedFile_reportsProgress_andDeletesOnlyWhenAsked() throws Exception {
    Path bFile;
    try (CacheDirectory cd = CacheDirectory.open(dir, clock)) {
      bFile = cd.details(b).orElseThrow().file();
    }
    EntryHeader h = EntryReader.readHeader(bFile);
    try (RandomAccessFile f = new RandomAccessFile(bFile.toFile(), "rw")) {
      f.seek(h.payloadOffset() + 70);
      f.write(0x7f);
    }
    List<String> events = new ArrayList<>();
    long[] last = {0, 0};
    VerifyListener listener = new VerifyListener() {
      @Override
      public void started(long files, long bytes) {
        events.add("started " + files);
      }

      @Override
      public void progress(long filesDone, long bytesDone) {
        last[0] = filesDone;
        last[1] = bytesDone;
      }

      @Override
      public void damaged(VerifyReport.Damage damage) {
        events.add("damaged " + damage.key());
      }
    };
    try (CacheDirectory cd = CacheDirectory.open(dir, clock)) {
      VerifyReport r = cd.verify(false, listener);
      assertEquals(List.of("started 6", "damaged " + b), events, "3 entries, 2 chunks, 1 checkpoint");
      assertEquals(6, r.files());
      assertEquals(6, last[0]);
      assertFalse(r.ok());
      VerifyReport.Damage d = r.damaged().get(0);
      assertEquals(bFile, d.file());
      assertEquals("b", d.method());
      assertEquals("block 0 of 1 does not match its checksum", d.problem());
      assertFalse(d.deleted());
      assertTrue(Files.exists(bFile));

      VerifyReport fixed = cd.verify(true, VerifyListener.NONE);
      assertTrue(fixed.damaged().get(0).deleted());
      assertFalse(Files.exists(bFile));
      assertTrue(cd.verify(false, VerifyListener.NONE).ok());
    }
  }

  @Test
  void recordedProgress_isListedAndDeleted() {
    try (CacheDirectory cd = CacheDirectory.open(dir, clock)) {
      List<PartialInfo> ps = cd.partials();
      assertEquals(1, ps.size());
      PartialInfo p = ps.get(0);
      assertEquals("sweep", p.method());
      assertEquals("9", p.argsSummary());
      assertEquals(2, p.chunks());
      assertEquals(2, p.checkpoint());
      assertFalse(p.running());
      assertTrue(p.bytes() > 0);
      assertTrue(cd.deletePartial(p.key()));
      assertFalse(Files.exists(p.directory()));
      assertEquals(List.of(), cd.partials());
    }
  }

  @Test
  void prune_byAge_dryRunFirst_thenByCountLeastRecentlyUsedFirst() {
    try (CacheDirectory cd = CacheDirectory.open(dir, clock)) {
      PruneReport dry = cd.prune(Prune.nothing().olderThan(Duration.ofHours(60)).dryRun(true));
      assertTrue(dry.dryRun());
      assertEquals(List.of(a), dry.removed().stream().map(EntryInfo::key).toList(), "only a is older than 2.5 days");
      assertEquals(3, cd.entries().size(), "a dry run removes nothing");

      PruneReport r = cd.prune(Prune.nothing().maxEntries(1));
      assertEquals(Set.of(b, c), r.removed().stream().map(EntryInfo::key).collect(Collectors.toSet()),
          "a was read on day 3, so it is the most recently used");
      assertEquals(1, r.remainingEntries());
      assertEquals(List.of(a), cd.entries().stream().map(EntryInfo::key).toList());

      clock.advance(Duration.ofDays(10));
      PruneReport partials = cd.prune(Prune.nothing().partialsOlderThan(Duration.ofDays(5)));
      assertEquals(List.of("sweep"), partials.removedPartials().stream().map(PartialInfo::method).toList());
      assertEquals(List.of(), cd.partials());
    }
    assertThrows(IllegalArgumentException.class, () -> Prune.nothing().maxBytes(-5));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Prune.nothing().olderThan(Duration.ZERO));
    assertEquals("olderThan must be positive, was PT0S", e.getMessage());
  }

  @Test
  void deleteAndClear() {
    try (CacheDirectory cd = CacheDirectory.open(dir, clock)) {
      assertTrue(cd.delete(b));
      assertFalse(cd.delete(b));
      assertEquals(1, cd.clear("c"));
      assertEquals(List.of(a), cd.entries().stream().map(EntryInfo::key).toList());
      assertEquals(1, cd.clear(null));
      assertEquals(List.of(), cd.entries());
      assertEquals(List.of(), cd.partials(), "clear(null) removes stopped progress too");
    }
  }
}
