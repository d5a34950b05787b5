package org.memocache.spi;

import org.jspecify.annotations.Nullable;

/**
 * The canonical byte stream a {@link KeyEncoder} writes to. Every method writes a type tag before
 * its data, so {@code putInt(1)} and {@code putLong(1)} never collide.
 */
public interface KeySink {
  KeySink putBoolean(boolean v);

  KeySink putInt(int v);

  KeySink putLong(long v);

  /** {@code -0.0} and {@code 0.0} differ; all NaNs are the same. */
  KeySink putDouble(double v);

  KeySink putString(CharSequence v);

  KeySink putBytes(byte[] v);

  /** Encodes a nested value with the same rules as an argument. */
  KeySink putValue(@Nullable Object v);
}
