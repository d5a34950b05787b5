package org.memocache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.memocache.internal.MethodSpec;
import org.memocache.spi.EncodedEntry;
import org.memocache.spi.StoredEntry;
import org.memocache.spi.Tier;
import org.memocache.testing.LogCapture;

/**
 * How often a call hashes its arguments: a miss that computes hashes them twice (its key, which
 * records the digest after each part, and once more after the body to catch a method that changed
 * them), a memory hit once. Counted through a {@link org.memocache.spi.KeyEncoder} that counts its
 * calls.
 */
class MissHashingTest {
  /** A mutable argument hashed by the counting encoder: its hashing is observable. */
  static final class Box {
    final double[] values;

    Box(double... values) {
      this.values = values;
    }
  }

  final AtomicInteger feeds = new AtomicInteger();
  final LogCapture log = new LogCapture();
  final List<Memo> opened = new ArrayList<>();

  @AfterEach
  void close() {
    log.close();
    opened.forEach(Memo::close);
  }

  private Memo memo(Memo.Builder b) {
    Memo m = b.keyEncoder(Box.class, (box, sink) -> {
      feeds.incrementAndGet();
      for (double v : box.values) {
        sink.putDouble(v);
      }
    }).build();
    opened.add(m);
    return m;
  }

  private List<String> warnings() {
    return log.messages(Level.WARNING);
  }

  @Test
  void computingMiss_hashesTwice_andAHitOnce_forOneArgument() {
    Memo memo = memo(Memo.builder().memoryOnly());
    Box box = new Box(1, 2);
    assertEquals(3.0, memo.call("sum", () -> box.values[0] + box.values[1], box));
    assertEquals(2, feeds.get(), "key + after the body (was key + before + after)");
    assertEquals(3.0, memo.call("sum", () -> -1.0, box));
    assertEquals(3, feeds.get(), "a hit hashes once");
    assertEquals(1, memo.stats().memoryHits());
    assertEquals(List.of(), warnings());
  }

  @Test
  void computingMiss_hashesTwice_withSeveralParts_andALowerTier() {
    RecordingTier tier = new RecordingTier();
    Memo memo = memo(Memo.builder().memoryOnly().tier(tier));
    Box a = new Box(1);
    Box b = new Box(2);
    assertEquals(3.0, memo.call("add", () -> a.values[0] + b.values[0], a, 7, b));
    assertEquals(4, feeds.get(), "two Box arguments, each hashed for the key and after the body");
    assertEquals(1, tier.puts.get(), "stored below");
    assertEquals(3.0, memo.call("add", () -> -1.0, a, 7, b));
    assertEquals(6, feeds.get(), "a memory hit hashes each once");
  }

  @Test
  void missAfterHits_isStillWatched_andHashesOnceMoreBeforeItsBody() {
    Memo memo = memo(Memo.builder().memoryOnly());
    Box in = new Box(1, 2);
    memo.call("scale", () -> 1.0, in, 2);
    memo.call("scale", () -> 1.0, in, 2);
    assertEquals(3, feeds.get());
    // After a hit the keys of calls of several parts record no digests (hits would pay for them):
    // a miss then hashes before its body as well, and is caught all the same.
    Box out = new Box(0, 0);
    memo.call("copyScaled", () -> {
      out.values[0] = 10;
      return 1.0;
    }, in, out);
    assertEquals(3 + 2 * 3, feeds.get(), "two Box arguments: key, before, after");
    assertEquals(List.of("MemoCache: not memoizing copyScaled any more: its parameter 1 (arg1) changed while"
        + " it ran (the method writes into it, or another thread did), and a cached result would skip that"
        + " change; it is computed on every call"), warnings());
    // That miss recorded digests again for the next key: two hashes per argument.
    Box c = new Box(3);
    memo.call("scale", () -> 1.0, c, 3);
    assertEquals(9 + 2, feeds.get());
  }

  @Test
  void outputParameter_isCaughtAtItsFirstMiss_fromTheKeysOwnDigests() {
    RecordingTier below = new RecordingTier();
    VerdictTier tier = new VerdictTier(below);
    Memo memo = memo(Memo.builder().memoryOnly().tier(tier));
    Box in = new Box(1, 2);
    Box out = new Box(0, 0);
    AtomicInteger computed = new AtomicInteger();
    memo.call("writeScaled", () -> {
      computed.incrementAndGet();
      out.values[0] = in.values[0] * 10;
      out.values[1] = in.values[1] * 10;
      return 1.0;
    }, in, out);
    assertEquals(4, feeds.get(), "key + after, for each of the two Box arguments");
    assertEquals(List.of("MemoCache: not memoizing writeScaled any more: its parameter 1 (arg1) changed while"
        + " it ran (the method writes into it, or another thread did), and a cached result would skip that"
        + " change; it is computed on every call"), warnings());
    assertEquals(0, below.puts.get(), "not stored");
    assertEquals(Map.of("writeScaled", "parameter 1 (arg1)"), tier.recorded, "recorded for other processes");
    memo.call("writeScaled", () -> computed.incrementAndGet() * 1.0, in, new Box(0, 0));
    assertEquals(2, computed.get());
  }

  @Test
  void receiverChangedByTheBody_isNamed_withTwoHashes() {
    Memo memo = memo(Memo.builder().memoryOnly());
    Box self = new Box(5);
    MethodSpec spec = MethodSpec.woven(new MethodId("Box#grow", "(D)V", 0, 0), new String[] {"factor"},
        new boolean[1], new boolean[1], c -> true, -1, 0L).withReceiverInKey();
    memo.engine().call(spec, self, new Object[] {2.0}, () -> {
      self.values[0] *= 2;
      return null;
    });
    assertEquals(2, feeds.get());
    assertEquals(List.of("MemoCache: not memoizing Box#grow(double) any more: its receiver"
        + " (org.memocache.MissHashingTest$Box) changed while it ran (the method writes into it, or another"
        + " thread did), and a cached result would skip that change; it is computed on every call"), warnings());
  }

  @Test
  void methodWithoutParts_andAnIgnoredArgument_areNotWatchedAmiss() {
    Memo memo = memo(Memo.builder().memoryOnly());
    AtomicInteger computed = new AtomicInteger();
    for (int i = 0; i < 2; i++) {
      assertEquals(1, memo.call("constant", computed::incrementAndGet));
    }
    MethodSpec ignoring = MethodSpec.woven(new MethodId("F#f", "(LBox;I)I", 0, 0), new String[] {"box", "n"},
        new boolean[] {true, false}, new boolean[2], c -> true, -1, 0L);
    Box box = new Box(1);
    for (int i = 0; i < 2; i++) {
      assertEquals(7, memo.engine().call(ignoring, null, new Object[] {box, new int[] {7}}, () -> {
        box.values[0]++; // left out of the key: changing it is no change of the key's state
        return 7;
      }));
    }
    assertEquals(1, computed.get());
    assertEquals(0, feeds.get(), "the ignored argument is never hashed");
    assertEquals(List.of(), warnings());
    assertEquals(2, memo.stats().memoryHits());
  }

  @Test
  void unhashableArgument_failsTheCall_andTheNextCallsWork() {
    Memo memo = memo(Memo.builder().memoryOnly());
    Box box = new Box(1);
    MemoKeyException e = assertThrows(MemoKeyException.class,
        () -> memo.call("f", () -> 1.0, box, (Runnable) () -> {}));
    assertTrue(e.getMessage().startsWith("f: parameter 1 (arg1) cannot be part of a cache key"), e.getMessage());
    assertEquals(1, feeds.get(), "the box was hashed before the lambda failed the key");
    assertEquals(2.0, memo.call("f", () -> 2.0, box, 3));
    assertEquals(3, feeds.get());
    assertEquals(List.of(), warnings());
  }

  @Test
  void argumentChangedBetweenKeyAndBody_isNeverStored() {
    // The lower tier's lookup runs after the key was hashed and before the body: it stands for
    // another thread changing the argument in that window. With the key's own digests the change
    // shows as that argument changing; a key hashed without them (after a hit) is hashed again
    // before the body, which sees the change already: "its arguments" changed.
    for (String variant : new String[] {"onePart", "twoParts", "twoPartsAfterAHit"}) {
      RecordingTier below = new RecordingTier();
      VerdictTier tier = new VerdictTier(below);
      Memo memo = memo(Memo.builder().memoryOnly().tier(tier));
      if (variant.endsWith("AfterAHit")) {
        memo.call("warm", () -> 0.0, new Box(0), 1);
        memo.call("warm", () -> 0.0, new Box(0), 1);
      }
      Box shared = new Box(1, 2);
      tier.onGet = () -> shared.values[0] = 99;
      String name = "raceBetweenKeyAndBody_" + variant;
      Object[] args = variant.equals("onePart") ? new Object[] {shared} : new Object[] {shared, "x"};
      Object[] original = variant.equals("onePart") ? new Object[] {new Box(1, 2)} : new Object[] {new Box(1, 2), "x"};
      double r = memo.call(name, () -> shared.values[0] + shared.values[1], args);
      assertEquals(101.0, r, "computed from the changed state");
      assertEquals(variant.endsWith("AfterAHit") ? 1 : 0, below.puts.get(), "101 is not stored under the key of {1, 2}");
      assertFalse(memo.method(name).contains(original), "nor kept in memory");
      String what = variant.endsWith("AfterAHit") ? "arguments" : "parameter 0 (arg0)";
      assertEquals("MemoCache: not memoizing " + name + " any more: its " + what + " changed while it ran (the"
          + " method writes into it, or another thread did), and a cached result would skip that change; it is"
          + " computed on every call", warnings().get(warnings().size() - 1));
    }
  }

  /** A lower tier that records verdicts and runs {@link #onGet} at its first lookup. */
  static final class VerdictTier implements Tier, Tier.Verdicts {
    final Tier below;
    final Map<String, String> recorded = new ConcurrentHashMap<>();
    @Nullable Runnable onGet;

    VerdictTier(Tier below) {
      this.below = below;
    }

    @Override
    public String name() {
      return "verdicts";
    }

    @Override
    public Optional<StoredEntry> get(CacheKey key) {
      Runnable r = onGet;
      onGet = null;
      if (r != null) {
        r.run();
      }
      return below.get(key);
    }

    @Override
    public boolean put(CacheKey key, EncodedEntry entry) {
      return below.put(key, entry);
    }

    @Override
    public boolean remove(CacheKey key) {
      return below.remove(key);
    }

    @Override
    public long clear(@Nullable String methodName) {
      return below.clear(methodName);
    }

    @Override
    public List<EntryInfo> entries(@Nullable String methodName) {
      return below.entries(methodName);
    }

    @Override
    public Optional<Verdicts> verdicts() {
      return Optional.of(this);
    }

    @Override
    public Optional<String> changedInput(MethodId method) {
      return Optional.ofNullable(recorded.get(method.name()));
    }

    @Override
    public void recordChangedInput(MethodId method, String what) {
      recorded.put(method.name(), what);
    }

    @Override
    public void close() {
      below.close();
    }
  }
}
