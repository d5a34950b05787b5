package org.memocache.spi;

import org.memocache.Memo;

/**
 * Creates a tier from a {@link Memo}'s configuration; found with {@link java.util.ServiceLoader}.
 * {@code cache-disk} provides the disk tier this way, so that {@code Memo.builder().directory(...)}
 * works with {@code cache-core} naming no file format.
 */
public interface TierProvider {

  /** The tier kind this provider makes, such as {@code "disk"}. */
  String kind();

  /** Creates the tier. Called once per {@link Memo} that needs it. */
  Tier create(TierContext context);
}
