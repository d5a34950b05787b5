/**
 * The {@link org.memocache.annotations.Memoize @Memoize} annotation and its nested parameter and
 * class annotations. Start at {@code Memoize}. The module has no dependencies; its annotation
 * processor (in {@code .internal}) checks every use at compile time.
 */
package org.memocache.annotations;
