package org.acme.left.deep;

/** A class outside every default allow-list, for the tests of refused-class warnings. */
public final class Deep {
  public int x = 1;
}
