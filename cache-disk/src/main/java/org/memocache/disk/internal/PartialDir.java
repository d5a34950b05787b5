package org.memocache.disk.internal;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.memocache.MethodId;

/**
 * A directory under {@code partial/}: the recorded progress of a progressive computation of key
 * {@code hi}/{@code lo}, last updated at {@code updatedMillis} (epoch ms, by the cache's clock).
 */
record PartialDir(Path dir, long hi, long lo, @Nullable MethodId method, long updatedMillis) {}
