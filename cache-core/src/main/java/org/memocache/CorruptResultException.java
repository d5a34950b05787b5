package org.memocache;

import java.util.Objects;
import org.memocache.partial.PartialResult;
import org.memocache.view.ArrayView;

/**
 * A stored result turned out to be damaged while it was being read in place: a block of an
 * {@link ArrayView} or a chunk of a {@link PartialResult} does not match its checksum. Thrown by
 * the read that touched the damage, never by reads of other blocks; the message names the entry
 * (its file, for the disk tier) and the block.
 *
 * <p>Whole-value reads ({@link Memo#call}, {@link MemoizedMethod#lookup}) never throw this: they verify
 * everything before returning, and a damaged entry is simply a miss. A view cannot do that without
 * reading the whole array at open, which is what views exist to avoid. The damaged entry is deleted
 * when it is found, so the next call computes the result again; views already open keep their
 * mapping and keep answering reads of undamaged blocks.
 */
public final class CorruptResultException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final long block;

  /**
   * @param message what is wrong, naming the entry
   * @param source where the entry is stored, such as its file
   * @param block the damaged block, or -1 when the damage is not in one block
   */
  public CorruptResultException(String message, String source, long block) {
    super(Objects.requireNonNull(message, "message"));
    this.source = Objects.requireNonNull(source, "source");
    this.block = block;
  }

  /** As {@link #CorruptResultException(String, String, long)}, with the failure that revealed it. */
  public CorruptResultException(String message, String source, long block, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.source = Objects.requireNonNull(source, "source");
    this.block = block;
  }

  /** Where the damaged entry is stored: for the disk tier, the entry file's path. */
  public String source() {
    return source;
  }

  /** The index of the damaged checksum block, or -1 when the damage is not in one block. */
  public long block() {
    return block;
  }
}
