package org.memocache.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.memocache.MethodId;
import org.memocache.internal.key.KeyEncoders;
import org.memocache.internal.key.KeyHasher;
import org.memocache.internal.codec.deep.Calibration;
import org.memocache.testing.fixture.Bait1;
import org.memocache.internal.codec.fixture.Measurement;
import org.memocache.internal.codec.fixture.Polyline;
import org.memocache.internal.codec.fixture.TransientBag;
import org.memocache.internal.codec.fixture.Unit;
import org.memocache.spi.ClassFilter;
import org.memocache.testing.outside.Evil1;

class KryoCodecTest {
  private static final ClassFilter ALL = c -> true;
  private static final ClassFilter JDK_ONLY = AllowLists.forMethod(null, List.of());
  private final KryoCodec codec = new KryoCodec();

  private byte[] encode(Object v) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.encode(v, out);
    return out.toByteArray();
  }

  private Object roundTrip(Object v, ClassFilter filter) throws IOException {
    return codec.decode(ByteBuffer.wrap(encode(v)), filter);
  }

  @Test
  void recordWithForeignComponents_andClassWithoutNoArgConstructor_roundTrip() throws IOException {
    Calibration c = new Calibration(0.5, 2.0);
    Measurement m = new Measurement("m", new double[] {1, 2}, List.of(c, c),
        new LinkedHashMap<>(Map.of("a", 1)));
    ClassFilter filter = AllowLists.forMethod(Measurement.class, List.of());
    Measurement back = (Measurement) roundTrip(m, filter);
    assertEquals("m", back.name());
    assertArrayEquals(new double[] {1, 2}, back.values());
    assertEquals(2, back.calibrations().size());
    Calibration c0 = back.calibrations().get(0);
    assertEquals(0.5, c0.offset());
    assertEquals(2.0, c0.scale());
    assertSame(c0, back.calibrations().get(1), "shared reference kept");
    assertSame(c0, c0.self(), "cycle kept");
    assertEquals(Map.of("a", 1), back.counts());
  }

  @Test
  void jdkValueTypes_roundTripUnderTheJdkOnlyFilter() throws IOException {
    List<Object> values = List.of(
        42, "text", 3.5, new BigDecimal("1.250"), LocalDate.of(2024, 2, 29), ZoneId.of("Europe/Paris"),
        UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), Optional.of("x"), Optional.empty(),
        List.of(1, 2, 3), Map.of("k", List.of()), Set.of("s"), Arrays.asList(1, 2),
        Collections.unmodifiableList(new ArrayList<>(List.of(1, 2))),
        Collections.unmodifiableMap(new TreeMap<>(Map.of("b", 2, "a", 1))),
        Collections.unmodifiableSortedMap(new TreeMap<>(Map.of("b", 2))),
        Collections.emptyList(), Collections.singletonList(7), new ConcurrentHashMap<>(Map.of(1, 2)),
        new int[] {1, 2}, new String[] {"a", null}, Map.entry("k", 1),
        new java.util.AbstractMap.SimpleEntry<>("k", 2), new java.util.EnumMap<>(Map.of(java.time.DayOfWeek.MONDAY, 1)),
        new java.math.MathContext(7, java.math.RoundingMode.HALF_EVEN), new java.util.ArrayDeque<>(List.of(1, 2)).size(),
        new java.util.BitSet(3), java.time.Duration.ofSeconds(5), java.time.Instant.ofEpochSecond(7),
        new java.util.concurrent.atomic.AtomicLong(-3), new java.util.concurrent.atomic.AtomicInteger(4),
        new java.util.concurrent.atomic.AtomicBoolean(true));
    for (Object v : values) {
      Object back = roundTrip(v, JDK_ONLY);
      if (v instanceof int[] a) {
        assertArrayEquals(a, (int[]) back);
      } else if (v instanceof Object[] a) {
        assertArrayEquals(a, (Object[]) back);
      } else if (v.getClass().getName().startsWith("java.util.concurrent.atomic.")) {
        // No equals of their own: the same class and value.
        assertEquals(v.getClass(), back.getClass());
        assertEquals(v.toString(), back.toString(), "value of " + v.getClass().getName());
      } else {
        assertEquals(v, back, "value of " + v.getClass().getName());
      }
    }
  }

  @Test
  void sortedMapsAndSets_keepTheirOrder_andTheirKey() throws IOException {
    TreeMap<String, Integer> caseless = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    caseless.putAll(Map.of("A", 1, "b", 2));
    TreeSet<String> descending = new TreeSet<>(Comparator.reverseOrder());
    descending.addAll(List.of("a", "B", "c"));
    for (Object v : List.of(caseless, descending)) {
      Object back = roundTrip(v, JDK_ONLY);
      assertEquals(v, back);
      assertEquals(v.toString(), back.toString(), "the same order");
      MethodId m = MethodId.of("f", 0);
      assertEquals(KeyHasher.acquire(m, KeyEncoders.NONE).argument(0, "a", v).finish(m),
          KeyHasher.acquire(m, KeyEncoders.NONE).argument(0, "a", back).finish(m), "the same key as the original");
    }
    @SuppressWarnings("unchecked")
    TreeMap<String, Integer> back = (TreeMap<String, Integer>) roundTrip(caseless, JDK_ONLY);
    assertEquals(1, back.get("a"));
  }

  @Test
  void anObjectKeepingItsStateInTransientFields_isNotStored_namingWhy() {
    IOException e = assertThrows(IOException.class, () -> encode(List.of(new TransientBag("b", "x"))));
    assertTrue(e.getMessage().startsWith("kryo: cannot encode"), e.getMessage());
    assertTrue(e.getMessage().contains(TransientBag.class.getName() + " keeps its state in transient fields"),
        e.getMessage());
    assertFalse(new FieldsCodec().canEncode(new TransientBag("b", "x")), "field by field it would lose its items");
  }

  @Test
  void aCollectionsOwnFields_roundTrip() throws IOException {
    Polyline back = (Polyline) roundTrip(new Polyline(true, 1.0, 2.0), ALL);
    assertTrue(back.closed);
    assertEquals(List.of(1.0, 2.0), back);
  }

  @Test
  void unmodifiableWrappers_stayUnmodifiable() throws IOException {
    @SuppressWarnings("unchecked")
    List<Integer> back = (List<Integer>) roundTrip(Collections.unmodifiableList(new ArrayList<>(List.of(1))), JDK_ONLY);
    assertThrows(UnsupportedOperationException.class, () -> back.add(2));
  }

  @Test
  void nullValue_roundTrips() throws IOException {
    assertTrue(codec.canEncode(null));
    assertNull(roundTrip(null, JDK_ONLY));
  }

  @Test
  void enums_storedByName() throws IOException {
    ClassFilter filter = AllowLists.forMethod(Unit.class, List.of());
    assertSame(Unit.SECOND, roundTrip(Unit.SECOND, filter));
    assertEquals(EnumSet.of(Unit.METRE), roundTrip(EnumSet.of(Unit.METRE), filter));
    byte[] bytes = encode(Unit.SECOND);
    // Kryo marks the end of an ASCII string by setting the high bit of its last character.
    assertTrue(new String(bytes, StandardCharsets.ISO_8859_1).contains("SECON"), "name, not ordinal");
  }

  @Test
  void canEncode_refusesBehaviourAndHandles() {
    Runnable lambda = () -> { };
    assertFalse(codec.canEncode(lambda));
    assertFalse(codec.canEncode(Thread.currentThread()));
    assertFalse(codec.canEncode(new ByteArrayInputStream(new byte[0])));
    assertFalse(codec.canEncode(List.of(1).iterator()));
    assertFalse(codec.canEncode(List.of(1).stream()));
    assertTrue(codec.canEncode(List.of(1)));
  }

  @Test
  void classOutsideTheAllowList_isRejectedBeforeItIsLoaded() throws IOException {
    // Write a harmless object, then rename its class in the bytes to one whose static initializer
    // records that it ran (same length, so the stream stays well-formed).
    byte[] bytes = encode(new Bait1(7));
    String bait = Bait1.class.getName();
    String evil = "org.memocache.testing.outside.Evil1";
    assertEquals(bait.length(), evil.length());
    int at = indexOf(bytes, bait.substring(0, bait.length() - 1).getBytes(StandardCharsets.US_ASCII));
    assertTrue(at >= 0, "class name found in the stream");
    byte[] crafted = bytes.clone();
    byte[] evilBytes = evil.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(evilBytes, 0, crafted, at, evilBytes.length - 1);
    crafted[at + evilBytes.length - 1] = (byte) (evilBytes[evilBytes.length - 1] | 0x80); // Kryo's ASCII end mark

    ClassFilter fixtureOnly = AllowLists.forMethod(Bait1.class, List.of());
    RejectedClassException e = assertThrows(RejectedClassException.class,
        () -> codec.decode(ByteBuffer.wrap(crafted), fixtureOnly));
    assertEquals(evil, e.className());
    assertNull(System.getProperty(Evil1.RAN), "Evil1's static initializer never ran");
    // The untouched bytes still decode, so the crafting above really only changed the name.
    assertEquals(7, ((Bait1) codec.decode(ByteBuffer.wrap(bytes), fixtureOnly)).x);
  }

  @Test
  void encodeWithReadFilter_refusesValuesThatCouldNotBeReadBack() {
    Measurement m = new Measurement("m", new double[0], List.of(new Calibration(0, 1)), Map.of());
    ClassFilter onlyFixture = c -> c.startsWith("org.memocache.internal.codec.fixture.") || JDK_ONLY.admits(c);
    RejectedClassException e = assertThrows(RejectedClassException.class,
        () -> codec.encode(m, new ByteArrayOutputStream(), onlyFixture));
    assertEquals(Calibration.class.getName(), e.className());
  }

  @Test
  void trailingBytes_areAnError() throws IOException {
    byte[] bytes = encode("x");
    // Three bytes more in the graph, as the trailer (graph length, block count) says.
    int graph = bytes.length - 16;
    byte[] longer = new byte[bytes.length + 3];
    System.arraycopy(bytes, 0, longer, 0, graph);
    ByteBuffer.wrap(longer, graph + 3, 16).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(graph + 3).putLong(0);
    IOException e = assertThrows(IOException.class, () -> codec.decode(ByteBuffer.wrap(longer), JDK_ONLY));
    assertEquals("kryo: 3 bytes left after the value", e.getMessage());
  }

  @Test
  void garbage_isAnIOExceptionNeverAnotherThrowable() {
    byte[] junk = new byte[64];
    new java.util.Random(1).nextBytes(junk);
    assertThrows(IOException.class, () -> codec.decode(ByteBuffer.wrap(junk), JDK_ONLY));
  }

  @Test
  void directBuffer_decodes() throws IOException {
    byte[] bytes = encode(List.of("a", "b"));
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
    direct.put(bytes).flip();
    assertEquals(List.of("a", "b"), codec.decode(direct, JDK_ONLY));
  }

  @Test
  void concurrentUse_fromManyThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int seed = t;
        results.add(pool.submit(() -> {
          for (int i = 0; i < 200; i++) {
            List<Integer> v = List.of(seed, i);
            if (!v.equals(roundTrip(v, JDK_ONLY))) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> f : results) {
        assertTrue(f.get());
      }
    } finally {
      pool.shutdown();
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
