package org.memocache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The builder's promise: every setter refuses a second setting, naming the first. */
class BuilderTest {

  @Test
  void allowPackages_secondCall_isRefusedNamingTheFirst() {
    Memo.Builder b = Memo.builder().memoryOnly().allowPackages("com.acme", "org.lib");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.allowPackages("com.other"));
    assertEquals("allowPackages was already called with [com.acme, org.lib]", e.getMessage());
    try (Memo memo = b.build()) {
      assertEquals(List.of("com.acme", "org.lib"), memo.config().allowedPackages().subList(0, 2));
    }
  }

  @Test
  void allowPackages_badName_addsNothingAndLeavesTheCallOpen() {
    Memo.Builder b = Memo.builder().memoryOnly();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.allowPackages("com.acme", "1bad"));
    assertEquals("not a package or class name: '1bad'", e.getMessage());
    b.allowPackages("com.acme");
    try (Memo memo = b.build()) {
      assertEquals("com.acme", memo.config().allowedPackages().get(0));
    }
  }

  @Test
  void tier_sameTierTwice_isRefused() {
    RecordingTier tier = new RecordingTier();
    Memo.Builder b = Memo.builder().memoryOnly().tier(tier);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.tier(tier));
    assertEquals("the tier " + tier.name() + " was already added", e.getMessage());
  }

  @Test
  void tier_anotherWithTheSameName_isRefused() {
    Memo.Builder b = Memo.builder().memoryOnly().tier(new RecordingTier());
    RecordingTier second = new RecordingTier();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.tier(second));
    assertEquals("a tier named '" + second.name() + "' was already added", e.getMessage());
    try (Memo memo = b.build()) {
      assertEquals(1, memo.tiers().size());
    }
  }
}
