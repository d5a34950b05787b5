package org.memocache.internal.codec.viasealed;

/** Reachable from {@code Shape} only through its permitted subclass. */
public record Tolerance(double absolute) {}
