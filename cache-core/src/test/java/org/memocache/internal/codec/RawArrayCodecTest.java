package org.memocache.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.memocache.internal.codec.RawArrayLayout.ElementType;
import org.memocache.spi.ClassFilter;

class RawArrayCodecTest {
  private static final ClassFilter NOTHING = c -> false;
  private final RawArrayCodec codec = new RawArrayCodec();

  private byte[] encode(Object v) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.encode(v, out);
    return out.toByteArray();
  }

  private Object roundTrip(Object v) throws IOException {
    return codec.decode(ByteBuffer.wrap(encode(v)), NOTHING);
  }

  @Test
  void canEncode_primitiveArraysOneAndTwoDimensional_only() {
    assertTrue(codec.canEncode(new double[0]));
    assertTrue(codec.canEncode(new boolean[3]));
    assertTrue(codec.canEncode(new int[2][3]));
    assertFalse(codec.canEncode(null));
    assertFalse(codec.canEncode("x"));
    assertFalse(codec.canEncode(new Double[1]));
    assertFalse(codec.canEncode(new double[1][1][1]));
    assertFalse(codec.canEncode(new Object[] {new double[1]}));
  }

  @Test
  void doubles_storedRawLittleEndianAfterA64BytePrefix() throws IOException {
    double[] v = {1.5, -0.0, Double.NaN, Double.MAX_VALUE};
    byte[] bytes = encode(v);
    assertEquals(64 + 32, bytes.length);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(ElementType.DOUBLE.code(), b.get(0));
    assertEquals(1, b.get(1));
    assertEquals(8, b.getInt(4));
    assertEquals(4, b.getLong(8));
    assertEquals(64, b.getLong(24));
    assertEquals(32, b.getLong(32));
    for (int i = 0; i < v.length; i++) {
      assertEquals(Double.doubleToRawLongBits(v[i]), b.getLong(64 + i * 8), "element " + i);
    }
    assertArrayEquals(v, (double[]) roundTrip(v));
  }

  @Test
  void everyElementType_roundTrips() throws IOException {
    Random r = new Random(42);
    int n = 70_000; // more than one 64 KiB conversion chunk for every type
    boolean[] z = new boolean[n];
    byte[] b = new byte[n];
    short[] s = new short[n];
    char[] c = new char[n];
    int[] i = new int[n];
    long[] l = new long[n];
    float[] f = new float[n];
    double[] d = new double[n];
    for (int k = 0; k < n; k++) {
      z[k] = r.nextBoolean();
      b[k] = (byte) r.nextInt();
      s[k] = (short) r.nextInt();
      c[k] = (char) r.nextInt();
      i[k] = r.nextInt();
      l[k] = r.nextLong();
      f[k] = r.nextFloat();
      d[k] = r.nextGaussian();
    }
    assertArrayEquals(z, (boolean[]) roundTrip(z));
    assertArrayEquals(b, (byte[]) roundTrip(b));
    assertArrayEquals(s, (short[]) roundTrip(s));
    assertArrayEquals(c, (char[]) roundTrip(c));
    assertArrayEquals(i, (int[]) roundTrip(i));
    assertArrayEquals(l, (long[]) roundTrip(l));
    assertArrayEquals(f, (float[]) roundTrip(f));
    assertArrayEquals(d, (double[]) roundTrip(d));
  }

  @Test
  void rectangular2d_hasColumnsAndAlignedData() throws IOException {
    double[][] m = new double[3][5];
    for (int r = 0; r < 3; r++) {
      for (int k = 0; k < 5; k++) {
        m[r][k] = r * 10 + k;
      }
    }
    byte[] bytes = encode(m);
    RawArrayLayout layout = RawArrayLayout.read(ByteBuffer.wrap(bytes), bytes.length);
    assertEquals(2, layout.rank());
    assertEquals(3, layout.length());
    assertEquals(5, layout.columns());
    assertEquals(128, layout.dataOffset());
    assertEquals(0, layout.dataOffset() % 64);
    assertEquals(3 * 5 * 8, layout.dataLength());
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(12.0, b.getDouble(128 + (1 * 5 + 2) * 8));
    assertArrayEquals(m, (double[][]) roundTrip(m));
    assertEquals(double[][].class, layout.arrayClass());
  }

  @Test
  void jagged2d_withNullAndEmptyRows_roundTrips() throws IOException {
    int[][] m = {{1, 2, 3}, null, {}, {4}};
    byte[] bytes = encode(m);
    RawArrayLayout layout = RawArrayLayout.read(ByteBuffer.wrap(bytes), bytes.length);
    assertEquals(-1, layout.columns());
    int[][] back = (int[][]) roundTrip(m);
    assertEquals(4, back.length);
    assertArrayEquals(new int[] {1, 2, 3}, back[0]);
    assertNull(back[1]);
    assertArrayEquals(new int[0], back[2]);
    assertArrayEquals(new int[] {4}, back[3]);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 8, 9, 100})
  void manyRows_rowTablePaddedTo64(int rows) throws IOException {
    long[][] m = new long[rows][2];
    for (int r = 0; r < rows; r++) {
      m[r][1] = r;
    }
    byte[] bytes = encode(m);
    RawArrayLayout layout = RawArrayLayout.read(ByteBuffer.wrap(bytes), bytes.length);
    assertEquals(0, layout.dataOffset() % 64);
    assertEquals(64 + RawArrayLayout.align64(rows * 8L), layout.dataOffset());
    assertArrayEquals(m, (long[][]) roundTrip(m));
  }

  @Test
  void decode_atNonZeroPosition_ofDirectBuffer() throws IOException {
    float[] v = {1f, 2f, 3f};
    byte[] bytes = encode(v);
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length + 64);
    direct.position(64);
    direct.put(bytes);
    direct.position(64);
    assertArrayEquals(v, (float[]) codec.decode(direct, NOTHING));
  }

  @ParameterizedTest
  @ValueSource(ints = {8, 64, 72, 4096})
  void streamDecoder_inChunks_matchesDecode(int chunk) throws IOException {
    Random r = new Random(chunk);
    double[] d = new double[10_000];
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextGaussian();
    }
    short[][] jagged = {{1, 2, 3}, null, {}, {4, 5, 6, 7, 8}, {9}};
    boolean[] z = {true, false, true};
    for (Object v : List.of(d, jagged, z, new long[0][0], new int[3][2])) {
      byte[] bytes = encode(v);
      RawArrayCodec.StreamDecoder dec = new RawArrayCodec.StreamDecoder(bytes.length);
      for (int off = 0; off < bytes.length; off += chunk) {
        dec.accept(ByteBuffer.wrap(bytes, off, Math.min(chunk, bytes.length - off)));
      }
      Object back = dec.result();
      Object direct = codec.decode(ByteBuffer.wrap(bytes), NOTHING);
      assertTrue(java.util.Objects.deepEquals(direct, back), "chunk " + chunk + ": " + v.getClass().getSimpleName());
    }
    byte[] bytes = encode(d);
    RawArrayCodec.StreamDecoder partial = new RawArrayCodec.StreamDecoder(bytes.length);
    partial.accept(ByteBuffer.wrap(bytes, 0, bytes.length - 8));
    assertThrows(IOException.class, partial::result, "missing bytes are an error");
  }

  /** A {@link BulkOutput} with tiny buffers, so that typed puts end mid-buffer and start anew. */
  private static final class TinyBulkOutput extends java.io.OutputStream implements BulkOutput {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ByteBuffer buf;
    int bulkBuffers;

    TinyBulkOutput(int capacity) {
      buf = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public ByteBuffer room(int min) {
      if (buf.remaining() < min) {
        flushBuffer();
      }
      bulkBuffers++;
      return buf;
    }

    private void flushBuffer() {
      byte[] b = new byte[buf.flip().remaining()];
      buf.get(b).clear();
      bytes.write(b, 0, b.length);
    }

    @Override
    public void write(int b) {
      if (!buf.hasRemaining()) {
        flushBuffer();
      }
      buf.put((byte) b);
    }

    byte[] all() {
      flushBuffer();
      return bytes.toByteArray();
    }
  }

  @ParameterizedTest(name = "buffer of {0} bytes")
  @ValueSource(ints = {8, 20, 64, 4096})
  void encode_intoABulkOutput_writesTheSameBytes_forEveryType(int capacity) throws IOException {
    Random rnd = new Random(capacity);
    long[] longs = rnd.longs(1001).toArray();
    Object[] values = {
      new short[] {1, -2, 3, Short.MIN_VALUE, 5}, "xyzw-\u1234".toCharArray(), rnd.ints(333).toArray(), longs,
      new float[] {1.5f, Float.NaN, -0f}, rnd.doubles(777).toArray(), new boolean[] {true, false, true},
      new byte[] {1, 2, 3}, new double[][] {{1, 2, 3}, null, {}, rnd.doubles(50).toArray()},
      new int[][] {rnd.ints(7).toArray(), rnd.ints(9).toArray()},
    };
    for (Object v : values) {
      TinyBulkOutput out = new TinyBulkOutput(capacity);
      codec.encode(v, out);
      byte[] bulk = out.all();
      assertArrayEquals(encode(v), bulk, v.getClass().getSimpleName());
      Object back = codec.decode(ByteBuffer.wrap(bulk), NOTHING);
      if (v instanceof Object[] rows) {
        assertArrayEquals(rows, (Object[]) back);
      } else {
        assertTrue(java.util.Objects.deepEquals(v, back), v.getClass().getSimpleName());
      }
      if (v instanceof double[] || v instanceof int[]) {
        assertTrue(out.bulkBuffers > 0, "converted straight into the output's buffer");
      }
    }
  }

  @Test
  void inconsistentPrefix_isRejected() throws IOException {
    byte[] bytes = encode(new double[] {1, 2});
    for (int field : List.of(0, 1, 4, 8, 24, 32)) {
      byte[] bad = bytes.clone();
      bad[field] ^= 0x40;
      IOException e = assertThrows(IOException.class, () -> codec.decode(ByteBuffer.wrap(bad), NOTHING),
          "damaged byte " + field);
      assertTrue(e.getMessage().startsWith("raw-array:"), e.getMessage());
    }
    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 8);
    assertThrows(IOException.class, () -> codec.decode(ByteBuffer.wrap(truncated), NOTHING));
  }

  @Test
  void booleanOtherThanZeroOrOne_isRejected() throws IOException {
    byte[] bytes = encode(new boolean[] {true, false});
    bytes[65] = 7;
    IOException e = assertThrows(IOException.class, () -> codec.decode(ByteBuffer.wrap(bytes), NOTHING));
    assertEquals("raw-array: boolean element 1 is 7", e.getMessage());
  }
}
