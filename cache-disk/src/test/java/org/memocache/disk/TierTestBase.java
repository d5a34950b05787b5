package org.memocache.disk;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.memocache.internal.codec.Codecs;

/** Tier-level tests: a disk tier with the built-in codecs on a fresh directory per test. */
abstract class TierTestBase {
  Path dir;
  DiskTier tier;

  @BeforeEach
  void openTier(TestInfo info) {
    dir = TestDirs.forTest(info);
    tier = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO);
  }

  @AfterEach
  void closeTier() {
    tier.close();
  }
}
