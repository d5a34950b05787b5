/**
 * The {@link org.memocache.annotations.Memoize @Memoize} annotation and its nested parameter and
 * class annotations. Start at {@code Memoize}. The module depends on JSpecify only; its annotation
 * processor (in {@code .internal}) checks every use at compile time.
 */
@NullMarked
package org.memocache.annotations;

import org.jspecify.annotations.NullMarked;
