package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.CacheKey;
import org.memocache.EntryInfo;
import org.memocache.MethodId;
import org.memocache.internal.codec.Codecs;
import org.memocache.internal.codec.RawArrayCodec;
import org.memocache.spi.Tier;
import org.memocache.internal.codec.TierValues;

class DiskTierTest extends TierTestBase {
  record Point(double x, double y) {}

  @Test
  void putThenGet_rawArray_kryoValue_andNull() {
    double[] a = {1, 2, 3};
    assertTrue(TestKeys.put(tier, TestKeys.key(1), a, TestKeys.meta("n=3")));
    assertTrue(TestKeys.put(tier, TestKeys.key(2), Map.of("p", new Point(1, 2)), TestKeys.meta("n=4")));
    assertTrue(TestKeys.put(tier, TestKeys.key(3), null, TestKeys.meta("n=5")));

    TierValues.Decoded h1 = TestKeys.get(tier, TestKeys.key(1), TestKeys.FILTER).orElseThrow();
    assertArrayEquals(a, (double[]) h1.value());
    assertEquals("raw-array", h1.info().codec());
    assertEquals("n=3", h1.info().argsSummary());
    assertEquals(Instant.parse("2026-01-02T03:04:05Z"), h1.info().created());
    assertEquals(Duration.ofMillis(1500), h1.info().computeTime());
    assertEquals("disk", h1.info().tier());
    assertEquals(TestKeys.key(1).hex(), h1.info().key());
    assertEquals(Files.exists(tier.store().entryFile(TestKeys.key(1))) ? h1.info().sizeBytes() : -1,
        sizeOf(tier.store().entryFile(TestKeys.key(1))));

    assertEquals(Map.of("p", new Point(1, 2)), TestKeys.get(tier, TestKeys.key(2), TestKeys.FILTER).orElseThrow().value());
    Optional<TierValues.Decoded> nullHit = TestKeys.get(tier, TestKeys.key(3), TestKeys.FILTER);
    assertTrue(nullHit.isPresent(), "a cached null is a hit");
    assertNull(nullHit.get().value());
    assertTrue(TestKeys.get(tier, TestKeys.key(4), TestKeys.FILTER).isEmpty());
    assertEquals(new Tier.Counters(0, 0, 0), tier.counters());
  }

  @Test
  void put_replacesAnExistingEntry() {
    TestKeys.put(tier, TestKeys.key(1), "old", TestKeys.meta("a"));
    TestKeys.put(tier, TestKeys.key(1), "new", TestKeys.meta("b"));
    assertEquals("new", TestKeys.get(tier, TestKeys.key(1), TestKeys.FILTER).orElseThrow().value());
  }

  @Test
  void layout_ownerOnly_withMarker() throws Exception {
    TestKeys.put(tier, TestKeys.key(1), "v", TestKeys.meta("a"));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    for (String d : List.of("entries", "tmp", "locks", "index", "partial")) {
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(d))), d);
    }
    Path entry = tier.store().entryFile(TestKeys.key(1));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(entry)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(entry.getParent())));
    assertEquals(dir.resolve("entries").resolve(TestKeys.SIMULATE.idHex()).resolve(TestKeys.key(1).hex().substring(0, 2))
        .resolve(TestKeys.key(1).hex() + ".memo"), entry);
    assertTrue(Files.readString(dir.resolve("MEMOCACHE")).contains("format=1"));
    assertTrue(Files.readString(entry.getParent().getParent().resolve("METHOD")).contains("name=simulate\n"));
    try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
      assertEquals(0, s.count(), "no tmp file left after a publish");
    }
  }

  @Test
  void removeAndClear() {
    MethodId other = MethodId.of("other", 0);
    TestKeys.put(tier, TestKeys.key(1), "a", TestKeys.meta("a"));
    TestKeys.put(tier, TestKeys.key(2), "b", TestKeys.meta("b"));
    TestKeys.put(tier, new CacheKey(other, 1, 1), "c", TestKeys.meta("c"));
    assertTrue(tier.remove(TestKeys.key(1)));
    assertFalse(tier.remove(TestKeys.key(1)));
    assertEquals(1, tier.clear("simulate"));
    assertTrue(TestKeys.get(tier, new CacheKey(other, 1, 1), TestKeys.FILTER).isPresent());
    assertEquals(1, tier.clear(null));
    assertTrue(TestKeys.get(tier, new CacheKey(other, 1, 1), TestKeys.FILTER).isEmpty());
  }

  @Test
  void entries_listByMethodName_withHitsFromTheIndex() {
    TestKeys.put(tier, TestKeys.key(1), new double[100], TestKeys.meta("n=100"));
    TestKeys.put(tier, TestKeys.key(2), "x", TestKeys.meta("n=2"));
    TestKeys.put(tier, new CacheKey(MethodId.of("other", 0), 1, 1), "c", TestKeys.meta("c"));
    TestKeys.get(tier, TestKeys.key(1), TestKeys.FILTER);
    TestKeys.get(tier, TestKeys.key(1), TestKeys.FILTER);
    List<EntryInfo> list = tier.entries("simulate");
    assertEquals(2, list.size());
    EntryInfo e1 = list.stream().filter(e -> e.key().equals(TestKeys.key(1).hex())).findFirst().orElseThrow();
    assertEquals("n=100", e1.argsSummary());
    assertEquals(2, e1.hits());
    assertEquals("raw-array", e1.codec());
    assertEquals(3, tier.entries(null).size());
  }

  @Test
  void entryUnderAnotherKeysName_isNeverServed() throws Exception {
    TestKeys.put(tier, TestKeys.key(1), "one", TestKeys.meta("a"));
    Path target = tier.store().entryFile(TestKeys.key(2));
    Files.createDirectories(target.getParent());
    Files.copy(tier.store().entryFile(TestKeys.key(1)), target, StandardCopyOption.REPLACE_EXISTING);
    assertTrue(TestKeys.get(tier, TestKeys.key(2), TestKeys.FILTER).isEmpty());
    assertEquals(1, tier.counters().corrupt());
    assertFalse(Files.exists(target), "the misplaced file is deleted");
    assertEquals("one", TestKeys.get(tier, TestKeys.key(1), TestKeys.FILTER).orElseThrow().value());
  }

  @Test
  void sameHashDifferentMethodVersion_isAMiss() {
    TestKeys.put(tier, TestKeys.key(1), "v1", TestKeys.meta("a"));
    MethodId v2 = new MethodId("simulate", "(IJ)[D", 2, 0x1234L);
    CacheKey k2 = new CacheKey(v2, TestKeys.key(1).hi(), TestKeys.key(1).lo());
    assertTrue(TestKeys.get(tier, k2, TestKeys.FILTER).isEmpty());
  }

  @Test
  void expiredEntry_isAMiss_byTheConfiguredClock() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05Z"));
    tier.close();
    tier = DiskTier.open(new org.memocache.internal.Config(dir, 1, Long.MAX_VALUE, Long.MAX_VALUE, Duration.ofDays(1),
        false, Duration.ofSeconds(1), List.of(), true, clock), Codecs.builtIns(), Duration.ZERO);
    TestKeys.put(tier, TestKeys.key(1), "v", TestKeys.meta("a", clock.instant()));
    assertTrue(TestKeys.get(tier, TestKeys.key(1), TestKeys.FILTER).isPresent());
    clock.advance(Duration.ofDays(1));
    assertTrue(TestKeys.get(tier, TestKeys.key(1), TestKeys.FILTER).isEmpty());
    assertEquals(0, tier.counters().corrupt(), "expired is not damaged");
  }

  @Test
  void unknownCodec_isACountedForeignMiss_andTheEntryIsKept() {
    TestKeys.put(tier, TestKeys.key(1), "kryo value", TestKeys.meta("a"));
    try (DiskTier rawOnly = DiskTier.open(TestDirs.config(dir), List.of(new RawArrayCodec()), Duration.ZERO)) {
      assertTrue(TestKeys.get(rawOnly, TestKeys.key(1), TestKeys.FILTER).isEmpty());
      assertEquals(new Tier.Counters(0, 0, 0, 1), rawOnly.counters());
      assertTrue(Files.exists(rawOnly.store().entryFile(TestKeys.key(1))), "another process's entry is kept");
    }
    assertEquals("kryo value", TestKeys.get(tier, TestKeys.key(1), TestKeys.FILTER).orElseThrow().value());
  }

  @Test
  void foreignNonEmptyDirectory_isRefused(TestInfo info) throws Exception {
    Path d = TestDirs.forTest(info).resolveSibling("foreign");
    TestDirs.deleteRecursively(d);
    Files.createDirectories(d);
    Files.writeString(d.resolve("thesis.tex"), "precious", StandardCharsets.UTF_8);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> DiskTier.open(TestDirs.config(d), Codecs.builtIns(), Duration.ZERO));
    assertTrue(e.getMessage().contains("thesis.tex"), e.getMessage());
    assertTrue(e.getMessage().contains(d.toString()), e.getMessage());
  }

  @Test
  void newerFormat_isRefused() throws Exception {
    tier.close();
    Files.writeString(dir.resolve("MEMOCACHE"), "MemoCache cache directory\nformat=2\n");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO));
    assertTrue(e.getMessage().contains("format 2"), e.getMessage());
    Files.writeString(dir.resolve("MEMOCACHE"), "MemoCache cache directory\nformat=1\n");
    tier = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO);
  }

  @Test
  void valueWithAClassTheFilterRejects_isNotStored() throws Exception {
    Tier.Metadata m = new Tier.Metadata("a", Instant.EPOCH, Duration.ZERO);
    assertFalse(TestKeys.put(tier, TestKeys.key(1), new Point(1, 2), m, c -> c.startsWith("java.")));
    assertEquals(0, tier.counters().writeFailures(), "a property of the value: the engine counts it");
    assertFalse(Files.exists(tier.store().entryFile(TestKeys.key(1))));
    assertEquals(List.of(), tier.store().tmpFiles(), "what was written is discarded");
  }

  @Test
  void closedTier_missesAndRefuses() {
    TestKeys.put(tier, TestKeys.key(1), "v", TestKeys.meta("a"));
    tier.close();
    assertTrue(TestKeys.get(tier, TestKeys.key(1), TestKeys.FILTER).isEmpty());
    assertFalse(TestKeys.put(tier, TestKeys.key(2), "v", TestKeys.meta("a")));
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (Exception e) {
      return -2;
    }
  }

  /** A clock tests move by hand. */
  static final class MutableClock extends java.time.Clock {
    private Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
