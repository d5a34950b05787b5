package org.memocache.internal.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.memocache.CacheKey;
import org.memocache.MemoKeyException;

class CyclicKeysTest {

  static final class Link {
    final int value;
    Link prev;
    Link next;

    Link(int value) {
      this.value = value;
    }
  }

  static Link doublyLinked(int... values) {
    Link head = new Link(values[0]);
    Link last = head;
    for (int i = 1; i < values.length; i++) {
      Link l = new Link(values[i]);
      l.prev = last;
      last.next = l;
      last = l;
    }
    return head;
  }

  @Test
  void doublyLinkedLists_builtSeparately_hashEqual() {
    assertEquals(KeyHasherTest.key(doublyLinked(1, 2, 3, 4)), KeyHasherTest.key(doublyLinked(1, 2, 3, 4)));
    assertNotEquals(KeyHasherTest.key(doublyLinked(1, 2, 3, 4)), KeyHasherTest.key(doublyLinked(1, 2, 3, 5)));
    assertNotEquals(KeyHasherTest.key(doublyLinked(1, 2, 3)), KeyHasherTest.key(doublyLinked(1, 2, 3, 4)));
  }

  static final class Owner {
    final String name;
    final transient List<Member> added = new ArrayList<>();
    /** Iterated in the order added, but promising no order: hashed order-independently. */
    final Set<Member> members = new KeyHasherTest.GivenOrderSet<>(added);

    Owner(String name) {
      this.name = name;
    }
  }

  static final class Member {
    final String id;
    final Owner owner;

    Member(String id, Owner owner) {
      this.id = id;
      this.owner = owner;
    }
  }

  static Owner owner(String... ids) {
    Owner o = new Owner("o");
    for (String id : ids) {
      o.added.add(new Member(id, o));
    }
    return o;
  }

  @Test
  void setElementsPointingBackToTheirOwner_hashEqual_inAnyOrder() {
    assertEquals(KeyHasherTest.key(owner("a", "b", "c")), KeyHasherTest.key(owner("c", "a", "b")));
    assertNotEquals(KeyHasherTest.key(owner("a", "b", "c")), KeyHasherTest.key(owner("a", "b", "d")));
    // The same owner reached from two arguments, and inside a HashSet of owners.
    Owner x = owner("a", "b");
    Set<Owner> hashed = new HashSet<>(List.of(x, owner("q")));
    Set<Owner> given = new KeyHasherTest.GivenOrderSet<>(List.of(owner("q"), owner("b", "a")));
    assertEquals(KeyHasherTest.key(hashed), KeyHasherTest.key(given));
  }

  static final class Holder {
    Rec rec;
  }

  record Rec(String name, List<Object> items) {}

  static Holder holder(String name) {
    Holder h = new Holder();
    List<Object> items = new ArrayList<>();
    h.rec = new Rec(name, items);
    items.add("first");
    items.add(h);
    return h;
  }

  @Test
  void recordWhoseListHoldsTheRecordsHolder_hashesEqual() {
    assertEquals(KeyHasherTest.key(holder("r")), KeyHasherTest.key(holder("r")));
    assertNotEquals(KeyHasherTest.key(holder("r")), KeyHasherTest.key(holder("s")));
    // A list that contains itself.
    List<Object> a = new ArrayList<>();
    a.add(1);
    a.add(a);
    List<Object> b = new ArrayList<>();
    b.add(1);
    b.add(b);
    assertEquals(KeyHasherTest.key(a), KeyHasherTest.key(b));
  }

  static final class Node {
    final String label;
    Node next;

    Node(String label) {
      this.label = label;
    }
  }

  /** a -> b -> c -> (the node at {@code backTo}). */
  static Node chain(int backTo) {
    Node a = new Node("x");
    a.next = new Node("x");
    a.next.next = new Node("x");
    Node[] nodes = {a, a.next, a.next.next};
    nodes[2].next = nodes[backTo];
    return a;
  }

  @Test
  void whereABackEdgePoints_changesTheKey() {
    assertEquals(KeyHasherTest.key(chain(0)), KeyHasherTest.key(chain(0)));
    assertNotEquals(KeyHasherTest.key(chain(0)), KeyHasherTest.key(chain(1)));
    assertNotEquals(KeyHasherTest.key(chain(1)), KeyHasherTest.key(chain(2)));
    assertNotEquals(KeyHasherTest.key(chain(0)), KeyHasherTest.key(chain(2)));
    // A back-edge is not the same as a null or as a further copy.
    Node open = new Node("x");
    open.next = new Node("x");
    open.next.next = new Node("x");
    assertNotEquals(KeyHasherTest.key(chain(0)), KeyHasherTest.key(open));
  }

  @Test
  void sharedObjects_hashLikeCopies() {
    Node shared = new Node("s");
    List<Node> sharing = new ArrayList<>();
    List<Node> copies = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      sharing.add(shared);
      copies.add(new Node("s"));
    }
    assertEquals(KeyHasherTest.key(sharing), KeyHasherTest.key(copies));
    // A shared object met again elsewhere, while its first visit is over, is not a back-reference.
    Node target = new Node("t");
    Map<String, Node> map = new HashMap<>();
    map.put("a", target);
    map.put("b", target);
    assertEquals(KeyHasherTest.key(map), KeyHasherTest.key(Map.of("a", new Node("t"), "b", new Node("t"))));
  }

  static final class Pair {
    final Object left;
    final Object right;

    Pair(Object left, Object right) {
      this.left = left;
      this.right = right;
    }
  }

  @Test
  void heavilySharingDag_isRefusedQuickly() {
    Object v = "leaf";
    for (int i = 0; i < 60; i++) {
      v = new Pair(v, v); // 2^60 paths through 60 objects
    }
    Object dag = v;
    long start = System.nanoTime();
    MemoKeyException e = assertThrows(MemoKeyException.class, () -> KeyHasherTest.key(dag));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(e.getMessage().contains("shares objects too heavily to hash"), e.getMessage());
    assertTrue(e.getMessage().contains("parameter 0 (arg0).left"), e.getMessage());
    assertTrue(millis < 5_000, "refused after " + millis + " ms");
    // A moderate DAG (2^12 paths) hashes, like the tree it unfolds to.
    Object small = "leaf";
    Object tree = "leaf";
    for (int i = 0; i < 12; i++) {
      small = new Pair(small, small);
      tree = new Pair(tree, copy(tree));
    }
    assertEquals(KeyHasherTest.key(small), KeyHasherTest.key(tree));
  }

  private static Object copy(Object v) {
    return v instanceof Pair p ? new Pair(copy(p.left), copy(p.right)) : v;
  }

  static final class WithThread {
    WithThread self = this;
    Thread thread = Thread.currentThread();
  }

  static final class WithLambda {
    WithLambda self = this;
    Supplier<String> fn = () -> "x";
  }

  @Test
  void handlesAndLambdas_insideCycles_areStillRefused() {
    MemoKeyException e = assertThrows(MemoKeyException.class, () -> KeyHasherTest.key(new WithThread()));
    assertTrue(e.getMessage().contains("parameter 0 (arg0).thread"), e.getMessage());
    e = assertThrows(MemoKeyException.class, () -> KeyHasherTest.key(new WithLambda()));
    assertTrue(e.getMessage().contains("parameter 0 (arg0).fn"), e.getMessage());
    assertTrue(e.getMessage().contains("lambda"), e.getMessage());
    // The hasher is fine afterwards.
    CacheKey k = KeyHasherTest.key(doublyLinked(1, 2));
    assertEquals(k, KeyHasherTest.key(doublyLinked(1, 2)));
  }

  static final class Loop {
    Loop other;

    @Override
    public String toString() {
      return "loop to " + other;
    }
  }

  @Test
  void mapKeyWithACyclicToString_isNamedByItsClass() {
    Loop a = new Loop();
    a.other = new Loop();
    a.other.other = a;
    Map<Loop, Object> map = new LinkedHashMap<>();
    map.put(a, Thread.currentThread());
    MemoKeyException e = assertThrows(MemoKeyException.class, () -> KeyHasherTest.key(map));
    assertTrue(e.getMessage().contains("parameter 0 (arg0){" + Loop.class.getName() + "}"), e.getMessage());
  }
}
