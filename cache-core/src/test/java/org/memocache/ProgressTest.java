package org.memocache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.memocache.partial.Progress;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.EncodedEntry;
import org.memocache.spi.StoredEntry;
import org.memocache.spi.Tier;

/**
 * How the engine drives a tier's partial storage (the {@code Tier.Partials} SPI), with an in-memory
 * tier whose writes can be made to fail: what is stored, when it is completed, and how a failing
 * store degrades to memory without losing the computation.
 */
class ProgressTest {

  /** A tier with a lock that is always granted and in-memory partial storage. */
  static final class PartialTier implements Tier, Tier.KeyLocks, Tier.Partials {
    final RecordingTier entries = new RecordingTier();
    final List<Object> chunks = new ArrayList<>();
    @Nullable Object state;
    int stateChunks = -1;
    int opened;
    int completed;
    /** Appends fail from this chunk index on (-1: never). */
    int failFrom = -1;
    boolean putFails;
    boolean lock = true;

    @Override
    public String name() {
      return "partial";
    }

    @Override
    public Optional<StoredEntry> get(CacheKey key) {
      return entries.get(key);
    }

    @Override
    public boolean put(CacheKey key, EncodedEntry entry) {
      return !putFails && entries.put(key, entry);
    }

    @Override
    public boolean remove(CacheKey key) {
      return entries.remove(key);
    }

    @Override
    public long clear(@Nullable String methodName) {
      return entries.clear(methodName);
    }

    @Override
    public List<EntryInfo> entries(@Nullable String methodName) {
      return entries.entries(methodName);
    }

    @Override
    public Optional<KeyLocks> locks() {
      return lock ? Optional.of(this) : Optional.empty();
    }

    @Override
    public Optional<KeyLock> acquire(CacheKey key, String description, Duration maxWait) {
      return Optional.of(() -> { });
    }

    @Override
    public Optional<Partials> partials() {
      return Optional.of(this);
    }

    @Override
    public Optional<PartialWriter> open(CacheKey key, String argsSummary, ClassFilter classes) {
      opened++;
      return Optional.of(new PartialWriter() {
        @Override
        public boolean append(int index, Object chunk, Duration computeTime) {
          assertEquals(chunks.size(), index, "chunks are appended in order");
          if (failFrom >= 0 && index >= failFrom) {
            return false;
          }
          chunks.add(chunk);
          return true;
        }

        @Override
        public boolean checkpoint(int n, Object s) {
          state = s;
          stateChunks = n;
          return true;
        }

        @Override
        public void complete() {
          completed++;
          chunks.clear();
          state = null;
        }

        @Override
        public int chunks() {
          return chunks.size();
        }

        @Override
        public Object chunk(int index) {
          return chunks.get(index);
        }

        @Override
        public EntryInfo chunkInfo(int index) {
          throw new UnsupportedOperationException();
        }

        @Override
        public @Nullable Object state() {
          return state;
        }

        @Override
        public boolean running() {
          return true;
        }
      });
    }

    @Override
    public Optional<PartialReader> read(CacheKey key, ClassFilter classes) {
      return Optional.empty();
    }

    @Override
    public void close() {}
  }

  private static int sum(Memo memo, int n) {
    return memo.progressive("sum", (Progress<Integer, Integer> p) -> {
      int s = p.state().orElse(0);
      for (int i = p.chunkCount(); i < n; i++) {
        p.append(i, s += i);
      }
      int check = 0;
      for (int c : p.chunks()) {
        check += c;
      }
      assertEquals(s, check, "chunks read back, from storage and memory");
      return s;
    }, n);
  }

  @Test
  void progressIsStoredThroughTheTier_andCompletedOnceTheResultIsStored() {
    PartialTier tier = new PartialTier();
    try (Memo memo = Memo.builder().memoryOnly().tier(tier).build()) {
      assertEquals(45, sum(memo, 10));
      assertEquals(1, tier.opened);
      assertEquals(1, tier.completed);
      assertEquals(1, tier.entries.puts.get());
      assertEquals(45, sum(memo, 10), "a hit");
      assertEquals(1, tier.opened);
    }
  }

  @Test
  void resumedProgress_isSeenByTheBody() {
    PartialTier tier = new PartialTier();
    tier.chunks.addAll(List.of(0, 1, 2));
    tier.state = 3;
    try (Memo memo = Memo.builder().memoryOnly().tier(tier).build()) {
      int[] seen = new int[2];
      memo.progressive("sum", (Progress<Integer, Integer> p) -> {
        assertTrue(p.resumed());
        seen[0] = p.chunkCount();
        seen[1] = p.state().orElseThrow();
        return 0;
      }, 10);
      assertEquals(3, seen[0]);
      assertEquals(3, seen[1]);
    }
  }

  @Test
  void storageFailingMidway_continuesInMemory_andTheResultIsRight() {
    PartialTier tier = new PartialTier();
    tier.failFrom = 4;
    try (Memo memo = Memo.builder().memoryOnly().tier(tier).build()) {
      assertEquals(45, sum(memo, 10));
      assertEquals(1, tier.completed, "the result was stored: the progress is no longer needed");
    }
  }

  @Test
  void resultNotStored_keepsTheProgressForTheNextCall() {
    PartialTier tier = new PartialTier();
    tier.putFails = true;
    try (Memo memo = Memo.builder().memoryOnly().tier(tier).build()) {
      assertEquals(45, sum(memo, 10));
      assertEquals(0, tier.completed);
      assertEquals(10, tier.chunks.size());
    }
  }

  @Test
  void failingBody_keepsTheProgress() {
    PartialTier tier = new PartialTier();
    try (Memo memo = Memo.builder().memoryOnly().tier(tier).build()) {
      assertThrows(IllegalStateException.class, () -> memo.progressive("f", (Progress<Integer, Integer> p) -> {
        p.append(1, 1);
        throw new IllegalStateException("died");
      }, 1));
      assertEquals(0, tier.completed);
      assertEquals(List.of(1), tier.chunks);
    }
  }

  @Test
  void withoutTheKeyLock_progressStaysInMemory() {
    PartialTier tier = new PartialTier();
    tier.lock = false;
    try (Memo memo = Memo.builder().memoryOnly().tier(tier).build()) {
      assertEquals(45, sum(memo, 10));
      assertEquals(0, tier.opened, "no lock, no writer: storage never opened");
    }
  }

  @Test
  void nullChunksAndStates_areRefused() {
    Progress<Integer, Integer> p = Progress.injected();
    assertThrows(NullPointerException.class, () -> p.append(null));
    assertThrows(NullPointerException.class, () -> p.checkpoint(null));
    assertFalse(p.resumed());
    assertThrows(IndexOutOfBoundsException.class, () -> p.chunk(0));
  }
}
