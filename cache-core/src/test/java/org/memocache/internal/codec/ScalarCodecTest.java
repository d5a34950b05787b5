package org.memocache.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.memocache.spi.ClassFilter;

class ScalarCodecTest {
  private static final ClassFilter NOTHING = c -> false;
  private final ScalarCodec codec = new ScalarCodec();

  private byte[] encode(Object v) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.encode(v, out);
    return out.toByteArray();
  }

  private Object roundTrip(Object v) throws IOException {
    Object back = codec.decode(ByteBuffer.wrap(encode(v)).asReadOnlyBuffer(), NOTHING);
    if (v != null) {
      assertEquals(v.getClass(), back.getClass());
    }
    return back;
  }

  @Test
  void canEncode_nullBoxedPrimitivesAndStrings_only() {
    for (Object v : new Object[] {null, 1.5, 2L, 3, 4f, (short) 5, (byte) 6, 'c', true, "s"}) {
      assertTrue(codec.canEncode(v), String.valueOf(v));
    }
    for (Object v : new Object[] {new double[1], new AtomicInteger(1), BigDecimal.ONE, List.of(1), new StringBuilder("s"),
        new Object()}) {
      assertFalse(codec.canEncode(v), v.getClass().getName());
    }
  }

  @Test
  void everyScalarType_roundTrips_withItsExactLayout() throws IOException {
    for (Object v : new Object[] {Double.MAX_VALUE, Double.MIN_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE,
        Float.MIN_NORMAL, Short.MIN_VALUE, Byte.MIN_VALUE, Character.MAX_VALUE, true, false}) {
      assertEquals(v, roundTrip(v));
    }
    assertNull(roundTrip(null));
    assertArrayEquals(new byte[] {0}, encode(null));
    assertArrayEquals(new byte[] {8, 0x3f, (byte) 0xf8, 0, 0, 0, 0, 0, 0}, encode(1.5), "big-endian");
    assertArrayEquals(new byte[] {5, 0, 0, 1, 2}, encode(258));
    assertArrayEquals(new byte[] {1, 1}, encode(true));
    assertArrayEquals(new byte[] {4, 0, 'c'}, encode('c'));
  }

  @Test
  void floatingPoint_keepsNaNPayloads_andNegativeZero() throws IOException {
    for (long bits : new long[] {0x7ff8000000000123L, 0xfff8000000000001L, Double.doubleToRawLongBits(Double.NaN),
        Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY)}) {
      double back = (Double) roundTrip(Double.longBitsToDouble(bits));
      assertEquals(bits, Double.doubleToRawLongBits(back), Long.toHexString(bits));
    }
    for (int bits : new int[] {0x7fc00123, 0xffc00001, Float.floatToRawIntBits(-0.0f)}) {
      float back = (Float) roundTrip(Float.intBitsToFloat(bits));
      assertEquals(bits, Float.floatToRawIntBits(back), Integer.toHexString(bits));
    }
  }

  @Test
  void characters_includingLoneSurrogates_roundTrip() throws IOException {
    for (char c : new char[] {'\0', '\u00ff', '\u0100', '\ud800', '\udfff', '\uffff'}) {
      assertEquals(c, roundTrip(c));
    }
  }

  @Test
  void strings_emptyLatin1Long_nonBmp_andUnpairedSurrogates_roundTrip() throws IOException {
    assertEquals("", roundTrip(""));
    assertArrayEquals(new byte[] {9}, encode(""));
    assertEquals("caf\u00e9", roundTrip("caf\u00e9"));
    assertArrayEquals(new byte[] {9, 'c', 'a', 'f', (byte) 0xe9}, encode("caf\u00e9"), "one byte per char below U+0100");
    String nonBmp = "x\ud83d\ude00y\u20ac";
    assertEquals(nonBmp, roundTrip(nonBmp));
    assertEquals(1 + 2 * nonBmp.length(), encode(nonBmp).length, "UTF-16 otherwise");
    String lone = "a\ud800b\udc00";
    assertEquals(lone, roundTrip(lone), "no charset replaces an unpaired surrogate");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 100_000; i++) {
      sb.append((char) (i * 7919));
    }
    String longMixed = sb.toString();
    assertEquals(longMixed, roundTrip(longMixed), "across the encoder's chunks");
    String longLatin1 = "abc".repeat(50_000);
    assertEquals(longLatin1, roundTrip(longLatin1));
  }

  @Test
  void badPayloads_throwIOException() {
    byte[][] bad = {
        {},
        {11},
        {-1, 0},
        {0, 0},
        {8, 0, 0, 0, 0, 0, 0, 0},
        {8, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {5, 0, 0, 0},
        {1, 2},
        {1},
        {4, 0},
        {10, 0, 'a', 0},
    };
    for (byte[] b : bad) {
      IOException e = assertThrows(IOException.class, () -> codec.decode(ByteBuffer.wrap(b), NOTHING),
          java.util.Arrays.toString(b));
      assertTrue(e.getMessage().startsWith("scalar: "), e.getMessage());
    }
  }

  @Test
  void decode_readsFromThePayloadsPosition() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(12);
    b.position(3);
    b.put(encode(42L)).position(3);
    assertEquals(42L, codec.decode(b, NOTHING));
  }

  @Test
  void builtIns_tryScalarAndFieldsBeforeKryo() {
    List<String> ids = Codecs.builtIns().stream().map(c -> c.id()).toList();
    assertEquals(List.of(RawArrayCodec.ID, ScalarCodec.ID, FieldsCodec.ID, KryoCodec.ID), ids);
  }
}
