package org.acme.shop;

import java.util.List;

/** The application's own result type, which cached values must round-trip through disk as. */
public record Quote(String sku, int qty, double price, long computedBy, List<Line> lines) {}
