package org.memocache.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.ReadOnlyFileSystemException;
import java.util.Locale;

/** One-line descriptions of I/O failures for warnings: {@code /proc/memocache: read-only file system}. */
public final class IoFailures {
  private IoFailures() {}

  /**
   * The innermost I/O failure of {@code e} as {@code file: reason} (the reason in lower case, as the
   * operating system words it), else the failure's own message.
   */
  public static String describe(Throwable e) {
    Throwable io = null;
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof IOException || t instanceof ReadOnlyFileSystemException) {
        io = t;
      }
      if (t.getCause() == null) {
        break;
      }
    }
    if (io == null && e instanceof UncheckedIOException u) {
      io = u.getCause();
    }
    if (io instanceof FileSystemException f) {
      String reason = f.getReason() != null ? f.getReason().toLowerCase(Locale.ROOT) : kind(f);
      String file = f.getFile() != null ? f.getFile() : "";
      return file.isEmpty() ? reason : file + ": " + reason;
    }
    if (io instanceof ReadOnlyFileSystemException) {
      return "read-only file system";
    }
    Throwable t = io != null ? io : e;
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  private static String kind(FileSystemException f) {
    if (f instanceof AccessDeniedException) {
      return "permission denied";
    } else if (f instanceof NoSuchFileException) {
      return "no such file or directory";
    } else if (f instanceof FileAlreadyExistsException) {
      return "file exists";
    } else if (f instanceof NotDirectoryException) {
      return "not a directory";
    } else if (f instanceof DirectoryNotEmptyException) {
      return "directory not empty";
    }
    return f.getClass().getSimpleName();
  }
}
