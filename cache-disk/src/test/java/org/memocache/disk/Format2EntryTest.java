package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.memocache.CacheKey;
import org.memocache.EntryInfo;
import org.memocache.disk.internal.EntryHeader;
import org.memocache.disk.internal.EntryReader;
import org.memocache.spi.Tier;
import org.memocache.testing.LogCapture;

/**
 * Entries of format 2 (XXH3 checksums), left by the previous version in a shared directory: never
 * served to a program and never deleted by its reads, but listed, verified by {@code verify} and
 * shown by the command line ({@code CacheDirectory.load} and {@code view}).
 */
class Format2EntryTest extends TierTestBase {
  private static double[] doubles(int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = i * 0.5 - 3;
    }
    return a;
  }

  /** A small raw array (read whole), a big one (streamed, many blocks) and a Kryo value. */
  private static final List<Object> VALUES = List.of(doubles(10), doubles(300_000),
      Map.of("k", List.of(1.5, 2.5)));

  @Test
  void format2Entries_areForeignMisses_kept_listed_andVerifiedFine() throws Exception {
    for (int i = 0; i < VALUES.size(); i++) {
      CacheKey key = TestKeys.key(i);
      assertTrue(TestKeys.put(tier, key, VALUES.get(i), TestKeys.meta("v" + i)));
      Format2Entries.rewrite(tier.store().entryFile(key));
      assertEquals(2, EntryReader.readHeader(tier.store().entryFile(key)).formatVersion());
    }
    try (LogCapture log = new LogCapture()) {
      for (int i = 0; i < VALUES.size(); i++) {
        CacheKey key = TestKeys.key(i);
        assertTrue(TestKeys.get(tier, key, TestKeys.FILTER).isEmpty(), "get of format 2 entry " + i);
        assertTrue(tier.map(key).isEmpty(), "map of format 2 entry " + i);
        assertTrue(Files.exists(tier.store().entryFile(key)), "kept: " + i);
      }
      assertEquals(new Tier.Counters(0, 0, 0, 2L * VALUES.size()), tier.counters());
      assertEquals(List.of("MemoCache: a stored result of simulate in " + dir + " was written in entry format 2;"
          + " this version reads format " + EntryHeader.FORMAT_VERSION + "; this program does not use it (a miss)"
          + " and leaves it in place"), log.messages(Level.WARNING));
    }
    assertEquals(List.of("v0", "v1", "v2"), tier.entries(null).stream().map(EntryInfo::argsSummary).sorted().toList(),
        "listed");
    tier.maintain();
    try (CacheDirectory cd = CacheDirectory.open(dir)) {
      VerifyReport r = cd.verify(true, VerifyListener.NONE);
      assertEquals(List.of(), r.damaged());
      assertEquals(VALUES.size(), r.files());
      // The command line still shows old entries' values, verified with their XXH3 checksums.
      for (int i = 0; i < 2; i++) {
        String hex = TestKeys.key(i).hex();
        assertArrayEquals((double[]) VALUES.get(i), (double[]) cd.load(hex).orElseThrow().value(), "load " + i);
        assertArrayEquals((double[]) VALUES.get(i), cd.view(hex).orElseThrow().doubles().toArray(), "view " + i);
      }
      assertEquals(VALUES.get(2), cd.load(TestKeys.key(2).hex()).orElseThrow().value());
    }
    for (int i = 0; i < VALUES.size(); i++) {
      assertTrue(Files.exists(tier.store().entryFile(TestKeys.key(i))), "kept through maintenance and verify: " + i);
    }
    // A store of the key replaces the old entry with one this version reads.
    assertTrue(TestKeys.put(tier, TestKeys.key(1), VALUES.get(1), TestKeys.meta("v1")));
    assertArrayEquals((double[]) VALUES.get(1), (double[]) TestKeys.get(tier, TestKeys.key(1), TestKeys.FILTER).orElseThrow()
        .value());
    assertEquals(0, tier.counters().corrupt());
  }

  @Test
  void damagedFormat2Entry_isReportedByVerify_butNotDeletedByGet() throws Exception {
    CacheKey key = TestKeys.key(7);
    assertTrue(TestKeys.put(tier, key, doubles(300_000), TestKeys.meta("big")));
    Path file = tier.store().entryFile(key);
    byte[] v2 = Format2Entries.toFormat2(Files.readAllBytes(file));
    EntryHeader h = EntryReader.readHeader(file);
    v2[(int) h.payloadOffset() + 3 * h.blockSize() + 17] ^= 8;
    Files.write(file, v2);
    assertTrue(TestKeys.get(tier, key, TestKeys.FILTER).isEmpty());
    assertEquals(new Tier.Counters(0, 0, 0, 1), tier.counters(), "a format 2 entry is not read, so not judged");
    assertTrue(Files.exists(file));
    try (CacheDirectory cd = CacheDirectory.open(dir)) {
      VerifyReport r = cd.verify(false, VerifyListener.NONE);
      assertEquals(List.of("block 3 of " + h.blockCount() + " does not match its checksum"),
          r.damaged().stream().map(VerifyReport.Damage::problem).toList());
    }
  }
}
