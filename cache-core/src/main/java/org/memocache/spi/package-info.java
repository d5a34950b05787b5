/**
 * What a storage tier, a value codec or a key encoder implements: {@link org.memocache.spi.Tier}
 * and its {@link org.memocache.spi.TierProvider}, {@link org.memocache.spi.ValueCodec}, {@link
 * org.memocache.spi.KeyEncoder}.
 */
@NullMarked
package org.memocache.spi;

import org.jspecify.annotations.NullMarked;
