package org.memocache.disk.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Walks {@code entries/<m>/<kk>/*.memo} reading only headers (4 KiB per entry): the truth the index
 * is rebuilt and reconciled from, and the source of listings. The walk follows no link: a link or
 * special file where a folder or an entry belongs is skipped (and warned about once), never read,
 * never reported as damage.
 */
final class Scanner {
  private Scanner() {}

  /** One entry found. */
  record Found(Path file, EntryHeader header, long size) {}

  /** Receives what the walk finds. */
  interface Sink {
    void found(Found f);

    /** A file whose header fails its checks. */
    void corrupt(Path file, IOException e);

    /** An entry in another format version (of another MemoCache version): left alone by default. */
    default void foreign(Path file) {}
  }

  /**
   * Scans all entries, or only those of methods named {@code methodName} (matched by the
   * {@code METHOD} file, or by the header when a method directory has none).
   */
  static void scan(Layout layout, @Nullable String methodName, Sink sink) throws IOException {
    if (!directory(layout.entries)) {
      return;
    }
    try (DirectoryStream<Path> methods = Files.newDirectoryStream(layout.entries)) {
      for (Path m : methods) {
        if (!directory(m)) {
          continue;
        }
        String known = Layout.methodName(m);
        if (methodName != null && known != null && !known.equals(methodName)) {
          continue;
        }
        try (DirectoryStream<Path> kks = Files.newDirectoryStream(m)) {
          for (Path kk : kks) {
            if (directory(kk)) {
              scanDir(kk, methodName, sink);
            }
          }
        } catch (NoSuchFileException e) {
          // Cleared concurrently.
        }
      }
    }
  }

  /** Lists every entry file ({@code entries/<m>/<kk>/*.memo}) without reading anything. */
  static void scanFiles(Layout layout, java.util.function.Consumer<Path> sink) throws IOException {
    if (!directory(layout.entries)) {
      return;
    }
    try (DirectoryStream<Path> methods = Files.newDirectoryStream(layout.entries)) {
      for (Path m : methods) {
        if (directory(m)) {
          scanFiles(m, sink);
        }
      }
    }
  }

  /** Lists the entry files of one method directory ({@code entries/<m>/<kk>/*.memo}). */
  static void scanFiles(Path methodDir, java.util.function.Consumer<Path> sink) throws IOException {
    if (!directory(methodDir)) {
      return;
    }
    try (DirectoryStream<Path> kks = Files.newDirectoryStream(methodDir)) {
      for (Path kk : kks) {
        if (!directory(kk)) {
          continue;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(kk, "*" + Layout.ENTRY_SUFFIX)) {
          for (Path f : files) {
            if (regularFile(f)) {
              sink.accept(f);
            }
          }
        } catch (NoSuchFileException e) {
          // removed while we walked
        }
      }
    } catch (NoSuchFileException e) {
      // cleared concurrently
    }
  }

  /**
   * Whether {@code p} is a real directory of this user's. A link, a special file or another user's
   * folder there is warned about once; a regular file is one of the cache's own ({@code METHOD}, its
   * tmp files) and passed over quietly.
   */
  static boolean directory(Path p) {
    try {
      java.nio.file.attribute.BasicFileAttributes a = SafeFiles.attributes(p);
      if (a == null || a.isRegularFile()) {
        return false;
      }
      if (!a.isDirectory()) {
        SafeFiles.foreign(p, a, "a directory");
        return false;
      }
      RootTrust.checkOwnFolder(p);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether {@code p} is a regular file; anything else there is warned about once. */
  static boolean regularFile(Path p) {
    try {
      SafeFiles.regularFile(p);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void scanDir(Path kk, @Nullable String methodName, Sink sink) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(kk, "*" + Layout.ENTRY_SUFFIX)) {
      for (Path f : files) {
        EntryHeader h;
        long size;
        try {
          size = SafeFiles.regularFile(f).size();
          h = EntryReader.readHeader(f);
        } catch (NoSuchFileException | ForeignFileException e) {
          continue; // evicted or replaced while we walked; or not a file of ours (warned)
        } catch (ForeignEntryException e) {
          sink.foreign(f);
          continue;
        } catch (IOException e) {
          sink.corrupt(f, e);
          continue;
        }
        if (methodName == null || h.methodName().equals(methodName)) {
          sink.found(new Found(f, h, size));
        }
      }
    } catch (NoSuchFileException e) {
      // Directory removed while we walked.
    }
  }
}
