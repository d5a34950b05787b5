package org.memocache.disk;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.memocache.CacheKey;
import org.memocache.MethodId;
import org.memocache.internal.codec.AllowLists;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.Tier;

/** Keys, filters and metadata for tier-level tests. */
public final class TestKeys {
  private TestKeys() {}

  public static final MethodId SIMULATE = new MethodId("simulate", "(IJ)[D", 1, 0x1234L);
  public static final ClassFilter FILTER = AllowLists.forMethod(null, List.of("org.memocache.disk"));

  public static CacheKey key(int n) {
    return new CacheKey(SIMULATE, 0x5eed_0000L + n, 0x0123_4567_89ab_cdefL * (n + 1));
  }

  public static Tier.Metadata meta(String summary) {
    return new Tier.Metadata(summary, Instant.parse("2026-01-02T03:04:05Z"), Duration.ofMillis(1500), FILTER);
  }

  public static Tier.Metadata meta(String summary, Instant created) {
    return new Tier.Metadata(summary, created, Duration.ofMillis(1500), FILTER);
  }
}
