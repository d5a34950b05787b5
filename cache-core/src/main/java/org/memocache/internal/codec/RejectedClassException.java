package org.memocache.internal.codec;

import java.io.IOException;
import java.util.List;

/**
 * A stored value names a class that the reader's allow-list does not admit (or, when encoding, a
 * value contains classes that could never be decoded again). The classes were not loaded.
 */
public final class RejectedClassException extends IOException {
  private static final long serialVersionUID = 1L;

  private final List<String> classNames;

  public RejectedClassException(String className) {
    this(List.of(className));
  }

  /** @param classNames every rejected class known, at least one, in the order met */
  public RejectedClassException(List<String> classNames) {
    super((classNames.size() == 1 ? "class " : "classes ") + String.join(", ", classNames)
        + (classNames.size() == 1 ? " is" : " are") + " not admitted by the allow-list");
    this.classNames = List.copyOf(classNames);
  }

  /** The binary name of the first rejected class, as stored ({@code com.acme.X} or {@code [Lcom.acme.X;}). */
  public String className() {
    return classNames.get(0);
  }

  /**
   * Every rejected class known: on encoding, all those the value contains; on decoding, the one
   * met first (decoding stops there, never loading it).
   */
  public List<String> classNames() {
    return classNames;
  }
}
