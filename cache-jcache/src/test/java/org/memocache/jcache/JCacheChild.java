package org.memocache.jcache;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import java.util.TreeMap;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;

/**
 * A child JVM: {@code <dir> <allow> <cache> list} prints the cache's entries as {@code key=value}
 * lines, sorted; {@code <dir> <allow> <cache> put <key> <value>} stores one String entry.
 */
public final class JCacheChild {
  private JCacheChild() {}

  public static void main(String[] args) {
    URI uri = Path.of(args[0]).toUri();
    Properties props = new Properties();
    if (!args[1].equals("-")) {
      props.setProperty(MemoCachingProvider.ALLOW, args[1]);
    }
    CachingProvider provider = Caching.getCachingProvider();
    try (CacheManager manager = provider.getCacheManager(uri, JCacheChild.class.getClassLoader(), props)) {
      Cache<Object, Object> cache = manager.createCache(args[2], new MutableConfiguration<>());
      if (args[3].equals("put")) {
        cache.put(args[4], args[5]);
      } else {
        TreeMap<String, String> all = new TreeMap<>();
        for (Cache.Entry<Object, Object> e : cache) {
          all.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
        }
        all.forEach((k, v) -> System.out.println(k + "=" + v));
      }
    }
  }
}
