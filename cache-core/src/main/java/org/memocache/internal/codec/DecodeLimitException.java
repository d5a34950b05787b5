package org.memocache.internal.codec;

import java.io.IOException;

/**
 * A stored value exceeds a decoding bound ({@link DecodeLimits}): it claims more elements than its
 * bytes can hold, nests too deeply, or would take too much work to rebuild. Its checksums may well
 * be valid (a crafted file is not a damaged one), so the entry is a miss but is not deleted.
 */
public final class DecodeLimitException extends IOException {
  private static final long serialVersionUID = 1L;

  public DecodeLimitException(String message) {
    super(message);
  }
}
