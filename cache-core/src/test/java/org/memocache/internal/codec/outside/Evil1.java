package org.memocache.internal.codec.outside;

/** A class that must never be initialised by a decoder: its static initializer records that it ran. */
public final class Evil1 {
  public static final String RAN = "memocache.test.evil1.initialised";

  static {
    System.setProperty(RAN, "true");
  }

  public int x;
}
