/**
 * The MemoCache JCache (JSR-107) provider: start at {@link org.memocache.jcache.MemoCachingProvider}.
 */
@NullMarked
package org.memocache.jcache;

import org.jspecify.annotations.NullMarked;
