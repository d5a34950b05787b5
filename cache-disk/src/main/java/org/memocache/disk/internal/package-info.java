/**
 * Not API. The disk tier: entry files and their headers, the file-system seam, key locks, the
 * MapDB index and journal, maintenance (folding, eviction, sweeping, pruning), partial results and
 * the inspection the CLI uses.
 */
@NullMarked
package org.memocache.disk.internal;

import org.jspecify.annotations.NullMarked;
