package org.memocache.disk.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.memocache.internal.Warnings;

/**
 * How cache-disk touches the files below a cache root. A cache directory is data, and whoever could
 * once write in it may have planted links or special files there, so:
 *
 * <ul>
 *   <li>nothing is opened, created, locked or renamed through a symbolic link below the root: files
 *       are opened with {@link LinkOption#NOFOLLOW_LINKS}, and every directory between the root and
 *       a file is checked (without following links) to be a real directory first;
 *   <li>only regular files are opened, and their type is checked before the open: a FIFO would block
 *       {@code open()} forever;
 *   <li>whatever is not what the cache expects is foreign: left alone (never written through, never
 *       deleted) with one warning naming it, and the operation needing it is a miss or a failed store.
 * </ul>
 *
 * Deleting never follows a link: {@code unlink} removes a link itself, never its target, and files
 * are only deleted in directories checked here just before. A directory found to be real is
 * otherwise remembered for the life of the tier: below an owner-only root nobody else can replace it.
 *
 * <p>What creates, opens for writing, moves, deletes or opens an entry for reading goes through the
 * store's {@link DiskFileSystem} ({@link #fs}); the static helpers, used by scans and listings, use
 * {@link DiskFileSystem#SYSTEM}.
 */
final class SafeFiles {
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
  private static final int MAX_REMEMBERED = 1 << 16;

  private final Path root;
  /** The file system of the store; {@link DiskFileSystem#SYSTEM} but in fault tests. */
  final DiskFileSystem fs;
  private final Set<Path> directories = ConcurrentHashMap.newKeySet();

  /** For paths below {@code root}, a real path (no link in it), reached through {@code fs}. */
  SafeFiles(Path root, DiskFileSystem fs) {
    this.root = root;
    this.fs = fs;
  }

  Path root() {
    return root;
  }

  /** The attributes of {@code p} itself (a link is not followed), or {@code null} when nothing is there. */
  static @Nullable BasicFileAttributes attributes(Path p) throws IOException {
    return DiskFileSystem.SYSTEM.stat(p);
  }

  /** Whether {@code p} is a real directory (not a link to one). */
  static boolean isDirectory(Path p) {
    try {
      BasicFileAttributes a = attributes(p);
      return a != null && a.isDirectory();
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether {@code p} is a regular file (not a link to one). */
  static boolean isRegularFile(Path p) {
    try {
      BasicFileAttributes a = attributes(p);
      return a != null && a.isRegularFile();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The attributes of the regular file {@code p}.
   *
   * @throws NoSuchFileException when nothing is there
   * @throws ForeignFileException when something other than a regular file is there (warned once)
   */
  static BasicFileAttributes regularFile(Path p) throws IOException {
    BasicFileAttributes a = attributes(p);
    if (a == null) {
      throw new NoSuchFileException(p.toString());
    }
    if (!a.isRegularFile()) {
      throw foreign(p, a, "a regular file");
    }
    return a;
  }

  /** Opens the regular file {@code p} for reading; see {@link #regularFile} for what it throws. */
  static FileChannel openRead(Path p) throws IOException {
    return DiskFileSystem.SYSTEM.openRead(p);
  }

  /**
   * Opens (or, with {@code CREATE}/{@code CREATE_NEW}, creates) {@code p} with {@code options}: a
   * regular file or nothing must be there. The directory holding it must have been checked with
   * {@link #directory}.
   *
   * @throws ForeignFileException when something other than a regular file is there (warned once)
   */
  FileChannel open(Path p, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    return fs.open(p, options, attrs);
  }

  /** Renames {@code source} to {@code target} atomically (both below the root, in checked directories). */
  void move(Path source, Path target) throws IOException {
    fs.move(source, target);
  }

  /** Unlinks {@code p}, never following a link; {@code false} when nothing was there. */
  boolean delete(Path p) throws IOException {
    return fs.delete(p);
  }

  /** Reads the regular file {@code p}, at most {@code max} bytes (small text files: markers, METHOD). */
  static byte[] readSmall(Path p, int max) throws IOException {
    try (FileChannel ch = openRead(p)) {
      ByteBuffer b = ByteBuffer.allocate((int) Math.min(max, Math.max(0, ch.size())));
      while (b.hasRemaining() && ch.read(b) > 0) {
        // until full or end of file
      }
      byte[] out = new byte[b.position()];
      b.flip().get(out);
      return out;
    }
  }

  /** Whether {@code p}'s last modification (of the file itself) is more than {@code age} ago; {@code false} when unreadable. */
  static boolean olderThan(Path p, java.time.Duration age) {
    try {
      return System.currentTimeMillis() - modifiedMillis(p) > age.toMillis();
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether something (a link included, not followed) is at {@code p}; {@code false} when it cannot be told. */
  boolean exists(Path p) {
    try {
      return fs.stat(p) != null;
    } catch (IOException e) {
      return false;
    }
  }

  /** The last-modified time of {@code p} itself, epoch ms. */
  static long modifiedMillis(Path p) throws IOException {
    return Files.getLastModifiedTime(p, NOFOLLOW).toMillis();
  }

  /**
   * Checks that {@code dir} and every directory between the root and it are real directories,
   * creating missing ones strictly below {@code createBelow} (owner-only, with {@code attrs}); with
   * {@code createBelow} null nothing is created.
   *
   * @throws NoSuchFileException naming the first missing directory that may not be created
   * @throws ForeignFileException naming the first one that is a link or not a directory (warned once)
   */
  void directory(Path dir, @Nullable Path createBelow, FileAttribute<?>... attrs) throws IOException {
    if (directories.contains(dir) || dir.equals(root)) {
      return;
    }
    if (!dir.startsWith(root)) {
      throw new IllegalArgumentException(dir + " is not below the cache directory " + root);
    }
    Path cur = root;
    for (Path name : root.relativize(dir)) {
      cur = cur.resolve(name);
      if (directories.contains(cur)) {
        continue;
      }
      BasicFileAttributes a = fs.stat(cur);
      if (a == null) {
        if (createBelow == null || !cur.startsWith(createBelow) || cur.equals(createBelow)) {
          throw new NoSuchFileException(cur.toString(), null, "missing from the cache directory");
        }
        try {
          fs.createDirectory(cur, attrs);
        } catch (FileAlreadyExistsException e) {
          // made concurrently: checked below
        }
        a = fs.stat(cur);
        if (a == null) {
          throw new NoSuchFileException(cur.toString(), null, "removed while it was created");
        }
      }
      if (!a.isDirectory()) {
        throw foreign(cur, a, "a directory");
      }
      RootTrust.checkOwnFolder(cur);
      if (directories.size() >= MAX_REMEMBERED) {
        directories.clear();
      }
      directories.add(cur);
    }
  }

  /**
   * Forgets that the directories holding {@code file} were checked: one was found missing (removed
   * by hand, or by a cleanup), so the next {@link #directory} call checks and recreates it.
   */
  void forget(Path file) {
    for (Path p = file.getParent(); p != null && !p.equals(root); p = p.getParent()) {
      directories.remove(p);
    }
  }

  /** Checks the directories holding {@code file}, creating none. */
  void parents(Path file) throws IOException {
    directory(file.getParent(), null);
  }

  /**
   * Checks the directories holding {@code file} afresh, not trusting what was checked before: before
   * deleting anything.
   */
  void parentsNow(Path file) throws IOException {
    forget(file);
    parents(file);
  }

  /**
   * Deletes the directory {@code dir} (below the root) and the files in it: links and special files
   * are unlinked themselves, never followed; sub-directories are left, so a directory holding one
   * stays.
   */
  void deleteDirectory(Path dir) throws IOException {
    try {
      parentsNow(dir.resolve(".")); // dir itself, afresh
    } catch (NoSuchFileException e) {
      return;
    }
    try (var s = fs.list(dir, "*")) {
      for (Path p : s) {
        BasicFileAttributes a = fs.stat(p);
        if (a != null && !a.isDirectory()) {
          fs.delete(p);
        }
      }
    } catch (NoSuchFileException e) {
      return;
    }
    directories.remove(dir);
    fs.delete(dir);
  }

  /** What is at a path, in words. */
  static String describe(BasicFileAttributes a) {
    if (a.isSymbolicLink()) {
      return "a symbolic link";
    }
    if (a.isDirectory()) {
      return "a directory";
    }
    if (a.isRegularFile()) {
      return "a regular file";
    }
    return "a special file (FIFO, socket or device)";
  }

  /** The exception for a foreign file, warned once per path. */
  static ForeignFileException foreign(Path p, BasicFileAttributes a, String expected) {
    return foreign(p, describe(a), expected);
  }

  /** The exception for a foreign file ({@code what}: what is there, in words), warned once per path. */
  static ForeignFileException foreign(Path p, String what, String expected) {
    String message = p + " is " + what + " where the cache expects " + expected;
    Warnings.once("disk-foreign:" + p, () -> "MemoCache: " + message
        + "; it is left alone (never opened, written through or deleted)");
    return new ForeignFileException(message);
  }
}
