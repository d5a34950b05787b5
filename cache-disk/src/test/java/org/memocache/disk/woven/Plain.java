package org.memocache.disk.woven;

/** An unannotated class whose method the agent is told to memoize ({@code MemoRuntime.define}). */
public class Plain {
  public static long square(int n) {
    return (long) n * n;
  }
}
