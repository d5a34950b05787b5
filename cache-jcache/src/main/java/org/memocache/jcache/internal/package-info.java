/** The JCache caches, managers, listeners and MXBeans behind {@code MemoCachingProvider}. */
@NullMarked
package org.memocache.jcache.internal;

import org.jspecify.annotations.NullMarked;
