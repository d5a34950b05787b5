package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.CacheKey;
import org.memocache.internal.codec.Codecs;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.ValueCodec;

/** A user's codec written the plain Java way (DataOutputStream, ByteBuffer defaults) reads back what it wrote. */
class CustomCodecTest {

  record Money(long cents) {}

  /** Writes with DataOutputStream (big-endian), reads with ByteBuffer's getters in the order it is given. */
  static final class MoneyCodec implements ValueCodec {
    @Override
    public String id() {
      return "money";
    }

    @Override
    public int version() {
      return 1;
    }

    @Override
    public boolean canEncode(Object value) {
      return value instanceof Money;
    }

    @Override
    public void encode(Object value, OutputStream out) throws IOException {
      DataOutputStream d = new DataOutputStream(out);
      d.writeLong(((Money) value).cents());
      d.writeInt(7);
      d.flush();
    }

    @Override
    public Object decode(ByteBuffer payload, ClassFilter classes) throws IOException {
      long cents = payload.getLong();
      if (payload.getInt() != 7 || payload.hasRemaining()) {
        throw new IOException("money: bad payload");
      }
      return new Money(cents);
    }
  }

  @Test
  void dataOutputStreamCodec_readsBackItsValue(TestInfo info) {
    Path dir = TestDirs.forTest(info);
    List<ValueCodec> codecs = new ArrayList<>(List.of(new MoneyCodec()));
    codecs.addAll(Codecs.builtIns());
    CacheKey key = TestKeys.key(1);
    try (DiskTier tier = DiskTier.open(TestDirs.config(dir), codecs, Duration.ZERO)) {
      TestKeys.put(tier, key, new Money(4200), TestKeys.meta("m"));
    }
    try (DiskTier tier = DiskTier.open(TestDirs.config(dir), codecs, Duration.ZERO)) {
      assertEquals(new Money(4200), TestKeys.get(tier, key, c -> true).orElseThrow().value());
    }
  }
}
