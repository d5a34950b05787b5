package org.memocache.internal;

import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.memocache.EntryInfo;
import org.memocache.partial.PartialResult;
import org.memocache.spi.Tier;

/** A {@link PartialResult} read through a tier's partial storage. */
public final class StoredPartialResult<S, C> implements PartialResult<S, C> {
  private final Tier.PartialReader reader;
  private final String describe;

  public StoredPartialResult(Tier.PartialReader reader, String describe) {
    this.reader = Objects.requireNonNull(reader, "reader");
    this.describe = describe;
  }

  @Override
  public int chunkCount() {
    return reader.chunks();
  }

  @SuppressWarnings("unchecked")
  @Override
  public C chunk(int index) {
    Objects.checkIndex(index, reader.chunks());
    return (C) reader.chunk(index);
  }

  @Override
  public EntryInfo chunkInfo(int index) {
    Objects.checkIndex(index, reader.chunks());
    return reader.chunkInfo(index);
  }

  @Override
  public List<C> chunks() {
    int n = reader.chunks();
    return new AbstractList<>() {
      @Override
      public C get(int index) {
        return chunk(index);
      }

      @Override
      public int size() {
        return n;
      }
    };
  }

  @SuppressWarnings("unchecked")
  @Override
  public Optional<S> state() {
    return Optional.ofNullable((S) reader.state());
  }

  @Override
  public boolean running() {
    return reader.running();
  }

  @Override
  public String toString() {
    return "PartialResult[" + describe + ": " + chunkCount() + " chunks" + (running() ? ", running" : "") + "]";
  }
}
