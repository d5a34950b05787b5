package org.memocache.disk.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.memocache.EntryInfo;
import org.memocache.spi.ClassShape;
import org.memocache.spi.DamagedEntryException;
import org.memocache.spi.StoredEntry;

/**
 * An open entry file as the disk tier hands it to the engine: the header's fields, and the payload
 * verified block by block as it is read ({@link EntryReader}). What the engine makes of it comes
 * back through {@link #reject} (the file is deleted or kept, and counted) or {@link #close} (a hit,
 * journaled for eviction).
 */
final class DiskEntry implements StoredEntry {
  /** What the store does with the outcome of a read. */
  interface Outcome {
    /** The engine could not use the entry, for {@code reason}; the reader is closed already. */
    void rejected(Rejection kind, String reason);

    /** The payload could not be read (not damage). */
    void readFailed(IOException e);

    /** The engine used the entry: {@code nanos} since it was opened. */
    void used(long nanos);
  }

  private final EntryReader reader;
  private final EntryInfo info;
  private final @Nullable Outcome outcome;
  private final long openedNanos;
  private boolean done;

  /** @param outcome told how the read ended; {@code null}: nobody is (internal reads) */
  DiskEntry(EntryReader reader, EntryInfo info, @Nullable Outcome outcome, long openedNanos) {
    this.reader = reader;
    this.info = info;
    this.outcome = outcome;
    this.openedNanos = openedNanos;
  }

  @Override
  public EntryInfo info() {
    return info;
  }

  @Override
  public String codecId() {
    return reader.codecId();
  }

  @Override
  public int codecVersion() {
    return reader.codecVersion();
  }

  @Override
  public String valueType() {
    return reader.valueType();
  }

  @Override
  public List<ClassShape> shapes() {
    return reader.shapes();
  }

  @Override
  public long shapesHash() {
    return reader.shapesHash();
  }

  @Override
  public long length() {
    return reader.length();
  }

  @Override
  public boolean inMemory() {
    return reader.inMemory();
  }

  @Override
  public ByteBuffer payload() throws IOException {
    try {
      return reader.payload();
    } catch (DamagedEntryException e) {
      throw e;
    } catch (IOException e) {
      readFailed(e);
      throw e;
    }
  }

  @Override
  public void stream(ChunkSink sink) throws IOException {
    // What the sink throws is the reader's problem, not the storage's.
    IOException[] fromSink = {null};
    try {
      reader.stream(chunk -> {
        try {
          sink.accept(chunk);
        } catch (IOException e) {
          fromSink[0] = e;
          throw e;
        }
      });
    } catch (DamagedEntryException e) {
      throw e;
    } catch (IOException e) {
      if (e != fromSink[0]) {
        readFailed(e);
      }
      throw e;
    }
  }

  private void readFailed(IOException e) {
    if (outcome != null) {
      outcome.readFailed(e);
    }
  }

  @Override
  public void reject(Rejection kind, String reason) {
    if (done) {
      return;
    }
    done = true;
    closeReader();
    if (outcome != null) {
      outcome.rejected(kind, reason);
    }
  }

  @Override
  public void close() {
    if (done) {
      return;
    }
    done = true;
    closeReader();
    if (outcome != null) {
      outcome.used(System.nanoTime() - openedNanos);
    }
  }

  private void closeReader() {
    try {
      reader.close();
    } catch (IOException e) {
      // A read-only handle: nothing was written that closing could lose.
    }
  }

  @Override
  public String toString() {
    return "DiskEntry[" + reader.path() + "]";
  }
}
