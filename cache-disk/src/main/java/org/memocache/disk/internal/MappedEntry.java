package org.memocache.disk.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.memocache.CorruptResultException;
import org.memocache.EntryInfo;
import org.memocache.spi.Tier;

/**
 * An entry's payload mapped for views ({@code Tier.Mapped}): the header and checksum table were
 * checked at open; payload blocks are verified on demand, each at most once, by whichever thread
 * reads it first (a bitmap of verified blocks, set with compare-and-set). Nothing is read at open
 * beyond the header and the table, so opening a gigabyte costs what opening a kilobyte does, plus
 * 4 bytes of table per 64 KiB. Blocks are checksummed in place in the mapping (CRC32C), not copied.
 *
 * <p>The mapping outlives the file's channel and the file's name: an entry evicted or replaced while
 * a view is open keeps its storage until the mapping is garbage collected.
 */
final class MappedEntry implements Tier.Mapped {
  /** Told when a block turns out damaged, to count and delete the entry like any damaged read. */
  interface Damage {
    void found(CorruptEntryException e);
  }

  private final Path file;
  private final EntryHeader header;
  private final long[] sums;
  private final ByteBuffer payload;
  private final EntryInfo info;
  private final Damage damage;
  private final AtomicLongArray verified;
  /** Blocks found damaged: later reads fail at once, without hashing again or reporting again. */
  private final AtomicLongArray damagedBlocks;
  private final AtomicBoolean reported = new AtomicBoolean();

  MappedEntry(Path file, EntryHeader header, long[] sums, ByteBuffer payload, EntryInfo info, Damage damage) {
    this.file = file;
    this.header = header;
    this.sums = sums;
    this.payload = payload.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    this.info = info;
    this.damage = damage;
    this.verified = new AtomicLongArray((sums.length + 63) >>> 6);
    this.damagedBlocks = new AtomicLongArray((sums.length + 63) >>> 6);
  }

  @Override
  public EntryInfo info() {
    return info;
  }

  @Override
  public int codecVersion() {
    return header.codecVersion();
  }

  @Override
  public ByteBuffer payload() {
    return payload.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  @Override
  public long shapesHash() {
    return header.shapesHash();
  }

  @Override
  public int blockSize() {
    return header.blockSize();
  }

  @Override
  public void verify(long from, long to) {
    long length = header.payloadLength();
    if (from < 0 || to > length || from > to) {
      throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of a payload of " + length + " bytes in "
          + file);
    }
    if (from == to) {
      return;
    }
    int bs = header.blockSize();
    int first = (int) (from / bs);
    int last = (int) ((to - 1) / bs);
    for (int i = first; i <= last; i++) {
      long word = verified.get(i >>> 6);
      long bit = 1L << i;
      if ((word & bit) == 0) {
        check(i, bs, length);
        verified.getAndUpdate(i >>> 6, w -> w | bit);
      }
    }
  }

  /** Hashes block {@code i} and compares it with the table; two threads may both do it, harmlessly. */
  private void check(int i, int bs, long length) {
    long off = (long) i * bs;
    int len = (int) Math.min(bs, length - off);
    if ((damagedBlocks.get(i >>> 6) & (1L << i)) != 0) {
      throw damaged(i, off, len, "does not match its checksum", null);
    }
    long h;
    try {
      h = header.checksum().of(payload.slice((int) off, len));
    } catch (InternalError e) {
      // A mapped file that shrank under us (SIGBUS) surfaces as InternalError.
      throw damaged(i, off, len, "cannot be read (" + e.getMessage() + ")", e);
    }
    if (h != sums[i]) {
      throw damaged(i, off, len, "does not match its checksum", null);
    }
  }

  private CorruptResultException damaged(int i, long off, int len, String what, Throwable cause) {
    String message = "block " + i + " of " + sums.length + " (payload bytes " + off + " to " + (off + len) + ") of "
        + file + " " + what;
    CorruptEntryException e = cause == null ? new CorruptEntryException(message)
        : new CorruptEntryException(message, cause);
    long bit = 1L << i;
    damagedBlocks.getAndUpdate(i >>> 6, w -> w | bit);
    if (reported.compareAndSet(false, true)) {
      damage.found(e);
    }
    String full = "damaged result " + info.method() + "(" + info.argsSummary() + "): " + message
        + "; the entry is deleted so that the next call computes it again";
    return new CorruptResultException(full, file.toString(), i, e);
  }

  @Override
  public String toString() {
    return "MappedEntry[" + file + "]";
  }
}
