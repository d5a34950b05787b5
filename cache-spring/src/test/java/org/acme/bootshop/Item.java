package org.acme.bootshop;

/** A record of the Boot application's package. */
public record Item(String id, long computedBy) {}
