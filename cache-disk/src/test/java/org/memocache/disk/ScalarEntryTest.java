package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.memocache.CacheKey;
import org.memocache.disk.internal.EntryReader;
import org.memocache.internal.codec.KryoCodec;
import org.memocache.internal.codec.ScalarCodec;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.Tier;
import org.memocache.spi.ValueCodec;
import org.memocache.testing.LogCapture;
import org.memocache.internal.codec.TierValues;

/**
 * Scalar results on disk: stored by the {@code scalar} codec, payloads it did not write are foreign
 * misses, and boxed values stored with Kryo stay hits.
 */
class ScalarEntryTest extends TierTestBase {
  @Test
  void scalars_areStoredByTheScalarCodec_andReadBack() throws Exception {
    Object[] values = {-0.0, Double.longBitsToDouble(0x7ff8000000000abcL), Long.MIN_VALUE, 7, 1.25f, (short) -3,
        (byte) 9, '\ud800', true, "", "\u00e9t\u00e9", "x\ud83d\ude00".repeat(10_000), null};
    for (int i = 0; i < values.length; i++) {
      CacheKey key = TestKeys.key(i);
      assertTrue(TestKeys.put(tier, key, values[i], TestKeys.meta("v")), String.valueOf(values[i]));
      assertEquals(ScalarCodec.ID, EntryReader.readHeader(tier.store().entryFile(key)).codecId());
      TierValues.Decoded hit = TestKeys.get(tier, key, TestKeys.FILTER).orElseThrow();
      assertEquals(ScalarCodec.ID, hit.info().codec());
      if (values[i] instanceof Double d) {
        assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) hit.value()));
      } else {
        assertEquals(values[i], hit.value());
      }
    }
    assertEquals(Tier.Counters.NONE, tier.counters());
  }

  @Test
  void boxedValueWrittenWithKryo_isStillAHit() {
    CacheKey key = TestKeys.key(1);
    try (DiskTier kryoOnly = DiskTier.open(TestDirs.config(dir), List.of(new KryoCodec()), Duration.ZERO)) {
      assertTrue(TestKeys.put(kryoOnly, key, 2.5, TestKeys.meta("d")));
      assertTrue(TestKeys.put(kryoOnly, TestKeys.key(2), "text", TestKeys.meta("s")));
    }
    TierValues.Decoded hit = TestKeys.get(tier, key, TestKeys.FILTER).orElseThrow();
    assertEquals(2.5, hit.value());
    assertEquals(KryoCodec.ID, hit.info().codec());
    assertEquals("text", TestKeys.get(tier, TestKeys.key(2), TestKeys.FILTER).orElseThrow().value());
    assertEquals(Tier.Counters.NONE, tier.counters());
  }

  @Test
  void payloadsTheScalarCodecDidNotWrite_areForeignMisses_counted_andKept() throws Exception {
    byte[][] payloads = {
        {42, 0, 0, 0, 0}, // unknown tag
        {8, 0, 0, 0, 0, 0, 0, 0}, // a double one byte short
        {5, 0, 0, 0, 0, 0}, // an int one byte long
        {1, 7}, // a boolean that is neither 0 nor 1
        {}, // no tag
    };
    for (int i = 0; i < payloads.length; i++) {
      CacheKey key = TestKeys.key(i);
      try (DiskTier forging = DiskTier.open(TestDirs.config(dir), List.of(new Forger()), Duration.ZERO)) {
        assertTrue(TestKeys.put(forging, key, new Forged(payloads[i]), TestKeys.meta("f")));
      }
      Path file = tier.store().entryFile(key);
      try (LogCapture log = new LogCapture()) {
        assertTrue(TestKeys.get(tier, key, TestKeys.FILTER).isEmpty(), Arrays.toString(payloads[i]));
        assertEquals(new Tier.Counters(0, 0, 0, i + 1), tier.counters());
        List<String> warnings = log.messages(Level.WARNING);
        if (i == 0) {
          assertEquals(List.of("MemoCache: a stored result of simulate in " + dir + " cannot be decoded by this program"
              + " (IOException: scalar: unknown tag 42); this program does not use it (a miss) and leaves it in place"),
              warnings);
        }
      }
      assertTrue(Files.exists(file), "an intact entry is kept");
    }
    assertEquals(0, tier.counters().corrupt());
  }

  /** A value whose payload is given as is. */
  record Forged(byte[] payload) {}

  /** Writes arbitrary payloads under the scalar codec's id and version, with valid checksums. */
  static final class Forger implements ValueCodec {
    @Override
    public String id() {
      return ScalarCodec.ID;
    }

    @Override
    public int version() {
      return ScalarCodec.VERSION;
    }

    @Override
    public boolean canEncode(@Nullable Object value) {
      return value instanceof Forged;
    }

    @Override
    public void encode(@Nullable Object value, OutputStream out) throws IOException {
      out.write(((Forged) value).payload());
    }

    @Override
    public @Nullable Object decode(ByteBuffer payload, ClassFilter classes) {
      throw new UnsupportedOperationException("only writes");
    }
  }
}
