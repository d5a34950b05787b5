package org.memocache.jcache.internal;

import javax.cache.Cache;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.EventType;
import org.jspecify.annotations.Nullable;

/** A cache entry event; removed and expired events carry the last value as both values. */
final class Event<K, V> extends CacheEntryEvent<K, V> {
  private static final long serialVersionUID = 1L;

  private final K key;
  private final @Nullable V value;
  private final @Nullable V oldValue;
  private final boolean hasOldValue;

  Event(Cache<K, V> source, EventType type, K key, @Nullable V value, @Nullable V oldValue, boolean hasOldValue) {
    super(source, type);
    this.key = key;
    this.value = value;
    this.oldValue = oldValue;
    this.hasOldValue = hasOldValue;
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public @Nullable V getValue() {
    return value;
  }

  @Override
  public @Nullable V getOldValue() {
    return oldValue;
  }

  @Override
  public boolean isOldValueAvailable() {
    return hasOldValue;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("cannot unwrap a cache entry event to " + clazz.getName());
  }
}
