package org.memocache.jcache.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * The registered listeners of one cache. Events are queued by the thread that made them (inside
 * the entry's lock, so each key's events keep their order) and delivered by {@link #flush} once the
 * lock is released: synchronous listeners on that thread, asynchronous ones on one thread per
 * listener, in publication order.
 */
final class Listeners<K, V> {
  private static final System.Logger LOG = System.getLogger(Listeners.class.getName());

  private final List<Registration<K, V>> registrations = new CopyOnWriteArrayList<>();
  private final ThreadLocal<List<Runnable>> pending = ThreadLocal.withInitial(ArrayList::new);

  boolean isEmpty() {
    return registrations.isEmpty();
  }

  boolean register(CacheEntryListenerConfiguration<K, V> config) {
    for (Registration<K, V> r : registrations) {
      if (r.config.equals(config)) {
        return false;
      }
    }
    registrations.add(new Registration<>(config));
    return true;
  }

  void deregister(CacheEntryListenerConfiguration<K, V> config) {
    for (Registration<K, V> r : registrations) {
      if (r.config.equals(config)) {
        registrations.remove(r);
        r.close();
      }
    }
  }

  void created(Cache<K, V> cache, K key, V value) {
    publish(cache, EventType.CREATED, key, value, null, false);
  }

  void updated(Cache<K, V> cache, K key, V oldValue, V value) {
    publish(cache, EventType.UPDATED, key, value, oldValue, true);
  }

  void removed(Cache<K, V> cache, K key, V oldValue) {
    publish(cache, EventType.REMOVED, key, oldValue, oldValue, true);
  }

  void expired(Cache<K, V> cache, K key, V oldValue) {
    publish(cache, EventType.EXPIRED, key, oldValue, oldValue, true);
  }

  private void publish(Cache<K, V> cache, EventType type, K key, @Nullable V value, @Nullable V oldValue,
      boolean hasOld) {
    if (registrations.isEmpty()) {
      return;
    }
    Event<K, V> event = new Event<>(cache, type, key, value, oldValue, hasOld);
    for (Registration<K, V> r : registrations) {
      if (!r.accepts(type)) {
        continue;
      }
      if (r.filter != null && !r.filter.evaluate(event)) {
        continue;
      }
      if (r.config.isSynchronous()) {
        pending.get().add(() -> r.deliver(event));
      } else {
        Objects.requireNonNull(r.async).execute(() -> {
          try {
            r.deliver(event);
          } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "asynchronous cache entry listener " + r.listener.getClass().getName()
                + " failed on a " + type + " event: " + e);
          }
        });
      }
    }
  }

  /** Delivers this thread's queued synchronous events; throws the first listener failure. */
  void flush() {
    List<Runnable> queue = pending.get();
    if (queue.isEmpty()) {
      return;
    }
    List<Runnable> events = new ArrayList<>(queue);
    queue.clear();
    CacheEntryListenerException failure = null;
    for (Runnable r : events) {
      try {
        r.run();
      } catch (CacheEntryListenerException e) {
        failure = failure == null ? e : failure;
      } catch (RuntimeException e) {
        failure = failure == null ? new CacheEntryListenerException(e) : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Drops this thread's queued events (the operation that made them failed). */
  void discard() {
    pending.get().clear();
  }

  void close() {
    for (Registration<K, V> r : registrations) {
      r.close();
    }
    registrations.clear();
  }

  private static final class Registration<K, V> {
    final CacheEntryListenerConfiguration<K, V> config;
    final CacheEntryListener<? super K, ? super V> listener;
    final @Nullable CacheEntryEventFilter<? super K, ? super V> filter;
    final @Nullable ExecutorService async;

    Registration(CacheEntryListenerConfiguration<K, V> config) {
      this.config = config;
      this.listener = config.getCacheEntryListenerFactory().create();
      Factory<CacheEntryEventFilter<? super K, ? super V>> f = config.getCacheEntryEventFilterFactory();
      this.filter = f == null ? null : f.create();
      this.async = config.isSynchronous() ? null : Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "memocache-jcache-listener");
        t.setDaemon(true);
        return t;
      });
    }

    boolean accepts(EventType type) {
      return switch (type) {
        case CREATED -> listener instanceof CacheEntryCreatedListener;
        case UPDATED -> listener instanceof CacheEntryUpdatedListener;
        case REMOVED -> listener instanceof CacheEntryRemovedListener;
        case EXPIRED -> listener instanceof CacheEntryExpiredListener;
      };
    }

    @SuppressWarnings("unchecked")
    void deliver(Event<K, V> event) {
      List<javax.cache.event.CacheEntryEvent<? extends K, ? extends V>> one = List.of(event);
      switch (event.getEventType()) {
        case CREATED -> ((CacheEntryCreatedListener<K, V>) listener).onCreated(one);
        case UPDATED -> ((CacheEntryUpdatedListener<K, V>) listener).onUpdated(one);
        case REMOVED -> ((CacheEntryRemovedListener<K, V>) listener).onRemoved(one);
        case EXPIRED -> ((CacheEntryExpiredListener<K, V>) listener).onExpired(one);
      }
    }

    void close() {
      if (async != null) {
        async.shutdown();
        try {
          // Delivers what was published before the close.
          async.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      closeQuietly(listener);
      closeQuietly(filter);
    }
  }

  static void closeQuietly(@Nullable Object o) {
    if (o instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "closing " + o.getClass().getName() + " failed: " + e);
      }
    }
  }
}
