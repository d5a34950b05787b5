package org.acme.shop;

/** A line of a quote: an application record nested in another. */
public record Line(String what, double amount) {}
