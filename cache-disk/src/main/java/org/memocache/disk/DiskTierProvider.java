package org.memocache.disk;

import org.memocache.Tier;
import org.memocache.TierContext;
import org.memocache.TierProvider;

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
