package org.memocache.spring;

import java.lang.reflect.Field;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.memocache.CachedResult;
import org.memocache.Memo;
import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.cache.support.AbstractValueAdaptingCache;
import org.springframework.cache.support.NullValue;

/**
 * A Spring {@link org.springframework.cache.Cache} whose entries are the results of a {@link Memo}
 * stored under the cache's name: {@code @Cacheable("books")} on {@code find(isbn)} stores what
 * {@code memo.call("books", ..., isbn)} would, and each can read what the other stored.
 *
 * <p>{@link #get(Object, Callable)} ({@code @Cacheable(sync = true)}) and
 * {@link #retrieve(Object, Supplier)} compute each key once across the threads of this JVM and the
 * processes sharing the Memo's cache directory: a caller that finds the key being computed
 * elsewhere waits for that result (at most the Memo's lock timeout). The other operations follow
 * Spring's contract for a cache without such locking: {@code @Cacheable} without {@code sync} looks
 * up, computes on a miss and puts, so two callers missing at once both compute.
 *
 * <p>A key from Spring's {@code SimpleKeyGenerator} is taken apart into the method's arguments
 * ({@code SimpleKey.EMPTY}: none; one argument: itself; {@code SimpleKey(a, b)}: {@code a, b}), which
 * MemoCache hashes by value like the key arguments of {@code memo.call}; any other key is one
 * argument. Values are stored by MemoCache's codecs and decoded only into admitted classes (see
 * {@link MemoCacheManager}). A {@code null} value is stored as a cached {@code null} when null
 * values are allowed (the default), and refused otherwise, as Spring's caches do.
 *
 * <p>This class is the only one of this module that calls {@link Memo}.
 */
public final class MemoSpringCache extends AbstractValueAdaptingCache {
  private static final @Nullable Field SIMPLE_KEY_PARAMS = simpleKeyParams();

  private final String name;
  private final Memo memo;
  private final Executor executor;

  /**
   * A cache named {@code name} storing its entries in {@code memo} under that name.
   *
   * @param executor runs {@link #retrieve} look-ups and computations, which may read or write files
   *     and wait for other processes
   */
  public MemoSpringCache(String name, Memo memo, boolean allowNullValues, Executor executor) {
    super(allowNullValues);
    this.name = Objects.requireNonNull(name, "name");
    this.memo = Objects.requireNonNull(memo, "memo");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  @Override
  public String getName() {
    return name;
  }

  /** The {@link Memo} holding this cache's entries. */
  @Override
  public Memo getNativeCache() {
    return memo;
  }

  /**
   * Admits classes of these packages (and their subpackages) when storing and reading this cache's
   * values.
   */
  void allowPackages(Collection<String> packages) {
    memo.method(name).allowPackages(packages.toArray(String[]::new));
  }

  @Override
  protected @Nullable Object lookup(Object key) {
    Optional<CachedResult<Object>> hit = memo.method(name).lookup(keyArgs(key));
    if (hit.isEmpty()) {
      return null;
    }
    Object value = hit.get().value();
    if (value == null) {
      // A null stored by a cache that allows them is a miss for one that does not.
      return isAllowNullValues() ? NullValue.INSTANCE : null;
    }
    return value;
  }

  /**
   * Returns the stored value, or computes it with {@code valueLoader} and stores it: once across
   * this JVM's threads and the processes sharing the cache directory.
   *
   * @throws ValueRetrievalException wrapping what {@code valueLoader} threw, in this thread or in
   *     the thread of this JVM whose computation this one waited for
   */
  @Override
  @SuppressWarnings("unchecked")
  public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
    return (T) memo.call(name, () -> load(key, valueLoader), keyArgs(key));
  }

  private @Nullable Object load(Object key, Callable<?> valueLoader) {
    Object value;
    try {
      value = valueLoader.call();
    } catch (Exception e) {
      throw new ValueRetrievalException(key, valueLoader, e);
    }
    return toMemo(toStoreValue(value));
  }

  @Override
  public void put(Object key, @Nullable Object value) {
    memo.method(name).put(toMemo(toStoreValue(value)), keyArgs(key));
  }

  /**
   * Stores {@code value} unless a value is stored, or being computed (then waits for it), in this
   * JVM or another process sharing the cache directory.
   */
  @Override
  public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
    Object stored = toMemo(toStoreValue(value));
    boolean[] absent = {false};
    Object existing = memo.call(name, () -> {
      absent[0] = true;
      return stored;
    }, keyArgs(key));
    if (absent[0]) {
      return null;
    }
    return toValueWrapper(existing == null ? NullValue.INSTANCE : existing);
  }

  @Override
  public void evict(Object key) {
    memo.method(name).invalidate(keyArgs(key));
  }

  @Override
  public boolean evictIfPresent(Object key) {
    return memo.method(name).invalidate(keyArgs(key));
  }

  /** Removes every entry of this cache, from every tier and so for every process. */
  @Override
  public void clear() {
    memo.method(name).clear();
  }

  /**
   * As {@link #clear()}; returns whether the tiers below memory held entries (for a memory-only
   * Memo, {@code false}).
   */
  @Override
  public boolean invalidate() {
    return memo.method(name).clear() > 0;
  }

  /**
   * The stored value, looked up on this cache's executor: a {@link ValueWrapper} when null values
   * are allowed, else the value; {@code null} inside the future on a miss.
   */
  @Override
  public CompletableFuture<?> retrieve(Object key) {
    return CompletableFuture.supplyAsync(() -> {
      Object stored = lookup(key);
      if (stored == null) {
        return null;
      }
      return isAllowNullValues() ? toValueWrapper(stored) : fromStoreValue(stored);
    }, executor);
  }

  /**
   * The stored value, or the value of the future {@code valueLoader} returns, stored when it
   * completes: once across this JVM's threads and the processes sharing the cache directory. A
   * future that fails is not stored; the returned one fails with its exception. Runs on this
   * cache's executor: waiting for another process's computation blocks one of its threads.
   */
  @Override
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
    return CompletableFuture.supplyAsync(
        () -> (T) memo.call(name, () -> toMemo(toStoreValue(valueLoader.get().join())), keyArgs(key)), executor);
  }

  /** Spring's stand-in for a cached null is stored as MemoCache's own cached null. */
  private static @Nullable Object toMemo(@Nullable Object storeValue) {
    return storeValue == NullValue.INSTANCE ? null : storeValue;
  }

  /**
   * The key arguments of a Spring cache key: a {@link SimpleKey}'s elements (the method's arguments,
   * as {@code SimpleKeyGenerator} made it), any other key as the one argument.
   */
  static @Nullable Object[] keyArgs(Object key) {
    if (key instanceof SimpleKey && SIMPLE_KEY_PARAMS != null) {
      try {
        return (Object[]) SIMPLE_KEY_PARAMS.get(key);
      } catch (IllegalAccessException e) {
        // made accessible when the class was loaded; hashed by its fields below otherwise
      }
    }
    return new Object[] {key};
  }

  /**
   * SimpleKey keeps its elements private. Without access to them a SimpleKey is hashed as one
   * argument by its fields: equal keys still match, only not the same call made through
   * {@code memo.call} with the arguments themselves.
   */
  private static @Nullable Field simpleKeyParams() {
    try {
      Field f = SimpleKey.class.getDeclaredField("params");
      f.setAccessible(true);
      return f.getType() == Object[].class ? f : null;
    } catch (NoSuchFieldException | RuntimeException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "MemoSpringCache[" + name + " in " + memo + "]";
  }
}
