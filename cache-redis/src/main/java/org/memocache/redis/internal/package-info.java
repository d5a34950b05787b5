/** Leases and byte stores on Redis and an S3-compatible object store. */
@NullMarked
package org.memocache.redis.internal;

import org.jspecify.annotations.NullMarked;
