/**
 * The disk tier of MemoCache. Start at {@link org.memocache.disk.DiskTier}; {@code docs/disk.md}
 * describes the directory layout, the entry format, the lock protocol and the crash model.
 */
@NullMarked
package org.memocache.disk;

import org.jspecify.annotations.NullMarked;
