package org.memocache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.memocache.internal.Settings;
import org.memocache.internal.Settings.Key;
import org.memocache.testing.LogCapture;

/**
 * The shared tier's settings as cache-core alone sees them (cache-redis is not on this module's
 * class path): checked at the call, the password never shown, and a missing module fails a builder
 * that asked for it but only warns a configuration that did.
 */
class SharedSettingTest {

  @Test
  void builder_refusesAnotherScheme_withoutShowingThePassword() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Memo.builder().shared(URI.create("http://app:s3cret@cache.example:6379")));
    assertEquals("shared(http://***@cache.example:6379): scheme must be redis or rediss, as in redis://host:6379 or"
        + " rediss://user:password@host:6380, not http://***@cache.example:6379", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Memo.builder().shared(URI.create("redis:///0")));
    Memo.Builder b = Memo.builder().shared(URI.create("rediss://app:s3cret@cache.example:6380/2"));
    IllegalStateException twice = assertThrows(IllegalStateException.class,
        () -> b.shared(URI.create("redis://other:6379")));
    assertEquals("shared was already set to rediss://***@cache.example:6380/2", twice.getMessage());
  }

  @Test
  void builder_withoutCacheRedis_failsNamingTheArtifact() {
    Memo.Builder b = Memo.builder().memoryOnly().shared(URI.create("redis://app:s3cret@127.0.0.1:1"));
    IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
    assertEquals("MemoCache: shared(redis://***@127.0.0.1:1) needs the shared tier: add the"
        + " org.memocache:cache-redis artifact to the class path", e.getMessage());
  }

  @Test
  void configured_withoutCacheRedis_warnsOnce_andTheMemoWorks() {
    try (LogCapture log = new LogCapture()) {
      for (int i = 0; i < 2; i++) {
        try (Memo memo = Settings.withFrameworkSource(Map.of("shared", "redis://app:s3cret@127.0.0.1:2"),
            k -> "test property " + k, () -> Memo.builder().memoryOnly().build())) {
          assertEquals(42, memo.call("answer", () -> 42, 1));
          assertTrue(memo.tiers().isEmpty());
        }
      }
      List<String> warnings = log.messages(Level.WARNING).stream().filter(m -> m.contains("cache-redis")).toList();
      assertEquals(List.of("MemoCache: test property shared=redis://***@127.0.0.1:2 needs the shared tier: add the"
          + " org.memocache:cache-redis artifact to the class path; memoizing without it"), warnings);
      assertFalse(String.join("\n", log.messages(Level.ALL)).contains("s3cret"));
    }
  }

  @Test
  void settings_keepTheUri_butShowItWithoutUserAndPassword() {
    Settings s = Settings.load(Map.of(), Map.of("memocache.shared", "rediss://app:s3cret@cache.example:6380",
        "memocache.blobs", "s3://bucket/runs/a"), Map.of(), null);
    assertEquals(URI.create("rediss://app:s3cret@cache.example:6380"), s.uri(Key.SHARED));
    assertEquals(URI.create("s3://bucket/runs/a"), s.uri(Key.BLOBS));
    assertEquals("system property memocache.shared=rediss://***@cache.example:6380", s.get(Key.SHARED).origin());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Settings.load(Map.of(),
        Map.of(), Map.of("MEMOCACHE_SHARED", "http://app:s3cret@h:1"), null));
    assertFalse(bad.getMessage().contains("s3cret"), bad.getMessage());
    assertTrue(bad.getMessage().startsWith("MemoCache: environment variable MEMOCACHE_SHARED=http://***@h:1: scheme"),
        bad.getMessage());
    IllegalArgumentException keys = assertThrows(IllegalArgumentException.class, () -> Settings.load(Map.of(),
        Map.of(), Map.of("MEMOCACHE_BLOBS", "s3://key:secret@bucket/p"), null));
    assertFalse(keys.getMessage().contains("secret@"), keys.getMessage());
  }
}
