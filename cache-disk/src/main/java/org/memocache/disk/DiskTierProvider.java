package org.memocache.disk;

import org.memocache.spi.Tier;
import org.memocache.spi.TierContext;
import org.memocache.spi.TierProvider;

/** Makes {@link DiskTier}s for {@code Memo}: found with {@link java.util.ServiceLoader}, kind {@code disk}. */
public final class DiskTierProvider implements TierProvider {

  @Override
  public String kind() {
    return "disk";
  }

  @Override
  public Tier create(TierContext context) {
    return DiskTier.open(context);
  }
}
