package org.memocache.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.memocache.MethodId;
import org.memocache.internal.key.KeyEncoders;
import org.memocache.internal.key.KeyHasher;

/**
 * Loads and initializes, on a daemon thread, the classes that building a {@code Memo} and its first
 * call need whatever the call is (Caffeine's generated cache and node classes, the key hasher and
 * hash4j's XXH3), while the building thread reads the configuration and opens the disk tier. In a
 * fresh JVM these are tens of milliseconds of class loading and initialization each; a second core
 * does them beside the rest of the start-up. Class initialization is thread-safe, so whichever
 * thread gets to a class first initializes it and the other waits for it: nothing is done twice and
 * nothing depends on the warm-up finishing.
 */
public final class WarmUp {
  private static final AtomicBoolean STARTED = new AtomicBoolean();

  private WarmUp() {}

  /** Starts the warm-up, once per JVM. */
  public static void start() {
    if (!STARTED.compareAndSet(false, true)) {
      return;
    }
    Thread t = new Thread(WarmUp::run, "memocache-warm-up");
    t.setDaemon(true);
    t.start();
  }

  private static void run() {
    try {
      // The same features as the engine's memory tier, so Caffeine generates the same classes.
      Cache<Object, Object> cache = Caffeine.newBuilder()
          .maximumWeight(1 << 20)
          .weigher((Object k, Object v) -> 1)
          .removalListener((@Nullable Object k, @Nullable Object v, RemovalCause cause) -> {})
          .executor(Runnable::run)
          .build();
      cache.put(WarmUp.class, true);
      var unused = cache.getIfPresent(WarmUp.class); // only the read path's classes matter
      MethodId id = new MethodId("memocache-warm-up", "()V", 0, 0L);
      KeyHasher.acquire(id, KeyEncoders.NONE).argument(0, "n", 1L).argument(1, "values", new double[100]).finish(id);
    } catch (RuntimeException | LinkageError e) {
      // Only a head start: the call that needs these classes loads them itself and says what fails.
    }
  }
}
