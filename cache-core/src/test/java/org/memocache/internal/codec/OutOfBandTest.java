package org.memocache.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.memocache.internal.codec.RawArrayLayout.ElementType;
import org.memocache.internal.codec.fixture.DenseMatrix;
import org.memocache.spi.ClassFilter;

/** Primitive arrays inside object graphs, stored out of band by {@link KryoCodec}. */
class OutOfBandTest {
  private static final ClassFilter ALL = c -> true;
  /** Elements of a double[] just big enough to go out of band. */
  private static final int BIG = OutOfBand.THRESHOLD / 8;
  private final KryoCodec codec = new KryoCodec();

  record Dataset(double[] x, double[] y) {}

  record Holder(String name, double[] values, double[][] rows, Object any) {}

  /** A plain class with a cycle through itself. */
  static final class Node {
    double[] data;
    Node next;
  }

  static double[] ramp(int n, double from) {
    return IntStream.range(0, n).mapToDouble(i -> from + i * 0.5).toArray();
  }

  private byte[] encode(Object v) throws IOException {
    return encode(v, null);
  }

  private byte[] encode(Object v, Set<Class<?>> written) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.encode(v, out, null, written);
    return out.toByteArray();
  }

  private Object decode(byte[] bytes) throws IOException {
    return codec.decode(ByteBuffer.wrap(bytes), ALL);
  }

  /** Through a direct buffer too, as a mapped entry file is read. */
  private Object decodeDirect(byte[] bytes) throws IOException {
    ByteBuffer d = ByteBuffer.allocateDirect(bytes.length);
    d.put(bytes).flip();
    return codec.decode(d, ALL);
  }

  private static OutOfBand.Table table(byte[] bytes) throws IOException {
    return OutOfBand.read(ByteBuffer.wrap(bytes));
  }

  @Test
  void recordOfTwoBigArrays_storesThemRawAndAligned() throws IOException {
    Dataset d = new Dataset(ramp(BIG * 4, 1), ramp(BIG * 4, -7));
    byte[] bytes = encode(d);
    OutOfBand.Table t = table(bytes);
    assertEquals(2, t.blocks().size());
    for (OutOfBand.Block b : t.blocks()) {
      assertEquals(ElementType.DOUBLE, b.type());
      assertEquals(BIG * 4, b.length());
      assertEquals(0, b.offset() % 64, "aligned");
    }
    assertTrue(t.graphLength() < 200, "graph of " + t.graphLength() + " bytes");
    // The elements themselves, little-endian at the block's offset.
    ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(-7 + 3 * 0.5, le.getDouble((int) t.blocks().get(1).offset() + 3 * 8));
    assertTrue(bytes.length < 2L * BIG * 4 * 8 + 512, "no second copy: " + bytes.length);
    for (Object back : List.of(decode(bytes), decodeDirect(bytes))) {
      Dataset r = (Dataset) back;
      assertArrayEquals(d.x(), r.x());
      assertArrayEquals(d.y(), r.y());
    }
  }

  @Test
  void classWithoutNoArgConstructor_roundTrips() throws IOException {
    DenseMatrix m = DenseMatrix.of(64, 100, ramp(6400, 2));
    Set<Class<?>> written = new HashSet<>();
    byte[] bytes = encode(m, written);
    assertEquals(1, table(bytes).blocks().size());
    assertTrue(written.contains(DenseMatrix.class), "shapes still list the classes written: " + written);
    DenseMatrix back = (DenseMatrix) decode(bytes);
    assertEquals(64, back.rows());
    assertEquals(100, back.cols());
    assertArrayEquals(m.data(), back.data());
  }

  @Test
  void listsMapsJaggedRowsAndNulls_roundTrip() throws IOException {
    double[][] rows = {ramp(BIG, 0), null, ramp(3, 9), ramp(BIG * 2, 5), new double[0]};
    Map<String, double[]> byName = new LinkedHashMap<>();
    byName.put("alpha", ramp(BIG, 1));
    byName.put("beta", ramp(10, 1));
    byName.put("gamma", null);
    List<Object> list = new ArrayList<>(List.of(ramp(BIG, 3), new float[BIG * 2], new long[BIG], new int[BIG * 2],
        new short[BIG * 4], new char[BIG * 4], new byte[BIG * 8], new boolean[BIG * 8]));
    ((float[]) list.get(1))[7] = 1.5f;
    ((long[]) list.get(2))[BIG - 1] = Long.MIN_VALUE;
    ((int[]) list.get(3))[0] = -3;
    ((short[]) list.get(4))[1] = Short.MAX_VALUE;
    ((char[]) list.get(5))[2] = 'é';
    ((byte[]) list.get(6))[3] = -1;
    ((boolean[]) list.get(7))[4] = true;
    Holder h = new Holder("h", null, rows, List.of(byName, list));
    byte[] bytes = encode(h);
    // rows 0 and 3, alpha, and the seven non-boolean arrays of the list
    assertEquals(10, table(bytes).blocks().size());
    Holder back = (Holder) decode(bytes);
    assertNull(back.values());
    assertEquals(rows.length, back.rows().length);
    assertArrayEquals(rows[0], back.rows()[0]);
    assertNull(back.rows()[1]);
    assertArrayEquals(rows[2], back.rows()[2]);
    assertArrayEquals(rows[3], back.rows()[3]);
    assertEquals(0, back.rows()[4].length);
    @SuppressWarnings("unchecked")
    Map<String, double[]> m = (Map<String, double[]>) ((List<?>) back.any()).get(0);
    assertArrayEquals(byName.get("alpha"), m.get("alpha"));
    assertArrayEquals(byName.get("beta"), m.get("beta"));
    assertTrue(m.containsKey("gamma"));
    assertNull(m.get("gamma"));
    List<?> l = (List<?>) ((List<?>) back.any()).get(1);
    assertArrayEquals((double[]) list.get(0), (double[]) l.get(0));
    assertArrayEquals((float[]) list.get(1), (float[]) l.get(1));
    assertArrayEquals((long[]) list.get(2), (long[]) l.get(2));
    assertArrayEquals((int[]) list.get(3), (int[]) l.get(3));
    assertArrayEquals((short[]) list.get(4), (short[]) l.get(4));
    assertArrayEquals((char[]) list.get(5), (char[]) l.get(5));
    assertArrayEquals((byte[]) list.get(6), (byte[]) l.get(6));
    assertArrayEquals((boolean[]) list.get(7), (boolean[]) l.get(7));
  }

  @Test
  void sameArrayTwice_isOneBlockAndOneArray_andCyclesRoundTrip() throws IOException {
    double[] shared = ramp(BIG * 3, 4);
    Node a = new Node();
    Node b = new Node();
    a.data = shared;
    a.next = b;
    b.data = shared;
    b.next = a;
    Dataset d = new Dataset(shared, shared);
    byte[] bytes = encode(List.of(a, d));
    assertEquals(1, table(bytes).blocks().size(), "written once");
    List<?> back = (List<?>) decode(bytes);
    Node ra = (Node) back.get(0);
    Dataset rd = (Dataset) back.get(1);
    assertSame(ra, ra.next.next, "cycle");
    assertSame(ra.data, ra.next.data, "one array");
    assertSame(ra.data, rd.x());
    assertSame(rd.x(), rd.y());
    assertArrayEquals(shared, rd.x());
  }

  /** Shaped like Commons Math's {@code Array2DRowRealMatrix}: a {@code double[][]} field. */
  static final class RowMatrix {
    private final double[][] data;

    private RowMatrix(double[][] data) {
      this.data = data;
    }
  }

  @Test
  void rowsOfABigMatrix_goOutOfBand_fromAKilobyte_andSharedRowsStayShared() throws IOException {
    double[][] rows = new double[300][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = ramp(OutOfBand.ROW_THRESHOLD / 8, i);
    }
    rows[7] = rows[3];
    rows[8] = null;
    rows[9] = new double[2];
    byte[] bytes = encode(new RowMatrix(rows));
    assertEquals(300 - 3, table(bytes).blocks().size(), "a block per distinct row of 1 KiB");
    RowMatrix back = (RowMatrix) decode(bytes);
    assertEquals(300, back.data.length);
    for (int i = 0; i < rows.length; i++) {
      assertArrayEquals(rows[i], back.data[i], "row " + i);
    }
    assertSame(back.data[3], back.data[7]);

    double[][] narrow = new double[1000][];
    Arrays.setAll(narrow, i -> ramp(OutOfBand.ROW_THRESHOLD / 8 - 1, i));
    byte[] inline = encode(new RowMatrix(narrow));
    assertEquals(0, table(inline).blocks().size(), "rows under a kilobyte stay inline");
    assertArrayEquals(narrow[999], ((RowMatrix) decode(inline)).data[999]);

    double[][] small = {ramp(OutOfBand.ROW_THRESHOLD / 8, 0), ramp(3, 0)};
    assertEquals(0, table(encode(new RowMatrix(small))).blocks().size(), "a small matrix stays inline");
    RowMatrix copy = codec.copy(new RowMatrix(rows));
    assertNotSame(rows[0], copy.data[0]);
    assertSame(copy.data[3], copy.data[7]);
    assertArrayEquals(rows[299], copy.data[299]);
  }

  @Test
  void smallArraysStayInline() throws IOException {
    byte[] bytes = encode(new Dataset(ramp(BIG - 1, 0), ramp(5, 0)));
    OutOfBand.Table t = table(bytes);
    assertEquals(0, t.blocks().size());
    assertEquals(bytes.length - OutOfBand.TRAILER, t.graphLength());
    Dataset back = (Dataset) decode(bytes);
    assertArrayEquals(ramp(BIG - 1, 0), back.x());
  }

  @Test
  void copy_copiesBigArrays() {
    Node n = new Node();
    n.data = ramp(BIG, 0);
    Node c = codec.copy(n);
    assertNotSame(n.data, c.data);
    assertArrayEquals(n.data, c.data);
  }

  // ---- hostile tables: each a DecodeLimitException, nothing big allocated ----

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }

  private void refused(byte[] hostile, String message) throws IOException {
    decode(encode(new Dataset(ramp(BIG, 0), ramp(BIG, 0)))); // warm up
    long before = allocatedBytes();
    DecodeLimitException e = assertThrows(DecodeLimitException.class, () -> decode(hostile));
    assertTrue(e.getMessage().contains(message), e.getMessage());
    long allocated = allocatedBytes() - before;
    assertTrue(allocated < 4 << 20, "allocated " + allocated);
  }

  /** The payload of a dataset with its second table entry's field at {@code field} set to {@code value}. */
  private byte[] tampered(int field, long value) throws IOException {
    byte[] bytes = encode(new Dataset(ramp(BIG, 0), ramp(BIG, 0)));
    OutOfBand.Table t = table(bytes);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)
        .putLong((int) t.tableOffset() + OutOfBand.ENTRY + field, value);
    return bytes;
  }

  @Test
  void blockClaimingMoreThanThePayload_isRefused() throws IOException {
    refused(tampered(8, Integer.MAX_VALUE - 16), "does not fit the payload");
  }

  @Test
  void overlappingOrMisalignedBlock_isRefused() throws IOException {
    OutOfBand.Table t = table(encode(new Dataset(ramp(BIG, 0), ramp(BIG, 0))));
    refused(tampered(0, t.blocks().get(0).offset()), "does not fit the payload");
    refused(tampered(0, t.blocks().get(1).offset() + 8), "does not fit the payload");
  }

  @Test
  void trailerClaimingTooMuch_isRefused() throws IOException {
    byte[] bytes = encode(new Dataset(ramp(BIG, 0), ramp(BIG, 0)));
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(bytes.length - 8, 1L << 40);
    refused(bytes, "the trailer claims");
  }

  @Test
  void blockReadTwice_isRefused() throws IOException {
    // The graph refers to blocks 0 and 1 as "1, 0" and "1, 1"; make both refer to block 0.
    byte[] bytes = encode(new Dataset(ramp(BIG, 0), ramp(BIG * 2, 0)));
    int graph = (int) table(bytes).graphLength();
    int at = -1;
    for (int i = graph - 2; i >= 0; i--) {
      if (bytes[i] == 1 && bytes[i + 1] == 1) {
        at = i;
        break;
      }
    }
    assertTrue(at >= 0);
    bytes[at + 1] = 0;
    refused(bytes, "referenced twice");
  }

  @Test
  void hugeInlineLength_isRefused() throws IOException {
    IntFunction<byte[]> small = n -> {
      try {
        return encode(new double[n]);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    };
    byte[] three = small.apply(3);
    byte[] four = small.apply(4);
    int at = 0;
    while (three[at] == four[at]) {
      at++;
    }
    com.esotericsoftware.kryo.io.Output o = new com.esotericsoftware.kryo.io.Output(16);
    o.writeVarInt((1 << 28) + 2, true);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(three, 0, at);
    out.write(o.toBytes());
    int graph = three.length - OutOfBand.TRAILER;
    out.write(three, at + 1, graph - at - 1);
    int newGraph = out.size();
    byte[] trailer = new byte[OutOfBand.TRAILER];
    ByteBuffer.wrap(trailer).order(ByteOrder.LITTLE_ENDIAN).putLong(newGraph).putLong(0);
    out.write(trailer);
    refused(out.toByteArray(), "claims " + (1 << 28) + " elements");
  }
}
