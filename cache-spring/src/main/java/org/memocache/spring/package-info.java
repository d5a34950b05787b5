/**
 * Spring's cache abstraction on MemoCache. Start at {@link org.memocache.spring.MemoCacheManager};
 * {@code docs/spring.md} describes the set-up, the cross-process guarantee of
 * {@code @Cacheable(sync = true)} and which classes a cache may store.
 */
@NullMarked
package org.memocache.spring;

import org.jspecify.annotations.NullMarked;
