package org.memocache.disk.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.memocache.internal.codec.BulkOutput;

/**
 * The payload sink of an entry being written: buffers 1 MiB, checksums it in blocks of
 * {@link EntryHeader#BLOCK_SIZE} (CRC32C each) and writes it to the file at the payload offset with
 * positional writes. The block checksums form the table written after the payload.
 *
 * <p>Big payloads are written behind: while a full buffer is copied into the page cache by a writer
 * thread, the caller converts and checksums the next one in another buffer (three in rotation), so
 * encoding and the kernel's copy overlap. Those buffers are direct, so a write is one copy by the
 * kernel (a heap buffer would first be copied into a temporary direct one). {@link BulkOutput}
 * lets the raw-array codec convert straight into them; those buffers are written inline, as that
 * conversion is too cheap for the overlap to pay for the handoff. A payload under 1 MiB is never written here:
 * it stays in the first, heap buffer and the entry writer writes the whole file in one go.
 *
 * <p>Not thread-safe; one per entry written.
 */
final class BlockWriter extends OutputStream implements BulkOutput {
  private static final int BUFFER = 1 << 20;
  private static final int BUFFERS = 3;
  private static final long MAX_PAYLOAD = Integer.MAX_VALUE;

  /** Shared writer threads, created on demand and gone when idle. */
  private static final ExecutorService WRITERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "memocache-disk-writer");
    t.setDaemon(true);
    return t;
  });

  private final FileChannel channel;
  private final long start;
  private final int blockSize;
  private final ByteBuffer[] bufs = new ByteBuffer[BUFFERS];
  private final Future<?>[] pending = new Future<?>[BUFFERS];
  private final byte[] first = new byte[BUFFER];
  private int current;
  /** The buffer being filled; its position is the number of bytes in it. */
  private ByteBuffer buf;
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
    this.bufs[0] = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN);
    this.buf = bufs[0];
  }

  @Override
  public void write(int b) throws IOException {
    if (finished) {
      throw new IOException("entry payload already finished");
    }
    if (!buf.hasRemaining()) {
      drain(true);
    }
    buf.put((byte) b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (finished) {
      throw new IOException("entry payload already finished");
    }
    while (len > 0) {
      if (!buf.hasRemaining()) {
        drain(true);
      }
      int n = Math.min(len, buf.remaining());
      buf.put(b, off, n);
      off += n;
      len -= n;
    }
  }

  @Override
  public ByteBuffer room(int min) throws IOException {
    if (finished) {
      throw new IOException("entry payload already finished");
    }
    if (buf.remaining() < min) {
      // A bulk conversion and its CRC32C take under a tenth of the kernel's copy of the same MiB:
      // written inline, since a handoff to the writer thread would cost more than it overlaps.
      drain(false);
      if (!buf.isDirect()) {
        buf = ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
        bufs[current] = buf;
      }
    }
    return buf;
  }

  /** Checksums the buffer and writes it (behind, when {@code async}), then moves to the next buffer. */
  private void drain(boolean async) throws IOException {
    checksumBuffer();
    ByteBuffer full = buf.flip();
    long at = start + flushed;
    flushed += full.remaining();
    if (!async) {
      writeFully(full, at);
      full.clear();
      return;
    }
    int slot = current;
    pending[slot] = WRITERS.submit(() -> {
      writeFully(full, at);
      return null;
    });
    current = (current + 1) % BUFFERS;
    await(current);
    if (bufs[current] == null || !bufs[current].isDirect()) {
      bufs[current] = ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    }
    buf = bufs[current].clear();
  }

  private void writeFully(ByteBuffer b, long at) throws IOException {
    while (b.hasRemaining()) {
      at += channel.write(b, at);
    }
  }

  /** Waits for the write from buffer {@code slot}, rethrowing its failure. */
  private void await(int slot) throws IOException {
    Future<?> f = pending[slot];
    if (f == null) {
      return;
    }
    pending[slot] = null;
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing an entry");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      throw new IOException("writing an entry failed: " + c, c);
    }
  }

  private void awaitAll() throws IOException {
    IOException first = null;
    for (int i = 0; i < BUFFERS; i++) {
      try {
        await(i);
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private void checksumBuffer() throws IOException {
    if (finished) {
      throw new IOException("entry payload already finished");
    }
    int pos = buf.position();
    if (flushed + pos > MAX_PAYLOAD) {
      throw new IOException("value too large: an entry payload is limited to " + MAX_PAYLOAD + " bytes");
    }
    for (int b = 0; b < pos; b += blockSize) {
      if (blocks == sums.length) {
        sums = Arrays.copyOf(sums, blocks * 2);
      }
      // In place, heap or direct: CRC32C needs no copy of the block.
      sums[blocks++] = BlockChecksum.Crc32c.INSTANCE.of(buf.slice(b, Math.min(blockSize, pos - b)));
    }
  }

  /**
   * Ends the payload. When all of it is still in the buffer (nothing was written yet: a value under
   * 1 MiB), it is only checksummed and {@code true} is returned: the caller then writes the whole
   * file with one write. Otherwise the rest is written, every write behind is waited for, and
   * {@code false} is returned. Afterwards {@link #length()} and {@link #table()} are final.
   */
  boolean finish() throws IOException {
    if (finished) {
      throw new IOException("entry payload already finished");
    }
    boolean inMemory = flushed == 0;
    try {
      if (inMemory) {
        checksumBuffer();
      } else {
        drain(false);
      }
    } finally {
      awaitAll();
      finished = true;
    }
    return inMemory;
  }

  /** The payload bytes, when {@link #finish()} returned {@code true}: {@code buffer()[0, length())}. */
  byte[] buffer() {
    return first;
  }

  /** Payload bytes written. */
  long length() {
    return flushed + buf.position();
  }

  /** The table: one CRC32C per block in a 4-byte slot, little-endian, as stored after the payload. */
  byte[] table() {
    ByteBuffer t = ByteBuffer.allocate(blocks * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < blocks; i++) {
      t.putInt((int) sums[i]);
    }
    return t.array();
  }

  /**
   * Waits for writes still in flight, so that a failed entry's file can be deleted and closed safely;
   * their failures are ignored here (the caller is already failing).
   */
  @Override
  public void close() {
    for (int i = 0; i < BUFFERS; i++) {
      Future<?> f = pending[i];
      if (f != null) {
        try {
          f.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          f.cancel(true);
        } catch (ExecutionException e) {
          // reported by finish(), or irrelevant after an encoding failure
        }
        pending[i] = null;
      }
    }
  }
}
