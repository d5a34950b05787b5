package org.acme.third;

/** A class outside every default allow-list, for the tests of refused-class warnings. */
public final class Third {
  public int x = 1;
}
