package org.memocache.disk.woven;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.memocache.annotations.Memoize;

/** A memoized method returning a future, called the way woven code calls it ({@link #woven}). */
public final class Later {
  private Later() {}

  public static final AtomicInteger RUNS = new AtomicInteger();

  @Memoize
  public static CompletableFuture<double[]> series(int n) {
    RUNS.incrementAndGet();
    return CompletableFuture.supplyAsync(() -> {
      double[] a = new double[n];
      for (int i = 0; i < n; i++) {
        a[i] = i * 0.5;
      }
      return a;
    }, CompletableFuture.delayedExecutor(200, java.util.concurrent.TimeUnit.MILLISECONDS));
  }

  public static CompletableFuture<double[]> woven(int n) {
    return Woven.call(Later.class, "series(I)Ljava/util/concurrent/CompletableFuture;", null, new Object[] {n},
        () -> series(n));
  }
}
