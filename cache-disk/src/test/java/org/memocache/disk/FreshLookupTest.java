package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.Memo;

/**
 * A {@code Memo} that never called a name reads the caller's own result types stored under it by
 * another {@code Memo} (as a fresh JVM does): lookup, contains and method(name) admit the package of
 * the code calling them, as a call's lambda does.
 */
class FreshLookupTest {
  /** A result type of the caller's own package. */
  record Fit(double slope, double intercept) {}

  @Test
  void freshMemo_looksUpTheCallersOwnRecord_beforeAnyCall(TestInfo info) {
    Path dir = TestDirs.forTest(info);
    try (Memo writer = Memo.builder().directory(dir).build()) {
      writer.call("fit", () -> new Fit(2.0, 1.0), 1000, 7L);
    }
    try (Memo fresh = Memo.builder().directory(dir).build()) {
      assertEquals(new Fit(2.0, 1.0), fresh.method("fit").<Fit>lookup(1000, 7L).orElseThrow().value());
    }
    try (Memo fresh = Memo.builder().directory(dir).build()) {
      assertTrue(fresh.method("fit").contains(1000, 7L));
    }
    try (Memo fresh = Memo.builder().directory(dir).build()) {
      assertEquals(new Fit(2.0, 1.0), fresh.method("fit").<Fit>lookup(1000, 7L).orElseThrow().value());
    }
  }
}
