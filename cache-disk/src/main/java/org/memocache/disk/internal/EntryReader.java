package org.memocache.disk.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import org.memocache.internal.codec.Shapes;
import org.memocache.spi.ClassShape;
import org.memocache.spi.StoredEntry;

/**
 * Reads an entry file without any lock (published entries are immutable). Opening reads and checks
 * the header and the checksum table; the payload is verified block by block, all of it by
 * {@link #payload()} or only a range by {@link #verify(long, long)} (for memory-mapped views that
 * touch a slice of a huge array).
 *
 * <p>Small files (up to 256 KiB) are read whole with one read; bigger payloads are memory-mapped,
 * or streamed through a direct buffer ({@link #stream}). Checksums are computed over those buffers
 * in place, never copied for hashing.
 */
public final class EntryReader implements Closeable {
  static final int SMALL = 256 * 1024;
  private static final int FIRST_READ = 4096;
  private static final int FIRST_READ_SMALL = 16 * 1024;
  private static final int STREAM_CHUNK = 256 * 1024;

  private final Path path;
  private final FileChannel channel;
  private final long size;
  private final EntryHeader header;
  private final long[] sums;
  private final BlockChecksum checksum;
  /** The whole file, for small files; {@code null} for big ones. */
  private final byte[] whole;
  private final boolean[] verified;
  private MappedByteBuffer mapped;

  private EntryReader(Path path, FileChannel channel, long size, EntryHeader header, long[] sums, byte[] whole) {
    this.path = path;
    this.channel = channel;
    this.size = size;
    this.header = header;
    this.sums = sums;
    this.whole = whole;
    this.checksum = header.checksum();
    this.verified = new boolean[sums.length];
  }

  /**
   * Opens {@code path} and checks its header and checksum table.
   *
   * @throws java.nio.file.NoSuchFileException when there is no such entry (a miss)
   * @throws ForeignFileException when something other than a regular file is there (a miss)
   * @throws CorruptEntryException when a check fails
   * @throws IOException when the file cannot be read
   * @throws ForeignEntryException when the entry is in another format (format 2 included)
   */
  public static EntryReader open(Path path) throws IOException {
    return open(DiskFileSystem.SYSTEM, path, false);
  }

  /**
   * As {@link #open(Path)}, reading format 2 entries too: for {@code verify}, which checks old
   * entries as well.
   */
  public static EntryReader openAnyFormat(Path path) throws IOException {
    return open(DiskFileSystem.SYSTEM, path, true);
  }

  /** As {@link #open(Path)} ({@code format2}: {@link #openAnyFormat}), opening the file through {@code fs}. */
  static EntryReader open(DiskFileSystem fs, Path path, boolean format2) throws IOException {
    FileChannel ch = fs.openRead(path);
    try {
      // Most entries are small: one read of 16 KiB returns the whole file, and a short read of a
      // regular file means end of file, so no fstat is needed. Should that ever be wrong, the
      // checks fail and the careful path below decides.
      byte[] first = new byte[FIRST_READ_SMALL];
      int n = Math.max(0, ch.read(ByteBuffer.wrap(first), 0));
      if (n < first.length) {
        try {
          return parse(path, ch, n, first, format2);
        } catch (CorruptEntryException e) {
          // fall through to the careful path
        }
      }
      long size = ch.size();
      byte[] whole = null;
      if (size <= SMALL) {
        whole = new byte[(int) size];
        readFully(ch, ByteBuffer.wrap(whole), 0, path);
      }
      return parse(path, ch, size, whole, format2);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private static EntryReader parse(Path path, FileChannel ch, long size, byte[] whole, boolean format2)
      throws IOException {
    ByteBuffer head;
    if (whole != null) {
      head = ByteBuffer.wrap(whole, 0, (int) size);
    } else {
      head = ByteBuffer.allocate(FIRST_READ);
      readFully(ch, head, 0, path);
      head.flip();
    }
    EntryHeader header;
    try {
      header = EntryHeader.decode(head, size, format2);
    } catch (EntryHeader.HeaderTooShort more) {
      head = ByteBuffer.allocate(more.needed);
      readFully(ch, head, 0, path);
      head.flip();
      header = EntryHeader.decode(head, size, format2);
    }
    int n = header.blockCount();
    BlockChecksum checksum = header.checksum();
    byte[] t = new byte[n * checksum.slot()];
    if (whole != null) {
      System.arraycopy(whole, (int) header.tableOffset(), t, 0, t.length);
    } else {
      readFully(ch, ByteBuffer.wrap(t), header.tableOffset(), path);
    }
    if (checksum.of(t, 0, t.length) != header.tableHash()) {
      throw new CorruptEntryException("checksum table hash mismatch");
    }
    long[] sums = new long[n];
    ByteBuffer table = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);
    if (checksum.slot() == 8) {
      table.asLongBuffer().get(sums);
    } else {
      // One slot per 64 KiB block: 16 384 for a gigabyte, a loop per block, not per byte.
      for (int i = 0; i < n; i++) {
        sums[i] = table.getInt(i * 4) & 0xffffffffL;
      }
    }
    EntryReader r = new EntryReader(path, ch, size, header, sums, whole);
    r.checkPadding();
    return r;
  }

  /**
   * Reads only the header, for listing: 4 KiB per entry, no checksum table or payload. Format 2
   * headers are read too (listings and maintenance see old entries).
   *
   * @throws CorruptEntryException when the header fails its checks
   */
  public static EntryHeader readHeader(Path path) throws IOException {
    try (FileChannel ch = SafeFiles.openRead(path)) {
      long size = ch.size();
      ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, FIRST_READ));
      readFully(ch, head, 0, path);
      head.flip();
      try {
        return EntryHeader.decode(head, size, true);
      } catch (EntryHeader.HeaderTooShort more) {
        head = ByteBuffer.allocate(more.needed);
        readFully(ch, head, 0, path);
        head.flip();
        return EntryHeader.decode(head, size, true);
      }
    }
  }

  public EntryHeader header() {
    return header;
  }

  /** The file's size in bytes. */
  public long size() {
    return size;
  }

  public Path path() {
    return path;
  }

  /**
   * The payload, verified: every block's checksum is checked before it is returned. A read-only
   * buffer positioned at the payload's first byte, limited to its last, little-endian.
   *
   * @throws CorruptEntryException when a block does not match its checksum
   */
  public ByteBuffer payload() throws IOException {
    verify(0, header.payloadLength());
    return rawPayload();
  }

  /**
   * The payload without verifying anything beyond what was already verified: for views that
   * verify the blocks they touch with {@link #verify}. Big payloads are memory-mapped (the mapping
   * outlives {@link #close()}).
   */
  public ByteBuffer rawPayload() throws IOException {
    int p = (int) header.payloadOffset();
    int l = (int) header.payloadLength();
    if (whole != null) {
      return ByteBuffer.wrap(whole, p, l).slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }
    if (mapped == null) {
      mapped = channel.map(FileChannel.MapMode.READ_ONLY, p, l);
    }
    return mapped.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Verifies the blocks holding payload bytes {@code [from, to)}; blocks already verified by this
   * reader are skipped.
   *
   * @throws CorruptEntryException naming the first block that does not match
   */
  public void verify(long from, long to) throws IOException {
    if (from < 0 || to > header.payloadLength() || from > to) {
      throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of a payload of "
          + header.payloadLength() + " bytes");
    }
    if (from == to) {
      return;
    }
    int bs = header.blockSize();
    int first = (int) (from / bs);
    int last = (int) ((to - 1) / bs);
    ByteBuffer src = whole != null ? null : rawPayload();
    long p = header.payloadOffset();
    for (int i = first; i <= last; i++) {
      if (verified[i]) {
        continue;
      }
      long off = (long) i * bs;
      int len = (int) Math.min(bs, header.payloadLength() - off);
      long h;
      try {
        if (whole != null) {
          h = checksum.of(whole, (int) (p + off), len);
        } else {
          h = checksum.of(src.slice((int) off, len));
        }
      } catch (InternalError e) {
        // A mapped file that shrank under us (SIGBUS) surfaces as InternalError.
        throw new CorruptEntryException("block " + i + " unreadable: " + e.getMessage(), e);
      }
      if (h != sums[i]) {
        throw new CorruptEntryException("block " + i + " of " + sums.length + " does not match its checksum");
      }
      verified[i] = true;
    }
  }

  /** The block checksums from the table (verified against the header at open). */
  long[] blockSums() {
    return sums;
  }

  /**
   * Verifies every block by streaming the payload through the cache (no mapping): for whole-file
   * checks such as {@code memocache verify}, calling {@code progress} with the bytes of each chunk
   * verified.
   *
   * @throws CorruptEntryException naming the first block that does not match
   */
  public void verifyAll(java.util.function.LongConsumer progress) throws IOException {
    stream(chunk -> progress.accept(chunk.remaining()));
  }

  /** Whether the whole file was read into memory at open (small entries). */
  public boolean inMemory() {
    return whole != null;
  }

  public String codecId() {
    return header.codecId();
  }

  public int codecVersion() {
    return header.codecVersion();
  }

  public List<ClassShape> shapes() {
    return header.shapes();
  }

  public long shapesHash() {
    return header.shapesHash();
  }

  public String valueType() {
    return header.valueType();
  }

  public long length() {
    return header.payloadLength();
  }

  /**
   * Reads the payload in 256 KiB chunks into a direct buffer and hands it to {@code sink} block by
   * block ({@link EntryHeader#blockSize()}, so a multiple of 8), each verified just before, while it
   * is hot in the cache: a big payload is decoded without being held in memory or mapped, with no
   * copy on the Java heap but the destination's. A damaged block throws before its bytes reach the
   * sink. The buffers handed over are valid only during the call.
   */
  public void stream(StoredEntry.ChunkSink sink) throws IOException {
    int bs = header.blockSize();
    int chunk = Math.max(bs, STREAM_CHUNK / bs * bs);
    long p = header.payloadOffset();
    long l = header.payloadLength();
    ByteBuffer buf = whole != null ? ByteBuffer.wrap(whole)
        : ByteBuffer.allocateDirect((int) Math.min(chunk, Math.max(l, 1)));
    for (long off = 0; off < l; off += chunk) {
      int len = (int) Math.min(chunk, l - off);
      int base;
      if (whole != null) {
        base = (int) (p + off);
      } else {
        buf.clear().limit(len);
        readFully(channel, buf, p + off, path);
        base = 0;
      }
      for (int b = 0; b < len; b += bs) {
        int i = (int) ((off + b) / bs);
        ByteBuffer block = buf.slice(base + b, Math.min(bs, len - b));
        if (checksum.of(block) != sums[i]) {
          throw new CorruptEntryException("block " + i + " of " + sums.length + " does not match its checksum");
        }
        verified[i] = true;
        sink.accept(block);
      }
    }
  }

  /** The bytes between header and payload, and between payload and table, must be zero. */
  private void checkPadding() throws IOException {
    long gapStart = header.headerLength();
    int gap = (int) (header.payloadOffset() - gapStart);
    long tailStart = header.payloadOffset() + header.payloadLength();
    int tail = (int) (header.tableOffset() - tailStart);
    ByteBuffer b = ByteBuffer.allocate(Math.max(gap, tail));
    for (long[] range : new long[][] {{gapStart, gap}, {tailStart, tail}}) {
      int n = (int) range[1];
      if (n == 0) {
        continue;
      }
      if (whole != null) {
        for (int i = 0; i < n; i++) {
          if (whole[(int) range[0] + i] != 0) {
            throw new CorruptEntryException("padding at " + (range[0] + i) + " is not zero");
          }
        }
      } else {
        b.clear().limit(n);
        readFully(channel, b, range[0], path);
        for (int i = 0; i < n; i++) {
          if (b.get(i) != 0) {
            throw new CorruptEntryException("padding at " + (range[0] + i) + " is not zero");
          }
        }
      }
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long at, Path path) throws IOException {
    while (b.hasRemaining()) {
      int n = ch.read(b, at);
      if (n < 0) {
        throw new CorruptEntryException(path.getFileName() + " ends at " + at + " while reading");
      }
      at += n;
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
