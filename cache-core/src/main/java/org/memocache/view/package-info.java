/**
 * Memory-mapped, read-only views of stored primitive arrays: {@link org.memocache.view.ArrayView},
 * one typed view per element type, and {@link org.memocache.view.ResultViews} for the arrays
 * inside a stored object graph.
 */
@NullMarked
package org.memocache.view;

import org.jspecify.annotations.NullMarked;
