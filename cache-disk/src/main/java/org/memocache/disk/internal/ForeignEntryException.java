package org.memocache.disk.internal;

import java.io.IOException;

/**
 * An intact entry this process cannot use: another entry format, a codec (or codec version) it
 * lacks, result classes whose shape differs from the live ones, or a payload its codec cannot
 * decode although every checksum matches. Such an entry belongs to another program version sharing
 * the directory: a miss, never deleted. The message completes "a stored result of m ...".
 */
public final class ForeignEntryException extends IOException {
  private static final long serialVersionUID = 1L;

  public ForeignEntryException(String message) {
    super(message);
  }

  public ForeignEntryException(String message, Throwable cause) {
    super(message, cause);
  }
}
