package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.memocache.CacheKey;
import org.memocache.disk.internal.EntryHeader;
import org.memocache.disk.internal.EntryReader;

/**
 * Raw arrays of several MiB (written through direct buffers in bulk, read back by streaming, each
 * block verified and bulk-copied): every element type, one and two dimensions with jagged and
 * {@code null} rows, element counts that do not fill the last block; a damaged block anywhere is a
 * counted miss and the entry is deleted.
 */
class BigArrayTest extends TierTestBase {
  /** An array of {@code type} with {@code n} elements, filled from {@code rnd} (booleans: 0 or 1). */
  private static Object fill(Class<?> type, int n, Random rnd) {
    Object a = Array.newInstance(type, n);
    for (int i = 0; i < n; i++) {
      long r = rnd.nextLong();
      if (type == boolean.class) {
        Array.setBoolean(a, i, (r & 1) == 1);
      } else if (type == byte.class) {
        Array.setByte(a, i, (byte) r);
      } else if (type == short.class) {
        Array.setShort(a, i, (short) r);
      } else if (type == char.class) {
        Array.setChar(a, i, (char) r);
      } else if (type == int.class) {
        Array.setInt(a, i, (int) r);
      } else if (type == long.class) {
        Array.setLong(a, i, r);
      } else if (type == float.class) {
        Array.setFloat(a, i, Float.intBitsToFloat((int) r));
      } else {
        Array.setDouble(a, i, Double.longBitsToDouble(r));
      }
    }
    return a;
  }

  private static Class<?> type(String name) {
    return switch (name) {
      case "boolean" -> boolean.class;
      case "byte" -> byte.class;
      case "short" -> short.class;
      case "char" -> char.class;
      case "int" -> int.class;
      case "long" -> long.class;
      case "float" -> float.class;
      default -> double.class;
    };
  }

  /** Compares element bits (NaN payloads included). */
  private static void assertSameArray(Object expected, Object actual) {
    assertEquals(expected.getClass(), actual.getClass());
    int n = Array.getLength(expected);
    assertEquals(n, Array.getLength(actual));
    if (expected instanceof double[] d) {
      for (int i = 0; i < n; i++) {
        assertEquals(Double.doubleToRawLongBits(d[i]), Double.doubleToRawLongBits(((double[]) actual)[i]), "at " + i);
      }
    } else if (expected instanceof float[] f) {
      for (int i = 0; i < n; i++) {
        assertEquals(Float.floatToRawIntBits(f[i]), Float.floatToRawIntBits(((float[]) actual)[i]), "at " + i);
      }
    } else {
      for (int i = 0; i < n; i++) {
        assertEquals(Array.get(expected, i), Array.get(actual, i), "at " + i);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"boolean", "byte", "short", "char", "int", "long", "float", "double"})
  void bigArrays_roundTrip_inOneAndTwoDimensions(String name) throws Exception {
    Class<?> t = type(name);
    Random rnd = new Random(name.hashCode());
    int size = t == boolean.class || t == byte.class ? 1 : t == short.class || t == char.class ? 2
        : t == int.class || t == float.class ? 4 : 8;
    Object flat = fill(t, (3 << 20) / size + 12_345, rnd);
    Object[] rows = (Object[]) Array.newInstance(flat.getClass(), 300);
    for (int i = 0; i < rows.length; i++) {
      rows[i] = i % 17 == 5 ? null : fill(t, i % 29 == 3 ? 0 : 1 + rnd.nextInt(20_000), rnd);
    }
    CacheKey k1 = TestKeys.key(1);
    CacheKey k2 = TestKeys.key(2);
    assertTrue(TestKeys.put(tier, k1, flat, TestKeys.meta("flat")));
    assertTrue(TestKeys.put(tier, k2, rows, TestKeys.meta("rows")));
    assertSameArray(flat, TestKeys.get(tier, k1, TestKeys.FILTER).orElseThrow().value());
    Object[] back = (Object[]) TestKeys.get(tier, k2, TestKeys.FILTER).orElseThrow().value();
    assertEquals(rows.getClass(), back.getClass());
    assertEquals(rows.length, back.length);
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] == null) {
        assertEquals(null, back[i], "row " + i);
      } else {
        assertSameArray(rows[i], back[i]);
      }
    }
    EntryHeader h = EntryReader.readHeader(tier.store().entryFile(k2));
    assertTrue(h.payloadLength() > 1 << 20, "written behind, through the direct buffers: " + h.payloadLength());
    assertEquals(0, tier.counters().corrupt());
  }

  @ParameterizedTest(name = "block {0}")
  @ValueSource(ints = {0, 1, 17, -1})
  void damagedBlockOfABigTwoDimensionalArray_isACountedMiss_andDeleted(int block) throws Exception {
    Random rnd = new Random(block);
    double[][] rows = new double[100][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = i == 40 ? null : (double[]) fill(double.class, 1 + rnd.nextInt(6_000), rnd);
    }
    CacheKey key = TestKeys.key(3);
    assertTrue(TestKeys.put(tier, key, rows, TestKeys.meta("rows")));
    Path file = tier.store().entryFile(key);
    EntryHeader h = EntryReader.readHeader(file);
    int b = block < 0 ? h.blockCount() - 1 : block;
    byte[] bytes = Files.readAllBytes(file);
    long at = h.payloadOffset() + (long) b * h.blockSize()
        + Math.min(h.blockSize(), h.payloadLength() - (long) b * h.blockSize()) / 2;
    bytes[(int) at] ^= 0x10;
    Files.write(file, bytes);
    assertTrue(TestKeys.get(tier, key, TestKeys.FILTER).isEmpty());
    assertEquals(1, tier.counters().corrupt());
    assertFalse(Files.exists(file));
    assertTrue(TestKeys.put(tier, key, rows, TestKeys.meta("rows")));
    assertArrayEquals(rows, (double[][]) TestKeys.get(tier, key, TestKeys.FILTER).orElseThrow().value());
  }
}
