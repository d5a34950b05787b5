package org.memocache.internal.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memocache.CacheKey;
import org.memocache.FileContent;
import org.memocache.MemoKeyException;
import org.memocache.MethodId;
import org.memocache.spi.KeyEncoder;
import org.memocache.testing.ChildJvm;
import org.memocache.internal.codec.SerialForm;
import org.memocache.internal.codec.fixture.Polyline;
import org.memocache.internal.codec.fixture.RebuiltIndex;
import org.memocache.internal.codec.fixture.TransientBag;

class KeyHasherTest {
  static final MethodId M = MethodId.of("simulate", 0);

  record Params(int n, double alpha, List<String> tags) {}

  enum Mode { FAST, EXACT }

  static final class Matrix {
    final int rows;
    final double[] data;
    transient Object cache = new Object();

    Matrix(int rows, double[] data) {
      this.rows = rows;
      this.data = data;
    }
  }

  static final class Node {
    Node next;
  }

  static CacheKey key(Object... args) {
    return key(M, args);
  }

  static CacheKey key(MethodId m, Object... args) {
    KeyHasher h = KeyHasher.acquire(m, KeyEncoders.NONE);
    for (int i = 0; i < args.length; i++) {
      h.argument(i, "arg" + i, args[i]);
    }
    return h.finish(m);
  }

  /** The same arguments give the same key in another JVM: nothing depends on identity or order of loading. */
  public static void main(String[] args) {
    System.out.println(sample().hex());
  }

  static CacheKey sample() {
    Map<String, Object> map = new HashMap<>();
    map.put("x", 1);
    map.put("y", List.of(2.5, -0.0));
    return key(42, 7L, "text", Mode.EXACT, new Params(3, 0.5, List.of("a", "b")), map, Set.of(1, 2, 3),
        new double[] {1, 2, Double.NaN}, new int[][] {{1}, {2, 3}}, new BigDecimal("1.50"),
        LocalDate.of(2024, 1, 31), Optional.of("o"), new Matrix(2, new double[] {1, 2, 3, 4}), null);
  }

  @Test
  void sameArguments_sameKeyInAnotherJvm() throws Exception {
    ChildJvm.Result r = ChildJvm.run(List.of(), KeyHasherTest.class);
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals(sample().hex(), r.stdout());
    assertEquals(sample(), sample());
  }

  /** A set whose iteration order is the order it was given, and whose order promises nothing. */
  static final class GivenOrderSet<E> extends AbstractSet<E> {
    private final List<E> elements;

    GivenOrderSet(List<E> elements) {
      this.elements = elements;
    }

    @Override
    public Iterator<E> iterator() {
      return elements.iterator();
    }

    @Override
    public int size() {
      return elements.size();
    }
  }

  @Test
  void setAndMapOrder_doNotChangeTheKey_ofHashedAndOtherUnorderedOnes() {
    assertEquals(key(new GivenOrderSet<>(List.of(1, 2, 3, 4, 5))), key(new GivenOrderSet<>(List.of(5, 4, 3, 2, 1))));
    assertEquals(key(new GivenOrderSet<>(List.of(1, 2, 3))), key(new HashSet<>(List.of(3, 1, 2))));
    Map<String, Integer> m1 = new HashMap<>();
    m1.put("a", 1);
    m1.put("b", 2);
    assertEquals(key(m1), key(Map.of("b", 2, "a", 1)));
    assertNotEquals(key(Map.of("a", 1, "b", 2)), key(Map.of("a", 2, "b", 1)));
    // Lists keep order.
    assertNotEquals(key(List.of(1, 2)), key(List.of(2, 1)));
  }

  @Test
  void insertionOrderedSetsAndMaps_hashInOrder() {
    assertEquals(key(new LinkedHashSet<>(List.of(1, 2, 3))), key(new LinkedHashSet<>(List.of(1, 2, 3))));
    assertNotEquals(key(new LinkedHashSet<>(List.of(1, 2, 3))), key(new LinkedHashSet<>(List.of(3, 2, 1))));
    assertNotEquals(key(new LinkedHashSet<>(List.of(1, 2, 3))), key(new HashSet<>(List.of(1, 2, 3))));
    Map<String, double[]> columns = new LinkedHashMap<>();
    columns.put("x", new double[] {1});
    columns.put("y", new double[] {2});
    Map<String, double[]> swapped = new LinkedHashMap<>();
    swapped.put("y", new double[] {2});
    swapped.put("x", new double[] {1});
    assertEquals(columns, new LinkedHashMap<>(columns));
    assertNotEquals(key(columns), key(swapped));
    assertEquals(key(columns), key(new LinkedHashMap<>(columns)));
  }

  record ByLength(boolean longestFirst) implements Comparator<String> {
    @Override
    public int compare(String a, String b) {
      int c = Integer.compare(a.length(), b.length());
      return longestFirst ? -c : c;
    }
  }

  @Test
  void sortedSetsAndMaps_hashTheirOrder_whichDecidesWhatTheyHold() {
    Map<String, Integer> plain = new HashMap<>(Map.of("A", 1));
    TreeMap<String, Integer> caseless = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    caseless.put("A", 1);
    // Equal by Map.equals, but caseless.get("a") is 1 and plain.get("a") is null.
    assertEquals(plain, caseless);
    assertNotEquals(key(plain), key(caseless));
    TreeMap<String, Integer> natural = new TreeMap<>(Map.of("A", 1, "B", 2));
    TreeMap<String, Integer> reverse = new TreeMap<>(Comparator.reverseOrder());
    reverse.putAll(natural);
    assertNotEquals(key(natural), key(reverse));
    assertNotEquals(key(natural), key(new HashMap<>(natural)));
    // The same order, however it is asked for and whatever the insertion order, is one key.
    TreeMap<String, Integer> explicit = new TreeMap<>(Comparator.naturalOrder());
    explicit.put("B", 2);
    explicit.put("A", 1);
    assertEquals(key(natural), key(explicit));
    TreeMap<String, Integer> reverseAgain = new TreeMap<>(Collections.reverseOrder());
    reverseAgain.putAll(Map.of("B", 2, "A", 1));
    assertEquals(key(reverse), key(reverseAgain));
    assertEquals(key(new TreeSet<>(List.of("b", "a"))), key(new TreeSet<>(List.of("a", "b"))));
    TreeSet<String> descending = new TreeSet<>(Collections.reverseOrder(String.CASE_INSENSITIVE_ORDER));
    descending.addAll(List.of("a", "B"));
    TreeSet<String> caselessSet = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    caselessSet.addAll(List.of("a", "B"));
    assertNotEquals(key(descending), key(caselessSet));
    TreeSet<String> descendingAgain = new TreeSet<>(String.CASE_INSENSITIVE_ORDER.reversed());
    descendingAgain.addAll(List.of("B", "a"));
    assertEquals(key(descending), key(descendingAgain));
    assertNotEquals(key(new TreeSet<>(List.of("a", "b"))), key(new HashSet<>(List.of("a", "b"))));
    // A comparator of a named class is hashed by its fields.
    TreeSet<String> shortFirst = new TreeSet<>(new ByLength(false));
    shortFirst.addAll(List.of("aa", "b"));
    TreeSet<String> longFirst = new TreeSet<>(new ByLength(true));
    longFirst.addAll(List.of("aa", "b"));
    TreeSet<String> shortFirstAgain = new TreeSet<>(new ByLength(false));
    shortFirstAgain.addAll(List.of("b", "aa"));
    assertNotEquals(key(shortFirst), key(longFirst));
    assertEquals(key(shortFirst), key(shortFirstAgain));
    assertEquals(key(new TreeMap<>(Map.of("k", 1))), key(Collections.unmodifiableSortedMap(new TreeMap<>(Map.of("k", 1)))));
  }

  @Test
  void aMapSortedByALambda_cannotBeHashed_andSaysWhy() {
    TreeMap<String, Integer> byLength = new TreeMap<>(Comparator.comparing(String::length));
    byLength.put("a", 1);
    MemoKeyException e = assertThrows(MemoKeyException.class, () -> key(byLength));
    assertTrue(e.getMessage().contains("parameter 0 (arg0).comparator()"), e.getMessage());
    assertTrue(e.getMessage().contains("lambda"), e.getMessage());
  }

  @Test
  void zeroAndNegativeZero_differ_allNaNsAreOne() {
    assertNotEquals(key(0.0), key(-0.0));
    assertNotEquals(key(new double[] {0.0}), key(new double[] {-0.0}));
    double otherNaN = Double.longBitsToDouble(0x7ff8_0000_0000_1234L);
    assertTrue(Double.isNaN(otherNaN));
    assertEquals(key(Double.NaN), key(otherNaN));
    assertEquals(key(new double[] {1, Double.NaN}), key(new double[] {1, otherNaN}));
    float otherFloatNaN = Float.intBitsToFloat(0x7fc0_0123);
    assertEquals(key(new float[] {Float.NaN}), key(new float[] {otherFloatNaN}));
  }

  @Test
  void types_areTagged() {
    assertNotEquals(key(1), key(1L));
    assertNotEquals(key(1), key("1"));
    assertNotEquals(key("ab", "c"), key("a", "bc"));
    assertNotEquals(key(new int[] {1, 2}), key(new long[] {1, 2}));
    assertNotEquals(key((Object) null), key());
    assertNotEquals(key(new BigDecimal("1.5")), key(new BigDecimal("1.50")));
    assertNotEquals(key(M, 1), key(MethodId.of("simulate", 1), 1), "version is part of the key");
    assertNotEquals(key(M, 1), key(MethodId.of("other", 0), 1));
  }

  @Test
  void objects_byFields_transientSkipped() {
    Matrix a = new Matrix(2, new double[] {1, 2, 3, 4});
    Matrix b = new Matrix(2, new double[] {1, 2, 3, 4});
    b.cache = "different cache content";
    assertEquals(key(a), key(b));
    assertNotEquals(key(a), key(new Matrix(2, new double[] {1, 2, 3, 5})));
    assertNotEquals(key(a), key(new Matrix(1, new double[] {1, 2, 3, 4})));
    assertEquals(key(new Params(1, 2, List.of())), key(new Params(1, 2, new ArrayList<>())));
  }

  @Test
  void receiverState_isPartOfTheKey() {
    Matrix a = new Matrix(2, new double[] {1, 2});
    Matrix b = new Matrix(2, new double[] {3, 4});
    KeyHasher h1 = KeyHasher.acquire(M, KeyEncoders.NONE).receiver(a);
    CacheKey ka = h1.finish(M);
    CacheKey kb = KeyHasher.acquire(M, KeyEncoders.NONE).receiver(b).finish(M);
    CacheKey ka2 = KeyHasher.acquire(M, KeyEncoders.NONE).receiver(new Matrix(2, new double[] {1, 2})).finish(M);
    assertNotEquals(ka, kb);
    assertEquals(ka, ka2);
  }

  @Test
  void bigArrays_chunked_deterministic_andSensitiveToEveryChunk() {
    double[] big = new double[5 << 20];
    Arrays.setAll(big, i -> i * 0.25);
    CacheKey k1 = key((Object) big);
    assertEquals(k1, key((Object) big.clone()));
    big[big.length - 1] += 1;
    assertNotEquals(k1, key((Object) big));
    big[big.length - 1] -= 1;
    big[3 << 20] = Double.NaN;
    CacheKey withNaN = key((Object) big);
    big[3 << 20] = Double.longBitsToDouble(0x7ff8_0000_0000_0042L);
    assertEquals(withNaN, key((Object) big), "NaNs are folded in chunked arrays too");
  }

  @Test
  void paths_byMetadata_orContent(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("data.csv");
    Files.writeString(f, "a,b\n1,2\n");
    CacheKey meta = key(f);
    CacheKey content = key(FileContent.of(f));
    assertEquals(meta, key(dir.resolve(".").resolve("data.csv")), "normalized absolute path");
    Files.writeString(f, "a,b\n1,3\n");
    assertNotEquals(content, key(FileContent.of(f)));
    Path g = dir.resolve("copy.csv");
    Files.writeString(g, "a,b\n1,3\n");
    assertEquals(key(FileContent.of(f)), key(FileContent.of(g)), "same content, same key");
  }

  @Test
  void aDirectory_isHashedByWhatIsUnderIt(@TempDir Path dir) throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path a = Files.writeString(data.resolve("a.csv"), "x\n1\n");
    Files.createDirectories(data.resolve("sub"));
    Path b = Files.writeString(data.resolve("sub/b.csv"), "x\n2\n");
    FileTime dirTime = Files.getLastModifiedTime(data);
    CacheKey before = key(data);
    assertEquals(before, key(data), "nothing changed");
    assertEquals(before, key(data.toFile()), "a File is hashed as its Path");
    // Written in place with as many bytes: only the file's modification time says so.
    Files.writeString(a, "x\n9\n");
    Files.setLastModifiedTime(a, FileTime.fromMillis(Files.getLastModifiedTime(a).toMillis() + 2_000));
    Files.setLastModifiedTime(data, dirTime);
    CacheKey edited = key(data);
    assertNotEquals(before, edited, "a file written in place");
    Files.writeString(b, "x\n22\n");
    Files.setLastModifiedTime(data, dirTime);
    CacheKey grown = key(data);
    assertNotEquals(edited, grown, "a file in a subdirectory");
    Files.createDirectories(data.resolve("sub/empty"));
    assertNotEquals(grown, key(data), "a new directory");
    // A link to a directory is listed, not entered: what the link names is outside the argument.
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Path o = Files.writeString(outside.resolve("o.csv"), "1");
    Files.createSymbolicLink(data.resolve("link"), outside);
    CacheKey linked = key(data);
    Files.writeString(o, "12");
    assertEquals(linked, key(data));
    // A link to a file is followed to it.
    Files.createSymbolicLink(data.resolve("file-link"), o);
    CacheKey fileLinked = key(data);
    Files.writeString(o, "123");
    assertNotEquals(fileLinked, key(data));
    // A directory passed as a link to it is walked where it is.
    Path viaLink = Files.createSymbolicLink(dir.resolve("data-link"), data);
    CacheKey throughLink = key(viaLink);
    Files.writeString(a, "x\n7\n");
    Files.setLastModifiedTime(a, FileTime.fromMillis(Files.getLastModifiedTime(a).toMillis() + 2_000));
    assertNotEquals(throughLink, key(viaLink), "a file written in place under a linked directory");
  }

  @Test
  void anObjectKeepingItsStateInTransientFields_isHashedByItsSerializedForm() {
    assertNotEquals(key(new TransientBag("b", "x")), key(new TransientBag("b", "y")), "fields alone are equal");
    assertEquals(key(new TransientBag("b", "x", "y")), key(new TransientBag("b", "x", "y")));
    assertNotEquals(key(new TransientBag("a", "x")), key(new TransientBag("b", "x")));
    // A transient field its readObject rebuilds from the others is left out, as any transient field.
    assertFalse(SerialForm.writesTransientState(RebuiltIndex.class));
    assertTrue(SerialForm.keepsStateInTransientFields(RebuiltIndex.class));
    assertNotEquals(key(new RebuiltIndex(List.of("a"))), key(new RebuiltIndex(List.of("b"))));
  }

  @Test
  void aCollectionsOwnFields_arePartOfItsKey() {
    assertNotEquals(key(new Polyline(false, 1.0, 2.0)), key(new Polyline(true, 1.0, 2.0)), "same points, another flag");
    assertEquals(key(new Polyline(true, 1.0, 2.0)), key(new Polyline(true, 1.0, 2.0)));
    assertEquals(key(new ArrayList<>(List.of(1.0, 2.0))), key(List.of(1.0, 2.0)), "the JDK's lists as before");
  }

  @Test
  void properties_withOtherDefaults_areAnotherKey() {
    Properties low = new Properties();
    low.setProperty("rate", "1");
    Properties high = new Properties();
    high.setProperty("rate", "2");
    // No entries of their own: only getProperty, through the defaults, tells them apart.
    assertNotEquals(key(new Properties(low)), key(new Properties(high)));
    Properties a = new Properties(low);
    a.setProperty("n", "3");
    Properties b = new Properties(low);
    b.setProperty("n", "3");
    assertEquals(key(a), key(b));
    assertNotEquals(key(a), key(new Properties(low)));
  }

  @Test
  void lambda_isRefused_namingMethodAndParameter() {
    Function<Double, Double> f = x -> x * 2;
    MemoKeyException e = assertThrows(MemoKeyException.class, () -> key(1, f));
    assertTrue(e.getMessage().startsWith("simulate: parameter 1 (arg1)"), e.getMessage());
    assertTrue(e.getMessage().matches("simulate: parameter 1 \\(arg1\\) cannot be part of a cache key: it is a"
        + " org\\.memocache\\.internal\\.key\\.KeyHasherTest\\$\\$Lambda\\S*, and a lambda or method reference"
        + " cannot be hashed: what it captures is invisible to the key\\. .*"), e.getMessage());
  }

  @Test
  void nestedHandles_areRefused_withPath() {
    MemoKeyException e = assertThrows(MemoKeyException.class,
        () -> key(new Params(1, 2, List.of()), Map.of("s", Stream.of(1))));
    assertTrue(e.getMessage().contains("parameter 1 (arg1){s}"), e.getMessage());
    assertTrue(e.getMessage().contains("stream"), e.getMessage());
    e = assertThrows(MemoKeyException.class, () -> key(new Thread()));
    assertTrue(e.getMessage().contains("thread"), e.getMessage());
  }

  @Test
  void sharedTypeTable_rulesForJdkValueTypes() throws Exception {
    assertEquals(key(new StringBuilder("abc")), key(new StringBuilder(64).append("abc")));
    assertNotEquals(key(new StringBuilder("abc")), key("abc"));
    assertEquals(key(new java.net.URI("https://example.org/a")), key(new java.net.URI("https://example.org/a")));
    assertEquals(key(Map.entry("k", 1)), key(new java.util.AbstractMap.SimpleEntry<>("k", 1)));
    java.nio.ByteBuffer heap = java.nio.ByteBuffer.wrap(new byte[] {9, 1, 2, 3});
    heap.position(1);
    java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(3).put(new byte[] {1, 2, 3}).flip();
    assertEquals(key(heap), key(direct), "remaining contents, whatever the buffer kind");
    assertEquals(key(heap.asReadOnlyBuffer()), key(direct));
    MemoKeyException e = assertThrows(MemoKeyException.class, () -> key(java.time.Clock.systemUTC()));
    assertTrue(e.getMessage().contains("different values on every run"), e.getMessage());
    e = assertThrows(MemoKeyException.class, () -> key(new java.util.concurrent.atomic.AtomicLong()));
    assertTrue(e.getMessage().contains("JDK type with no key rule"), e.getMessage());
  }

  @Test
  void cycles_areStructure() {
    Node a = new Node();
    a.next = new Node();
    a.next.next = a;
    Node b = new Node();
    b.next = new Node();
    b.next.next = b;
    assertEquals(key(a), key(b));
    Node self = new Node();
    self.next = self;
    assertNotEquals(key(a), key(self), "a two-node cycle is not a self-loop");
  }

  @Test
  void hasherIsReusable_afterFailure() {
    assertThrows(MemoKeyException.class, () -> key((Function<Integer, Integer>) x -> x));
    assertEquals(key(1, "a"), key(1, "a"));
  }

  @Test
  void keyEncoder_replacesTheFieldWalk() {
    KeyEncoder<Matrix> byRows = (m, sink) -> sink.putInt(m.rows);
    KeyEncoders enc = new KeyEncoders(Map.of(Matrix.class, byRows));
    CacheKey k1 = KeyHasher.acquire(M, enc).argument(0, "m", new Matrix(2, new double[] {1})).finish(M);
    CacheKey k2 = KeyHasher.acquire(M, enc).argument(0, "m", new Matrix(2, new double[] {9})).finish(M);
    assertEquals(k1, k2);
  }

  /**
   * The digests recorded after each part leave the key as it is, at every length the hash treats
   * differently (up to 16, 128 and 240 bytes, then whole stripes and blocks, and a part ending
   * mid-block): the engine takes a miss's "before" digests from its key hash, and compares them with
   * those of a hash after the body.
   */
  @Test
  void recordedParts_leaveTheKey_andTheLastIsTheKey() {
    for (int size : new int[] {0, 1, 5, 40, 100, 200, 239, 250, 1000, 1030, 5000, 70_000}) {
      byte[] big = new byte[size];
      Arrays.fill(big, (byte) 7);
      Object[] args = {size, big, "tail", new double[] {1, 2}};
      long[] parts = new long[2 * args.length];
      KeyHasher h = KeyHasher.acquire(M, KeyEncoders.NONE).recordParts(parts);
      for (int i = 0; i < args.length; i++) {
        h.argument(i, "arg" + i, args[i]);
      }
      CacheKey recorded = h.finish(M);
      assertEquals(args.length, h.partsRecorded());
      assertEquals(key(args), recorded, "size " + size);
      assertEquals(recorded.hi(), parts[2 * args.length - 2], "size " + size);
      assertEquals(recorded.lo(), parts[2 * args.length - 1], "size " + size);

      // Another record of the same call matches part for part; a change shows from its part on.
      long[] again = new long[2 * args.length];
      big = big.clone();
      if (size > 0) {
        big[size - 1] = 8;
      }
      KeyHasher h2 = KeyHasher.acquire(M, KeyEncoders.NONE).recordParts(again);
      h2.argument(0, "arg0", size).argument(1, "arg1", big).argument(2, "arg2", "tail")
          .argument(3, "arg3", new double[] {1, 2}).finish(M);
      assertEquals(parts[0], again[0]);
      assertEquals(parts[1], again[1]);
      if (size > 0) {
        assertNotEquals(parts[2], again[2], "size " + size);
      }
    }
  }

  @Test
  void recordParts_recordsAsManyPartsAsItHasRoomFor() {
    long[] first = new long[2];
    KeyHasher h = KeyHasher.acquire(M, KeyEncoders.NONE).recordParts(first);
    h.argument(0, "a", 1).argument(1, "b", "x").ignored(2);
    CacheKey k = h.finish(M);
    assertEquals(1, h.partsRecorded());
    long[] all = new long[6];
    KeyHasher.acquire(M, KeyEncoders.NONE).recordParts(all).argument(0, "a", 1).argument(1, "b", "x").ignored(2)
        .finish(M);
    assertEquals(all[0], first[0]);
    assertEquals(all[1], first[1]);
    assertEquals(k.hi(), all[4]);
    assertEquals(k.lo(), all[5]);
  }
}
