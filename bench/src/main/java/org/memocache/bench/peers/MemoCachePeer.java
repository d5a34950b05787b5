package org.memocache.bench.peers;

import java.nio.file.Path;
import java.util.function.Supplier;
import org.memocache.Memo;

/** MemoCache through its programmatic API, memory tier in front of the disk tier. */
public final class MemoCachePeer implements DiskPeer {
  private final Memo memo;

  private MemoCachePeer(Memo memo) {
    this.memo = memo;
  }

  /**
   * Opens a Memo on {@code dir}.
   *
   * @throws IllegalStateException when the disk tier is not on the class path (cache-disk pending)
   */
  public static MemoCachePeer open(Path dir) {
    return new MemoCachePeer(Memo.builder().directory(dir).build());
  }

  /** The underlying Memo. */
  public Memo memo() {
    return memo;
  }

  @Override
  public Object getOrCompute(long a, long b, Supplier<double[]> compute) {
    return memo.call("bench", compute, a, b);
  }

  @Override
  public void close() {
    memo.close();
  }
}
