/** Spring Boot auto-configuration of a {@link org.memocache.spring.MemoCacheManager}. */
@NullMarked
package org.memocache.spring.boot;

import org.jspecify.annotations.NullMarked;
