package org.memocache.disk;

import org.memocache.spi.Tier;
import org.memocache.spi.TierContext;
import org.memocache.spi.TierProvider;

/**
 * Makes {@link DiskTier}s for {@code Memo}, kind {@code disk}: loaded by its name, or found with
 * {@link java.util.ServiceLoader} when not there under it.
 */
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
