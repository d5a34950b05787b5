package org.memocache.disk.woven;

import java.util.concurrent.atomic.AtomicInteger;
import org.memocache.annotations.Memoize;
import org.memocache.partial.Progress;

/**
 * Annotated methods for tests that simulate weaving by calling {@code MemoRuntime.enter/exit} the
 * way the woven advice does ({@link Woven}); the agent is not needed.
 */
public class Fitter {
  public static final AtomicInteger FITS = new AtomicInteger();
  /** {@link #sweep} throws after appending this chunk (-1: never), as a crash in the middle would. */
  public static volatile int failAfterChunk = -1;

  private final double scale;

  public Fitter(double scale) {
    this.scale = scale;
  }

  @Memoize
  public static double[] fit(int n, long seed) {
    FITS.incrementAndGet();
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = Math.sin(i * 0.001 + seed);
    }
    return a;
  }

  /** The receiver's state ({@code scale}) is part of the key. */
  @Memoize
  public double score(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * scale;
    }
    return s;
  }

  /** A progressive computation as a woven method: the Progress is injected, never part of the key. */
  @Memoize
  public static double[] sweep(int chunks, Progress<Integer, double[]> progress) {
    for (int i = progress.chunkCount(); i < chunks; i++) {
      FITS.incrementAndGet();
      progress.append(new double[] {i, i * i}, i + 1);
      if (i == failAfterChunk) {
        throw new IllegalStateException("failing after chunk " + i + ", as the test asked");
      }
    }
    double[] all = new double[chunks * 2];
    for (int i = 0; i < chunks; i++) {
      System.arraycopy(progress.chunk(i), 0, all, 2 * i, 2);
    }
    return all;
  }
}
