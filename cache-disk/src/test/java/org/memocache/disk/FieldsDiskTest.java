package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.memocache.CacheKey;
import org.memocache.Memo;
import org.memocache.disk.internal.EntryHeader;
import org.memocache.disk.internal.EntryReader;
import org.memocache.internal.codec.Codecs;
import org.memocache.internal.codec.FieldsCodec;
import org.memocache.internal.codec.FieldsV1Codec;
import org.memocache.internal.codec.KryoCodec;
import org.memocache.internal.codec.RawArrayCodec;
import org.memocache.internal.codec.ScalarCodec;
import org.memocache.internal.codec.TierValues;
import org.memocache.spi.Tier;
import org.memocache.view.ResultViews;

/** Results of the {@code fields} codec through the disk tier: damage, entries of Kryo, views. */
class FieldsDiskTest extends TierTestBase {
  /** A result record holding two arrays. */
  public record Dataset(double[] x, double[] y) {}

  @Test
  void recordOfArrays_roundTrips_andAFlippedByteInABlockIsDamage() throws Exception {
    int n = 200_000;
    double[] x = OutOfBandDiskTest.ramp(n, 1);
    Dataset d = new Dataset(x, x);
    CacheKey key = TestKeys.key(1);
    assertTrue(TestKeys.put(tier, key, d, TestKeys.meta("n=" + n)));
    Path file = tier.store().entryFile(key);
    EntryHeader h = EntryReader.readHeader(file);
    assertEquals(FieldsCodec.ID, h.codecId());
    assertEquals(1, h.codecVersion(), "nothing of version 2 in it: stamped version 1, readable by older readers");
    assertEquals(List.of(), h.shapes());
    assertTrue(h.payloadLength() < n * 8L + 1024, "the shared array once, raw: " + h.payloadLength());

    Dataset back = (Dataset) TestKeys.get(tier, key, TestKeys.FILTER).orElseThrow().value();
    assertArrayEquals(x, back.x());
    assertSame(back.x(), back.y(), "one array, as stored");

    long[] block = OutOfBandDiskTest.block(file, 0);
    byte[] bad = Files.readAllBytes(file);
    bad[(int) (h.payloadOffset() + (block[0] + block[1]) / 2)] ^= 0x10;
    Files.write(file, bad);
    assertTrue(TestKeys.get(tier, key, TestKeys.FILTER).isEmpty(), "damaged block: a miss");
    assertEquals(new Tier.Counters(1, 0, 0, 0), tier.counters());
    assertFalse(Files.exists(file), "damaged entry deleted");
  }

  /** A record of an immutable list of records and an enum-keyed map of arrays: version 2 parts. */
  public record Survey(List<Point> points, Map<Phase, double[]> byPhase) {}

  public record Point(double x, double y) {}

  public enum Phase { SOLID, LIQUID }

  @Test
  void versionTwoEntry_isAHitHere_andAForeignMissKeptForAnOlderReader() throws IOException {
    CacheKey key = TestKeys.key(3);
    Survey s = new Survey(List.of(new Point(1, 2), new Point(3, 4), new Point(5, 6)),
        Map.of(Phase.SOLID, OutOfBandDiskTest.ramp(100_000, 1), Phase.LIQUID, new double[] {7}));
    assertTrue(TestKeys.put(tier, key, s, TestKeys.meta("survey")));
    Path file = tier.store().entryFile(key);
    EntryHeader h = EntryReader.readHeader(file);
    assertEquals(FieldsCodec.ID, h.codecId());
    assertEquals(2, h.codecVersion());
    Survey back = (Survey) TestKeys.get(tier, key, TestKeys.FILTER).orElseThrow().value();
    assertEquals(s.points(), back.points());
    assertEquals(s.points().getClass(), back.points().getClass());
    assertEquals(s.byPhase().getClass(), back.byPhase().getClass());
    assertArrayEquals(s.byPhase().get(Phase.SOLID), back.byPhase().get(Phase.SOLID));

    try (DiskTier older = DiskTier.open(TestDirs.config(dir),
        List.of(new RawArrayCodec(), new ScalarCodec(), new FieldsV1Codec(), Codecs.kryo()), Duration.ZERO)) {
      assertTrue(TestKeys.get(older, key, TestKeys.FILTER).isEmpty(), "a miss for a reader of version 1");
      assertEquals(new Tier.Counters(0, 0, 0, 1), older.counters(), "foreign, not damaged");
    }
    assertTrue(Files.exists(file), "kept for the readers of version 2");
    assertTrue(TestKeys.get(tier, key, TestKeys.FILTER).isPresent());
  }

  @Test
  void entryOfTheKryoCodec_isStillAHit() {
    CacheKey key = TestKeys.key(2);
    Dataset d = new Dataset(OutOfBandDiskTest.ramp(50_000, 0), OutOfBandDiskTest.ramp(3, 1));
    try (DiskTier before = DiskTier.open(TestDirs.config(dir),
        List.of(new RawArrayCodec(), new ScalarCodec(), Codecs.kryo()), Duration.ZERO)) {
      assertTrue(TestKeys.put(before, key, d, TestKeys.meta("kryo")));
    }
    TierValues.Decoded hit = TestKeys.get(tier, key, TestKeys.FILTER).orElseThrow();
    assertEquals(KryoCodec.ID, hit.info().codec());
    Dataset back = (Dataset) hit.value();
    assertArrayEquals(d.x(), back.x());
    assertArrayEquals(d.y(), back.y());
  }

  @Test
  void arraysOfAVersionTwoEntry_areViewableByPath() {
    double[] x = OutOfBandDiskTest.ramp(100_000, 2);
    try (Memo memo = Memo.builder().directory(dir.resolve("memo")).allowPackages("org.memocache.disk").build()) {
      memo.call("survey", () -> new Survey(List.of(new Point(1, 2)), Map.of(Phase.SOLID, x)), 1);
      ResultViews r = memo.method("survey").views(1).orElseThrow();
      assertEquals(FieldsCodec.ID, r.info().codec());
      assertEquals(List.of("byPhase.SOLID"), r.paths());
      assertEquals(x[99_999], r.doubles("byPhase.SOLID").get(99_999));
    }
  }

  @Test
  void arraysOfAFieldsEntry_areViewableByPath() {
    double[] x = OutOfBandDiskTest.ramp(100_000, 2);
    try (Memo memo = Memo.builder().directory(dir.resolve("memo")).allowPackages("org.memocache.disk").build()) {
      memo.call("dataset", () -> new Dataset(x, new double[] {7, 8}), 1);
      ResultViews r = memo.method("dataset").views(1).orElseThrow();
      assertEquals(FieldsCodec.ID, r.info().codec());
      assertEquals(100_000, r.doubles("x").size());
      assertEquals(x[99_999], r.doubles("x").get(99_999));
      assertEquals(8.0, r.doubles("y").get(1));
    }
  }
}
