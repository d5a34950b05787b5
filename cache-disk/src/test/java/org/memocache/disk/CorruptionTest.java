package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.memocache.CacheKey;
import org.memocache.disk.internal.EntryHeader;
import org.memocache.disk.internal.EntryReader;

/**
 * Damage entry files the ways a crash or a bad disk does (after Lucene's {@code MockDirectoryWrapper}:
 * flipped bits, zeroed pages, truncation, extension), reproducibly from a seed, in every region of
 * the file: each damaged entry is a counted miss and is deleted, never a wrong value.
 */
class CorruptionTest extends TierTestBase {
  private static final int FLIPS_PER_REGION = 40;

  /** Values of both codecs, small (read whole) and big (memory-mapped, several blocks). */
  private static Object value(int elements) {
    if (elements < 0) {
      return List.of("kryo", -elements, new java.util.TreeMap<>(java.util.Map.of("k", "v")));
    }
    double[] a = new double[elements];
    for (int i = 0; i < a.length; i++) {
      a[i] = i * 0.25 - 7;
    }
    return a;
  }

  private record Regions(long headerEnd, long payloadStart, long payloadEnd, long lastBlockStart, long tableStart,
      long fileEnd) {}

  private Regions regions(Path file) throws IOException {
    EntryHeader h = EntryReader.readHeader(file);
    long lastBlock = h.payloadOffset() + (long) (h.blockCount() - 1) * h.blockSize();
    return new Regions(h.headerLength(), h.payloadOffset(), h.payloadOffset() + h.payloadLength(), lastBlock,
        h.tableOffset(), h.fileLength());
  }

  @ParameterizedTest(name = "elements={0}")
  @ValueSource(ints = {100, 100_000, -5})
  void flippedBytes_inEveryRegion_areAllDetected(int elements) throws IOException {
    Object v = value(elements);
    CacheKey key = TestKeys.key(elements & 0xffff);
    TestKeys.put(tier, key, v, TestKeys.meta("n=" + elements));
    Path file = tier.store().entryFile(key);
    byte[] pristine = Files.readAllBytes(file);
    Regions r = regions(file);
    long[][] regions = {
      {0, r.headerEnd()},                       // header (fixed part, strings, checksum)
      {r.headerEnd(), r.payloadStart()},        // padding before the payload
      {r.payloadStart(), r.payloadEnd()},       // payload
      {r.lastBlockStart(), r.payloadEnd()},     // last block
      {r.payloadEnd(), r.fileEnd()},            // padding and checksum table
    };
    Random rnd = new Random(elements * 31L + 7);
    int damaged = 0;
    for (long[] region : regions) {
      if (region[1] <= region[0]) {
        continue;
      }
      for (int i = 0; i < FLIPS_PER_REGION; i++) {
        long at = region[0] + (long) (rnd.nextDouble() * (region[1] - region[0]));
        byte[] bad = pristine.clone();
        bad[(int) at] ^= (byte) (1 << rnd.nextInt(8));
        Files.write(file, bad);
        long before = tier.counters().corrupt();
        assertTrue(TestKeys.get(tier, key, TestKeys.FILTER).isEmpty(), "flip at " + at + " in region " + region[0] + ".." + region[1]);
        assertEquals(before + 1, tier.counters().corrupt(), "flip at " + at + " counted");
        assertFalse(Files.exists(file), "damaged entry deleted (flip at " + at + ")");
        damaged++;
      }
    }
    assertTrue(damaged >= 3 * FLIPS_PER_REGION);
    Files.write(file, pristine);
    Object back = TestKeys.get(tier, key, TestKeys.FILTER).orElseThrow().value();
    if (v instanceof double[] a) {
      assertArrayEquals(a, (double[]) back);
    } else {
      assertEquals(v, back);
    }
  }

  @ParameterizedTest(name = "elements={0}")
  @ValueSource(ints = {100, 100_000})
  void truncatedExtendedAndZeroedFiles_areDetected(int elements) throws IOException {
    CacheKey key = TestKeys.key(1);
    TestKeys.put(tier, key, value(elements), TestKeys.meta("n"));
    Path file = tier.store().entryFile(key);
    byte[] pristine = Files.readAllBytes(file);
    Random rnd = new Random(elements);
    List<byte[]> damages = new java.util.ArrayList<>();
    damages.add(java.util.Arrays.copyOf(pristine, pristine.length / 2));          // half-truncated
    damages.add(java.util.Arrays.copyOf(pristine, pristine.length - 1));          // one byte short
    damages.add(java.util.Arrays.copyOf(pristine, pristine.length + 8));          // extended
    damages.add(new byte[0]);                                                     // empty
    damages.add(new byte[pristine.length]);                                       // all zero (lost pages)
    for (int i = 0; i < 10; i++) {                                                // a zeroed 4 KiB page
      byte[] z = pristine.clone();
      int page = rnd.nextInt((pristine.length + 4095) / 4096);
      java.util.Arrays.fill(z, page * 4096, Math.min(z.length, page * 4096 + 4096), (byte) 0);
      if (!java.util.Arrays.equals(z, pristine)) {
        damages.add(z);
      }
    }
    for (byte[] d : damages) {
      Files.write(file, d);
      long before = tier.counters().corrupt();
      assertTrue(TestKeys.get(tier, key, TestKeys.FILTER).isEmpty(), "damage of length " + d.length);
      assertEquals(before + 1, tier.counters().corrupt());
    }
  }

  @ParameterizedTest(name = "elements={0}")
  @ValueSource(ints = {300_000})
  void partialVerification_checksOnlyTheBlocksOfARange(int elements) throws IOException {
    CacheKey key = TestKeys.key(2);
    TestKeys.put(tier, key, value(elements), TestKeys.meta("n"));
    Path file = tier.store().entryFile(key);
    EntryHeader h = EntryReader.readHeader(file);
    assertTrue(h.blockCount() > 4, "several blocks: " + h.blockCount());
    assertEquals(0, h.payloadOffset() % 64);
    // Damage block 3; a range within blocks 0..1 still verifies, one touching block 3 does not.
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long at = h.payloadOffset() + 3L * h.blockSize() + 17;
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x10);
    }
    try (EntryReader r = EntryReader.open(file)) {
      r.verify(0, 2L * h.blockSize());
      org.junit.jupiter.api.Assertions.assertThrows(org.memocache.disk.internal.CorruptEntryException.class,
          () -> r.verify(3L * h.blockSize() - 8, 3L * h.blockSize() + 8));
    }
  }
}
