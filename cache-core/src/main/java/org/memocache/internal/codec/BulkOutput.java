package org.memocache.internal.codec;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An output stream whose buffer a codec may fill directly: {@link RawArrayCodec} converts a primitive
 * array into it with one bulk typed {@code put} per buffer, instead of converting into a scratch
 * array that the stream then copies.
 */
public interface BulkOutput {

  /**
   * The buffer to write into next: little-endian, with at least {@code min} bytes remaining (at most
   * 64 KiB is ever asked for). The caller advances its position by what it wrote; the bytes count as
   * written once it has. Any full buffer is passed on first.
   */
  ByteBuffer room(int min) throws IOException;
}
