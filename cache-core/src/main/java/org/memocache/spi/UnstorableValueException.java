package org.memocache.spi;

/**
 * The value of an {@link EncodedEntry} cannot be stored: it names a class the allow-list does not
 * admit (it could never be read back), or its codec failed on it. A property of the value, not of
 * the tier: thrown by {@link EncodedEntry#writePayload}, the tier discards what it wrote and rethrows
 * it from {@link Tier#put}; the engine says why, once per method and cause.
 */
public class UnstorableValueException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnstorableValueException(String message, Throwable cause) {
    super(message, cause);
  }
}
