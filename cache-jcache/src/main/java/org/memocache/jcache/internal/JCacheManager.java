package org.memocache.jcache.internal;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.jspecify.annotations.Nullable;
import org.memocache.Memo;

/** The caches of one URI and class loader, stored through one {@link Memo}. */
public final class JCacheManager implements CacheManager {
  private final CachingProvider provider;
  private final URI uri;
  private final ClassLoader loader;
  private final Properties properties;
  private final Memo memo;
  private final Runnable onClose;
  private final Map<String, JCache<?, ?>> caches = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public JCacheManager(CachingProvider provider, URI uri, ClassLoader loader, Properties properties, Memo memo,
      Runnable onClose) {
    this.provider = provider;
    this.uri = uri;
    this.loader = loader;
    this.properties = properties;
    this.memo = memo;
    this.onClose = onClose;
  }

  @Override
  public CachingProvider getCachingProvider() {
    return provider;
  }

  @Override
  public URI getURI() {
    return uri;
  }

  @Override
  public ClassLoader getClassLoader() {
    return loader;
  }

  @Override
  public Properties getProperties() {
    return properties;
  }

  @Override
  public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String name, C configuration) {
    requireOpen();
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(configuration, "configuration");
    CompleteConfiguration<K, V> complete = configuration instanceof CompleteConfiguration<K, V> c
        ? c : new MutableConfiguration<K, V>().setTypes(configuration.getKeyType(), configuration.getValueType())
            .setStoreByValue(configuration.isStoreByValue());
    synchronized (caches) {
      if (caches.containsKey(name)) {
        throw new CacheException("cache " + name + " already exists in " + uri);
      }
      Store store = memo.config().directory() == null ? null : new Store(memo, name);
      JCache<K, V> cache = new JCache<>(name, this, complete, store);
      caches.put(name, cache);
      return cache;
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <K, V> @Nullable Cache<K, V> getCache(String name, Class<K> keyType, Class<V> valueType) {
    requireOpen();
    Objects.requireNonNull(keyType, "keyType");
    Objects.requireNonNull(valueType, "valueType");
    JCache<?, ?> cache = caches.get(Objects.requireNonNull(name, "name"));
    if (cache == null) {
      return null;
    }
    @SuppressWarnings("rawtypes")
    CompleteConfiguration config = cache.getConfiguration(CompleteConfiguration.class);
    if (config.getKeyType() != keyType || config.getValueType() != valueType) {
      throw new ClassCastException("cache " + name + " holds " + config.getKeyType().getName() + " -> "
          + config.getValueType().getName() + ", not " + keyType.getName() + " -> " + valueType.getName());
    }
    return (Cache<K, V>) cache;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <K, V> @Nullable Cache<K, V> getCache(String name) {
    requireOpen();
    return (Cache<K, V>) caches.get(Objects.requireNonNull(name, "name"));
  }

  @Override
  public Iterable<String> getCacheNames() {
    requireOpen();
    return List.copyOf(caches.keySet());
  }

  @Override
  public void destroyCache(String name) {
    requireOpen();
    Objects.requireNonNull(name, "name");
    JCache<?, ?> cache;
    synchronized (caches) {
      cache = caches.remove(name);
    }
    if (cache != null) {
      cache.destroy();
    }
  }

  @Override
  public void enableManagement(String name, boolean enabled) {
    requireOpen();
    JCache<?, ?> cache = caches.get(Objects.requireNonNull(name, "name"));
    if (cache != null) {
      cache.enableManagement(enabled);
    }
  }

  @Override
  public void enableStatistics(String name, boolean enabled) {
    requireOpen();
    JCache<?, ?> cache = caches.get(Objects.requireNonNull(name, "name"));
    if (cache != null) {
      cache.enableStatistics(enabled);
    }
  }

  /** A cache closed by its user leaves this manager. */
  void forget(JCache<?, ?> cache) {
    caches.remove(cache.getName(), cache);
  }

  @Override
  public void close() {
    synchronized (caches) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (JCache<?, ?> cache : new ArrayList<>(caches.values())) {
      cache.closeResources();
    }
    caches.clear();
    onClose.run();
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    if (clazz.isInstance(memo)) {
      return clazz.cast(memo);
    }
    throw new IllegalArgumentException("cannot unwrap a cache manager to " + clazz.getName());
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("cache manager " + uri + " is closed");
    }
  }
}
