package org.memocache.bench.peers;

import java.util.function.Supplier;

/**
 * A Java cache with a persistent tier, used as a memoizer the way its users would: look up, and on
 * a miss compute, store and return. Keys are two longs, as {@code (n, seed)} or {@code (size, rep)}.
 */
public interface DiskPeer extends AutoCloseable {

  /** The stored value of {@code (a, b)}, or {@code compute}'s, stored before it is returned. */
  Object getOrCompute(long a, long b, Supplier<double[]> compute);

  /** Flushes and releases files (persistent stores of some peers are only complete after it). */
  @Override
  void close();
}
