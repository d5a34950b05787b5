package org.memocache.disk;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.TestInfo;
import org.memocache.CacheKey;
import org.memocache.disk.internal.EntryHeader;
import org.memocache.disk.internal.EntryReader;
import org.memocache.internal.codec.Codecs;
import org.memocache.spi.Tier;
import org.memocache.spi.TierContractTest;

/** The disk tier keeps the contract of every tier, on a fresh directory per test. */
class DiskTierContractTest extends TierContractTest {
  private Path dir;

  @Override
  protected void newStorage(TestInfo test) {
    dir = TestDirs.forTest(test);
  }

  @Override
  protected Tier open() {
    return DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO);
  }

  /** Flips a bit in the middle of the entry file's payload. */
  @Override
  protected void damage(Tier tier, CacheKey key) throws Exception {
    Path file = ((DiskTier) tier).store().entryFile(key);
    EntryHeader h = EntryReader.readHeader(file);
    long at = h.payloadOffset() + h.payloadLength() / 2;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
      ch.write(b, at);
    }
  }

  @Override
  protected Set<Capability> capabilities() {
    return EnumSet.allOf(Capability.class);
  }
}
