package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.CacheKey;
import org.memocache.EntryInfo;
import org.memocache.Memo;
import org.memocache.MemoRuntime;
import org.memocache.MemoizeSettings;
import org.memocache.MemoizedMethod;
import org.memocache.MethodId;
import org.memocache.MethodStats;
import org.memocache.disk.woven.Fitter;
import org.memocache.disk.woven.Plain;
import org.memocache.disk.woven.Remote;
import org.memocache.disk.woven.Woven;
import org.memocache.view.DoubleView;
import org.memocache.testing.Child;

/**
 * Looking up, listing, loading and deleting stored results without computing them: programmatic
 * names, annotated methods (woven by calling {@code MemoRuntime} as the advice does), methods the
 * agent was told to memoize, and woven methods whose results another process stored.
 */
class InspectionTest {
  private Path dir;
  private Memo memo;

  @BeforeEach
  void open(TestInfo info) {
    dir = TestDirs.forTest(info);
    memo = Memo.builder().directory(dir).build();
    MemoRuntime.install(memo);
  }

  @AfterEach
  void close() {
    memo.close();
  }

  private DiskTier tier() {
    return (DiskTier) memo.tiers().get(0);
  }

  @Test
  void programmatic_lookupListLoadDelete() {
    Instant before = Instant.now().minusSeconds(1);
    double[] a = {1, 2, 3};
    memo.call("simulate", () -> a, 1000, 7L);
    memo.call("simulate", () -> new double[] {4}, 10, 1L);
    memo.call("other", () -> "x", 1);
    MemoizedMethod sim = memo.method("simulate");
    assertEquals("simulate", sim.name());
    assertArrayEquals(a, sim.<double[]>lookup(1000, 7L).orElseThrow().value());
    assertTrue(sim.contains(10, 1L));
    assertFalse(sim.contains(10, 2L));

    // A second process (here: a second Memo on the directory) reads one entry: a counted hit.
    try (Memo other = Memo.builder().directory(dir).build()) {
      assertArrayEquals(a, other.call("simulate", () -> new double[0], 1000, 7L));
    }
    List<EntryInfo> entries = sim.entries();
    assertEquals(2, entries.size());
    EntryInfo e = entries.stream().filter(i -> i.argsSummary().equals("1000, 7")).findFirst().orElseThrow();
    CacheKey key = memo.method("simulate").keyOf(1000, 7L).orElseThrow();
    assertEquals(key.hex(), e.key());
    assertEquals("simulate", e.method());
    assertEquals("raw-array", e.codec());
    assertEquals("disk", e.tier());
    assertEquals(1, e.hits());
    assertTrue(e.created().isAfter(before) && !e.created().isAfter(Instant.now()), e::toString);
    assertFalse(e.lastAccess().isBefore(e.created()), e::toString);
    assertTrue(e.computeTime().toNanos() > 0, e::toString);
    assertEquals(sizeOf(tier().store().entryFile(key)), e.sizeBytes());

    // By key, from a fresh Memo that never called the method.
    try (Memo fresh = Memo.builder().directory(dir).build()) {
      List<MethodStats> methods = fresh.methods();
      assertEquals(2, methods.size(), methods::toString);
      MethodStats s = methods.stream().filter(m -> m.method().name().equals("simulate")).findFirst().orElseThrow();
      assertEquals(2, s.entries());
      assertEquals(1, s.hits());
      // One hit: its compute time less what the read took (an instant computation saved nothing).
      assertTrue(s.timeSaved().compareTo(e.computeTime()) <= 0 && !s.timeSaved().isNegative(), s::toString);
      assertEquals(entries.stream().mapToLong(EntryInfo::sizeBytes).sum(), s.bytes());
      assertArrayEquals(a, fresh.<double[]>lookupKey(e.key()).orElseThrow().value());
      assertTrue(fresh.lookupKey("0".repeat(32)).isEmpty());
      assertThrows(IllegalArgumentException.class, () -> fresh.lookupKey("xyz"));
    }

    assertTrue(sim.invalidate(1000, 7L));
    assertFalse(Files.exists(tier().store().entryFile(key)));
    assertTrue(sim.lookup(1000, 7L).isEmpty());
    assertEquals(1, sim.entries().size());
    assertEquals(1, sim.clear());
    assertEquals(List.of(), sim.entries());
    assertEquals(1, memo.method("other").entries().size(), "other methods untouched");
  }

  @Test
  void info_readsTheHeaderNotTheValue_andCountsNoHit() throws Exception {
    int n = 4_000_000; // 32 MB: served from the disk tier, not kept in memory
    memo.call("big", () -> {
      sleep(30);
      return new double[n];
    }, n);
    memo.call("small", () -> "x", 1);
    CacheKey key = memo.method("big").keyOf(n).orElseThrow();
    Path file = tier().store().entryFile(key);

    EntryInfo inMemory = memo.method("small").info(1).orElseThrow();
    assertEquals("memory", inMemory.tier());
    try (Memo fresh = Memo.builder().directory(dir).build()) {
      EntryInfo e = fresh.method("big").info(n).orElseThrow();
      assertEquals(key.hex(), e.key());
      assertEquals("disk", e.tier());
      assertEquals("raw-array", e.codec());
      assertEquals(Files.size(file), e.sizeBytes());
      assertTrue(e.computeTime().toMillis() >= 30, e::toString);
      assertTrue(fresh.method("big").info(n + 1).isEmpty());
      assertEquals(0, fresh.stats().hits(), "a look is not a hit");
    }
    try (Memo fresh = Memo.builder().directory(dir).build()) {
      assertEquals(0, fresh.method("big").entries().get(0).hits(), "and no access was journaled");
    }

    // The payload is not read: a damaged one is found by the read that uses it, which deletes it.
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
        java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
      long at = Files.size(file) / 2;
      ch.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 1)).rewind();
      ch.write(b, at);
    }
    try (Memo fresh = Memo.builder().directory(dir).build()) {
      assertTrue(fresh.method("big").info(n).isPresent());
      assertTrue(fresh.method("big").lookup(n).isEmpty());
      assertFalse(Files.exists(file));
      assertTrue(fresh.method("big").info(n).isEmpty());
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void annotatedMethod_calledHere_isAddressedByClassAndByName() {
    int before = Fitter.FITS.get();
    double[] r = Woven.fit(100, 3L);
    assertArrayEquals(r, Woven.fit(100, 3L));
    assertEquals(before + 1, Fitter.FITS.get(), "the second call is a hit");

    MemoizedMethod fit = memo.method(Fitter.class, "fit", int.class, long.class);
    assertEquals("org.memocache.disk.woven.Fitter#fit(int,long)", fit.toString());
    assertEquals("org.memocache.disk.woven.Fitter#fit", fit.name());
    MethodId id = fit.identity().orElseThrow();
    assertEquals("(IJ)[D", id.descriptor());
    assertEquals(Woven.FINGERPRINT, id.codeFingerprint());
    assertArrayEquals(r, fit.<double[]>lookup(100, 3L).orElseThrow().value());
    assertTrue(fit.lookup(100, 4L).isEmpty());
    assertArrayEquals(r, fit.view(DoubleView.class, 100, 3L).orElseThrow().toArray(), "views of woven results too");
    assertEquals(1, fit.entries().size());
    assertEquals(tier().store().entryFile(fit.keyOf(100, 3L).orElseThrow()).getFileName().toString(),
        fit.entries().get(0).key() + ".memo");

    MemoizedMethod byName = memo.method("org.memocache.disk.woven.Fitter#fit");
    assertEquals(fit.toString(), byName.toString());
    assertTrue(byName.contains(100, 3L));
    assertThrows(IllegalArgumentException.class, () -> fit.lookup(100));

    assertTrue(fit.invalidate(100, 3L));
    Woven.fit(100, 3L);
    assertEquals(before + 2, Fitter.FITS.get(), "computed again after invalidate");
  }

  @Test
  void instanceMethod_withReceiverInTheKey_needsABoundReceiver() {
    double[] x = {1, 2, 3};
    assertEquals(12.0, Woven.score(new Fitter(2), x));
    MemoizedMethod score = memo.method(Fitter.class, "score", double[].class);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> score.lookup((Object) x));
    assertTrue(e.getMessage().contains("bind(receiver)"), e.getMessage());
    assertEquals(12.0, score.bind(new Fitter(2)).<Double>lookup((Object) x).orElseThrow().value());
    assertTrue(score.bind(new Fitter(3)).lookup((Object) x).isEmpty(), "another receiver state, another key");
    assertThrows(IllegalStateException.class, () -> memo.method(Fitter.class, "fit", int.class, long.class)
        .bind(new Fitter(1)));
  }

  @Test
  void methodNamedToTheAgent_isAddressedLikeAnAnnotatedOne() {
    MemoRuntime.define(Plain.class.getName(), "square(I)J", MemoizeSettings.defaults());
    assertEquals(144L, Woven.square(12));
    MemoizedMethod square = memo.method(Plain.class, "square", int.class);
    assertEquals(144L, square.<Long>lookup(12).orElseThrow().value());
    assertEquals(1, memo.method(Plain.class.getName() + "#square").entries().size());

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> memo.method(Woven.class, "square", int.class));
    assertTrue(e.getMessage().contains("is not memoized"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> memo.method(Plain.class, "cube", int.class));
  }

  /**
   * The results of a woven method stored by other processes are found from a JVM that never called
   * it (so never learned its bytecode fingerprint): the identity comes from the directory, the code
   * that ran most recently winning.
   */
  @Test
  void wovenMethodCalledOnlyElsewhere_resolvesItsIdentityFromTheDirectory(TestInfo info) throws Exception {
    Path base = dir.getParent().resolve(dir.getFileName() + "-logs");
    MemoizedMethod counts = memo.method(Remote.class, "counts", int.class);
    assertTrue(counts.identity().isEmpty(), "nothing stored yet, never called here");
    assertTrue(counts.lookup(5).isEmpty());
    for (String fingerprint : new String[] {"a1", "b2"}) {
      try (Child c = Child.start(ChildMain.class, base.resolve(fingerprint + ".log"), "woven-remote", dir.toString(), fingerprint, "5")) {
        assertEquals("counts [0, 1, 4, 9, 16]", c.await("counts ", 60_000));
        assertEquals(0, c.waitFor(60_000));
      }
      Thread.sleep(5); // distinct creation times
    }
    MemoizedMethod again = memo.method(Remote.class, "counts", int.class);
    assertEquals(0xb2L, again.identity().orElseThrow().codeFingerprint(), "the newest code");
    assertArrayEquals(new int[] {0, 1, 4, 9, 16}, again.<int[]>lookup(5).orElseThrow().value());
    List<MethodStats> versions = again.stats();
    assertEquals(2, versions.size(), "one identity per fingerprint");
    versions.sort(Comparator.comparing(MethodStats::newest));
    assertEquals(0xa1L, versions.get(0).method().codeFingerprint());
  }
}
