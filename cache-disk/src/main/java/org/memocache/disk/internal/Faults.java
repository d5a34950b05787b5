package org.memocache.disk.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.memocache.internal.Warnings;

/**
 * Turns storage failures into one clear warning per kind of fault and directory. A cache fault
 * never breaks the user's computation, but it must not be silent either: the user should learn once
 * that the disk is full, not a million times.
 */
final class Faults {

  /** What went wrong, as far as the message of the exception tells. */
  enum Kind {
    DISK_FULL("the disk is full"),
    READ_ONLY("the file system is read-only"),
    PERMISSION_DENIED("permission is denied"),
    DIRECTORY_GONE("the cache directory no longer exists (deleted while in use?)"),
    OTHER("of an I/O error");

    final String reason;

    Kind(String reason) {
      this.reason = reason;
    }
  }

  private final Path root;

  Faults(Path root) {
    this.root = root;
  }

  Kind classify(Throwable e) {
    String m = String.valueOf(e.getMessage()) + (e instanceof FileSystemException f ? " " + f.getReason() : "");
    if (m.contains("No space left on device") || m.contains("Disk quota exceeded")
        || m.contains("There is not enough space")) {
      return Kind.DISK_FULL;
    }
    if (isReadOnly(e)) {
      return Kind.READ_ONLY;
    }
    if (e instanceof AccessDeniedException || m.contains("Permission denied") || m.contains("Operation not permitted")) {
      return Kind.PERMISSION_DENIED;
    }
    if (!Files.exists(root.resolve(Layout.MARKER), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return Kind.DIRECTORY_GONE;
    }
    return Kind.OTHER;
  }

  static boolean isReadOnly(Throwable e) {
    String m = String.valueOf(e.getMessage()) + (e instanceof FileSystemException f ? " " + f.getReason() : "");
    return m.contains("Read-only file system");
  }

  /**
   * Something could not be written: a value, a lock file, a journal record. One warning per kind of
   * fault and directory, whatever was being written, so a full disk is reported once.
   */
  void writeFailed(String what, Throwable e) {
    if (e instanceof ForeignFileException) {
      return; // warned once, naming the path, where it was found
    }
    Kind k = classify(e);
    warn("disk-write:" + root + ":" + k, "MemoCache: cannot store results in " + root + " because "
        + k.reason + " (" + e + ", first seen writing " + what + "). Results are still returned;"
        + " they are recomputed where they would have been read from disk." + advice(k), k, e);
  }

  /**
   * This process's index journal could not be written: the index (used for limits and eviction)
   * misses some entries until the next full scan.
   */
  void journalFailed(Throwable e) {
    Kind k = classify(e);
    // A full, read-only or vanished directory stops results from being stored as well, and that is
    // said where it happens; only an error of the journal alone leaves results unaffected.
    String index = "the index catches up with a full scan at the next maintenance, and the journal is retried on"
        + " the next write.";
    String then = k == Kind.OTHER ? " Results are still stored and read; " + index
        : " " + Character.toUpperCase(index.charAt(0)) + index.substring(1);
    warn("disk-journal:" + root + ":" + k, "MemoCache: cannot write the index journal in " + root + " because "
        + k.reason + " (" + e + ")." + then + advice(k), k, e);
  }

  /** An entry could not be read for a reason other than damage (permissions, I/O). */
  void readFailed(String method, IOException e) {
    if (e instanceof ForeignFileException) {
      return;
    }
    Kind k = classify(e);
    if (k == Kind.DIRECTORY_GONE && e instanceof NoSuchFileException) {
      return;
    }
    warn("disk-read:" + root + ":" + k, "MemoCache: cannot read results from " + root
        + " because " + k.reason + " (" + e + ", first seen reading " + method + "); treating them as misses.",
        k, e);
  }

  /** Something else failed (locks, journal, maintenance): said once per topic. */
  void other(String topic, String what, Throwable e) {
    if (e instanceof ForeignFileException) {
      return;
    }
    Warnings.once("disk-" + topic + ":" + root, () -> "MemoCache: " + what + " in " + root + " failed: " + e, e);
  }

  /** Unexpected failures carry their stack trace; the well-known ones are clear from the message. */
  private static void warn(String topic, String message, Kind k, Throwable e) {
    if (k == Kind.OTHER) {
      Warnings.once(topic, () -> message, e);
    } else {
      Warnings.once(topic, () -> message);
    }
  }

  private static String advice(Kind k) {
    return switch (k) {
      case DISK_FULL -> " Free space, or bound the cache with maximumDiskBytes.";
      case READ_ONLY, PERMISSION_DENIED -> " Point the cache at a writable directory to store new results.";
      case DIRECTORY_GONE -> " Restart the job (or rebuild the Memo) to recreate it.";
      case OTHER -> "";
    };
  }
}
