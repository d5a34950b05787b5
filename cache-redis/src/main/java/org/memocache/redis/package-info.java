/**
 * The shared tier: memory, then the local disk, then Redis (and an S3-compatible object store for
 * large values) shared by many hosts. Start at {@code Memo.builder().shared(URI)} or the
 * {@code shared} configuration key; {@link org.memocache.redis.SharedTierProvider} makes the tier.
 */
@NullMarked
package org.memocache.redis;

import org.jspecify.annotations.NullMarked;
