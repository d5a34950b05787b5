package org.memocache.spi;

/**
 * Decides which classes a decoder may load and instantiate. A cache directory is data, never code:
 * an entry naming a class this filter rejects is a miss, and the class is never loaded.
 */
@FunctionalInterface
public interface ClassFilter {

  /** Whether the class with this binary name (as {@link Class#getName()}) may be instantiated. */
  boolean admits(String className);
}
