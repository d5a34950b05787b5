package org.memocache.spi;

import java.util.List;
import java.util.Objects;
import org.memocache.Memo;
import org.memocache.MemoConfig;

/**
 * What a {@link TierProvider} is given to build its tier.
 *
 * @param config the built Memo's immutable configuration
 * @param codecs the codecs to use, user codecs first, the built-in ones last
 */
public record TierContext(MemoConfig config, List<ValueCodec> codecs) {
  public TierContext {
    Objects.requireNonNull(config, "config");
    codecs = List.copyOf(codecs);
  }
}
