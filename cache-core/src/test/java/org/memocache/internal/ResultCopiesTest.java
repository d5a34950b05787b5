package org.memocache.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.memocache.internal.codec.FieldsCodec;
import org.memocache.internal.codec.fixture.Polyline;
import org.memocache.internal.codec.fixture.RebuiltIndex;
import org.memocache.internal.codec.fixture.TransientBag;

/** How {@link ResultCopies#copy} copies results, and which values it hands to Kryo. */
class ResultCopiesTest {
  record Series(String name, double[] values) {}

  record Holder(Object held) {}

  /** A mutable object of a class of its own, as a library's matrix is: a no-arg constructor. */
  static final class Grid {
    double[][] cells = new double[2][2];
    /** Set by the constructor, as a decoded instance has it; a copy does not carry the original's. */
    transient int version = 1;
  }

  /** No no-arg constructor, final fields: created without running a constructor, as decoding does. */
  static final class Fit {
    private final double[] coefficients;
    private final String method;
    private final int iterations;
    private final List<double[]> residuals;
    private transient double cachedNorm;

    Fit(double[] coefficients, String method, int iterations, List<double[]> residuals) {
      this.coefficients = coefficients;
      this.method = method;
      this.iterations = iterations;
      this.residuals = residuals;
      this.cachedNorm = 42;
    }
  }

  abstract static class Base {
    protected double[] data;
    protected int rows;
  }

  /** Fields of its own and of its superclass, as a library matrix's hierarchy has. */
  static final class Dense extends Base {
    private int cols;
    private String label = "dense";
  }

  /** The same array and the same object held twice. */
  static final class Twice {
    double[] a;
    double[] b;
    double[][] rows;
    Grid g1;
    Grid g2;
  }

  /** A node of a doubly linked structure: a cycle through two fields. */
  static final class Node {
    String name;
    Node other;
    double[] values;
  }

  /** Left to Kryo by the {@code fields} codec: it resolves itself when read. */
  static final class Resolving implements Serializable {
    private static final long serialVersionUID = 1L;
    double[] values = {1, 2};
    transient int version = 1;

    private Object readResolve() {
      return this;
    }
  }

  /** A plain object whose graph holds a platform object ({@code BitSet}): copied whole by Kryo. */
  static final class WithBits {
    double[] a = {1, 2};
    transient int version;
    BitSet z = new BitSet();
  }

  /** A record around a ring that holds it: a cycle through a record. */
  record Anchor(Ring ring) {}

  static final class Ring {
    Anchor anchor;
    double[] values;
  }

  static final class Back {
    Anchor anchor;
  }

  /** A plain object keyed by a mutable object inside its graph. */
  static final class Keyed {
    Map<Node, String> names = new HashMap<>();
  }

  @Test
  void jdkContainersArraysAndRecords_areCopiedWithoutKryo() {
    assertFalse(ResultCopies.copiedByKryo(null));
    assertFalse(ResultCopies.copiedByKryo(2.5));
    assertFalse(ResultCopies.copiedByKryo(new double[][] {{1}, {2}}));
    assertFalse(ResultCopies.copiedByKryo(new Series("a", new double[3])));
    assertFalse(ResultCopies.copiedByKryo(List.of(new Series("a", new double[3]))));
    assertFalse(ResultCopies.copiedByKryo(new ArrayList<>(List.of(new double[2]))));
    assertFalse(ResultCopies.copiedByKryo(new HashMap<>(Map.of("k", new double[2]))));
    assertFalse(ResultCopies.copiedByKryo(Optional.of(new double[1])));
  }

  @Test
  void plainObjects_anywhereInTheValue_areCopiedWithoutKryo() {
    assertFalse(ResultCopies.copiedByKryo(new Grid()));
    assertFalse(ResultCopies.copiedByKryo(fit()));
    assertFalse(ResultCopies.copiedByKryo(dense()));
    assertFalse(ResultCopies.copiedByKryo(cycle()));
    assertFalse(ResultCopies.copiedByKryo(recordCycle()));
    assertFalse(ResultCopies.copiedByKryo(new Holder(new Grid())));
    assertFalse(ResultCopies.copiedByKryo(List.of(new Series("a", new double[1]), new Holder(new Grid()))));
    assertFalse(ResultCopies.copiedByKryo(Map.of("grid", new Grid())));
    assertFalse(ResultCopies.copiedByKryo(new Object[] {1, new Grid()}));
    assertFalse(ResultCopies.copiedByKryo(Optional.of(new Grid())));
  }

  record Tally(String name, java.util.concurrent.atomic.AtomicLong count, java.util.concurrent.atomic.AtomicBoolean done,
      java.util.concurrent.atomic.AtomicInteger errors) {}

  @Test
  void aCollectionsOwnFields_areCopied() {
    Polyline p = new Polyline(true, 1.0, 2.0);
    Polyline c = (Polyline) ResultCopies.copy(p);
    assertNotSame(p, c);
    assertTrue(c.closed, "a copy of the elements alone lost the flag");
    assertEquals(List.of(1.0, 2.0), c);
  }

  @Test
  void atomicNumbers_areCopied_soACallersIncrementStaysItsOwn() {
    Tally t = new Tally("t", new java.util.concurrent.atomic.AtomicLong(5), new java.util.concurrent.atomic.AtomicBoolean(),
        new java.util.concurrent.atomic.AtomicInteger(2));
    Tally c = (Tally) ResultCopies.copy(t);
    assertNotSame(t.count(), c.count());
    c.count().incrementAndGet();
    c.done().set(true);
    c.errors().incrementAndGet();
    assertEquals(5, t.count().get());
    assertFalse(t.done().get());
    assertEquals(2, t.errors().get());
    assertEquals(6, c.count().get());
  }

  @Test
  void anObjectKeepingItsStateInTransientFields_isCopiedThroughItsSerializedForm() {
    TransientBag bag = new TransientBag("b", "x", "y");
    TransientBag copy = (TransientBag) ResultCopies.copy(bag);
    assertNotSame(bag, copy);
    assertEquals(List.of("x", "y"), copy.items(), "the field-by-field copy's items were null");
    copy.items().add("z");
    assertEquals(List.of("x", "y"), bag.items());
    @SuppressWarnings("unchecked")
    List<TransientBag> inList = (List<TransientBag>) ResultCopies.copy(new ArrayList<>(List.of(bag)));
    assertEquals(List.of("x", "y"), inList.get(0).items());
    assertNotSame(bag, inList.get(0));
    // A transient index its readObject rebuilds is rebuilt in the copy.
    assertEquals(1, ((RebuiltIndex) ResultCopies.copy(new RebuiltIndex(List.of("a", "b")))).indexOf("b"));
  }

  @Test
  void anObjectTheFieldsCodecLeavesToKryo_anywhereInTheValue_isCopiedByKryo() {
    assertTrue(ResultCopies.copiedByKryo(new Resolving()));
    assertTrue(ResultCopies.copiedByKryo(new WithBits()), "a plain object whose graph holds a BitSet");
    assertTrue(ResultCopies.copiedByKryo(new Holder(new Resolving())));
    assertTrue(ResultCopies.copiedByKryo(List.of(new Series("a", new double[1]), new Holder(new Resolving()))));
    assertTrue(ResultCopies.copiedByKryo(Map.of("r", new Resolving())));
    assertTrue(ResultCopies.copiedByKryo(new Object[] {1, new Resolving()}));
    assertTrue(ResultCopies.copiedByKryo(Optional.of(new Resolving())));
    assertTrue(ResultCopies.copiedByKryo(keyed()), "a mutable map key inside a plain object's graph");
    assertTrue(ResultCopies.copiedByKryo(chain(100)), "nesting deeper than 64");
    assertFalse(ResultCopies.copiedByKryo(chain(30)));
  }

  @Test
  void aPlainClassWithADoubleMatrix_isCopiedDeeply() {
    Grid g = new Grid();
    g.cells = new double[][] {{1, 2, 3}, {4, 5, 6}};
    g.version = 7;
    Grid c = (Grid) ResultCopies.copy(g);

    assertNotSame(g, c);
    assertNotSame(g.cells, c.cells);
    assertNotSame(g.cells[0], c.cells[0]);
    assertArrayEquals(g.cells, c.cells);
    assertEquals(1, c.version, "a transient field is as the no-arg constructor set it, as decoding leaves it");
    assertEquals(decoded(g).version, c.version);
  }

  @Test
  void aClassWithoutANoArgConstructor_andFinalFields_isCopiedWithoutRunningAConstructor() {
    Fit f = fit();
    Fit c = (Fit) ResultCopies.copy(f);

    assertNotSame(f.coefficients, c.coefficients);
    assertArrayEquals(f.coefficients, c.coefficients);
    assertEquals("lsq", c.method);
    assertEquals(12, c.iterations);
    assertNotSame(f.residuals, c.residuals);
    assertNotSame(f.residuals.get(0), c.residuals.get(0));
    assertArrayEquals(f.residuals.get(0), c.residuals.get(0));
    assertEquals(0, c.cachedNorm, "no constructor ran: the transient field has its default");
    assertEquals(decoded(f).cachedNorm, c.cachedNorm, "as the fields codec's decoder leaves it");
  }

  @Test
  void aSubclass_copiesItsSuperclassFieldsToo() {
    Dense d = dense();
    Dense c = (Dense) ResultCopies.copy(d);

    assertNotSame(d.data, c.data);
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, c.data);
    assertEquals(2, c.rows);
    assertEquals(3, c.cols);
    assertEquals("m", c.label);
  }

  @Test
  void anArrayOrObjectHeldTwice_isOneInTheCopy() {
    Twice t = new Twice();
    t.a = new double[] {1, 2};
    t.b = t.a;
    t.rows = new double[][] {t.a, t.a, null, {3}};
    t.g1 = new Grid();
    t.g2 = t.g1;
    Twice c = (Twice) ResultCopies.copy(t);

    assertNotSame(t.a, c.a);
    assertSame(c.a, c.b);
    assertSame(c.a, c.rows[0], "a row that is also a field");
    assertSame(c.a, c.rows[1]);
    assertNull(c.rows[2]);
    assertNotSame(t.rows[3], c.rows[3]);
    assertArrayEquals(new double[] {3}, c.rows[3]);
    assertNotSame(t.g1, c.g1);
    assertSame(c.g1, c.g2);
    Twice d = decoded(t);
    assertSame(d.a, d.b, "as the fields codec reads it back");

    // Plain objects held twice by a list: one copy, their arrays too.
    Grid g = new Grid();
    List<?> list = (List<?>) ResultCopies.copy(new ArrayList<>(List.of(g, g, g.cells)));
    assertSame(list.get(0), list.get(1));
    assertSame(((Grid) list.get(0)).cells, list.get(2));
  }

  @Test
  void aTwoNodeCycle_isCopiedAsACycle() {
    Node a = cycle();
    Node c = (Node) ResultCopies.copy(a);

    assertNotSame(a, c);
    assertNotSame(a.other, c.other);
    assertSame(c, c.other.other);
    assertEquals("a", c.name);
    assertEquals("b", c.other.name);
    assertArrayEquals(new double[] {1}, c.values);
    assertNotSame(a.values, c.values);
  }

  @Test
  void changingTheCopy_leavesTheOriginal_andTheOtherWayRound() {
    Fit f = fit();
    Fit c = (Fit) ResultCopies.copy(f);
    c.coefficients[0] = -1;
    c.residuals.get(0)[0] = -1;
    assertEquals(1, f.coefficients[0]);
    assertEquals(0.5, f.residuals.get(0)[0]);

    f.coefficients[1] = -2;
    f.residuals.add(new double[0]);
    assertEquals(2, c.coefficients[1]);
    assertEquals(1, c.residuals.size());

    Node a = cycle();
    Node n = (Node) ResultCopies.copy(a);
    n.other.name = "changed";
    n.other.values[0] = -1;
    assertEquals("b", a.other.name);
    assertEquals(2, a.other.values[0]);
  }

  @Test
  void aClassTheFieldsCodecLeavesToKryo_isStillCopied_byKryo() {
    Resolving r = new Resolving();
    r.version = 9;
    Resolving c = (Resolving) ResultCopies.copy(r);
    assertNotSame(r, c);
    assertNotSame(r.values, c.values);
    assertArrayEquals(r.values, c.values);
    assertEquals(9, c.version, "Kryo's copy carries transient fields");

    WithBits w = new WithBits();
    w.version = 9;
    w.z.set(3);
    WithBits wc = (WithBits) ResultCopies.copy(w);
    assertNotSame(w.z, wc.z);
    assertEquals(w.z, wc.z);
    assertEquals(9, wc.version, "the whole plain object was copied by Kryo, not field by field");
  }

  @Test
  void aPlainObjectLeftToKryo_isNeverHandedOutPartlyCopied() {
    // Its array is copied before its BitSet sends it to Kryo: that first attempt is forgotten.
    WithBits w = new WithBits();
    w.z.set(5);
    List<?> list = (List<?>) ResultCopies.copy(new ArrayList<>(List.of(w, w)));
    for (Object o : list) {
      WithBits c = (WithBits) o;
      assertNotNull(c.z, "a copy abandoned half way");
      assertEquals(w.z, c.z);
      assertArrayEquals(w.a, c.a);
    }
  }

  @Test
  void aCycleThroughARecord_sharesNothingWithTheOriginal() {
    // Kryo's copy hands a record out as it is (its record serializer is an immutable one), and with
    // it the ring and its array.
    Back b = recordCycle();
    Back c = (Back) ResultCopies.copy(b);
    assertNotSame(b, c);
    assertNotSame(b.anchor, c.anchor);
    Ring ring = c.anchor.ring();
    assertNotSame(b.anchor.ring(), ring);
    assertSame(ring, ring.anchor.ring(), "the ring is one object in the copy");
    assertNotSame(b.anchor.ring().values, ring.values);
    assertArrayEquals(new double[] {7}, ring.values);
  }

  @Test
  void deepChainsAndMutableKeys_areCopiedByKryo() {

    Node head = chain(100);
    Node copy = (Node) ResultCopies.copy(head);
    int n = 0;
    for (Node x = copy, y = head; x != null; x = x.other, y = y.other) {
      assertNotSame(y, x);
      assertEquals(y.name, x.name);
      n++;
    }
    assertEquals(100, n);

    Keyed k = keyed();
    Keyed kc = (Keyed) ResultCopies.copy(k);
    assertEquals(1, kc.names.size());
    Node key = kc.names.keySet().iterator().next();
    assertNotSame(k.names.keySet().iterator().next(), key);
    assertEquals("k", kc.names.get(key));
  }

  enum Phase { SOLID, LIQUID }

  /** Enum sets and maps, as the fields codec stores them: copied without Kryo. */
  static final class Phases {
    EnumSet<Phase> seen = EnumSet.of(Phase.SOLID);
    EnumMap<Phase, double[]> data = new EnumMap<>(Map.of(Phase.LIQUID, new double[] {4}));
    EnumMap<Phase, double[]> none = new EnumMap<>(Phase.class);
  }

  @Test
  void enumSetsAndMaps_areCopiedWithoutKryo() {
    Phases p = new Phases();
    assertFalse(ResultCopies.copiedByKryo(p));
    Phases c = (Phases) ResultCopies.copy(p);
    assertNotSame(p.seen, c.seen);
    assertEquals(EnumSet.of(Phase.SOLID), c.seen);
    assertNotSame(p.data, c.data);
    assertNotSame(p.data.get(Phase.LIQUID), c.data.get(Phase.LIQUID));
    assertArrayEquals(new double[] {4}, c.data.get(Phase.LIQUID));
    c.none.put(Phase.SOLID, new double[0]);
    assertTrue(p.none.isEmpty(), "an empty map copied, of its key type");
  }

  @Test
  void aRecordOfArrays_anOptionalAndAList_areCopied() {
    Series s = new Series("s", new double[] {1, 2});
    Series c = (Series) ResultCopies.copy(s);
    assertNotSame(s.values(), c.values());
    assertArrayEquals(s.values(), c.values());
    Optional<?> o = (Optional<?>) ResultCopies.copy(Optional.of(new double[] {3}));
    assertArrayEquals(new double[] {3}, (double[]) o.orElseThrow());
    assertNull(ResultCopies.copy(null));
    assertInstanceOf(List.class, ResultCopies.copy(List.of(new double[1])));
  }

  private static Fit fit() {
    List<double[]> residuals = new ArrayList<>();
    residuals.add(new double[] {0.5, 0.25});
    return new Fit(new double[] {1, 2, 3}, "lsq", 12, residuals);
  }

  private static Dense dense() {
    Dense d = new Dense();
    d.data = new double[] {1, 2, 3, 4, 5, 6};
    d.rows = 2;
    d.cols = 3;
    d.label = "m";
    return d;
  }

  private static Node cycle() {
    Node a = new Node();
    Node b = new Node();
    a.name = "a";
    b.name = "b";
    a.values = new double[] {1};
    b.values = new double[] {2};
    a.other = b;
    b.other = a;
    return a;
  }

  private static Back recordCycle() {
    Ring r = new Ring();
    r.values = new double[] {7};
    r.anchor = new Anchor(r);
    Back b = new Back();
    b.anchor = r.anchor;
    return b;
  }

  private static Keyed keyed() {
    Keyed k = new Keyed();
    Node key = new Node();
    key.name = "key";
    k.names.put(key, "k");
    return k;
  }

  private static Node chain(int n) {
    Node head = null;
    for (int i = n - 1; i >= 0; i--) {
      Node x = new Node();
      x.name = "n" + i;
      x.other = head;
      head = x;
    }
    return head;
  }

  /** {@code v} written and read back by the {@code fields} codec. */
  @SuppressWarnings("unchecked")
  private static <T> T decoded(T v) {
    try {
      FieldsCodec codec = new FieldsCodec();
      assertTrue(codec.canEncode(v), "the fields codec writes " + v.getClass().getName());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      codec.encode(v, out);
      return (T) codec.decode(ByteBuffer.wrap(out.toByteArray()), c -> true);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void immutableJdkCollections_areRebuiltByTheirFactory_aroundCopiesOfWhatTheyHold() {
    double[] a = {1, 2};
    List<Object> values = List.of(
        List.of(a), List.of(a, a, a), Arrays.stream(new Object[] {a, null}).toList(),
        Set.of(new Series("s", a)), Set.of(1, 2, 3, new Series("s", a)),
        Map.of("k", a), Map.of("k", a, "l", new double[0]),
        Collections.singletonList(a), Collections.singleton(new Series("s", a)), Collections.singletonMap("k", a),
        Collections.unmodifiableList(new ArrayList<>(List.of(a))));
    for (Object v : values) {
      Object c = ResultCopies.copy(v);
      assertNotSame(v, c);
      assertSame(v.getClass(), c.getClass(), "the copy of a " + v.getClass().getName());
      assertEquals(shown(v), shown(c));
    }
    @SuppressWarnings("unchecked")
    List<double[]> copy = (List<double[]>) ResultCopies.copy(values.get(0));
    copy.get(0)[0] = 42;
    assertEquals(1, a[0], "the copy holds a copy of the array");
    @SuppressWarnings("unchecked")
    List<Object> withNull = (List<Object>) ResultCopies.copy(values.get(2));
    assertNull(withNull.get(1));
    assertEquals(1, withNull.indexOf(null), "Stream.toList()'s list admits null, as the original does");
    @SuppressWarnings("unchecked")
    List<Object> listOf = (List<Object>) ResultCopies.copy(values.get(1));
    assertThrows(NullPointerException.class, () -> listOf.indexOf(null), "List.of's does not");
  }

  /**
   * What a collection holds, without identity hash codes, and in no particular order for a set: a
   * {@code Set.of}'s order follows its elements' hash codes, an array's is its identity.
   */
  private static String shown(Object collection) {
    if (collection instanceof Set<?> set) {
      return set.stream().map(ResultCopiesTest::shown).sorted().toList().toString();
    }
    return String.valueOf(collection).replaceAll("@[0-9a-f]+", "");
  }

  /** A plain object holding a {@code List.of} that holds it: a cycle through an immutable list. */
  static final class Member {
    List<Member> group;
    double[] values = {1};
  }

  @Test
  void aCycleThroughAnImmutableList_keepsThePlainObjectsOne() {
    Member m = new Member();
    m.group = List.of(m);
    Member c = (Member) ResultCopies.copy(m);

    assertNotSame(m, c);
    assertSame(c, c.group.get(0), "the member's copy is in its group's copy");
    assertSame(m.group.getClass(), c.group.getClass());
    assertNotSame(m.values, c.values);
  }
}
