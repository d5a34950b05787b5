package org.memocache.disk.internal;

/**
 * How much this process may store that no maintenance run has seen yet: an eighth of each limit
 * (always at least one entry). A process that has used its budget stores nothing more until a
 * maintenance run that began after those entries were journaled has completed (any process's run:
 * they stamp {@code index/maintained}). However far maintenance falls behind (a loaded machine, a
 * stopped maintainer), the directory holds at most the limit plus one budget per writing process.
 *
 * <p>A put reserves the largest entry this process has stored so far (before its first, at most
 * {@link #FIRST_GUESS}), and settles on the real size once written.
 */
final class WriteBudget {
  /** What the first put of a process reserves, its size being unknown. */
  static final long FIRST_GUESS = 1 << 20;

  private final long maxBytes;
  private final long maxPuts;
  /** Reserved and stored, not yet seen by maintenance. */
  private long bytes;
  private long puts;
  /** Stored (journaled), not yet seen by maintenance. */
  private long storedBytes;
  private long storedPuts;
  /** What was stored as of {@link #markMillis}: seen by any run that begins later; -1: no mark. */
  private long markBytes;
  private long markPuts;
  private long markMillis = -1;
  private long largest;

  WriteBudget(long maximumBytes, long maximumEntries) {
    this.maxBytes = maximumBytes == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, maximumBytes / 8);
    this.maxPuts = maximumEntries == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, maximumEntries / 8);
  }

  /** Whether there is a limit to keep. */
  boolean bounded() {
    return maxBytes != Long.MAX_VALUE || maxPuts != Long.MAX_VALUE;
  }

  /** Reserves room for one put: the size reserved, or -1 when the budget is used up. */
  synchronized long reserve() {
    long guess = largest > 0 ? largest : Math.min(FIRST_GUESS, maxBytes);
    if (puts > 0 && (puts >= maxPuts || bytes > maxBytes - guess)) {
      return -1;
    }
    bytes += guess;
    puts++;
    return guess;
  }

  /** A put that reserved {@code reserved} stored {@code size} bytes, and journaled it. */
  synchronized void stored(long reserved, long size) {
    bytes += size - reserved;
    storedBytes += size;
    storedPuts++;
    largest = Math.max(largest, size);
  }

  /** A put that reserved {@code reserved} stored nothing. */
  synchronized void failed(long reserved) {
    bytes -= reserved;
    puts--;
  }

  /**
   * The last completed run began at {@code runStarted} (epoch ms, -1: unknown): releases what it
   * saw, and marks what is stored now for the next run to see.
   */
  synchronized void seen(long runStarted, long nowMillis) {
    // Strictly later: a record journaled within the mark's millisecond may postdate a run that
    // began in the same millisecond.
    if (markMillis >= 0 && runStarted > markMillis) {
      bytes -= markBytes;
      puts -= markPuts;
      storedBytes -= markBytes;
      storedPuts -= markPuts;
      markMillis = -1;
    }
    if (markMillis < 0 && storedPuts > 0) {
      markBytes = storedBytes;
      markPuts = storedPuts;
      markMillis = nowMillis;
    }
  }
}
