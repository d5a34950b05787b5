package org.memocache.testing;

import java.util.HashSet;
import java.util.Set;

/** The classic deserialization bomb, for tests that decode hostile entries. */
public final class HashBomb {
  private HashBomb() {}

  /**
   * Sets nested {@code depth} deep, each holding two sets shared with its sibling, so that the
   * payload is small and the root's {@code hashCode} visits 2^depth sets.
   */
  public static Set<Object> sets(int depth) {
    Set<Object> root = new HashSet<>();
    Set<Object> s1 = root;
    Set<Object> s2 = new HashSet<>();
    for (int i = 0; i < depth; i++) {
      Set<Object> t1 = new HashSet<>();
      Set<Object> t2 = new HashSet<>();
      t1.add("foo");
      s1.add(t1);
      s1.add(t2);
      s2.add(t1);
      s2.add(t2);
      s1 = t1;
      s2 = t2;
    }
    return root;
  }
}
