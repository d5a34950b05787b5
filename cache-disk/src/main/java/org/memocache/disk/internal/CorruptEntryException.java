package org.memocache.disk.internal;

import org.memocache.internal.codec.DamagedPayloadException;

/** An entry file that fails a check: bad magic, version, checksum, length or content. */
public class CorruptEntryException extends DamagedPayloadException {
  private static final long serialVersionUID = 1L;

  public CorruptEntryException(String message) {
    super(message);
  }

  public CorruptEntryException(String message, Throwable cause) {
    super(message, cause);
  }
}
