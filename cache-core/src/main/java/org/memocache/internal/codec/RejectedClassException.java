package org.memocache.internal.codec;

import java.io.IOException;

/**
 * A stored value names a class that the reader's allow-list does not admit (or, when encoding, a
 * value contains a class that could never be decoded again). The class was not loaded.
 */
public final class RejectedClassException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String className;

  public RejectedClassException(String className) {
    super("class " + className + " is not admitted by the allow-list");
    this.className = className;
  }

  /** The binary name of the rejected class, as stored ({@code com.acme.X} or {@code [Lcom.acme.X;}). */
  public String className() {
    return className;
  }
}
