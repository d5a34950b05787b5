package org.memocache.spi;

/**
 * A class an encoded entry names, with the hash of its shape: what a reader compares with its own
 * definition of the class before decoding, so that a value is never read into another definition.
 * A tier stores and returns these as given; only the engine computes and compares them.
 *
 * @param className the binary name of a class (never an array)
 * @param hash the hash of the class's shape, never {@code 0}
 */
public record ClassShape(String className, long hash) {}
