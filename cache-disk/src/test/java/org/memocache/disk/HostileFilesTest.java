package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.CacheKey;
import org.memocache.Memo;
import org.memocache.internal.codec.Codecs;
import org.memocache.internal.codec.RawArrayCodec;
import org.memocache.internal.codec.RawArrayLayout;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.ValueCodec;
import org.memocache.testing.HashBomb;
import org.memocache.testing.LogCapture;

/**
 * Entry files crafted to hang, exhaust memory or crash a reader, written with the codecs' own writers
 * (so their checksums are valid) and tampered with before the checksums are computed: each read is a
 * bounded, counted miss, never a hang or an {@code OutOfMemoryError}.
 */
class HostileFilesTest {
  private Path dir;

  @BeforeEach
  void dir(TestInfo info) {
    dir = TestDirs.forTest(info);
  }

  @Test
  void hashBomb_isAMissWithinSeconds_counted_notDeleted_warnedOnce() throws IOException {
    CacheKey key = TestKeys.key(1);
    try (DiskTier writer = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO)) {
      assertTrue(TestKeys.put(writer, key, HashBomb.sets(100), TestKeys.meta("bomb")));
    }
    try (LogCapture log = new LogCapture();
         DiskTier tier = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO)) {
      Path file = tier.store().entryFile(key);
      assertTrue(Files.size(file) < 4096, "small file: " + Files.size(file));
      for (int i = 0; i < 3; i++) {
        assertTimeoutPreemptively(Duration.ofSeconds(10),
            () -> assertTrue(TestKeys.get(tier, key, TestKeys.FILTER).isEmpty()));
      }
      assertEquals(3, tier.counters().foreign(), "counted as an entry this program does not use");
      assertEquals(0, tier.counters().corrupt(), "not damage");
      assertTrue(Files.exists(file), "valid checksums: not damage, not deleted");
      List<String> warnings = log.messages(Level.WARNING).stream().filter(m -> m.contains("decoding limits")).toList();
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).contains(tier.directory().toString()) && warnings.get(0).contains("simulate"),
          warnings.get(0));
    }
    try (CacheDirectory cd = CacheDirectory.open(dir)) {
      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertTrue(cd.load(key.hex()).isEmpty()));
      assertTrue(cd.verify(false, VerifyListener.NONE).ok(), "its checksums and structure are valid");
    }
  }

  @Test
  void hashBomb_throughMemoCall_isAMissWithinSeconds_andIsComputedAgain() {
    // Shared: a copy for the memory tier would rebuild every nested set, hashing it exponentially.
    try (Memo first = Memo.builder().directory(dir).shareResults("bomb").build()) {
      first.call("bomb", () -> HashBomb.sets(100), 1);
    }
    AtomicInteger computed = new AtomicInteger();
    try (Memo second = Memo.builder().directory(dir).build()) {
      Object v = assertTimeoutPreemptively(Duration.ofSeconds(10),
          () -> second.call("bomb", () -> {
            computed.incrementAndGet();
            return Set.of("recomputed");
          }, 1));
      assertEquals(Set.of("recomputed"), v);
      assertEquals(1, computed.get());
      // The miss stored the new value over the crafted one: the next process reads it.
    }
    try (Memo third = Memo.builder().directory(dir).build()) {
      assertEquals(Set.of("recomputed"), third.call("bomb", () -> Set.of("again"), 1));
    }
  }

  /** Writes what {@code delegate} would, changed by {@code tamper}, under the delegate's id and version. */
  record Tampering(ValueCodec delegate, Consumer<ByteBuffer> tamper) implements ValueCodec {
    @Override
    public String id() {
      return delegate.id();
    }

    @Override
    public int version() {
      return delegate.version();
    }

    @Override
    public boolean canEncode(Object value) {
      return delegate.canEncode(value);
    }

    @Override
    public void encode(Object value, OutputStream out) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      delegate.encode(value, b);
      byte[] bytes = b.toByteArray();
      tamper.accept(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
      out.write(bytes);
    }

    @Override
    public Object decode(ByteBuffer payload, ClassFilter classes) throws IOException {
      return delegate.decode(payload, classes);
    }
  }

  /** Writes one entry with {@code codec} and closes. */
  private record DiskTierWriter(Path dir, ValueCodec codec) {
    boolean put(CacheKey key, Object value) {
      try (DiskTier writer = DiskTier.open(TestDirs.config(dir), List.of(codec), Duration.ZERO)) {
        return TestKeys.put(writer, key, value, TestKeys.meta("rows"));
      }
    }
  }

  @Test
  void rowTableClaiming2To31Elements_isAMiss_kept_withoutOutOfMemory_andVerifyReportsIt() throws IOException {
    CacheKey key = TestKeys.key(2);
    // Big enough to be streamed rather than read whole: one real row of 40 000 doubles, one null row.
    double[][] value = {new double[40_000], null};
    ValueCodec tampered = new Tampering(new RawArrayCodec(),
        b -> b.putLong(RawArrayLayout.ROW_TABLE, Integer.MAX_VALUE));
    try (DiskTier writer = DiskTier.open(TestDirs.config(dir), List.of(tampered), Duration.ZERO)) {
      assertTrue(TestKeys.put(writer, key, value, TestKeys.meta("rows")));
    }
    try (DiskTier tier = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO)) {
      Path file = tier.store().entryFile(key);
      assertTrue(Files.size(file) > 256 * 1024, "streamed, not read whole");
      for (int i = 0; i < 2; i++) {
        assertTimeoutPreemptively(Duration.ofSeconds(10),
            () -> assertTrue(TestKeys.get(tier, key, TestKeys.FILTER).isEmpty()));
      }
      assertEquals(2, tier.counters().foreign());
      assertTrue(Files.exists(file), "valid checksums: a miss, not deleted");
      // Small enough to be read whole: the same check.
      CacheKey small = TestKeys.key(3);
      assertTrue(new DiskTierWriter(dir, tampered).put(small, new double[][] {new double[10], null}));
      assertTrue(TestKeys.get(tier, small, TestKeys.FILTER).isEmpty());
      assertEquals(3, tier.counters().foreign());
      assertEquals(0, tier.counters().corrupt());
    }
    try (CacheDirectory cd = CacheDirectory.open(dir)) {
      VerifyReport r = cd.verify(false, VerifyListener.NONE);
      assertFalse(r.ok(), r.toString());
      assertEquals(2, r.damaged().size());
      assertTrue(r.damaged().get(0).problem().startsWith("the stored array is inconsistent: raw-array: row lengths add up to"),
          r.damaged().get(0).problem());
      assertTrue(cd.load(key.hex()).isEmpty());
    }
  }
}
