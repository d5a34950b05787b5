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
import java.nio.ByteBuffer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.memocache.internal.ResultCopies;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.EncodedEntry;
import org.memocache.spi.Tier;
import org.memocache.spi.UnstorableValueException;

/**
 * The {@code fields} codec's JDK collections (version 2): each read back as an instance of the class
 * it was written from, equal to it, in its order; what it cannot rebuild exactly stays with Kryo.
 */
class FieldsCollectionsTest {
  private static final ClassFilter CLASSES = AllowLists.forMethod(null, List.of("org.memocache.internal.codec"));
  private static final Tier.Metadata META = new Tier.Metadata("c", Instant.EPOCH, Duration.ZERO);

  private final FieldsCodec fields = new FieldsCodec();
  private final EntryCodec entries = new EntryCodec(Codecs.builtIns());

  enum Phase { SOLID, LIQUID }

  /** More constants than a {@code long} has bits: its sets are {@code JumboEnumSet}s. */
  enum Wide {
    W0, W1, W2, W3, W4, W5, W6, W7, W8, W9, W10, W11, W12, W13, W14, W15, W16, W17, W18, W19, W20, W21, W22, W23,
    W24, W25, W26, W27, W28, W29, W30, W31, W32, W33, W34, W35, W36, W37, W38, W39, W40, W41, W42, W43, W44, W45,
    W46, W47, W48, W49, W50, W51, W52, W53, W54, W55, W56, W57, W58, W59, W60, W61, W62, W63, W64, W65, W66
  }

  enum Empty {}

  record Point(double x, double y) {}

  record Run(List<Point> points, Map<Phase, double[]> byPhase, Set<String> tags, Optional<Point> best) {}

  interface Shape {
    double area();
  }

  record Square(double side) implements Shape {
    @Override
    public double area() {
      return side * side;
    }
  }

  record Disc(double r) implements Shape {
    @Override
    public double area() {
      return Math.PI * r * r;
    }
  }

  abstract static class Model {}

  static final class Linear extends Model {
    double slope;
  }

  record Figures(Shape[] shapes, Comparable<?>[] keys, Object[] any, Number[] numbers, Model[] models) {}

  record Twice(Object a, Object b) {}

  /** A record of every version 1 part: its payload below was written by the version 1 writer. */
  record V1Sample(String name, long n, double[] xs, List<Object> items, Map<String, Integer> counts, Phase phase,
      Object[] refs) {}

  private static final String V1_PAYLOAD = "0f003b006f72672e6d656d6f63616368652e696e7465726e616c2e636f6465632e4669656c647"
      + "3436f6c6c656374696f6e735465737424563153616d706c6501e701007265636f7264206e616d65206a6176612e6c616e672e5374726"
      + "96e672c6e206c6f6e672c787320646f75626c655b5d2c6974656d73206a6176612e7574696c2e4c6973743c6a6176612e6c616e672e4"
      + "f626a6563743e2c636f756e7473206a6176612e7574696c2e4d61703c6a6176612e6c616e672e537472696e672c206a6176612e6c616"
      + "e672e496e74656765723e2c7068617365206f72672e6d656d6f63616368652e696e7465726e616c2e636f6465632e4669656c6473436"
      + "f6c6c656374696f6e73546573742450686173652c72656673206a6176612e6c616e672e4f626a6563745b5d090400763120fc0600000"
      + "0000000002a0c080300000000000000e03f000000000000f0bf000000000000f87f1005050000000109030074776f0008400c0000000"
      + "000000b0138006f72672e6d656d6f63616368652e696e7465726e616c2e636f6465632e4669656c6473436f6c6c656374696f6e73546"
      + "57374245068617365030400656e756d06004c4951554944120209010061050000000109010062000b010500534f4c49440e0210006a6"
      + "176612e6c616e672e4f626a656374000000030a010a0309010073f1010000000000000000000000000000";

  private static V1Sample v1Sample() {
    List<Object> items = new ArrayList<>(Arrays.asList(1, "two", null, 3.5, Phase.LIQUID));
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("a", 1);
    counts.put("b", null);
    double[] xs = {0.5, -1, Double.NaN};
    return new V1Sample("v1 \u00fc", 42L, xs, items, counts, Phase.SOLID, new Object[] {xs, items, "s"});
  }

  private byte[] encode(Object v) throws IOException {
    assertTrue(fields.canEncode(v), "fields encodes " + v.getClass().getName() + " " + v);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    fields.encode(v, out, CLASSES);
    return out.toByteArray();
  }

  private Object decode(byte[] payload) throws IOException {
    return fields.decode(ByteBuffer.wrap(payload).asReadOnlyBuffer(), CLASSES);
  }

  /** Round trips {@code v} alone and as a component of a record: the same class, equal, in the same order. */
  private <T> T same(T v) throws IOException {
    @SuppressWarnings("unchecked")
    T back = (T) decode(encode(v));
    assertEquals(v.getClass(), back.getClass(), "the class of " + v);
    if (!(v instanceof ArrayDeque<?>)) {
      assertEquals(v, back);
    }
    if (v instanceof List<?> || v instanceof ArrayDeque<?> || v instanceof Optional<?> || v instanceof LinkedHashSet<?>
        || v instanceof LinkedHashMap<?, ?> || v instanceof TreeSet<?> || v instanceof TreeMap<?, ?>
        || v instanceof EnumSet<?> || v instanceof EnumMap<?, ?> || v.getClass().getName().contains("Unmodifiable")) {
      assertEquals(order(v), order(back), "the order of " + v);
    }
    assertEquals(ResultCopies.immutable(v), ResultCopies.immutable(back), "copied on hits as the original is");
    Twice nested = (Twice) decode(encode(new Twice(v, List.of(v))));
    assertEquals(v.getClass(), nested.a().getClass());
    // An ArrayDeque has no equals of its own.
    assertEquals(v instanceof ArrayDeque<?> ? order(v) : v, v instanceof ArrayDeque<?> ? order(nested.a()) : nested.a());
    assertSame(nested.a(), ((List<?>) nested.b()).get(0), "reached twice, one object");
    assertEquals(FieldsCodec.ID, entries.encode(v, META, CLASSES).codecId());
    assertEquals(2, entries.encode(v, META, CLASSES).codecVersion(), "a version 2 part");
    return back;
  }

  private static List<?> order(Object v) {
    if (v instanceof Map<?, ?> m) {
      return new ArrayList<>(m.keySet());
    }
    if (v instanceof Optional<?> o) {
      return o.stream().toList();
    }
    return new ArrayList<>((Collection<?>) v);
  }

  private static List<Point> points(int n) {
    return IntStream.range(0, n).mapToObj(i -> new Point(i, -i)).toList();
  }

  @Test
  void immutableLists_ofEverySize_keepTheirClassAndWhetherTheyAdmitNull() throws IOException {
    for (int n : new int[] {0, 1, 2, 3, 1000}) {
      Point[] a = points(n).toArray(new Point[0]);
      same(List.of(a));
      same(List.copyOf(Arrays.asList(a)));
      same(Stream.of(a).collect(Collectors.toUnmodifiableList()));
      List<Point> streamed = same(Stream.of(a).toList());
      assertEquals(-1, streamed.indexOf(null), "Stream.toList() admits null");
      if (n > 0) {
        List<Point> of = same(List.of(a));
        assertThrows(NullPointerException.class, () -> of.indexOf(null), "List.of admits no null");
      }
    }
    assertEquals(List.of(1, 2).getClass(), same(List.of(1, 2)).getClass());
    assertEquals(List.of(1, 2, 3).getClass(), same(List.of(1, 2, 3)).getClass());
    List<?> withNulls = same(Stream.of("a", null, 3).toList());
    assertNull(withNulls.get(1));
    same(List.of(List.of(1.5), List.of(), new double[0].length));
  }

  @Test
  void immutableSetsAndMaps_ofEverySize_andTheirCopies() throws IOException {
    same(Set.of());
    same(Set.of("a"));
    same(Set.of(1, 2));
    same(Set.of(Phase.SOLID, "x", 2.5));
    same(Set.copyOf(IntStream.range(0, 500).boxed().toList()));
    same(Map.of());
    same(Map.of("k", List.of(new Point(1, 2))));
    same(Map.of(1L, "one", 2L, "two"));
    same(Map.ofEntries(Map.entry(Phase.SOLID, new Point(0, 0))));
    same(Map.copyOf(IntStream.range(0, 300).boxed().collect(Collectors.toMap(i -> "k" + i, i -> i * 0.5))));
    Map<Phase, double[]> arrays = Map.of(Phase.SOLID, new double[] {1, 2}, Phase.LIQUID, new double[70_000]);
    @SuppressWarnings("unchecked")
    Map<Phase, double[]> back = (Map<Phase, double[]>) decode(encode(arrays));
    assertEquals(arrays.getClass(), back.getClass());
    assertArrayEquals(arrays.get(Phase.SOLID), back.get(Phase.SOLID));
    assertEquals(70_000, back.get(Phase.LIQUID).length);
  }

  @Test
  void collectionsFactories_emptySingletonAndUnmodifiable() throws IOException {
    assertSame(Collections.emptyList(), same(Collections.emptyList()));
    assertSame(Collections.emptySet(), same(Collections.emptySet()));
    assertSame(Collections.emptyMap(), same(Collections.emptyMap()));
    same(Collections.singletonList(new Point(1, 1)));
    same(Collections.singletonList(null));
    same(Collections.singleton("one"));
    same(Collections.singletonMap(Phase.LIQUID, 3));
    same(Collections.unmodifiableList(new ArrayList<>(Arrays.asList(3, null, 1))));
    same(Collections.unmodifiableList(List.of(1, 2, 3)));
    same(Collections.unmodifiableSet(new LinkedHashSet<>(List.of("z", "a", "m"))));
    same(Collections.unmodifiableSet(new TreeSet<>(List.of("z", "a", "m"))));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("z", null);
    m.put("a", List.of(1));
    same(Collections.unmodifiableMap(m));
  }

  @Test
  void mutableSetsTreesAndDeques_keepTheirOrder() throws IOException {
    same(new HashSet<>(Arrays.asList("a", null, "b", 3)));
    same(new LinkedHashSet<>(List.of("z", "a", "m", "b")));
    same(new LinkedHashSet<>());
    same(new TreeSet<>(List.of("z", "a", "m")));
    same(new TreeSet<>(List.of(Phase.LIQUID, Phase.SOLID)));
    TreeMap<String, double[]> tree = new TreeMap<>();
    tree.put("b", new double[] {2});
    tree.put("a", null);
    @SuppressWarnings("unchecked")
    TreeMap<String, double[]> tb = (TreeMap<String, double[]>) decode(encode(tree));
    assertEquals(List.of("a", "b"), new ArrayList<>(tb.keySet()));
    assertArrayEquals(new double[] {2}, tb.get("b"));
    same(new TreeMap<>(Map.of(3, "c", 1, "a", 2, "b")));
    same(new ArrayDeque<>(List.of(3, 1, 2)));
    same(Optional.of(new Point(1, 2)));
    same(Optional.empty());
  }

  @Test
  void enumKeys_enumMapsAndEnumSets() throws IOException {
    Map<Phase, Integer> hash = new HashMap<>(Map.of(Phase.SOLID, 1, Phase.LIQUID, 2));
    same(hash);
    LinkedHashMap<Phase, String> linked = new LinkedHashMap<>();
    linked.put(Phase.LIQUID, "l");
    linked.put(Phase.SOLID, "s");
    same(linked);
    EnumMap<Phase, double[]> em = new EnumMap<>(Phase.class);
    em.put(Phase.LIQUID, new double[] {1, 2});
    @SuppressWarnings("unchecked")
    EnumMap<Phase, double[]> eb = (EnumMap<Phase, double[]>) decode(encode(em));
    assertArrayEquals(new double[] {1, 2}, eb.get(Phase.LIQUID));
    eb.put(Phase.SOLID, null); // the key type came back with it
    same(new EnumMap<>(Map.of(Phase.SOLID, "s", Phase.LIQUID, "l")));
    same(EnumSet.noneOf(Phase.class));
    same(EnumSet.of(Phase.LIQUID));
    same(EnumSet.allOf(Phase.class));
    same(EnumSet.noneOf(Wide.class));
    same(EnumSet.of(Wide.W0, Wide.W66));
    assertEquals("java.util.JumboEnumSet", entries.encode(EnumSet.noneOf(Wide.class), META, CLASSES).valueType());
  }

  @Test
  void arraysOfAnInterfaceOrAbstractClass_holdingEncodableElements() throws IOException {
    Linear l = new Linear();
    l.slope = 0.5;
    Shape sq = new Square(2);
    Figures s = new Figures(new Shape[] {sq, new Disc(1), null, sq}, new Comparable<?>[] {"a", 1, Phase.SOLID},
        new Object[] {new Point(1, 2), List.of(3), new double[] {4}}, new Number[] {1, 2.5, 3L}, new Model[] {l});
    Figures back = (Figures) decode(encode(s));
    assertEquals(Shape[].class, back.shapes().getClass());
    assertArrayEquals(s.shapes(), back.shapes());
    assertSame(back.shapes()[0], back.shapes()[3]);
    assertEquals(Comparable[].class, back.keys().getClass());
    assertArrayEquals(s.keys(), back.keys());
    assertEquals(Point.class, back.any()[0].getClass());
    assertEquals(List.of(3).getClass(), back.any()[1].getClass());
    assertArrayEquals(new double[] {4}, (double[]) back.any()[2]);
    assertArrayEquals(s.numbers(), back.numbers());
    assertEquals(Model[].class, back.models().getClass());
    assertEquals(0.5, ((Linear) back.models()[0]).slope);
    assertEquals(2, entries.encode(new Shape[] {sq}, META, CLASSES).codecVersion());
    assertArrayEquals(new Shape[] {sq}, (Shape[]) decode(encode(new Shape[] {sq})));
    assertFalse(fields.canEncode(new Shape[] {() -> 1.0}), "an element beyond the codec: Kryo's");
  }

  @Test
  void aRecordOfImmutableCollections_isOneObjectPerSharedPart() throws IOException {
    List<Point> pts = List.copyOf(points(10_000));
    Set<String> tags = Set.of("fit", "final");
    Run r = new Run(pts, Map.of(Phase.SOLID, new double[] {1}, Phase.LIQUID, new double[] {2, 3}), tags,
        Optional.of(pts.get(3)));
    Run back = (Run) ((Twice) decode(encode(new Twice(r, r)))).a();
    assertEquals(pts, back.points());
    assertEquals(pts.getClass(), back.points().getClass());
    assertSame(back.points().get(3), back.best().orElseThrow(), "one record, reached twice");
    assertEquals(tags, back.tags());
    assertTrue(ResultCopies.immutable(back.points()), "List.of of records: shared on memory hits, as stored");
    Twice t = (Twice) decode(encode(new Twice(tags, tags)));
    assertSame(t.a(), t.b());
  }

  /** A subclass of a JDK value class: Kryo's. */
  static final class Money extends BigDecimal {
    private static final long serialVersionUID = 1L;

    Money(String v) {
      super(v);
    }
  }

  @Test
  void instantsDatesDurationsUuidsAndBigNumbers_roundTrip_andServeAsKeys() throws IOException {
    Object[] values = {Instant.ofEpochSecond(1_700_000_000L, 123_456_789), Instant.ofEpochSecond(-5, 1), Instant.MIN,
        Instant.MAX, Duration.ofSeconds(-3, 5), Duration.ZERO, LocalDate.of(2024, 2, 29), LocalDate.MIN, LocalDate.MAX,
        LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_999), LocalDateTime.MAX, new UUID(-1L, 42L),
        BigInteger.ZERO, BigInteger.valueOf(-129), BigInteger.TWO.pow(300).negate(), new BigDecimal("-12.3400"),
        new BigDecimal("1E+20"), new BigDecimal(BigInteger.TEN.pow(40), -7)};
    for (Object v : values) {
      Object back = decode(encode(v));
      assertEquals(v.getClass(), back.getClass());
      assertEquals(v, back);
      assertEquals(v.toString(), back.toString(), "the same scale and precision");
      assertEquals(FieldsCodec.ID, entries.encode(v, META, CLASSES).codecId());
    }
    TreeMap<LocalDate, double[]> series = new TreeMap<>();
    series.put(LocalDate.of(2024, 1, 2), new double[] {1});
    series.put(LocalDate.of(2023, 12, 31), new double[] {2});
    @SuppressWarnings("unchecked")
    TreeMap<LocalDate, double[]> sb = (TreeMap<LocalDate, double[]>) decode(encode(series));
    assertEquals(new ArrayList<>(series.keySet()), new ArrayList<>(sb.keySet()));
    assertArrayEquals(new double[] {2}, sb.firstEntry().getValue());
    same(new HashMap<>(Map.of(new UUID(1, 2), "a", new UUID(3, 4), "b")));
    same(Set.of(Instant.EPOCH, Instant.ofEpochSecond(1)));
    same(Map.of(BigInteger.ONE, Duration.ofMillis(5)));
    Instant shared = Instant.now();
    Twice t = (Twice) decode(encode(new Twice(shared, shared)));
    assertSame(t.a(), t.b());
    assertFalse(fields.canEncode(new Money("1.5")), "a subclass of BigDecimal");
    assertFalse(fields.canEncode(List.of(new Money("1.5"))));
  }

  @Test
  void whatCannotBeRebuiltExactly_isLeftToKryo() {
    assertFalse(fields.canEncode(Arrays.asList(1, 2)), "its array type is not visible");
    assertFalse(fields.canEncode(List.of(1, 2, 3).subList(0, 2)));
    assertFalse(fields.canEncode(new TreeMap<String, Integer>(Comparator.reverseOrder())));
    assertFalse(fields.canEncode(new TreeSet<String>(Comparator.reverseOrder())));
    assertFalse(fields.canEncode(new LinkedList<>(List.of(1))));
    assertFalse(fields.canEncode(Collections.unmodifiableList(new LinkedList<>(List.of(1)))), "not random access");
    assertFalse(fields.canEncode(Collections.unmodifiableSortedSet(new TreeSet<>(List.of(1)))));
    assertFalse(fields.canEncode(new EnumMap<Phase, Integer>(Phase.class)), "empty: its key type is private");
    assertFalse(fields.canEncode(EnumSet.noneOf(Empty.class)), "no constant to say its type");
    assertFalse(fields.canEncode(Set.of(new Point(1, 2))), "a record as a set element: its hash is not bounded");
    assertFalse(fields.canEncode(new HashMap<>(Map.of(List.of(1), 1))), "a list as a key");
    assertFalse(fields.canEncode(Map.of(new Point(0, 0), 1)));
    List<Object> self = new ArrayList<>();
    self.add(Collections.unmodifiableList(self));
    assertFalse(fields.canEncode(self), "a cycle");
    assertEquals(KryoCodec.ID, entries.encode(Arrays.asList(1, 2), META, CLASSES).codecId());
  }

  @Test
  void versionOneValues_areStampedVersionOne_andTheVersionOnePayloadStillReads() throws IOException {
    assertEquals(1, fields.versionFor(v1Sample()));
    assertEquals(1, entries.encode(v1Sample(), META, CLASSES).codecVersion());
    assertEquals(V1_PAYLOAD, HexFormat.of().formatHex(encode(v1Sample())), "written as version 1 wrote it");
    V1Sample back = (V1Sample) decode(HexFormat.of().parseHex(V1_PAYLOAD));
    V1Sample v = v1Sample();
    assertEquals(v.name(), back.name());
    assertEquals(v.n(), back.n());
    assertArrayEquals(v.xs(), back.xs());
    assertEquals(v.items(), back.items());
    assertInstanceOf(ArrayList.class, back.items());
    assertEquals(v.counts(), back.counts());
    assertInstanceOf(LinkedHashMap.class, back.counts());
    assertSame(Phase.SOLID, back.phase());
    assertSame(back.xs(), back.refs()[0]);
    assertSame(back.items(), back.refs()[1]);
    assertEquals(2, fields.versionFor(new HashMap<>(Map.of(Phase.SOLID, 1))), "an enum key");
    assertEquals(2, fields.versionFor(new Twice(List.of(1), null)));
    assertEquals(0, fields.versionFor(new LinkedList<>()));
    assertTrue(FieldsCodec.reads(1) && FieldsCodec.reads(2) && !FieldsCodec.reads(3) && !FieldsCodec.reads(0));
  }

  @Test
  void classOutsideTheAllowList_asAnArrayComponentOrEnumKey_isRefusedAtStore_andAtRead() throws IOException {
    ClassFilter noShape = name -> !name.equals(Shape.class.getName()) && CLASSES.admits(name);
    EncodedEntry e = entries.encode(new Shape[] {new Square(1)}, META, noShape);
    UnstorableValueException atStore = assertThrows(UnstorableValueException.class,
        () -> e.writePayload(new ByteArrayOutputStream()));
    assertEquals(List.of(Shape.class.getName()),
        assertInstanceOf(RejectedClassException.class, atStore.getCause()).classNames());
    byte[] shapes = encode(new Shape[] {new Square(1)});
    assertEquals(Shape.class.getName(), assertThrows(RejectedClassException.class,
        () -> fields.decode(ByteBuffer.wrap(shapes), noShape)).className());

    ClassFilter noPhase = name -> !name.equals(Phase.class.getName()) && CLASSES.admits(name);
    byte[] set = encode(EnumSet.of(Phase.SOLID));
    assertEquals(Phase.class.getName(), assertThrows(RejectedClassException.class,
        () -> fields.decode(ByteBuffer.wrap(set), noPhase)).className());
    ClassFilter noTreeMap = name -> !name.equals("java.util.TreeMap") && CLASSES.admits(name);
    byte[] tree = encode(new TreeMap<>(Map.of("a", 1)));
    assertEquals("java.util.TreeMap", assertThrows(RejectedClassException.class,
        () -> fields.decode(ByteBuffer.wrap(tree), noTreeMap)).className());
    EncodedEntry te = entries.encode(new TreeMap<>(Map.of("a", 1)), META, noTreeMap);
    assertThrows(UnstorableValueException.class, () -> te.writePayload(new ByteArrayOutputStream()));
  }

  // ---- hostile bytes ----

  /** Not a value this codec wrote: an {@link IOException} saying {@code message}, nothing thrown raw. */
  private void notWritten(byte[] hostile, String message) {
    IOException e = assertThrows(IOException.class, () -> decode(hostile));
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertFalse(e instanceof DecodeLimitException, "valid counts: not a limit");
  }

  @Test
  void hugeCounts_areRefusedBeforeAllocating() {
    int[] huge = {0xf0, 0xff, 0xff, 0xff, 0x07};
    for (int tag : new int[] {20, 21, 25, 26, 27, 28, 29}) {
      int[] g = new int[huge.length + 2];
      g[0] = tag;
      System.arraycopy(huge, 0, g, 1, huge.length);
      assertThrows(DecodeLimitException.class, () -> decode(FieldsCodecTest.payload(g)), "tag " + tag);
    }
    assertThrows(DecodeLimitException.class, () -> decode(FieldsCodecTest.payload(19, 0, 0xf0, 0xff, 0xff, 0xff, 0x07, 0)));
    assertThrows(DecodeLimitException.class, () -> decode(FieldsCodecTest.payload(24, 2, 0xf0, 0xff, 0xff, 0xff, 0x07, 0)));
  }

  @Test
  void repeatedKeys_nullsWhereNoneCanBe_andIncomparableKeys_areNotValues() {
    int[] one = {5, 0, 0, 0, 1};
    int[] two = {5, 0, 0, 0, 2};
    notWritten(FieldsCodecTest.payload(cat(new int[] {20, 3}, one, two, one)), "repeats one");                 // Set.of
    notWritten(FieldsCodecTest.payload(cat(new int[] {25, 2}, one, one)), "repeats one");                      // HashSet
    notWritten(FieldsCodecTest.payload(cat(new int[] {27, 2}, one, one)), "repeats one");                      // TreeSet
    notWritten(FieldsCodecTest.payload(cat(new int[] {24, 1, 2}, one, one)), "repeats one");                   // unmodifiableSet
    notWritten(FieldsCodecTest.payload(cat(new int[] {21, 2}, one, one, one, two)), "repeats a key");          // Map.ofEntries
    notWritten(FieldsCodecTest.payload(cat(new int[] {17, 2}, one, one, one, two)), "repeats a key");          // HashMap
    notWritten(FieldsCodecTest.payload(cat(new int[] {28, 2}, one, one, one, two)), "repeats a key");          // TreeMap
    notWritten(FieldsCodecTest.payload(cat(new int[] {19, 0, 2, 0}, one)), "admits none");                     // List.of(null, 1)
    notWritten(FieldsCodecTest.payload(cat(new int[] {21, 1}, one, new int[] {0})), "null");                   // Map.of(1, null)
    notWritten(FieldsCodecTest.payload(cat(new int[] {21, 1, 0}, one)), "null");                               // Map.of(null, 1)
    notWritten(FieldsCodecTest.payload(cat(new int[] {27, 2}, one, new int[] {9, 1, 0, 'a'})), "ClassCastException"); // TreeSet(1, "a")
    notWritten(FieldsCodecTest.payload(cat(new int[] {28, 2}, one, one, new int[] {9, 1, 0, 'a'}, one)), "ClassCastException");
    notWritten(FieldsCodecTest.payload(25, 1, 16, 0), "a map key or set element is a java.util.ArrayList");
    notWritten(FieldsCodecTest.payload(22, 3), "collection kind 3");
    notWritten(FieldsCodecTest.payload(19, 2, 0), "null flag");
    notWritten(FieldsCodecTest.payload(99), "unknown tag 99");
    notWritten(FieldsCodecTest.payload(33, 0, 0, 0, 0, 0, 0, 0, 0, 0x3b, 0x9a, 0xca, 0x00), "1000000000 nanoseconds");   // Instant
    notWritten(FieldsCodecTest.payload(35, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), "DateTimeException");      // LocalDate
    notWritten(FieldsCodecTest.payload(38, 0), "a number of no bytes");                                                  // BigInteger
    assertThrows(DecodeLimitException.class, () -> decode(FieldsCodecTest.payload(38, 0xf0, 0xff, 0xff, 0xff, 0x07, 1)));
  }

  @Test
  void immutableSetOfKeysCraftedToCollide_isRefusedBeforeSetOfProbesThem() throws IOException {
    // 2^12 distinct strings of one hash code ("Aa" and "BB" hash alike): Set.of would compare each
    // with all before it.
    List<String> colliding = new ArrayList<>(List.of(""));
    for (int round = 0; round < 12; round++) {
      List<String> next = new ArrayList<>();
      for (String p : colliding) {
        next.add(p + "Aa");
        next.add(p + "BB");
      }
      colliding = next;
    }
    assertEquals(1, colliding.stream().map(String::hashCode).distinct().count());
    // Written as the writer would write a Set.of of them (it cannot build one quickly either).
    ByteArrayOutputStream g = new ByteArrayOutputStream();
    g.write(20);
    writeVarint(g, colliding.size());
    for (String c : colliding) {
      g.write(9);
      writeVarint(g, c.length());
      g.write(0);
      g.write(c.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    DecodeLimitException e = assertThrows(DecodeLimitException.class, () -> decode(FieldsCodecTest.payload(ints(g))));
    assertTrue(e.getMessage().contains("keys of an immutable set or map collide"), e.getMessage());
    ByteArrayOutputStream m = new ByteArrayOutputStream(); // the same keys in a Map.of, each to 0
    m.write(21);
    writeVarint(m, colliding.size());
    for (String c : colliding) {
      m.write(9);
      writeVarint(m, c.length());
      m.write(0);
      m.write(c.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      m.write(new byte[] {5, 0, 0, 0, 0});
    }
    assertThrows(DecodeLimitException.class, () -> decode(FieldsCodecTest.payload(ints(m))));
    same(Set.copyOf(colliding.subList(0, 64))); // a few colliding keys: a set like any other
  }

  private static int[] ints(ByteArrayOutputStream graph) {
    byte[] b = graph.toByteArray();
    int[] ints = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      ints[i] = b[i] & 0xff;
    }
    return ints;
  }

  private static void writeVarint(ByteArrayOutputStream out, int v) {
    while ((v & ~0x7f) != 0) {
      out.write((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write(v);
  }

  private static int[] cat(int[]... parts) {
    return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
  }
}
