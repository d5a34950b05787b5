package org.memocache.internal.codec;

import java.io.IOException;

/**
 * Stored bytes that fail a checksum or a structural check of their container: damage, which a tier
 * deletes. Anything a codec cannot make of intact bytes is a {@link ForeignPayloadException} instead.
 */
public class DamagedPayloadException extends IOException {
  private static final long serialVersionUID = 1L;

  public DamagedPayloadException(String message) {
    super(message);
  }

  public DamagedPayloadException(String message, Throwable cause) {
    super(message, cause);
  }
}
