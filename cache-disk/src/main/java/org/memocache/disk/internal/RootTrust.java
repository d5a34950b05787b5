package org.memocache.disk.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Whether a cache root may be trusted: whoever can write in it can forge entries (valid checksums
 * are easy to make) and plant links. A root, and each of its top-level folders, must be owned by the
 * user running this process and must not be writable by group or others, unless the sticky bit
 * stops them from replacing what they do not own. The root itself may be a symbolic link (a
 * {@code ~/.cache} on another disk) if that link is the user's own too.
 *
 * <p>Only where the file system has POSIX owners and modes ({@code unix} attribute view); elsewhere
 * the check passes.
 */
final class RootTrust {
  private static final int GROUP_OR_OTHER_WRITE = 0022;
  private static final int STICKY = 01000;

  private RootTrust() {}

  /**
   * Checks the link at {@code abs} if it is one.
   *
   * @throws IOException naming the link and its owner when it is not the current user's
   */
  static void checkLink(Path abs) throws IOException {
    if (!Files.isSymbolicLink(abs)) {
      return;
    }
    Map<String, Object> a = unix(abs);
    if (a == null) {
      return;
    }
    Integer me = currentUid();
    int uid = (Integer) a.get("uid");
    if (me != null && uid != me) {
      throw new IOException("it is a symbolic link owned by " + owner(a) + ", not by " + System.getProperty("user.name")
          + ": another user could point it anywhere");
    }
  }

  /**
   * Checks the owner and mode of the directory {@code dir} ({@code label}: how messages name it).
   *
   * @throws IOException naming the directory's owner and mode when it is not safe
   */
  static void check(Path dir, String label) throws IOException {
    Map<String, Object> a = unix(dir);
    if (a == null) {
      return;
    }
    int mode = (Integer) a.get("mode") & 07777;
    int uid = (Integer) a.get("uid");
    Integer me = currentUid();
    String problem = null;
    if (me != null && uid != me) {
      problem = "owned by another user";
    } else if ((mode & GROUP_OR_OTHER_WRITE) != 0 && (mode & STICKY) == 0) {
      problem = "writable by other users without the sticky bit";
    }
    if (problem != null) {
      throw new IOException(label + "owner " + owner(a) + ", mode " + String.format("%04o", mode) + ": " + problem
          + ", who could forge its results or plant links in it; use a directory that only you can write to"
          + " (chmod 700)");
    }
  }

  /**
   * Checks that a folder below the root (already known to be a real directory) belongs to this
   * user: below an owner-only root only this user can make folders, so another user's folder was
   * planted while the directory was open to others.
   *
   * @throws ForeignFileException naming the folder and its owner (warned once)
   */
  static void checkOwnFolder(Path dir) throws IOException {
    Integer me = currentUid();
    if (me == null || !dir.getFileSystem().supportedFileAttributeViews().contains("unix")) {
      return;
    }
    // Only the uid on the way: naming the owner costs a user-database lookup.
    if ((Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS) != me.intValue()) {
      throw SafeFiles.foreign(dir, "a directory of another user (" + owner(unix(dir)) + ")", "one of its own");
    }
  }

  private static @Nullable Map<String, Object> unix(Path p) throws IOException {
    if (!p.getFileSystem().supportedFileAttributeViews().contains("unix")) {
      return null;
    }
    return Files.readAttributes(p, "unix:mode,uid,owner", LinkOption.NOFOLLOW_LINKS);
  }

  private static String owner(@Nullable Map<String, Object> a) {
    if (a == null) {
      return "?";
    }
    Object o = a.get("owner");
    return o instanceof UserPrincipal u ? u.getName() : "uid " + a.get("uid");
  }

  private static volatile @Nullable Integer uid;

  /** The user id of this process, or {@code null} when it cannot be told (then ownership is not checked). */
  static @Nullable Integer currentUid() {
    Integer u = uid;
    if (u == null) {
      try {
        // /proc/self belongs to the process's effective user (Linux).
        u = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      } catch (IOException | RuntimeException e) {
        try {
          u = (int) new com.sun.security.auth.module.UnixSystem().getUid();
        } catch (RuntimeException | LinkageError e2) {
          return null;
        }
      }
      uid = u;
    }
    return u;
  }
}
