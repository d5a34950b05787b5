/**
 * Progressive computations and their partial results: {@link org.memocache.partial.Progress}
 * records chunks and checkpoints; {@link org.memocache.partial.PartialResult} reads them without
 * computing.
 */
@NullMarked
package org.memocache.partial;

import org.jspecify.annotations.NullMarked;
