/** Implementation; not an API: key hashing. */
@NullMarked
package org.memocache.internal.key;

import org.jspecify.annotations.NullMarked;
