package org.memocache.redis.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.memocache.EntryInfo;
import org.memocache.spi.ClassShape;
import org.memocache.spi.DamagedEntryException;
import org.memocache.spi.StoredEntry;

/**
 * A shared entry as {@link SharedTier#get} returns it: the checked header, and the payload verified
 * block by block as the engine reads it. An entry held in Redis is verified once and kept; an
 * object-store entry is streamed, and fetched again when read a second time (a hit decoded, then
 * copied into the local tiers), from the same write only.
 */
final class SharedEntry implements StoredEntry {
  /** What the tier does with a read entry. */
  interface Reads {
    /** The stored bytes of {@code name} again, positioned at the payload, if still written by {@code writeId}. */
    InputStream reopen(String name, String writeId) throws IOException;

    /** The engine could not use the entry. */
    void rejected(SharedEntry entry, Rejection kind, String reason);

    /** Reading the payload failed (not damage): the tier says why. */
    void readFailed(SharedEntry entry, IOException e);
  }

  private final Reads reads;
  private final String name;
  private final RemoteEntry entry;
  private final StoredBytes stored;
  private final boolean inline;
  private boolean firstUsed;
  private boolean sinkFailed;
  private @Nullable ByteBuffer kept;

  SharedEntry(Reads reads, String name, RemoteEntry entry, StoredBytes stored, boolean inline) {
    this.reads = reads;
    this.name = name;
    this.entry = entry;
    this.stored = stored;
    this.inline = inline;
  }

  RemoteEntry entry() {
    return entry;
  }

  String name() {
    return name;
  }

  String writeId() {
    return stored.writeId();
  }

  @Override
  public EntryInfo info() {
    return entry.info(stored.length(), "shared");
  }

  @Override
  public String codecId() {
    return entry.codecId();
  }

  @Override
  public int codecVersion() {
    return entry.codecVersion();
  }

  @Override
  public String valueType() {
    return entry.valueType();
  }

  @Override
  public List<ClassShape> shapes() {
    return entry.shapes();
  }

  @Override
  public long shapesHash() {
    return entry.shapesHash();
  }

  @Override
  public long length() {
    return entry.length();
  }

  @Override
  public boolean inMemory() {
    return inline;
  }

  @Override
  public ByteBuffer payload() throws IOException {
    ByteBuffer k = kept;
    if (k != null) {
      return k.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }
    ByteBuffer b = read(in -> entry.readPayload(in));
    if (inline) {
      kept = b;
    }
    return b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  @Override
  public void stream(ChunkSink sink) throws IOException {
    if (inline) {
      ByteBuffer all = payload();
      for (int at = 0; at < all.limit(); at += RemoteEntry.BLOCK) {
        sink.accept(all.duplicate().position(at).limit(Math.min(all.limit(), at + RemoteEntry.BLOCK)).slice()
            .order(ByteOrder.LITTLE_ENDIAN));
      }
      return;
    }
    sinkFailed = false;
    read(in -> {
      entry.streamPayload(in, chunk -> {
        try {
          sink.accept(chunk);
        } catch (IOException | RuntimeException e) {
          sinkFailed = true; // the reader's problem, not the object store's
          throw e;
        }
      });
      return null;
    });
  }

  private interface PayloadRead<T> {
    T apply(InputStream in) throws IOException;
  }

  private <T> T read(PayloadRead<T> use) throws IOException {
    InputStream in;
    if (!firstUsed) {
      firstUsed = true;
      in = stored.stream();
    } else {
      in = reads.reopen(name, stored.writeId());
    }
    try {
      return use.apply(in);
    } catch (DamagedEntryException e) {
      throw e;
    } catch (IOException e) {
      if (!sinkFailed) {
        reads.readFailed(this, e);
      }
      throw e;
    } finally {
      if (in != stored.stream()) {
        in.close();
      }
    }
  }

  @Override
  public void reject(Rejection kind, String reason) {
    reads.rejected(this, kind, reason);
  }

  @Override
  public void close() {
    try {
      stored.close();
    } catch (IOException e) {
      // a response body discarded
    }
  }

  @Override
  public String toString() {
    return "shared entry " + entry;
  }
}
