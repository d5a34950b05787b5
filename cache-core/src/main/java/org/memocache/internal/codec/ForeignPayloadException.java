package org.memocache.internal.codec;

import java.io.IOException;

/**
 * An intact payload this process cannot decode: written by a codec (or codec version) it lacks, for
 * another definition of a result class, or in bytes its codec does not accept although every
 * checksum matched. Such an entry belongs to another program sharing the storage: a miss, left in
 * place. The message completes "a stored result of m ...".
 */
public final class ForeignPayloadException extends IOException {
  private static final long serialVersionUID = 1L;

  public ForeignPayloadException(String message) {
    super(message);
  }

  public ForeignPayloadException(String message, Throwable cause) {
    super(message, cause);
  }
}
