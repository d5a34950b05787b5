/**
 * The API: {@link org.memocache.Memo}, its builder and configuration, the method handle {@link
 * org.memocache.MemoizedMethod}, stored results and their metadata, statistics, and {@link
 * org.memocache.MemoRuntime}, the entry point of woven code.
 */
@NullMarked
package org.memocache;

import org.jspecify.annotations.NullMarked;
