package org.memocache.spring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.memocache.Memo;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * A Spring {@link CacheManager} whose caches store their entries in a {@link Memo}: in memory, on
 * disk across runs, and shared by every process using the same cache directory. A cache named
 * {@code books} holds the results MemoCache stores under the name {@code books}.
 *
 * <pre>{@code
 * @Configuration
 * @EnableCaching
 * class CacheConfig {
 *   @Bean
 *   MemoCacheManager cacheManager() {
 *     return new MemoCacheManager(Memo.defaultMemo());
 *   }
 * }
 * }</pre>
 *
 * <p>{@code @Cacheable(sync = true)} computes each key once across the processes sharing the cache
 * directory; see {@link MemoSpringCache}. Caches are created on first use, unless a fixed set of
 * names is given with {@link #setCacheNames}.
 *
 * <p><b>Which classes a cache may store and read.</b> A cache directory is data, never code: values
 * decode only into JDK value types, the packages admitted by the Memo's configuration
 * ({@code memocache.allow}), the packages given to {@link #setAllowedPackages}, and, found when the
 * application context has created its singletons, the packages of the beans with cache annotations
 * ({@code @Cacheable}, {@code @CachePut}, {@code @CacheEvict}, {@code @Caching}) and of the declared
 * return types (with their type arguments) of their {@code @Cacheable} and {@code @CachePut}
 * methods. A value of any other class is computed and returned but not stored, with one warning
 * naming the class.
 */
public class MemoCacheManager implements CacheManager, BeanFactoryAware, SmartInitializingSingleton {
  private static final Pattern PACKAGE = Pattern.compile(
      "[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)*");

  private final Memo memo;
  private final ConcurrentMap<String, MemoSpringCache> caches = new ConcurrentHashMap<>();
  /** Packages admitted for every cache; grows, never shrinks. */
  private final Set<String> packages = Collections.synchronizedSet(new LinkedHashSet<>());
  private volatile boolean dynamic = true;
  private volatile boolean allowNullValues = true;
  private volatile @Nullable Executor executor;
  private @Nullable ConfigurableListableBeanFactory beanFactory;

  /** A manager of caches stored in {@code memo}. */
  public MemoCacheManager(Memo memo) {
    this.memo = Objects.requireNonNull(memo, "memo");
  }

  /** The Memo holding every cache's entries. */
  public Memo getMemo() {
    return memo;
  }

  /**
   * Fixes the set of caches: {@link #getCache} returns {@code null} for any other name. By default
   * a cache is created for every name asked for.
   */
  public void setCacheNames(Collection<String> names) {
    List<String> copy = List.copyOf(names);
    dynamic = false;
    caches.keySet().retainAll(copy);
    for (String n : copy) {
      caches.computeIfAbsent(n, this::create);
    }
  }

  /**
   * Whether {@code null} values are cached (default {@code true}); when not, a method returning
   * {@code null} fails as Spring's caches fail. Applies to caches created after the call.
   */
  public void setAllowNullValues(boolean allowNullValues) {
    this.allowNullValues = allowNullValues;
  }

  /** Whether {@code null} values are cached. */
  public boolean isAllowNullValues() {
    return allowNullValues;
  }

  /**
   * Admits classes of these packages (and their subpackages) when storing and reading the values
   * of every cache of this manager, beyond those found on the annotated beans.
   *
   * @throws IllegalArgumentException if one is not a package name
   */
  public void setAllowedPackages(Collection<String> allowed) {
    admit(allowed);
  }

  /** The packages admitted so far for every cache (the configured {@code memocache.allow} aside). */
  public Set<String> getAllowedPackages() {
    synchronized (packages) {
      return Set.copyOf(packages);
    }
  }

  /**
   * The executor of {@link Cache#retrieve} (methods returning {@code CompletableFuture}), whose
   * look-ups read files and whose computations may wait for another process. By default a pool of
   * daemon threads, created as needed and ended after a minute unused. Applies to caches created
   * after the call.
   */
  public void setAsyncExecutor(Executor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  @Override
  public @Nullable Cache getCache(String name) {
    MemoSpringCache cache = caches.get(name);
    if (cache == null && dynamic) {
      cache = caches.computeIfAbsent(name, this::create);
    }
    return cache;
  }

  @Override
  public Collection<String> getCacheNames() {
    return Collections.unmodifiableSet(caches.keySet());
  }

  private MemoSpringCache create(String name) {
    Executor e = executor;
    MemoSpringCache cache = new MemoSpringCache(name, memo, allowNullValues, e != null ? e : DefaultExecutor.INSTANCE);
    cache.allowPackages(getAllowedPackages());
    return cache;
  }

  private void admit(Collection<String> more) {
    List<String> added = new ArrayList<>();
    synchronized (packages) {
      for (String p : more) {
        Objects.requireNonNull(p, "package");
        if (!PACKAGE.matcher(p).matches()) {
          throw new IllegalArgumentException("not a package name: '" + p + "'");
        }
        if (packages.add(p)) {
          added.add(p);
        }
      }
    }
    if (!added.isEmpty()) {
      for (MemoSpringCache c : caches.values()) {
        c.allowPackages(added);
      }
    }
  }

  @Override
  public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
    this.beanFactory = beanFactory instanceof ConfigurableListableBeanFactory f ? f : null;
  }

  /** Admits the packages of the context's cache-annotated beans and of their cached methods' results. */
  @Override
  public void afterSingletonsInstantiated() {
    ConfigurableListableBeanFactory f = beanFactory;
    if (f != null) {
      admit(CachedTypes.packagesOf(f));
    }
  }

  @Override
  public String toString() {
    return "MemoCacheManager[" + memo + ", caches " + caches.keySet() + "]";
  }

  /** Daemon threads made on demand: a blocked retrieval never holds up the common pool. */
  private static final class DefaultExecutor {
    static final Executor INSTANCE;

    static {
      AtomicInteger n = new AtomicInteger();
      INSTANCE = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
        Thread t = new Thread(r, "memocache-spring-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    }
  }
}
