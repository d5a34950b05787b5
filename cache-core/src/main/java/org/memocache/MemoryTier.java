package org.memocache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.memocache.Engine.Held;

/**
 * The memory tier: a Caffeine cache bounded by the estimated bytes of what it holds, built on the
 * warm-up thread. In a fresh JVM Caffeine's classes, the method handles it builds them with and the
 * logging backend its static initializers ask for cost some 40 ms, which neither opening a
 * {@code Memo} nor its first disk hit should wait for. Until the cache is built, results are kept in
 * a plain map of at most {@value #EARLY_ENTRIES} entries and the configured bytes, which the cache
 * takes over once built; a result that does not fit in the map has the caller build the cache.
 */
final class MemoryTier {
  /** How many results are kept before the cache is built. */
  static final int EARLY_ENTRIES = 256;

  private final long maximumBytes;
  private final Consumer<Held> evicted;
  private final Consumer<Held> removed;
  /** The cache once built; {@code null} before. */
  private volatile @Nullable Cache<Object, Held> cache;
  /** What is kept before the cache is built; writes guarded by itself, emptied once it is. */
  private final ConcurrentHashMap<Object, Held> early = new ConcurrentHashMap<>();
  /** The estimated bytes in {@link #early}; guarded by {@link #early}. */
  private long earlyBytes;

  /**
   * @param evicted told of each result the bound evicts
   * @param removed told of each result that leaves the tier, however (evicted, replaced, removed)
   */
  MemoryTier(long maximumBytes, Consumer<Held> evicted, Consumer<Held> removed) {
    this.maximumBytes = maximumBytes;
    this.evicted = evicted;
    this.removed = removed;
  }

  /** Builds the cache and hands it what is kept (on the warm-up thread, or for a put the map cannot take). */
  void build() {
    if (cache != null) {
      return;
    }
    Cache<Object, Held> built = Caffeine.newBuilder()
        .maximumWeight(maximumBytes)
        .weigher((Object k, Held h) -> h.weight)
        .removalListener((@Nullable Object k, @Nullable Held v, RemovalCause cause) -> {
          if (v != null) {
            if (cause.wasEvicted()) {
              evicted.accept(v);
            }
            removed.accept(v);
          }
        })
        .executor(Runnable::run)
        .build();
    // Loads the read path's classes here rather than in a caller's first hit.
    var unused = built.getIfPresent(MemoryTier.class);
    synchronized (early) {
      if (cache != null) {
        return;
      }
      built.putAll(early);
      cache = built;
      early.clear();
      earlyBytes = 0;
    }
  }

  /** Whether the cache is built (tests). */
  boolean built() {
    return cache != null;
  }

  @Nullable Held get(Object key) {
    Cache<Object, Held> c = cache;
    if (c != null) {
      return c.getIfPresent(key);
    }
    Held h = early.get(key);
    if (h != null) {
      return h;
    }
    // The map is emptied only after the cache is published: a result moved meanwhile is in the cache.
    c = cache;
    return c != null ? c.getIfPresent(key) : null;
  }

  void put(Object key, Held h) {
    Cache<Object, Held> c = cache;
    if (c == null) {
      synchronized (early) {
        if (cache == null) {
          Held old = early.get(key);
          long bytes = earlyBytes - (old == null ? 0 : old.weight) + h.weight;
          if (bytes <= maximumBytes && (old != null || early.size() < EARLY_ENTRIES)) {
            early.put(key, h);
            earlyBytes = bytes;
            if (old != null) {
              removed.accept(old);
            }
            return;
          }
        }
      }
      // Beyond what the map keeps: the cache is built here, and its bound decides, as it always does
      // once built (the warm-up thread may be late, or busy with another Memo).
      build();
      c = Objects.requireNonNull(cache);
    }
    c.put(key, h);
  }

  /** Removes {@code key}'s result; whether there was one. */
  boolean remove(Object key) {
    Cache<Object, Held> c = cache;
    if (c == null) {
      synchronized (early) {
        c = cache;
        if (c == null) {
          Held old = early.remove(key);
          if (old != null) {
            earlyBytes -= old.weight;
            removed.accept(old);
          }
          return old != null;
        }
      }
    }
    return c.asMap().remove(key) != null;
  }

  /** Removes the results whose keys {@code which} matches. */
  void removeIf(Predicate<Object> which) {
    Cache<Object, Held> c = cache;
    if (c == null) {
      synchronized (early) {
        c = cache;
        if (c == null) {
          for (Object k : List.copyOf(early.keySet())) {
            if (which.test(k)) {
              remove(k);
            }
          }
          return;
        }
      }
    }
    c.asMap().keySet().removeIf(which);
  }

  /** The results kept now (a live view once the cache is built). */
  Collection<Held> values() {
    Cache<Object, Held> c = cache;
    return c != null ? c.asMap().values() : List.copyOf(early.values());
  }

  /** Removes every result. */
  void clear() {
    removeIf(k -> true);
  }
}
