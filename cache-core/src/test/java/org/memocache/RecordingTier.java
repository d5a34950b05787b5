package org.memocache;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.Tier;

/** An in-memory Tier for tests of the engine's use of the SPI. */
final class RecordingTier implements Tier {
  final ConcurrentHashMap<CacheKey, Hit> map = new ConcurrentHashMap<>();
  final AtomicInteger puts = new AtomicInteger();

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public Optional<Hit> get(CacheKey key, ClassFilter classes) {
    return Optional.ofNullable(map.get(key));
  }

  @Override
  public boolean put(CacheKey key, @Nullable Object value, Metadata m) {
    puts.incrementAndGet();
    map.put(key, new Hit(value, new EntryInfo(key.method().name(), key.hex(), m.argsSummary(), 0, m.created(),
        m.computeTime(), 0, Instant.now(), "none", name())));
    return true;
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
  public void close() {}
}
