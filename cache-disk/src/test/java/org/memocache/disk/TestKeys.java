package org.memocache.disk;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.memocache.CacheKey;
import org.memocache.MethodId;
import org.memocache.disk.internal.DiskStore;
import org.memocache.internal.codec.AllowLists;
import org.memocache.internal.codec.TierValues;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.EncodedEntry;
import org.memocache.spi.Tier;

/**
 * Keys, filters and metadata for tier-level tests, and values stored and read as the engine does
 * (encoded and decoded with the codecs the disk tier was opened with).
 */
public final class TestKeys {
  private TestKeys() {}

  public static final MethodId SIMULATE = new MethodId("simulate", "(IJ)[D", 1, 0x1234L);
  public static final ClassFilter FILTER = AllowLists.forMethod(null, List.of("org.memocache.disk"));

  public static CacheKey key(int n) {
    return new CacheKey(SIMULATE, 0x5eed_0000L + n, 0x0123_4567_89ab_cdefL * (n + 1));
  }

  public static Tier.Metadata meta(String summary) {
    return new Tier.Metadata(summary, Instant.parse("2026-01-02T03:04:05Z"), Duration.ofMillis(1500));
  }

  public static Tier.Metadata meta(String summary, Instant created) {
    return new Tier.Metadata(summary, created, Duration.ofMillis(1500));
  }

  /** Reads and decodes {@code key} from {@code tier} as the engine does: empty on a miss. */
  public static Optional<TierValues.Decoded> get(DiskTier tier, CacheKey key, ClassFilter classes) {
    return tier.store().values().get(tier, key, classes);
  }

  /** As {@link #get(DiskTier, CacheKey, ClassFilter)}, on the store behind a tier. */
  public static Optional<TierValues.Decoded> get(DiskStore store, CacheKey key, ClassFilter classes) {
    return store.get(key, classes, false);
  }

  /** Encodes {@code value} admitting {@link #FILTER} and stores it as the engine does. */
  public static boolean put(DiskTier tier, CacheKey key, @Nullable Object value, Tier.Metadata meta) {
    return put(tier, key, value, meta, FILTER);
  }

  /** Encodes {@code value} admitting {@code admits} and stores it as the engine does. */
  public static boolean put(DiskTier tier, CacheKey key, @Nullable Object value, Tier.Metadata meta,
      ClassFilter admits) {
    TierValues v = tier.store().values();
    EncodedEntry e = v.encode(key.method().name(), value, meta, admits);
    return e != null && v.put(tier, key, e);
  }

  /** As {@link #put(DiskTier, CacheKey, Object, Tier.Metadata)}, on the store behind a tier. */
  public static boolean put(DiskStore store, CacheKey key, @Nullable Object value, Tier.Metadata meta) {
    EncodedEntry e = store.values().encode(key.method().name(), value, meta, FILTER);
    return e != null && store.put(key, e);
  }
}
