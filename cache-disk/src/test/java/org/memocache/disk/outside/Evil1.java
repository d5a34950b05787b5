package org.memocache.disk.outside;

/** Must never be initialised by the disk tier: its static initializer records that it ran. */
public final class Evil1 {
  public static final String RAN = "memocache.test.disk.evil1.initialised";

  static {
    System.setProperty(RAN, "true");
  }

  public int x;
}
