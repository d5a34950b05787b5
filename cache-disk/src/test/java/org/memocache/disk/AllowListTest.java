package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.testing.LogCapture;
import org.memocache.testing.fixture.Bait1;
import org.memocache.testing.outside.Evil1;
import org.memocache.internal.codec.AllowLists;
import org.memocache.internal.codec.Codecs;
import org.memocache.internal.codec.KryoCodec;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.ValueCodec;

/** A cache directory is data, never code. */
class AllowListTest {

  /** Writes given bytes as if it were the Kryo codec: how an attacker would craft an entry. */
  private record Forger(byte[] payload) implements ValueCodec {
    @Override
    public String id() {
      return KryoCodec.ID;
    }

    @Override
    public int version() {
      return KryoCodec.VERSION;
    }

    @Override
    public boolean canEncode(@Nullable Object value) {
      return true;
    }

    @Override
    public void encode(@Nullable Object value, OutputStream out) throws IOException {
      out.write(payload);
    }

    @Override
    public @Nullable Object decode(ByteBuffer payload, ClassFilter classes) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void craftedEntryNamingAClassOutsideTheAllowList_isNeverInstantiated(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new KryoCodec().encode(new Bait1(7), out);
    byte[] crafted = out.toByteArray();
    String bait = Bait1.class.getName();
    String evil = "org.memocache.testing.outside.Evil1";
    assertEquals(bait.length(), evil.length());
    String text = new String(crafted, StandardCharsets.ISO_8859_1);
    int at = text.indexOf(bait.substring(0, bait.length() - 1));
    assertTrue(at >= 0);
    byte[] e = evil.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(e, 0, crafted, at, e.length - 1);
    crafted[at + e.length - 1] = (byte) (e[e.length - 1] | 0x80);

    try (DiskTier forger = DiskTier.open(TestDirs.config(dir), List.of(new Forger(crafted)), Duration.ZERO)) {
      assertTrue(TestKeys.put(forger, TestKeys.key(1), "ignored", TestKeys.meta("x")));
    }
    Path entry;
    ClassFilter declared = AllowLists.forMethod(Bait1.class, List.of());
    try (DiskTier tier = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO);
        LogCapture log = new LogCapture()) {
      entry = tier.store().entryFile(TestKeys.key(1));
      for (int i = 0; i < 3; i++) {
        assertTrue(TestKeys.get(tier, TestKeys.key(1), declared).isEmpty());
      }
      assertEquals(3, tier.counters().foreign(), "each rejection is a counted miss, of an entry left in place");
      assertEquals(0, tier.counters().corrupt(), "not damage");
      List<String> warnings = log.messages(Level.WARNING);
      assertEquals(1, warnings.stream().filter(m -> m.contains(evil)).count(), "warned once: " + warnings);
      String w = warnings.stream().filter(m -> m.contains(evil)).findFirst().orElseThrow();
      assertTrue(w.contains("allowPackages(\"org.memocache.testing.outside\")"), w);
      assertTrue(w.contains("simulate"), w);
    }
    assertNull(System.getProperty(Evil1.RAN), "Evil1's static initializer never ran");
    assertTrue(Files.exists(entry), "a rejected entry is not deleted: another reader may admit it");
  }
}
