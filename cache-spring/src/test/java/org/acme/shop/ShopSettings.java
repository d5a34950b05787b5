package org.acme.shop;

import java.nio.file.Path;

/** Where a shop context keeps its cache and the marker files that count computations. */
public record ShopSettings(Path dir, Path markers, boolean allowNullValues) {}
