/** Leases and byte stores on Redis and an S3-compatible object store. */
package org.memocache.redis.internal;
