/**
 * Not API. The annotation processor ({@link
 * org.memocache.annotations.internal.MemoizeProcessor}), the key type table shared with the
 * run-time key encoder ({@link org.memocache.annotations.internal.KeyTypeRules}) and the methods
 * index format shared with the agent and the CLI ({@link
 * org.memocache.annotations.internal.MethodIndex}).
 */
@NullMarked
package org.memocache.annotations.internal;

import org.jspecify.annotations.NullMarked;
