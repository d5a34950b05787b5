package org.memocache.disk.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The file operations the disk tier performs below its cache root: stat, open, create a directory,
 * move, delete and list. Locks are taken on the channels {@link #open} returns. A store reaches the
 * disk through one instance ({@link SafeFiles#fs}), {@link #SYSTEM} unless a test passes one that
 * injects faults (a full disk, a read-only mount, a denied permission, a failing rename) through
 * {@link DiskStore#open(org.memocache.MemoConfig, java.util.List, java.time.Duration, DiskFileSystem)}.
 *
 * <p>{@link #SYSTEM} keeps the guarantees {@link SafeFiles} describes: nothing is followed through a
 * symbolic link, and only regular files are opened (a FIFO would block {@code open()} forever).
 * Another implementation should delegate to it rather than to {@link java.nio.file.Files}.
 */
public interface DiskFileSystem {
  /** The platform's file system, with the no-follow and regular-file-only rules. */
  DiskFileSystem SYSTEM = new SystemFileSystem();

  /** The attributes of {@code p} itself (a link is not followed), or {@code null} when nothing is there. */
  @Nullable BasicFileAttributes stat(Path p) throws IOException;

  /**
   * Opens the regular file {@code p} for reading.
   *
   * @throws java.nio.file.NoSuchFileException when nothing is there
   * @throws ForeignFileException when something other than a regular file is there (warned once)
   */
  FileChannel openRead(Path p) throws IOException;

  /**
   * Opens (or, with {@code CREATE}/{@code CREATE_NEW}, creates with {@code attrs}) {@code p} with
   * {@code options}: a regular file or nothing must be there.
   *
   * @throws ForeignFileException when something other than a regular file is there (warned once)
   */
  FileChannel open(Path p, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException;

  /** Creates the directory {@code dir} with {@code attrs}; its parent must exist. */
  void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException;

  /** Renames {@code source} to {@code target} atomically, replacing what {@code target} names. */
  void move(Path source, Path target) throws IOException;

  /** Unlinks {@code p} (a link itself, never its target); {@code false} when nothing was there. */
  boolean delete(Path p) throws IOException;

  /** The entries of the directory {@code dir} whose names match {@code glob} ({@code "*"}: all). */
  DirectoryStream<Path> list(Path dir, String glob) throws IOException;
}
