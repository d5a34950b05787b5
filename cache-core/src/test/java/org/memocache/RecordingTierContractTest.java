package org.memocache;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.TestInfo;
import org.memocache.spi.Tier;
import org.memocache.spi.TierContractTest;

/** The contract holds for a tier that keeps entries in memory: it asks nothing of files. */
class RecordingTierContractTest extends TierContractTest {
  private ConcurrentHashMap<CacheKey, RecordingTier.Stored> entries;

  @Override
  protected void newStorage(TestInfo test) {
    entries = new ConcurrentHashMap<>();
  }

  @Override
  protected Tier open() {
    return new RecordingTier("recording", entries);
  }

  @Override
  protected void damage(Tier tier, CacheKey key) {
    ((RecordingTier) tier).damage(key);
  }

  @Override
  protected Set<Capability> capabilities() {
    return EnumSet.noneOf(Capability.class);
  }
}
