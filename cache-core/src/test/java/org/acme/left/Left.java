package org.acme.left;

/** A class outside every default allow-list, for the tests of refused-class warnings. */
public final class Left {
  public int x = 1;
}
