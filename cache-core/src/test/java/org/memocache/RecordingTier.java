package org.memocache;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.memocache.internal.codec.Codecs;
import org.memocache.internal.codec.EntryCodec;
import org.memocache.spi.ClassShape;
import org.memocache.spi.DamagedEntryException;
import org.memocache.spi.EncodedEntry;
import org.memocache.spi.StoredEntry;
import org.memocache.spi.Tier;

/**
 * An in-memory Tier for tests of the engine's use of the SPI: entries kept as encoded bytes with a
 * checksum, as any tier keeps them.
 */
final class RecordingTier implements Tier {
  /** A stored entry. */
  record Stored(String codecId, int codecVersion, String valueType, List<ClassShape> shapes, long shapesHash,
      byte[] payload, long checksum, EntryInfo info) {}

  final ConcurrentHashMap<CacheKey, Stored> map = new ConcurrentHashMap<>();
  final AtomicInteger puts = new AtomicInteger();
  private final LongAdder corrupt = new LongAdder();
  private final LongAdder foreign = new LongAdder();

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public Optional<StoredEntry> get(CacheKey key) {
    Stored s = map.get(key);
    return s == null ? Optional.empty() : Optional.of(new Entry(key, s));
  }

  @Override
  public boolean put(CacheKey key, EncodedEntry e) {
    puts.incrementAndGet();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<ClassShape> shapes;
    try {
      shapes = e.writePayload(out);
    } catch (IOException ex) {
      return false;
    }
    byte[] payload = out.toByteArray();
    Metadata m = e.metadata();
    map.put(key, new Stored(e.codecId(), e.codecVersion(), e.valueType(), List.copyOf(shapes),
        org.memocache.internal.codec.Shapes.hash(shapes), payload, crc(payload),
        new EntryInfo(key.method().name(), key.hex(), m.argsSummary(), payload.length, m.created(),
            m.computeTime(), 0, Instant.now(), e.codecId(), name())));
    return true;
  }

  /** The value stored under {@code key}, decoded with the built-in codecs. */
  @Nullable Object value(CacheKey key) {
    try (StoredEntry e = get(key).orElseThrow()) {
      return new EntryCodec(Codecs.builtIns()).decode(e, c -> true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Flips one payload bit of the entry of {@code key}, as a storage fault would. */
  void damage(CacheKey key) {
    Stored s = map.get(key);
    byte[] p = s.payload().clone();
    p[p.length / 2] ^= 0x10;
    map.put(key, new Stored(s.codecId(), s.codecVersion(), s.valueType(), s.shapes(), s.shapesHash(), p,
        s.checksum(), s.info()));
  }

  private static long crc(byte[] b) {
    CRC32C c = new CRC32C();
    c.update(b);
    return c.getValue();
  }

  private final class Entry implements StoredEntry {
    private final CacheKey key;
    private final Stored stored;

    Entry(CacheKey key, Stored stored) {
      this.key = key;
      this.stored = stored;
    }

    @Override
    public EntryInfo info() {
      return stored.info();
    }

    @Override
    public String codecId() {
      return stored.codecId();
    }

    @Override
    public int codecVersion() {
      return stored.codecVersion();
    }

    @Override
    public String valueType() {
      return stored.valueType();
    }

    @Override
    public List<ClassShape> shapes() {
      return stored.shapes();
    }

    @Override
    public long shapesHash() {
      return stored.shapesHash();
    }

    @Override
    public long length() {
      return stored.payload().length;
    }

    @Override
    public boolean inMemory() {
      return true;
    }

    @Override
    public ByteBuffer payload() throws IOException {
      if (crc(stored.payload()) != stored.checksum()) {
        throw new DamagedEntryException("payload does not match its checksum");
      }
      return ByteBuffer.wrap(stored.payload()).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void stream(ChunkSink sink) throws IOException {
      ByteBuffer all = payload();
      for (int at = 0; at < all.limit(); at += 65_536) {
        sink.accept(all.slice(at, Math.min(65_536, all.limit() - at)).order(ByteOrder.LITTLE_ENDIAN));
      }
    }

    @Override
    public void reject(Rejection kind, String reason) {
      if (kind == Rejection.DAMAGED) {
        corrupt.increment();
        map.remove(key, stored);
      } else {
        foreign.increment();
      }
    }

    @Override
    public void close() {}
  }

  @Override
  public boolean remove(CacheKey key) {
    return map.remove(key) != null;
  }

  @Override
  public long clear(@Nullable String methodName) {
    int before = map.size();
    map.keySet().removeIf(k -> methodName == null || k.method().name().equals(methodName));
    return before - map.size();
  }

  @Override
  public List<EntryInfo> entries(@Nullable String methodName) {
    List<EntryInfo> out = new ArrayList<>();
    map.forEach((k, v) -> {
      if (methodName == null || k.method().name().equals(methodName)) {
        out.add(v.info());
      }
    });
    return out;
  }

  @Override
  public Counters counters() {
    return new Counters(corrupt.sum(), 0, 0, foreign.sum());
  }

  @Override
  public void close() {}
}
