package org.memocache.disk.internal;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/** The counts of one maintenance run (or listing, or prune), and the lease it holds. */
final class MaintenanceRun {
  /** The maintenance lease, checked before each step that changes the directory. */
  private final LockFiles.@Nullable Held lease;

  long entries;
  long bytes;
  long records;
  long evicted;
  long evictedBytes;
  long orphans;
  long staleLocks;
  long corrupt;
  long partials;
  boolean rebuilt;
  boolean fullScan;

  MaintenanceRun(LockFiles.@Nullable Held lease) {
    this.lease = lease;
  }

  /** Throws when another process took the lease over while this one was stopped. */
  void checkLease() throws LeaseLostException {
    if (lease != null && lease.lost()) {
      throw new LeaseLostException();
    }
  }

  /** This process lost the maintenance lease to another (see {@link LockFiles#takeOverIfStale}). */
  static final class LeaseLostException extends IOException {
    private static final long serialVersionUID = 1L;

    LeaseLostException() {
      super("maintenance lease lost", null);
    }
  }
}
