package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.memocache.CacheKey;
import org.memocache.disk.internal.EntryHeader;
import org.memocache.disk.internal.EntryReader;
import org.memocache.internal.codec.KryoCodec;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.Tier;
import org.memocache.spi.ValueCodec;

/** Object graphs holding big primitive arrays, stored out of band, through the disk tier. */
class OutOfBandDiskTest extends TierTestBase {
  /** A result record holding two arrays. */
  public record Dataset(double[] x, double[] y) {}

  /** Shaped like a third-party matrix: a private constructor and a {@code double[] data} field. */
  public static final class Matrix {
    private final int rows;
    private final double[] data;

    private Matrix(int rows, double[] data) {
      this.rows = rows;
      this.data = data;
    }

    static Matrix of(int rows, double[] data) {
      return new Matrix(rows, data);
    }

    double[] data() {
      return data;
    }
  }

  static double[] ramp(int n, double from) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = from + i * 0.25;
    }
    return a;
  }

  /** The payload offsets {@code [from, to)} of out-of-band block {@code i} of an entry file's Kryo payload. */
  static long[] block(Path file, int i) throws IOException {
    EntryHeader h = EntryReader.readHeader(file);
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer p = ByteBuffer.wrap(bytes, (int) h.payloadOffset(), (int) h.payloadLength()).slice()
        .order(ByteOrder.LITTLE_ENDIAN);
    int l = p.limit();
    long n = p.getLong(l - 8);
    long table = l - 16 - n * 24;
    long offset = p.getLong((int) (table + i * 24L));
    long length = p.getLong((int) (table + i * 24L + 8));
    return new long[] {offset, offset + length * 8};
  }

  @ParameterizedTest(name = "elements={0}")
  @ValueSource(ints = {4_096, 200_000})
  void recordAndThirdPartyClass_roundTrip_andAFlippedByteInABlockIsDamage(int n) throws IOException {
    double[] shared = ramp(n, 1);
    // In a LinkedList: stored by Kryo, whose out-of-band arrays this test is about.
    List<Object> v = new LinkedList<>(List.of(new Dataset(shared, ramp(n, -5)), Matrix.of(2, shared)));
    CacheKey key = TestKeys.key(n);
    assertTrue(TestKeys.put(tier, key, v, TestKeys.meta("n=" + n)));
    Path file = tier.store().entryFile(key);
    EntryHeader h = EntryReader.readHeader(file);
    assertEquals(KryoCodec.ID, h.codecId());
    assertEquals(KryoCodec.VERSION, h.codecVersion());
    assertTrue(h.payloadLength() < 2L * n * 8 + 1024, "each array once, raw: " + h.payloadLength());

    List<?> back = (List<?>) TestKeys.get(tier, key, TestKeys.FILTER).orElseThrow().value();
    Dataset d = (Dataset) back.get(0);
    Matrix m = (Matrix) back.get(1);
    assertArrayEquals(shared, d.x());
    assertArrayEquals(ramp(n, -5), d.y());
    assertEquals(2, m.rows);
    assertSame(d.x(), m.data, "one array, as stored");

    long[] second = block(file, 1);
    byte[] pristine = Files.readAllBytes(file);
    byte[] bad = pristine.clone();
    int at = (int) (h.payloadOffset() + (second[0] + second[1]) / 2);
    bad[at] ^= 0x10;
    Files.write(file, bad);
    assertTrue(TestKeys.get(tier, key, TestKeys.FILTER).isEmpty(), "damaged block: a miss");
    assertEquals(new Tier.Counters(1, 0, 0, 0), tier.counters());
    assertFalse(Files.exists(file), "damaged entry deleted");
  }

  @Test
  void entryOfThePreviousKryoVersion_isAMiss_andIsKept() {
    CacheKey key = TestKeys.key(11);
    try (DiskTier old = DiskTier.open(TestDirs.config(dir), List.of(new KryoV1()), Duration.ZERO)) {
      assertTrue(TestKeys.put(old, key, new Dataset(ramp(10, 0), ramp(10, 1)), TestKeys.meta("old")));
      assertTrue(TestKeys.get(old, key, TestKeys.FILTER).isPresent(), "readable by its own version");
    }
    Path file = tier.store().entryFile(key);
    assertTrue(TestKeys.get(tier, key, TestKeys.FILTER).isEmpty(), "kryo v" + KryoCodec.VERSION + " does not read v1");
    assertEquals(new Tier.Counters(0, 0, 0, 1), tier.counters());
    assertTrue(Files.exists(file), "kept");
  }

  /** Stands in for the Kryo codec of the version before out-of-band arrays: its id, version 1. */
  static final class KryoV1 implements ValueCodec {
    private final KryoCodec kryo = new KryoCodec();

    @Override
    public String id() {
      return KryoCodec.ID;
    }

    @Override
    public int version() {
      return 1;
    }

    @Override
    public boolean canEncode(@Nullable Object value) {
      return kryo.canEncode(value);
    }

    @Override
    public void encode(@Nullable Object value, OutputStream out) throws IOException {
      kryo.encode(value, out);
    }

    @Override
    public @Nullable Object decode(ByteBuffer payload, ClassFilter classes) throws IOException {
      return kryo.decode(payload, classes);
    }
  }
}
