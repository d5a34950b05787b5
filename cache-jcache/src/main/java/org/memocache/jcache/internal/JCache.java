package org.memocache.jcache.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import javax.management.ObjectName;
import org.jspecify.annotations.Nullable;

/**
 * A JCache cache: the live entries, their expiry times and the listeners are in this JVM (a
 * concurrent map, each key's operations atomic under its map lock); every write is also stored in
 * the cache directory through {@link Store}, and a cache created in a later JVM starts with the
 * stored entries.
 */
public final class JCache<K, V> implements Cache<K, V> {
  private static final System.Logger LOG = System.getLogger(JCache.class.getName());

  private final String name;
  private final JCacheManager manager;
  private final MutableConfiguration<K, V> config;
  private final ConcurrentHashMap<K, Expirable<V>> map = new ConcurrentHashMap<>();
  private final ExpiryPolicy expiry;
  private final @Nullable CacheLoader<K, V> loader;
  private final @Nullable CacheWriter<K, V> writer;
  private final @Nullable Copier copier;
  private final @Nullable Store store;
  private final Listeners<K, V> listeners = new Listeners<>();
  private final Statistics statistics = new Statistics();
  private final Management management;
  private final ObjectName statisticsName;
  private final ObjectName configurationName;
  private volatile boolean closed;

  @SuppressWarnings("unchecked")
  JCache(String name, JCacheManager manager, CompleteConfiguration<K, V> configuration, @Nullable Store store) {
    this.name = name;
    this.manager = manager;
    this.config = new MutableConfiguration<>(configuration);
    this.expiry = Objects.requireNonNull(config.getExpiryPolicyFactory().create(), "expiry policy");
    this.loader = config.getCacheLoaderFactory() == null ? null : config.getCacheLoaderFactory().create();
    this.writer = config.getCacheWriterFactory() == null ? null : (CacheWriter<K, V>) config.getCacheWriterFactory().create();
    this.copier = config.isStoreByValue() ? new Copier(manager.getClassLoader()) : null;
    this.store = store;
    this.management = new Management(config);
    String uri = manager.getURI().toString();
    this.statisticsName = Management.objectName("CacheStatistics", uri, name);
    this.configurationName = Management.objectName("CacheConfiguration", uri, name);
    for (CacheEntryListenerConfiguration<K, V> l : config.getCacheEntryListenerConfigurations()) {
      listeners.register(l);
    }
    statistics.enable(config.isStatisticsEnabled());
    if (config.isStatisticsEnabled()) {
      Management.register(statisticsName, statistics);
    }
    if (config.isManagementEnabled()) {
      Management.register(configurationName, management);
    }
    if (store != null) {
      restore(store);
    }
  }

  /** Starts with the entries stored by earlier JVMs, each with a fresh creation expiry. */
  private void restore(Store from) {
    for (Store.Persisted p : from.all()) {
      if (!config.getKeyType().isInstance(p.key()) || !config.getValueType().isInstance(p.value())) {
        continue;
      }
      long at = creationExpiry();
      if (at != 0) {
        @SuppressWarnings("unchecked")
        K k = (K) p.key();
        @SuppressWarnings("unchecked")
        V v = (V) p.value();
        map.putIfAbsent(k, new Expirable<>(v, at));
      }
    }
  }

  // ---- reads ----

  @Override
  public @Nullable V get(K key) {
    requireOpen();
    Objects.requireNonNull(key, "key");
    long start = System.nanoTime();
    try {
      Expirable<V> e = live(key);
      V value;
      if (e != null) {
        statistics.hits(1);
        touch(e);
        value = e.value;
      } else {
        statistics.misses(1);
        value = isReadThrough() ? loadOne(key) : null;
      }
      statistics.getTime(System.nanoTime() - start);
      return value == null ? null : copy(value);
    } catch (RuntimeException e) {
      listeners.discard();
      throw e;
    } finally {
      listeners.flush();
    }
  }

  @Override
  public Map<K, V> getAll(Set<? extends K> keys) {
    requireOpen();
    for (K k : keys) {
      Objects.requireNonNull(k, "key");
    }
    long start = System.nanoTime();
    Map<K, V> result = new HashMap<>();
    try {
      List<K> missing = new ArrayList<>();
      for (K key : keys) {
        Expirable<V> e = live(key);
        if (e != null) {
          statistics.hits(1);
          touch(e);
          result.put(copy(key), copy(e.value));
        } else {
          statistics.misses(1);
          missing.add(key);
        }
      }
      if (isReadThrough() && !missing.isEmpty()) {
        for (Map.Entry<K, V> loaded : loadAll(missing).entrySet()) {
          if (loaded.getKey() != null && loaded.getValue() != null) {
            V value = loaded(loaded.getKey(), loaded.getValue());
            if (value != null) {
              result.put(copy(loaded.getKey()), copy(value));
            }
          }
        }
      }
      statistics.getTime(System.nanoTime() - start);
    } catch (RuntimeException e) {
      listeners.discard();
      throw e;
    }
    listeners.flush();
    return result;
  }

  @Override
  public boolean containsKey(K key) {
    requireOpen();
    Objects.requireNonNull(key, "key");
    boolean present = live(key) != null;
    listeners.flush();
    return present;
  }

  /** The entry of {@code key} if present and not expired; an expired one is removed (and published). */
  private @Nullable Expirable<V> live(K key) {
    Expirable<V> e = map.get(key);
    if (e == null) {
      return null;
    }
    if (!e.expired(now())) {
      return e;
    }
    map.computeIfPresent(key, (k, current) -> {
      if (current == e) {
        expire(k, current);
        return null;
      }
      return current;
    });
    return null;
  }

  private void expire(K key, Expirable<V> e) {
    statistics.evictions(1);
    listeners.expired(this, key, e.value);
    if (store != null) {
      store.remove(key);
    }
  }

  /** Reads through the loader on a miss: the loaded value is created (not written to the writer). */
  private @Nullable V loadOne(K key) {
    @SuppressWarnings("unchecked")
    V[] loaded = (V[]) new Object[1];
    map.compute(copy(key), (k, e) -> {
      if (e != null && !e.expired(now())) {
        loaded[0] = e.value;
        return e;
      }
      if (e != null) {
        expire(k, e);
      }
      V v = callLoader(k);
      if (v == null) {
        return null;
      }
      return created(k, copy(v), loaded);
    });
    return loaded[0];
  }

  private @Nullable V callLoader(K key) {
    try {
      return Objects.requireNonNull(loader).load(key);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CacheLoaderException("cache " + name + ": loading " + key + " failed: " + e, e);
    }
  }

  /** A new entry for a loaded value, or {@code null} when its creation expiry is zero. */
  private @Nullable Expirable<V> created(K key, V value, @Nullable V[] out) {
    long at = creationExpiry();
    if (at == 0) {
      return null;
    }
    listeners.created(this, key, value);
    persist(key, value);
    if (out != null) {
      out[0] = value;
    }
    return new Expirable<>(value, at);
  }

  /**
   * Adds a value the loader returned outside the entry's lock, unless another thread added one
   * meanwhile; returns the entry's value.
   */
  private @Nullable V loaded(K key, V value) {
    @SuppressWarnings("unchecked")
    V[] out = (V[]) new Object[1];
    map.compute(copy(key), (k, e) -> {
      if (e != null && !e.expired(now())) {
        out[0] = e.value;
        return e;
      }
      if (e != null) {
        expire(k, e);
      }
      return created(k, copy(value), out);
    });
    return out[0];
  }

  private Map<K, V> loadAll(List<K> keys) {
    try {
      return Objects.requireNonNull(loader).loadAll(keys);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CacheLoaderException("cache " + name + ": loading " + keys.size() + " keys failed: " + e, e);
    }
  }

  @Override
  public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, @Nullable CompletionListener done) {
    requireOpen();
    Objects.requireNonNull(keys, "keys");
    for (K k : keys) {
      Objects.requireNonNull(k, "key");
    }
    CompletionListener listener = done != null ? done : new CompletionListener() {
      @Override
      public void onCompletion() {}

      @Override
      public void onException(Exception e) {}
    };
    if (loader == null) {
      listener.onCompletion();
      return;
    }
    CompletableFuture.runAsync(() -> {
      try {
        List<K> wanted = new ArrayList<>();
        for (K k : keys) {
          if (replaceExistingValues || live(k) == null) {
            wanted.add(k);
          }
        }
        for (Map.Entry<K, V> e : loadAll(wanted).entrySet()) {
          if (e.getKey() != null && e.getValue() != null) {
            if (replaceExistingValues) {
              putEntry(e.getKey(), e.getValue(), false);
            } else {
              putIfAbsentEntry(e.getKey(), e.getValue(), false);
            }
          }
        }
        listeners.flush();
        listener.onCompletion();
      } catch (Exception e) {
        listeners.discard();
        listener.onException(e instanceof CacheLoaderException ? e : new CacheLoaderException(e));
      }
    });
  }

  // ---- writes ----

  @Override
  public void put(K key, V value) {
    requireOpen();
    long start = System.nanoTime();
    boolean written = run(() -> putEntry(key, value, true).written);
    if (written) {
      statistics.puts(1);
      statistics.putTime(System.nanoTime() - start);
    }
  }

  @Override
  public @Nullable V getAndPut(K key, V value) {
    requireOpen();
    long start = System.nanoTime();
    PutResult<V> r = run(() -> putEntry(key, value, true));
    long took = System.nanoTime() - start;
    if (r.old == null) {
      statistics.misses(1);
    } else {
      statistics.hits(1);
    }
    if (r.written) {
      statistics.puts(1);
      statistics.putTime(took);
    }
    statistics.getTime(took);
    return r.old == null ? null : copy(r.old);
  }

  private PutResult<V> putEntry(K key, V value, boolean toWriter) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    V stored = copy(value);
    PutResult<V> r = new PutResult<>();
    map.compute(copy(key), (k, e) -> {
      if (toWriter) {
        write(k, value);
      }
      if (e != null && e.expired(now())) {
        expire(k, e);
        e = null;
      }
      if (e == null) {
        long at = creationExpiry();
        if (at == 0) {
          return null;
        }
        listeners.created(this, k, stored);
        persist(k, stored);
        r.written = true;
        return new Expirable<>(stored, at);
      }
      long at = updateExpiry(e.expireAt);
      r.old = e.value;
      r.written = true;
      listeners.updated(this, k, e.value, stored);
      persist(k, stored);
      return new Expirable<>(stored, at);
    });
    return r;
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    requireOpen();
    Objects.requireNonNull(entries, "entries");
    for (Map.Entry<? extends K, ? extends V> e : entries.entrySet()) {
      Objects.requireNonNull(e.getKey(), "key");
      Objects.requireNonNull(e.getValue(), "value");
    }
    long start = System.nanoTime();
    CacheWriterException failure = null;
    Set<Object> failed = Set.of();
    if (config.isWriteThrough() && writer != null && !entries.isEmpty()) {
      List<Cache.Entry<? extends K, ? extends V>> batch = new ArrayList<>();
      for (Map.Entry<? extends K, ? extends V> e : entries.entrySet()) {
        batch.add(new SimpleEntry<>(e.getKey(), e.getValue()));
      }
      try {
        writer.writeAll(batch);
      } catch (RuntimeException e) {
        failure = e instanceof CacheWriterException w ? w : new CacheWriterException(e);
        // What the writer did not take is left in the collection: those entries are not stored.
        failed = new java.util.HashSet<>();
        for (Cache.Entry<? extends K, ? extends V> left : batch) {
          failed.add(left.getKey());
        }
      }
    }
    int puts = 0;
    try {
      for (Map.Entry<? extends K, ? extends V> e : entries.entrySet()) {
        if (!failed.contains(e.getKey()) && putEntry(e.getKey(), e.getValue(), false).written) {
          puts++;
        }
      }
    } catch (RuntimeException e) {
      listeners.discard();
      throw e;
    }
    listeners.flush();
    if (puts > 0) {
      statistics.puts(puts);
      statistics.putTime(System.nanoTime() - start);
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    requireOpen();
    long start = System.nanoTime();
    PutResult<V> r = run(() -> putIfAbsentEntry(key, value, true));
    if (r.old != null) {
      statistics.hits(1);
    } else {
      statistics.misses(1);
    }
    if (r.written) {
      statistics.puts(1);
      statistics.putTime(System.nanoTime() - start);
    }
    return r.written;
  }

  private PutResult<V> putIfAbsentEntry(K key, V value, boolean toWriter) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    PutResult<V> r = new PutResult<>();
    map.compute(copy(key), (k, e) -> {
      if (e != null && !e.expired(now())) {
        r.old = e.value;
        return e;
      }
      V stored = copy(value);
      if (toWriter) {
        write(k, value);
      }
      if (e != null) {
        expire(k, e);
      }
      long at = creationExpiry();
      if (at == 0) {
        return null;
      }
      r.written = true;
      listeners.created(this, k, stored);
      persist(k, stored);
      return new Expirable<>(stored, at);
    });
    return r;
  }

  @Override
  public boolean remove(K key) {
    requireOpen();
    Objects.requireNonNull(key, "key");
    long start = System.nanoTime();
    V old = run(() -> removeEntry(key, true));
    if (old != null) {
      statistics.removals(1);
      statistics.removeTime(System.nanoTime() - start);
    }
    return old != null;
  }

  private @Nullable V removeEntry(K key, boolean toWriter) {
    @SuppressWarnings("unchecked")
    V[] removed = (V[]) new Object[1];
    map.compute(key, (k, e) -> {
      if (toWriter) {
        delete(k);
      }
      if (e != null) {
        if (e.expired(now())) {
          expire(k, e);
        } else {
          removed[0] = e.value;
          listeners.removed(this, k, e.value);
          unpersist(k);
        }
      }
      return null;
    });
    return removed[0];
  }

  @Override
  public boolean remove(K key, V oldValue) {
    requireOpen();
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(oldValue, "oldValue");
    long start = System.nanoTime();
    boolean[] found = {false};
    boolean[] removed = {false};
    run(() -> map.computeIfPresent(key, (k, e) -> {
      if (e.expired(now())) {
        expire(k, e);
        return null;
      }
      found[0] = true;
      if (oldValue.equals(e.value)) {
        delete(k);
        listeners.removed(this, k, e.value);
        unpersist(k);
        removed[0] = true;
        return null;
      }
      touch(e);
      return e;
    }));
    if (found[0]) {
      statistics.hits(1);
    } else {
      statistics.misses(1);
    }
    if (removed[0]) {
      statistics.removals(1);
      statistics.removeTime(System.nanoTime() - start);
    }
    return removed[0];
  }

  @Override
  public @Nullable V getAndRemove(K key) {
    requireOpen();
    Objects.requireNonNull(key, "key");
    long start = System.nanoTime();
    V old = run(() -> removeEntry(key, true));
    long took = System.nanoTime() - start;
    if (old == null) {
      statistics.misses(1);
    } else {
      statistics.hits(1);
      statistics.removals(1);
      statistics.removeTime(took);
    }
    statistics.getTime(took);
    return old == null ? null : copy(old);
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    requireOpen();
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(oldValue, "oldValue");
    Objects.requireNonNull(newValue, "newValue");
    long start = System.nanoTime();
    boolean[] found = {false};
    boolean[] replaced = {false};
    run(() -> map.computeIfPresent(key, (k, e) -> {
      if (e.expired(now())) {
        expire(k, e);
        return null;
      }
      found[0] = true;
      if (!oldValue.equals(e.value)) {
        touch(e);
        return e;
      }
      V stored = copy(newValue);
      write(k, newValue);
      listeners.updated(this, k, e.value, stored);
      persist(k, stored);
      replaced[0] = true;
      return new Expirable<>(stored, updateExpiry(e.expireAt));
    }));
    long took = System.nanoTime() - start;
    if (found[0]) {
      statistics.hits(1);
    } else {
      statistics.misses(1);
    }
    if (replaced[0]) {
      statistics.puts(1);
      statistics.putTime(took);
    }
    statistics.getTime(took);
    return replaced[0];
  }

  @Override
  public boolean replace(K key, V value) {
    return replaceEntry(key, value) != null;
  }

  @Override
  public @Nullable V getAndReplace(K key, V value) {
    V old = replaceEntry(key, value);
    return old == null ? null : copy(old);
  }

  private @Nullable V replaceEntry(K key, V value) {
    requireOpen();
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    long start = System.nanoTime();
    @SuppressWarnings("unchecked")
    V[] old = (V[]) new Object[1];
    run(() -> map.computeIfPresent(key, (k, e) -> {
      if (e.expired(now())) {
        expire(k, e);
        return null;
      }
      V stored = copy(value);
      write(k, value);
      listeners.updated(this, k, e.value, stored);
      persist(k, stored);
      old[0] = e.value;
      return new Expirable<>(stored, updateExpiry(e.expireAt));
    }));
    long took = System.nanoTime() - start;
    if (old[0] == null) {
      statistics.misses(1);
    } else {
      statistics.hits(1);
      statistics.puts(1);
      statistics.putTime(took);
    }
    statistics.getTime(took);
    return old[0];
  }

  @Override
  public void removeAll(Set<? extends K> keys) {
    requireOpen();
    Objects.requireNonNull(keys, "keys");
    Set<K> toRemove = new LinkedHashSet<>(keys);
    for (K k : toRemove) {
      Objects.requireNonNull(k, "key");
    }
    long start = System.nanoTime();
    CacheWriterException failure = null;
    Set<Object> failed = Set.of();
    if (config.isWriteThrough() && writer != null && !toRemove.isEmpty()) {
      Set<Object> pendingDeletes = new LinkedHashSet<>(toRemove);
      try {
        writer.deleteAll(pendingDeletes);
      } catch (RuntimeException e) {
        failure = e instanceof CacheWriterException w ? w : new CacheWriterException(e);
        // What the writer did not delete is left in the collection: those entries stay.
        failed = pendingDeletes;
      }
    }
    int removed = 0;
    try {
      for (K k : toRemove) {
        if (!failed.contains(k) && removeEntry(k, false) != null) {
          removed++;
        }
      }
    } catch (RuntimeException e) {
      listeners.discard();
      throw e;
    }
    listeners.flush();
    if (removed > 0) {
      statistics.removals(removed);
      statistics.removeTime(System.nanoTime() - start);
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void removeAll() {
    removeAll(new LinkedHashSet<>(map.keySet()));
  }

  @Override
  public void clear() {
    requireOpen();
    map.clear();
    if (store != null) {
      store.clear();
    }
  }

  // ---- entry processors ----

  @Override
  public <T> @Nullable T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    requireOpen();
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(processor, "processor");
    Object[] result = new Object[1];
    try {
      map.compute(copy(key), (k, e) -> {
        if (e != null && e.expired(now())) {
          expire(k, e);
          e = null;
        }
        if (e == null) {
          statistics.misses(1);
        } else {
          statistics.hits(1);
        }
        ProcessorEntry<K, V> entry = new ProcessorEntry<>(k, e == null ? null : copy(e.value),
            isReadThrough() ? loader : null);
        result[0] = processor.process(entry, arguments);
        return apply(k, e, entry);
      });
    } catch (RuntimeException e) {
      // The processor's, its loader's and the writer's failures all reach the caller as the spec's one type.
      listeners.discard();
      throw e instanceof EntryProcessorException ? e : new EntryProcessorException(e);
    }
    listeners.flush();
    @SuppressWarnings("unchecked")
    T t = (T) result[0];
    return t;
  }

  private @Nullable Expirable<V> apply(K key, @Nullable Expirable<V> e, ProcessorEntry<K, V> entry) {
    switch (entry.action()) {
      case NONE:
        return e;
      case READ:
        touch(Objects.requireNonNull(e));
        return e;
      case LOADED:
      case CREATED: {
        V value = Objects.requireNonNull(entry.getValue());
        if (entry.action() == ProcessorEntry.Action.CREATED) {
          write(key, value);
        }
        V stored = copy(value);
        long at = creationExpiry();
        if (at == 0) {
          return null;
        }
        if (entry.action() == ProcessorEntry.Action.CREATED) {
          statistics.puts(1);
        }
        listeners.created(this, key, stored);
        persist(key, stored);
        return new Expirable<>(stored, at);
      }
      case UPDATED: {
        V value = Objects.requireNonNull(entry.getValue());
        Expirable<V> prior = Objects.requireNonNull(e);
        write(key, value);
        V stored = copy(value);
        statistics.puts(1);
        listeners.updated(this, key, prior.value, stored);
        persist(key, stored);
        return new Expirable<>(stored, updateExpiry(prior.expireAt));
      }
      case DELETED:
        delete(key);
        if (e != null) {
          statistics.removals(1);
          listeners.removed(this, key, e.value);
          unpersist(key);
        }
        return null;
    }
    throw new IllegalStateException("unknown action " + entry.action());
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> processor,
      Object... arguments) {
    requireOpen();
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(processor, "processor");
    for (K k : keys) {
      Objects.requireNonNull(k, "key");
    }
    Map<K, EntryProcessorResult<T>> results = new HashMap<>();
    for (K key : keys) {
      try {
        T r = invoke(key, processor, arguments);
        if (r != null) {
          results.put(key, () -> r);
        }
      } catch (EntryProcessorException e) {
        results.put(key, () -> {
          throw e;
        });
      } catch (RuntimeException e) {
        EntryProcessorException wrapped = new EntryProcessorException(e);
        results.put(key, () -> {
          throw wrapped;
        });
      }
    }
    return results;
  }

  // ---- iteration, configuration, lifecycle ----

  @Override
  public Iterator<Cache.Entry<K, V>> iterator() {
    requireOpen();
    Iterator<Map.Entry<K, Expirable<V>>> all = map.entrySet().iterator();
    return new Iterator<>() {
      Map.@Nullable Entry<K, Expirable<V>> next;
      @Nullable K last;

      @Override
      public boolean hasNext() {
        while (next == null && all.hasNext()) {
          Map.Entry<K, Expirable<V>> e = all.next();
          if (!e.getValue().expired(now())) {
            next = e;
          }
        }
        return next != null;
      }

      @Override
      public Cache.Entry<K, V> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Map.Entry<K, Expirable<V>> e = Objects.requireNonNull(next);
        next = null;
        last = e.getKey();
        statistics.hits(1);
        touch(e.getValue());
        return new SimpleEntry<>(copy(e.getKey()), copy(e.getValue().value));
      }

      @Override
      public void remove() {
        K k = last;
        if (k == null) {
          throw new IllegalStateException("next() was not called");
        }
        last = null;
        JCache.this.remove(k);
      }
    };
  }

  @Override
  public <C extends Configuration<K, V>> C getConfiguration(Class<C> type) {
    if (type.isInstance(config)) {
      return type.cast(new MutableConfiguration<>(config));
    }
    throw new IllegalArgumentException("cache " + name + " has no configuration of type " + type.getName());
  }

  @Override
  public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listener) {
    requireOpen();
    Objects.requireNonNull(listener, "listener");
    synchronized (config) {
      if (!listeners.register(listener)) {
        throw new IllegalArgumentException("cache " + name + ": this listener configuration is already registered");
      }
      config.addCacheEntryListenerConfiguration(listener);
    }
  }

  @Override
  public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listener) {
    requireOpen();
    Objects.requireNonNull(listener, "listener");
    synchronized (config) {
      listeners.deregister(listener);
      config.removeCacheEntryListenerConfiguration(listener);
    }
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public JCacheManager getCacheManager() {
    return manager;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    closeResources();
    manager.forget(this);
  }

  /** Closes this cache without telling its manager (the manager is closing or destroying it). */
  void closeResources() {
    synchronized (config) {
      if (closed) {
        return;
      }
      closed = true;
    }
    Management.unregister(statisticsName);
    Management.unregister(configurationName);
    listeners.close();
    Listeners.closeQuietly(loader);
    Listeners.closeQuietly(writer);
    Listeners.closeQuietly(expiry);
  }

  /** Removes every entry of this JVM and of the cache directory, then closes. */
  void destroy() {
    map.clear();
    if (store != null) {
      store.clear();
    }
    closeResources();
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("cannot unwrap cache " + name + " to " + clazz.getName());
  }

  void enableStatistics(boolean on) {
    requireOpen();
    synchronized (config) {
      config.setStatisticsEnabled(on);
      statistics.enable(on);
      if (on) {
        Management.register(statisticsName, statistics);
      } else {
        Management.unregister(statisticsName);
      }
    }
  }

  void enableManagement(boolean on) {
    requireOpen();
    synchronized (config) {
      config.setManagementEnabled(on);
      if (on) {
        Management.register(configurationName, management);
      } else {
        Management.unregister(configurationName);
      }
    }
  }

  // ---- helpers ----

  private boolean isReadThrough() {
    return config.isReadThrough() && loader != null;
  }

  /** Runs a write, then delivers its synchronous events (dropping them if it failed). */
  private <T> T run(Supplier<T> write) {
    T result;
    try {
      result = write.get();
    } catch (RuntimeException e) {
      listeners.discard();
      throw e;
    }
    listeners.flush();
    return result;
  }

  private void write(K key, V value) {
    if (config.isWriteThrough() && writer != null) {
      try {
        writer.write(new SimpleEntry<>(key, value));
      } catch (CacheWriterException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new CacheWriterException("cache " + name + ": writing " + key + " failed: " + e, e);
      }
    }
  }

  private void delete(K key) {
    if (config.isWriteThrough() && writer != null) {
      try {
        writer.delete(key);
      } catch (CacheWriterException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new CacheWriterException("cache " + name + ": deleting " + key + " failed: " + e, e);
      }
    }
  }

  private void persist(K key, V value) {
    if (store != null) {
      store.put(key, value);
    }
  }

  private void unpersist(K key) {
    if (store != null) {
      store.remove(key);
    }
  }

  private <T> T copy(T object) {
    return copier == null ? object : copier.copy(object);
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  /** When a new entry expires: 0 means at once (it is not added); a failing policy means never. */
  private long creationExpiry() {
    try {
      Duration d = expiry.getExpiryForCreation();
      return d == null ? Expirable.ETERNAL : expireAt(d);
    } catch (RuntimeException e) {
      policyFailed(e);
      return Expirable.ETERNAL;
    }
  }

  /** When an updated entry expires; {@code current} when the policy leaves it unchanged. */
  private long updateExpiry(long current) {
    try {
      Duration d = expiry.getExpiryForUpdate();
      return d == null ? current : expireAt(d);
    } catch (RuntimeException e) {
      policyFailed(e);
      return current;
    }
  }

  /** Applies the access expiry to an entry that was read. */
  private void touch(Expirable<V> e) {
    try {
      Duration d = expiry.getExpiryForAccess();
      if (d != null) {
        e.expireAt = expireAt(d);
      }
    } catch (RuntimeException ex) {
      policyFailed(ex);
    }
  }

  private static long expireAt(Duration d) {
    if (d.isZero()) {
      return 0;
    }
    if (d.isEternal()) {
      return Expirable.ETERNAL;
    }
    long at = d.getAdjustedTime(now());
    return at == Expirable.ETERNAL || at == 0 ? at - 1 : at;
  }

  private void policyFailed(RuntimeException e) {
    LOG.log(Level.WARNING, "cache " + name + ": the expiry policy " + expiry.getClass().getName() + " failed: " + e);
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("cache " + name + " is closed");
    }
  }

  private static final class PutResult<V> {
    @Nullable V old;
    boolean written;
  }

  /** A key and value as handed to writers and iterators. */
  record SimpleEntry<K, V>(K key, V value) implements Cache.Entry<K, V> {
    @Override
    public K getKey() {
      return key;
    }

    @Override
    public V getValue() {
      return value;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
      if (clazz.isInstance(this)) {
        return clazz.cast(this);
      }
      throw new IllegalArgumentException("cannot unwrap a cache entry to " + clazz.getName());
    }
  }
}
