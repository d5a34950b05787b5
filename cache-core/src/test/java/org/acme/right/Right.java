package org.acme.right;

/** A class outside every default allow-list, for the tests of refused-class warnings. */
public final class Right {
  public int x = 1;
}
