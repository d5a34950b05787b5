package org.memocache.jcache;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.WeakHashMap;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;
import org.jspecify.annotations.Nullable;
import org.memocache.Memo;
import org.memocache.jcache.internal.JCacheManager;

/**
 * The MemoCache JCache (JSR-107) provider, found by {@code Caching.getCachingProvider()}.
 *
 * <p>A cache manager's URI names its cache directory: a {@code file:} URI is that directory, and
 * any other URI (the {@linkplain #getDefaultURI() default} among them) the configured MemoCache
 * directory ({@code memocache.dir}, else {@code ~/.cache/memocache}). Without {@code cache-disk}
 * on the class path the caches live in memory only. The property {@code memocache.allow} of
 * {@link #getCacheManager(URI, ClassLoader, Properties)} (packages or classes, comma separated)
 * admits the application's classes for decoding stored entries, added to MemoCache's configured
 * {@code allow} list.
 *
 * <p>Entries, listeners, expiry times and statistics live in the JVM; every write is also stored
 * in the directory, and a cache created in a later JVM on the same directory starts with the
 * stored entries. See {@code docs/jcache.md}.
 */
public final class MemoCachingProvider implements CachingProvider {
  /** The manager property listing packages or classes whose stored entries may be decoded. */
  public static final String ALLOW = "memocache.allow";

  private static final URI DEFAULT_URI = URI.create("memocache:default");

  private final Map<ClassLoader, Map<URI, JCacheManager>> managers = new WeakHashMap<>();
  private final Map<String, Shared> memos = new HashMap<>();

  @Override
  public CacheManager getCacheManager(@Nullable URI uri, @Nullable ClassLoader classLoader,
      @Nullable Properties properties) {
    URI u = uri != null ? uri : getDefaultURI();
    ClassLoader loader = classLoader != null ? classLoader : getDefaultClassLoader();
    Properties props = properties != null ? properties : getDefaultProperties();
    synchronized (managers) {
      Map<URI, JCacheManager> byUri = managers.computeIfAbsent(loader, l -> new HashMap<>());
      JCacheManager m = byUri.get(u);
      if (m == null || m.isClosed()) {
        Path dir = "file".equals(u.getScheme()) ? Path.of(u) : null;
        String allow = props.getProperty(ALLOW, "");
        String memoKey = dir + "|" + allow;
        Shared shared = memos.computeIfAbsent(memoKey, k -> new Shared(open(dir, allow)));
        shared.users++;
        JCacheManager created = new JCacheManager(this, u, loader, props, shared.memo,
            () -> release(loader, u, memoKey));
        byUri.put(u, created);
        m = created;
      }
      return m;
    }
  }

  private static Memo open(@Nullable Path dir, String allow) {
    // The JCache map is the memory tier (it holds each entry once, with its expiry and events);
    // MemoCache stores the entries on disk.
    Memo.Builder b = Memo.builder().maximumMemoryBytes(0);
    if (dir != null) {
      b.directory(dir);
    }
    List<String> packages = new ArrayList<>();
    for (String p : allow.split(",")) {
      if (!p.isBlank()) {
        packages.add(p.trim());
      }
    }
    b.allowPackages(packages.toArray(String[]::new));
    return b.build();
  }

  private void release(ClassLoader loader, URI uri, String memoKey) {
    synchronized (managers) {
      Map<URI, JCacheManager> byUri = managers.get(loader);
      if (byUri != null) {
        byUri.remove(uri);
      }
      Shared shared = memos.get(memoKey);
      if (shared != null && --shared.users == 0) {
        memos.remove(memoKey);
        shared.memo.close();
      }
    }
  }

  @Override
  public ClassLoader getDefaultClassLoader() {
    ClassLoader l = Thread.currentThread().getContextClassLoader();
    return l != null ? l : MemoCachingProvider.class.getClassLoader();
  }

  @Override
  public URI getDefaultURI() {
    return DEFAULT_URI;
  }

  @Override
  public Properties getDefaultProperties() {
    return new Properties();
  }

  @Override
  public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
    return getCacheManager(uri, classLoader, getDefaultProperties());
  }

  @Override
  public CacheManager getCacheManager() {
    return getCacheManager(getDefaultURI(), getDefaultClassLoader(), getDefaultProperties());
  }

  @Override
  public void close() {
    List<JCacheManager> all = new ArrayList<>();
    synchronized (managers) {
      managers.values().forEach(m -> all.addAll(m.values()));
    }
    all.forEach(JCacheManager::close);
  }

  @Override
  public void close(ClassLoader classLoader) {
    List<JCacheManager> all = new ArrayList<>();
    synchronized (managers) {
      Map<URI, JCacheManager> byUri = managers.get(Objects.requireNonNull(classLoader, "classLoader"));
      if (byUri != null) {
        all.addAll(byUri.values());
      }
    }
    all.forEach(JCacheManager::close);
  }

  @Override
  public void close(URI uri, ClassLoader classLoader) {
    JCacheManager m;
    synchronized (managers) {
      Map<URI, JCacheManager> byUri = managers.get(Objects.requireNonNull(classLoader, "classLoader"));
      m = byUri == null ? null : byUri.get(Objects.requireNonNull(uri, "uri"));
    }
    if (m != null) {
      m.close();
    }
  }

  @Override
  public boolean isSupported(OptionalFeature feature) {
    return feature == OptionalFeature.STORE_BY_REFERENCE;
  }

  /** A Memo and how many open managers use it. */
  private static final class Shared {
    final Memo memo;
    int users;

    Shared(Memo memo) {
      this.memo = memo;
    }
  }
}
