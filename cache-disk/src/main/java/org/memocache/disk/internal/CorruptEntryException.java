package org.memocache.disk.internal;

import org.memocache.spi.DamagedEntryException;

/** An entry file that fails a check: bad magic, version, checksum, length or content. */
public class CorruptEntryException extends DamagedEntryException {
  private static final long serialVersionUID = 1L;

  public CorruptEntryException(String message) {
    super(message);
  }

  public CorruptEntryException(String message, Throwable cause) {
    super(message, cause);
  }
}
