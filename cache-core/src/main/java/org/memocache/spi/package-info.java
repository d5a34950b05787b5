/**
 * What a storage tier, a value codec or a key encoder implements: {@link org.memocache.spi.Tier}
 * and its {@link org.memocache.spi.TierProvider}, {@link org.memocache.spi.ValueCodec}, {@link
 * org.memocache.spi.KeyEncoder}. A tier stores and returns encoded entries ({@link
 * org.memocache.spi.EncodedEntry}, {@link org.memocache.spi.StoredEntry}); encoding, decoding and
 * the allow-list are the engine's.
 */
@NullMarked
package org.memocache.spi;

import org.jspecify.annotations.NullMarked;
