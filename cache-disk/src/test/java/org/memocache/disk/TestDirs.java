package org.memocache.disk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.FileVisitResult;
import java.nio.file.SimpleFileVisitor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.TestInfo;
import org.memocache.MemoConfig;
import org.memocache.internal.Config;

/** Directories named after the test that uses them (under {@code target/test-dirs}), and configs for them. */
public final class TestDirs {
  private TestDirs() {}

  static final Path BASE = Path.of("target", "test-dirs").toAbsolutePath();

  /** A fresh, non-existing directory path named after the test. */
  public static Path forTest(TestInfo info) {
    String cls = info.getTestClass().map(Class::getSimpleName).orElse("Test");
    String m = info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test");
    String disp = info.getDisplayName().replaceAll("[^A-Za-z0-9_=-]+", "_");
    Path p = BASE.resolve(cls).resolve(m + (disp.startsWith(m) ? "" : "-" + disp));
    deleteRecursively(p);
    try {
      Files.createDirectories(p.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  /** A config with no limits and the given directory and clock. */
  public static MemoConfig config(Path dir, Clock clock) {
    return new Config(dir, 1 << 20, Long.MAX_VALUE, Long.MAX_VALUE, null, false, Duration.ofMinutes(2),
        List.of("org.memocache.disk"), true, clock);
  }

  public static MemoConfig config(Path dir) {
    return config(dir, Clock.systemUTC());
  }

  public static void deleteRecursively(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try {
      Files.walkFileTree(p, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
