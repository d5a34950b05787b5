package org.memocache.testing.outside;

/** A class that must never be initialised by a decoder: its static initializer records that it ran. */
public final class Evil1 {
  /** The system property set to {@code "true"} once the class was initialised. */
  public static final String RAN = "memocache.test.evil1.initialised";

  static {
    System.setProperty(RAN, "true");
  }

  public int x;
}
