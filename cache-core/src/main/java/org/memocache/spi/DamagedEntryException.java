package org.memocache.spi;

import java.io.IOException;

/**
 * Stored bytes that fail a checksum or a structural check of their container: damage, which a tier
 * deletes (thrown by {@link StoredEntry#payload()} and {@link StoredEntry#stream}). Intact bytes
 * that this process cannot use are not damage.
 */
public class DamagedEntryException extends IOException {
  private static final long serialVersionUID = 1L;

  public DamagedEntryException(String message) {
    super(message);
  }

  public DamagedEntryException(String message, Throwable cause) {
    super(message, cause);
  }
}
