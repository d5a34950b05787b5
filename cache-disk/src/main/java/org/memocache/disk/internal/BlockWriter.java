package org.memocache.disk.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * The payload sink of an entry being written: buffers 1 MiB, checksums it in blocks of
 * {@link EntryHeader#BLOCK_SIZE} (XXH3-64 each) and writes it to the file at the payload offset with
 * positional writes. The block checksums form the table written after the payload.
 *
 * <p>Not thread-safe; one per entry written.
 */
final class BlockWriter extends OutputStream {
  private static final int BUFFER = 1 << 20;
  private static final long MAX_PAYLOAD = Integer.MAX_VALUE;

  private final FileChannel channel;
  private final long start;
  private final int blockSize;
  private final byte[] buf = new byte[BUFFER];
  private int pos;
  private long flushed;
  private long[] sums = new long[16];
  private int blocks;
  private boolean finished;

  BlockWriter(FileChannel channel, long start, int blockSize) {
    if (BUFFER % blockSize != 0) {
      throw new IllegalArgumentException("block size " + blockSize + " must divide " + BUFFER);
    }
    this.channel = channel;
    this.start = start;
    this.blockSize = blockSize;
  }

  @Override
  public void write(int b) throws IOException {
    if (finished) {
      throw new IOException("entry payload already finished");
    }
    if (pos == BUFFER) {
      drain();
    }
    buf[pos++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (finished) {
      throw new IOException("entry payload already finished");
    }
    while (len > 0) {
      if (pos == BUFFER) {
        drain();
      }
      int n = Math.min(len, BUFFER - pos);
      System.arraycopy(b, off, buf, pos, n);
      pos += n;
      off += n;
      len -= n;
    }
  }

  /** Checksums and writes the buffered bytes; {@code pos} is a multiple of the block size unless finishing. */
  private void drain() throws IOException {
    checksumBuffer();
    ByteBuffer bb = ByteBuffer.wrap(buf, 0, pos);
    long at = start + flushed;
    while (bb.hasRemaining()) {
      at += channel.write(bb, at);
    }
    flushed += pos;
    pos = 0;
  }

  private void checksumBuffer() throws IOException {
    if (finished) {
      throw new IOException("entry payload already finished");
    }
    if (flushed + pos > MAX_PAYLOAD) {
      throw new IOException("value too large: an entry payload is limited to " + MAX_PAYLOAD + " bytes");
    }
    for (int b = 0; b < pos; b += blockSize) {
      if (blocks == sums.length) {
        sums = Arrays.copyOf(sums, blocks * 2);
      }
      sums[blocks++] = EntryHeader.XXH3.hashBytesToLong(buf, b, Math.min(blockSize, pos - b));
    }
  }

  /**
   * Ends the payload. When all of it is still in the buffer (nothing was written yet: a value under
   * 1 MiB), it is only checksummed and {@code true} is returned: the caller then writes the whole
   * file with one write. Otherwise the rest is written and {@code false} is returned. Afterwards
   * {@link #length()} and {@link #table()} are final.
   */
  boolean finish() throws IOException {
    if (finished) {
      throw new IOException("entry payload already finished");
    }
    boolean inMemory = flushed == 0;
    if (inMemory) {
      checksumBuffer();
    } else {
      drain();
    }
    finished = true;
    return inMemory;
  }

  /** The payload bytes, when {@link #finish()} returned {@code true}: {@code buffer()[0, length())}. */
  byte[] buffer() {
    return buf;
  }

  /** Payload bytes written. */
  long length() {
    return flushed + pos;
  }

  /** The table: one XXH3-64 per block, little-endian, as stored after the payload. */
  byte[] table() {
    ByteBuffer t = ByteBuffer.allocate(blocks * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < blocks; i++) {
      t.putLong(sums[i]);
    }
    return t.array();
  }

  @Override
  public void close() {
    // The channel belongs to the entry writer.
  }
}
