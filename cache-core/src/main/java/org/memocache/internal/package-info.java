/**
 * Implementation; not an API: method specs and their resolution, configuration loading, result
 * copies, progress, warnings.
 */
@NullMarked
package org.memocache.internal;

import org.jspecify.annotations.NullMarked;
