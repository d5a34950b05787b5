package org.memocache.internal.codec;

import java.io.IOException;

/**
 * The codec chosen for a value could not encode it (a serializer failed on it, an array too large):
 * a property of the value, not of the storage it was written to. The message names the codec.
 */
public final class UnencodableValueException extends IOException {
  private static final long serialVersionUID = 1L;

  public UnencodableValueException(String message, Throwable cause) {
    super(message, cause);
  }
}
