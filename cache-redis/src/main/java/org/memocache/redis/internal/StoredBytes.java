package org.memocache.redis.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * A stored value being read: its bytes as a stream and their announced length, so that a reader can
 * verify a checksum while streaming without holding the value in memory. The stream may end early or
 * carry other bytes than written (a damaged or foreign object): the reader must check. Close it.
 *
 * @param stream the value's bytes; for object-store values, a live HTTP response body
 * @param length the number of bytes the writer stored
 * @param writeId the identity of the write that stored the value (16 bytes, hex), for a
 *     compare-and-delete that cannot remove a value another writer stored after it
 */
public record StoredBytes(InputStream stream, long length, String writeId) implements AutoCloseable {
  @Override
  public void close() throws IOException {
    stream.close();
  }
}
