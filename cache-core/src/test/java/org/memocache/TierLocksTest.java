package org.memocache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.memocache.internal.codec.AllowLists;
import org.memocache.internal.codec.Codecs;
import org.memocache.internal.codec.TierValues;
import org.memocache.spi.EncodedEntry;
import org.memocache.spi.StoredEntry;
import org.memocache.spi.Tier;

/**
 * A miss takes the key lock of every tier that has one, in tier order (this host's processes, then
 * all hosts), looks in the tiers again after each, and releases them in reverse; a tier that gives
 * no lock (its service down) ends the chain, and the call computes with the locks it holds.
 */
class TierLocksTest {
  final List<String> events = new CopyOnWriteArrayList<>();

  /** A {@link RecordingTier} with a name and a key lock that records what is done with it. */
  final class LockingTier implements Tier {
    final RecordingTier store = new RecordingTier();
    final String name;
    final boolean lockAvailable;
    @Nullable Runnable onLock;

    LockingTier(String name, boolean lockAvailable) {
      this.name = name;
      this.lockAvailable = lockAvailable;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Optional<StoredEntry> get(CacheKey key) {
      return store.get(key);
    }

    @Override
    public boolean put(CacheKey key, EncodedEntry entry) {
      events.add("put " + name);
      return store.put(key, entry);
    }

    @Override
    public boolean remove(CacheKey key) {
      return store.remove(key);
    }

    @Override
    public long clear(@Nullable String methodName) {
      return store.clear(methodName);
    }

    @Override
    public List<EntryInfo> entries(@Nullable String methodName) {
      return store.entries(methodName);
    }

    @Override
    public Optional<KeyLocks> locks() {
      return Optional.of((key, description, maxWait) -> {
        events.add("lock " + name + (lockAvailable ? "" : " (unavailable)"));
        if (!lockAvailable) {
          return Optional.empty();
        }
        if (onLock != null) {
          onLock.run();
        }
        return Optional.of(() -> events.add("unlock " + name));
      });
    }

    @Override
    public void close() {}
  }

  @Test
  void locksAreTakenInTierOrder_andReleasedInReverse() {
    LockingTier disk = new LockingTier("local", true);
    LockingTier shared = new LockingTier("remote", true);
    try (Memo memo = Memo.builder().memoryOnly().tier(disk).tier(shared).build()) {
      assertEquals(7, memo.call("seven", () -> 7, 1));
    }
    assertEquals(List.of("lock local", "lock remote", "put local", "put remote", "unlock remote", "unlock local"),
        events);
  }

  @Test
  void aValueStoredWhileWaiting_isAHit_withoutTheNextLock() {
    LockingTier disk = new LockingTier("local", true);
    LockingTier shared = new LockingTier("remote", true);
    TierValues values = new TierValues(Codecs.builtIns(), "test");
    AtomicInteger computed = new AtomicInteger();
    try (Memo memo = Memo.builder().memoryOnly().tier(disk).tier(shared).build()) {
      memo.call("eight", () -> computed.incrementAndGet() * 8, 1);
      CacheKey key = shared.store.map.keySet().iterator().next();
      memo.clearAll();
      events.clear();
      // Another host stores the key in the shared tier while this one waits for its local lock.
      disk.onLock = () -> values.put(shared, key, values.encode("eight", 80, new Tier.Metadata("1",
          Instant.now(), Duration.ofMillis(1)), AllowLists.forMethod(null, List.of())));
      assertEquals(80, memo.call("eight", () -> computed.incrementAndGet() * 8, 1));
    }
    assertEquals(1, computed.get(), "the second call was a hit in the shared tier after the local lock");
    assertEquals(List.of("lock local", "put remote", "put local", "unlock local"), events);
  }

  @Test
  void aTierWithoutItsLockService_computesWithTheLocksHeld() {
    LockingTier disk = new LockingTier("local", true);
    LockingTier shared = new LockingTier("remote", false);
    try (Memo memo = Memo.builder().memoryOnly().tier(disk).tier(shared).build()) {
      assertEquals(9, memo.call("nine", () -> 9, 1));
    }
    assertEquals(List.of("lock local", "lock remote (unavailable)", "put local", "put remote", "unlock local"), events);
  }

  @Test
  void noUpperLock_noLowerLock() {
    LockingTier disk = new LockingTier("local", false);
    LockingTier shared = new LockingTier("remote", true);
    try (Memo memo = Memo.builder().memoryOnly().tier(disk).tier(shared).build()) {
      assertEquals(10, memo.call("ten", () -> 10, 1));
    }
    assertEquals(List.of("lock local (unavailable)", "put local", "put remote"), events);
  }
}
