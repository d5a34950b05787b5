package org.memocache.bench.peers;

import java.nio.file.Path;
import java.util.function.Supplier;
import org.ehcache.Cache;
import org.ehcache.PersistentCacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.EntryUnit;
import org.ehcache.config.units.MemoryUnit;
import org.ehcache.impl.config.store.disk.OffHeapDiskStoreConfiguration;

/**
 * Ehcache 3 with a persistent disk tier behind a one-entry heap tier (Ehcache requires a heap tier;
 * one entry keeps reads of distinct keys on the disk tier). Values go through Ehcache's default
 * serializer for {@code double[]} (Java serialization). One process per directory: Ehcache locks it.
 */
public final class EhcachePeer implements DiskPeer {
  private final PersistentCacheManager manager;
  private final Cache<String, double[]> cache;

  private EhcachePeer(PersistentCacheManager manager) {
    this.manager = manager;
    this.cache = manager.getCache("bench", String.class, double[].class);
  }

  /**
   * Opens (or creates) the persistent cache in {@code dir}, its disk tier bounded by
   * {@code diskBytes}; a single disk segment when values are big, since a value must fit in one.
   */
  public static EhcachePeer open(Path dir, long diskBytes, boolean bigValues) {
    long mib = Math.max(64, diskBytes >> 20);
    PersistentCacheManager m = CacheManagerBuilder.newCacheManagerBuilder()
        .with(CacheManagerBuilder.persistence(dir.toFile()))
        .withCache("bench", CacheConfigurationBuilder.newCacheConfigurationBuilder(String.class, double[].class,
                ResourcePoolsBuilder.newResourcePoolsBuilder()
                    .heap(1, EntryUnit.ENTRIES)
                    .disk(mib, MemoryUnit.MB, true))
            .withService(new OffHeapDiskStoreConfiguration(bigValues ? 1 : 16)))
        .build(true);
    return new EhcachePeer(m);
  }

  @Override
  public Object getOrCompute(long a, long b, Supplier<double[]> compute) {
    String key = a + "/" + b;
    double[] v = cache.get(key);
    if (v == null) {
      v = compute.get();
      cache.put(key, v);
    }
    return v;
  }

  @Override
  public void close() {
    manager.close();
  }
}
