package org.memocache.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.junit.jupiter.api.Test;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.EncodedEntry;
import org.memocache.spi.Tier;
import org.memocache.spi.UnstorableValueException;

/** The {@code fields} codec: records, plain classes and their arrays without Kryo. */
class FieldsCodecTest {
  private static final ClassFilter CLASSES =
      AllowLists.forMethod(null, List.of("org.memocache.internal.codec", "org.apache.commons.math3"));
  private static final int BIG = 100_000;

  private final FieldsCodec fields = new FieldsCodec();
  private static final Tier.Metadata META = new Tier.Metadata("d", Instant.EPOCH, Duration.ZERO);
  private final EntryCodec entries = new EntryCodec(Codecs.builtIns());

  record Dataset(double[] x, double[] y) {}

  enum Unit { METRE, SECOND }

  record Inner(int n, String label, Unit unit) {}

  record Outer(Inner inner, String name, double[] missing, double[][] jagged, Integer boxed, Long noLong,
      List<Object> list, Map<String, double[]> byName, char c, boolean flag, byte b, short s, float f,
      Inner[] inners, String[] names, long[] longs) {}

  /** Shaped like a third-party result: no no-arg constructor, private fields, a superclass with fields. */
  static class Base {
    protected final int rows;
    transient int cached = 42;

    Base(int rows) {
      this.rows = rows;
    }
  }

  static final class Fit extends Base {
    private final double[] data;
    private final String how;
    private int calls;

    Fit(int rows, double[] data, String how) {
      super(rows);
      if (rows < 0) {
        throw new IllegalArgumentException("rows");
      }
      this.data = data;
      this.how = how;
    }
  }

  /** A no-arg constructor, which decoding runs, as Kryo does. */
  static final class Counter {
    int count;
    transient String note;

    Counter() {
      note = "made";
    }
  }

  static final class Node {
    String name = "";
    Node next;
  }

  record Pair(double[] a, double[] b, Inner p, Inner q) {}

  /** Replaced by a canonical instance when read, which only Kryo's path does. */
  static final class Resolving {
    int n;

    private Object readResolve() {
      return this;
    }
  }

  static final class ResolvingByInheritance extends Base2 {}

  static class Base2 {
    protected Object readResolve() {
      return this;
    }
  }

  static double[] ramp(int n, double from) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = from + i * 0.25;
    }
    return a;
  }

  private byte[] encode(Object v) throws IOException {
    assertTrue(fields.canEncode(v), "fields encodes " + v.getClass().getName());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    fields.encode(v, out, CLASSES);
    return out.toByteArray();
  }

  private Object decode(byte[] payload) throws IOException {
    return fields.decode(ByteBuffer.wrap(payload).asReadOnlyBuffer(), CLASSES);
  }

  private Object roundTrip(Object v) throws IOException {
    return decode(encode(v));
  }

  @Test
  void recordOfTwoBigArrays_isChosenBeforeKryo_andStoresThemRawAndAligned() throws IOException {
    Dataset d = new Dataset(ramp(BIG, 1), ramp(3, -1));
    EncodedEntry e = entries.encode(d, META, null);
    assertEquals(FieldsCodec.ID, e.codecId());
    assertFalse(EntryCodec.namesClasses(e.codecId()), "the payload describes its classes itself");
    byte[] bytes = encode(d);
    OutOfBand.Table t = OutOfBand.read(ByteBuffer.wrap(bytes));
    assertEquals(1, t.blocks().size(), "the big array out of band, the small one inline");
    assertEquals(0, t.blocks().get(0).offset() % 64);
    assertEquals(BIG, t.blocks().get(0).length());
    assertTrue(bytes.length < BIG * 8 + 512, "raw: " + bytes.length);
    Dataset back = (Dataset) decode(bytes);
    assertArrayEquals(d.x(), back.x());
    assertArrayEquals(d.y(), back.y());
  }

  @Test
  void plainClassWithoutNoArgConstructor_roundTrips_withoutRunningAConstructor() throws IOException {
    Fit f = new Fit(3, ramp(BIG, 0), "least squares");
    f.calls = 7;
    f.cached = 5;
    Fit back = (Fit) roundTrip(f);
    assertEquals(3, back.rows);
    assertEquals(7, back.calls);
    assertEquals("least squares", back.how);
    assertArrayEquals(f.data, back.data);
    assertEquals(0, back.cached, "transient, and no constructor ran: as Kryo leaves it");

    Counter c = new Counter();
    c.count = 9;
    c.note = "changed";
    Counter cb = (Counter) roundTrip(c);
    assertEquals(9, cb.count);
    assertEquals("made", cb.note, "the no-arg constructor ran; transient fields are not stored");
  }

  @Test
  void nestedRecords_nullsJaggedRowsEnumsListsAndMaps_roundTrip() throws IOException {
    Map<String, double[]> byName = new LinkedHashMap<>();
    byName.put("big", ramp(BIG, 2));
    byName.put("small", ramp(2, 3));
    byName.put("none", null);
    List<Object> list = new ArrayList<>(Arrays.asList(1, "two", null, 3.5, Unit.SECOND, new Inner(1, "in list", null)));
    double[][] jagged = {ramp(3, 0), null, ramp(5_000, 1), new double[0]};
    Outer o = new Outer(new Inner(4, "ü and \ud800 unpaired", Unit.METRE), "outer", null, jagged, 17, null, list,
        byName, 'x', true, (byte) -3, (short) -300, Float.NaN, new Inner[] {new Inner(1, null, null), null},
        new String[] {"a", null, "c"}, new long[] {Long.MIN_VALUE, -1});
    Outer back = (Outer) roundTrip(o);
    assertEquals(o.inner(), back.inner());
    assertSame(Unit.METRE, back.inner().unit());
    assertEquals("outer", back.name());
    assertNull(back.missing());
    assertNull(back.noLong());
    assertEquals(4, back.jagged().length);
    assertArrayEquals(jagged[0], back.jagged()[0]);
    assertNull(back.jagged()[1]);
    assertArrayEquals(jagged[2], back.jagged()[2]);
    assertEquals(0, back.jagged()[3].length);
    assertEquals(17, back.boxed());
    assertEquals(list, back.list());
    assertInstanceOf(ArrayList.class, back.list());
    assertInstanceOf(LinkedHashMap.class, back.byName());
    assertEquals(List.of("big", "small", "none"), new ArrayList<>(back.byName().keySet()));
    assertArrayEquals(byName.get("big"), back.byName().get("big"));
    assertArrayEquals(byName.get("small"), back.byName().get("small"));
    assertNull(back.byName().get("none"));
    assertEquals('x', back.c());
    assertTrue(back.flag());
    assertEquals((byte) -3, back.b());
    assertEquals((short) -300, back.s());
    assertEquals(Float.floatToRawIntBits(Float.NaN), Float.floatToRawIntBits(back.f()));
    assertArrayEquals(o.inners(), back.inners());
    assertArrayEquals(o.names(), back.names());
    assertArrayEquals(o.longs(), back.longs());

    Map<String, double[]> plain = new HashMap<>(Map.of("x", ramp(BIG, 0), "y", ramp(10, 1)));
    @SuppressWarnings("unchecked")
    Map<String, double[]> mb = (Map<String, double[]>) roundTrip(plain);
    assertInstanceOf(HashMap.class, mb);
    assertArrayEquals(plain.get("x"), mb.get("x"));
    assertArrayEquals(plain.get("y"), mb.get("y"));
  }

  @Test
  void commonsMathMatrix_roundTrips_itsRowsOutOfBand() throws IOException {
    double[][] data = new double[300][200];
    for (int r = 0; r < data.length; r++) {
      for (int c = 0; c < data[r].length; c++) {
        data[r][c] = r + c * 0.5;
      }
    }
    Array2DRowRealMatrix m = new Array2DRowRealMatrix(data, false);
    assertEquals(FieldsCodec.ID, entries.encode(m, META, null).codecId());
    byte[] bytes = encode(m);
    assertEquals(300, OutOfBand.read(ByteBuffer.wrap(bytes)).blocks().size(), "rows of 1,600 bytes, raw");
    Array2DRowRealMatrix back = (Array2DRowRealMatrix) decode(bytes);
    assertEquals(m, back);
    assertArrayEquals(data[299], back.getDataRef()[299]);
  }

  @Test
  void sharedArraysRecordsAndRows_stayShared() throws IOException {
    double[] big = ramp(BIG, 0);
    Inner in = new Inner(2, "shared", Unit.METRE);
    Pair back = (Pair) roundTrip(new Pair(big, big, in, in));
    assertSame(back.a(), back.b(), "one array, as stored");
    assertSame(back.p(), back.q());
    assertArrayEquals(big, back.a());
    assertEquals(1, OutOfBand.read(ByteBuffer.wrap(encode(new Pair(big, big, in, in)))).blocks().size());

    double[] row = ramp(10, 1);
    double[][] rows = {row, row, ramp(10, 2)};
    double[][] rb = ((Outer) roundTrip(new Outer(null, null, null, rows, null, null, null, null, 'a', false, (byte) 0,
        (short) 0, 0f, null, null, null))).jagged();
    assertSame(rb[0], rb[1]);
    assertArrayEquals(row, rb[1]);
  }

  @Test
  void cycles_andUnsupportedParts_areLeftToKryo_whichKeepsThem() throws IOException {
    Node a = new Node();
    Node b = new Node();
    a.next = b;
    b.next = a;
    assertFalse(fields.canEncode(a));
    assertEquals(KryoCodec.ID, entries.encode(a, META, null).codecId());
    List<Object> selfList = new ArrayList<>();
    selfList.add(selfList);
    assertFalse(fields.canEncode(selfList));
    assertFalse(fields.canEncode(new LinkedList<>(List.of(new Dataset(null, null)))), "a LinkedList: Kryo's");
    assertFalse(fields.canEncode(new HashMap<>(Map.of(new Inner(1, "k", null), 1))), "a record as a map key");
    assertFalse(fields.canEncode(new Outer(null, null, null, null, null, null,
        new ArrayList<>(List.of(new TreeMap<>(Comparator.reverseOrder()))), null, 'a', false, (byte) 0, (short) 0, 0f, null, null, null)));
    Node chain = new Node();
    for (int i = 0; i < 100; i++) {
      Node n = new Node();
      n.next = chain;
      chain = n;
    }
    assertFalse(fields.canEncode(chain), "nests deeper than " + FieldsCodec.MAX_DEPTH);
    assertFalse(fields.canEncode(new Resolving()), "readResolve: Kryo's path honours it");
    assertFalse(fields.canEncode(new ResolvingByInheritance()), "an inherited readResolve");
    assertFalse(fields.canEncode(new double[3]), "raw-array's");
    assertFalse(fields.canEncode("s"), "scalar's");
    assertFalse(fields.canEncode((Runnable) () -> {}), "behaviour");

    // The cycle round-trips through the codec chain, by Kryo.
    ClassFilter all = c -> true;
    EncodedEntry e = entries.encode(a, META, all);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    e.writePayload(out);
    Node back = (Node) Codecs.kryo().decode(ByteBuffer.wrap(out.toByteArray()), all);
    assertSame(back, back.next.next);
  }

  /** Two classes whose names differ in one character, with other fields. */
  record ShapeA(double[] x, int n) {}

  record ShapeB(double[] x, long n) {}

  record ShapeC(double[] x) {}

  private static byte[] renamed(byte[] payload, Class<?> from, Class<?> to) {
    byte[] f = from.getName().getBytes(StandardCharsets.ISO_8859_1);
    byte[] t = to.getName().getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(f.length, t.length);
    byte[] out = payload.clone();
    for (int i = 0; i + f.length <= out.length; i++) {
      if (Arrays.equals(out, i, i + f.length, f, 0, f.length)) {
        System.arraycopy(t, 0, out, i, t.length);
        return out;
      }
    }
    throw new AssertionError("name not found");
  }

  @Test
  void classWhoseFieldsChanged_isForeign_beforeAnyInstanceIsMade() throws IOException {
    byte[] a = encode(new ShapeA(ramp(BIG, 0), 3));
    ForeignPayloadException retyped = assertThrows(ForeignPayloadException.class,
        () -> decode(renamed(a, ShapeA.class, ShapeB.class)));
    assertEquals("was written for another definition of " + ShapeB.class.getName(), retyped.getMessage());
    assertThrows(ForeignPayloadException.class, () -> decode(renamed(a, ShapeA.class, ShapeC.class)));
  }

  @Test
  void classOutsideTheAllowList_isRefusedAtStore_andAtRead_beforeLoading() throws IOException {
    ClassFilter jdkOnly = AllowLists.forMethod(null, List.of());
    EncodedEntry e = entries.encode(new Dataset(new double[1], null), META, jdkOnly);
    UnstorableValueException atStore = assertThrows(UnstorableValueException.class,
        () -> e.writePayload(new ByteArrayOutputStream()));
    assertEquals(List.of(Dataset.class.getName()),
        assertInstanceOf(RejectedClassException.class, atStore.getCause()).classNames());

    byte[] bytes = encode(new Dataset(new double[1], null));
    RejectedClassException atRead = assertThrows(RejectedClassException.class,
        () -> fields.decode(ByteBuffer.wrap(bytes), jdkOnly));
    assertEquals(Dataset.class.getName(), atRead.className());
  }

  // ---- hostile bytes ----

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }

  /** A payload of {@code graph} and an empty out-of-band table (also for FieldsCollectionsTest). */
  static byte[] payload(int... graph) {
    ByteBuffer b = ByteBuffer.allocate(graph.length + OutOfBand.TRAILER).order(ByteOrder.LITTLE_ENDIAN);
    for (int g : graph) {
      b.put((byte) g);
    }
    b.putLong(graph.length).putLong(0);
    return b.array();
  }

  private void refused(byte[] hostile, String message) throws IOException {
    roundTrip(new Dataset(ramp(10, 0), null)); // warm up
    long before = allocatedBytes();
    DecodeLimitException e = assertThrows(DecodeLimitException.class, () -> decode(hostile));
    assertTrue(e.getMessage().contains(message), e.getMessage());
    long allocated = allocatedBytes() - before;
    assertTrue(allocated < 4 << 20, "allocated " + allocated);
  }

  @Test
  void hugeLengths_areRefused_withoutAllocatingForThem() throws IOException {
    // varint 0x7ffffff0: 0xf0 0xff 0xff 0xff 0x07
    refused(payload(16, 0xf0, 0xff, 0xff, 0xff, 0x07, 1), "elements claimed");                    // LIST
    refused(payload(12, 8, 0xf0, 0xff, 0xff, 0xff, 0x07, 0, 0, 0), "claims 2147483632 elements"); // double[] inline
    refused(payload(9, 0xf0, 0xff, 0xff, 0xff, 0x07, 1, 0), "a string claims");                    // STRING
    refused(payload(13, 8, 0xf0, 0xff, 0xff, 0xff, 0x07, 0), "elements claimed");                 // double[][]
    refused(payload(17, 0xf0, 0xff, 0xff, 0xff, 0x03, 0), "elements claimed");                    // HashMap
    refused(payload(12, 8, 3, 1, 5), "out-of-band block 5 of 0");
    refused(payload(10, 0), "a reference to value 0 of 0");
    refused(payload(15, 3), "class 3 of 0");
  }

  @Test
  void blockReadTwice_orNotAtAll_isRefused() throws IOException {
    byte[] bytes = encode(new Dataset(ramp(BIG, 0), ramp(BIG, 1)));
    int graph = (int) OutOfBand.read(ByteBuffer.wrap(bytes)).graphLength();
    // The graph ends with y: ARRAY, DOUBLE, varint n, OUT_OF_BAND, block 1.
    assertEquals(1, bytes[graph - 1]);
    bytes[graph - 1] = 0;
    refused(bytes, "a second time");
  }

  @Test
  void truncatedOrUnknownGraph_isNotAValue() {
    assertThrows(IOException.class, () -> decode(payload(99)));
    assertThrows(IOException.class, () -> decode(payload(8, 1, 2)));
    assertThrows(IOException.class, () -> decode(payload(1, 7)));
    assertThrows(IOException.class, () -> decode(payload(0, 0)), "bytes left after the value");
  }
}
