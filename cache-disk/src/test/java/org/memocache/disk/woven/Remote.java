package org.memocache.disk.woven;

import org.memocache.annotations.Memoize;

/** An annotated method only ever called in child JVMs, so the test JVM never resolves it itself. */
public class Remote {
  @Memoize
  public static int[] counts(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i * i;
    }
    return a;
  }
}
