package org.memocache.jcache;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;

/**
 * A child JVM: {@code <dir> <allow> <cache> list} prints the cache's entries as {@code key=value}
 * lines, sorted; {@code <dir> <allow> <cache> put <key> <value>} stores one String entry;
 * {@code <dir> <allow> <cache> puts <key> <name> <n> <ready-dir> <others>} creates
 * {@code <ready-dir>/<name>}, waits until {@code <others>} more files are there (so that the JVMs
 * put at the same time), puts {@code <name>-0} to {@code <name>-<n-1>} under the key and prints
 * {@code last <name>-<n-1> <epoch millis>} once the last put returned.
 */
public final class JCacheChild {
  private JCacheChild() {}

  public static void main(String[] args) throws Exception {
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
      } else if (args[3].equals("puts")) {
        int n = Integer.parseInt(args[6]);
        awaitOthers(Path.of(args[7]), args[5], Integer.parseInt(args[8]));
        for (int i = 0; i < n; i++) {
          cache.put(args[4], args[5] + "-" + i);
        }
        System.out.println("last " + args[5] + "-" + (n - 1) + " " + System.currentTimeMillis());
      } else {
        TreeMap<String, String> all = new TreeMap<>();
        for (Cache.Entry<Object, Object> e : cache) {
          all.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
        }
        all.forEach((k, v) -> System.out.println(k + "=" + v));
      }
    }
  }

  private static void awaitOthers(Path ready, String name, int others) throws Exception {
    Files.createDirectories(ready);
    Files.createFile(ready.resolve(name));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (true) {
      try (Stream<Path> files = Files.list(ready)) {
        if (files.count() > others) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the other JVMs did not start within 2 minutes");
      }
      Thread.sleep(5);
    }
  }
}
