/**
 * Implementation; not an API: the built-in value codecs and the allow-lists that bound what they
 * decode.
 */
@NullMarked
package org.memocache.internal.codec;

import org.jspecify.annotations.NullMarked;
