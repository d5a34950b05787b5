package org.memocache.disk.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.memocache.CacheKey;
import org.memocache.MethodId;

/**
 * The directory layout of a cache root, and its creation:
 *
 * <pre>
 * MEMOCACHE                               marker with the format version
 * entries/&lt;m&gt;/METHOD                      the method's identity, for listing by name
 * entries/&lt;m&gt;/CHANGES_INPUT               present when the method was seen changing its arguments
 * entries/&lt;m&gt;/&lt;kk&gt;/&lt;key&gt;.memo             published entries
 * tmp/&lt;m&gt;-&lt;key&gt;.&lt;proc&gt;.&lt;n&gt;.tmp           entries being written
 * locks/&lt;kk&gt;/&lt;key&gt;.lock                  key locks
 * locks/maintenance.lock                  the maintainer's lock
 * index/                                  MapDB index and journals
 * partial/                                progressive computations
 * </pre>
 *
 * Everything the tier creates is owner-only. The root is resolved to its real path once, at open
 * (so two spellings of one directory share the in-JVM lock table); below it nothing is followed
 * through a link ({@link SafeFiles}). Path building avoids {@code String.format} and caches the
 * per-method directory: it is on the hit path.
 */
final class Layout {
  static final String MARKER = "MEMOCACHE";
  static final int FORMAT = 1;
  static final String ENTRY_SUFFIX = ".memo";
  static final String TMP_SUFFIX = ".tmp";
  static final String LOCK_SUFFIX = ".lock";
  static final String METHOD_FILE = "METHOD";
  static final String CHANGES_FILE = "CHANGES_INPUT";
  private static final Set<String> OWN_NAMES = Set.of(MARKER, "entries", "tmp", "locks", "index", "partial");

  final Path root;
  final Path entries;
  final Path tmp;
  final Path locks;
  final Path index;
  final Path partial;
  final Path maintenanceLock;
  /** When the last completed maintenance run began (see {@link Maintainer#lastRunStarted()}). */
  final Path maintained;
  final SafeFiles safe;
  private final boolean posix;
  private final Map<MethodId, Path> methodDirs = new ConcurrentHashMap<>();
  private final Set<MethodId> methodFilesWritten = ConcurrentHashMap.newKeySet();
  private final AtomicLong tmpSeq = new AtomicLong();

  private Layout(Path root, boolean posix, DiskFileSystem fs) {
    this.root = root;
    this.entries = root.resolve("entries");
    this.tmp = root.resolve("tmp");
    this.locks = root.resolve("locks");
    this.index = root.resolve("index");
    this.partial = root.resolve("partial");
    this.maintenanceLock = locks.resolve("maintenance" + LOCK_SUFFIX);
    this.maintained = index.resolve("maintained");
    this.safe = new SafeFiles(root, fs);
    this.posix = posix;
  }

  /**
   * Opens the cache at {@code root}, creating it (owner-only) if it does not exist. A directory that
   * is read-only is opened as it is: reads work, writes will fail and say so. The root may be a
   * symbolic link of this user's; it is resolved once, here.
   *
   * @throws IOException naming the directory when it is not a directory, is a non-empty directory
   *     without a {@code MEMOCACHE} marker, has a marker of a newer format, cannot be created, or is
   *     not safe (see {@link RootTrust}: another user's, or writable by others)
   */
  static Layout open(Path root, DiskFileSystem fs) throws IOException {
    Path abs = root.toAbsolutePath().normalize();
    boolean posix = abs.getFileSystem().supportedFileAttributeViews().contains("posix");
    RootTrust.checkLink(abs);
    if (Files.exists(abs) && !Files.isDirectory(abs)) {
      throw new IOException("cache directory " + abs + " exists and is not a directory");
    }
    if (!Files.exists(abs)) {
      // The user's own link to a directory yet to be made (a cache on another disk) is made through.
      Path target = Files.isSymbolicLink(abs) ? abs.resolveSibling(Files.readSymbolicLink(abs)).normalize() : abs;
      createDirectories(target, posix);
    }
    Path real = abs.toRealPath();
    RootTrust.check(real, "");
    Layout l = new Layout(real, posix, fs);
    for (Path d : l.ownDirectories()) {
      if (SafeFiles.isDirectory(d)) {
        RootTrust.check(d, "its " + d.getFileName() + "/ has ");
      }
    }
    Path marker = real.resolve(MARKER);
    if (SafeFiles.attributes(marker) != null) {
      l.checkMarker(marker);
    } else {
      l.refuseForeignDirectory();
      try {
        l.writeAtomically(marker, ("MemoCache cache directory\nformat=" + FORMAT + "\n")
            .getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new IOException("cannot initialise cache directory " + real + ": " + e.getMessage(), e);
      }
    }
    for (Path d : l.ownDirectories()) {
      try {
        l.createDirectory(d);
      } catch (ForeignFileException e) {
        // Warned; whatever needs it fails (a store, a lock) and the rest still works.
      } catch (IOException e) {
        // A read-only cache (shared, or on a read-only mount) still serves what it has.
        if (!(e instanceof AccessDeniedException) && !Faults.isReadOnly(e)) {
          throw e;
        }
      }
    }
    return l;
  }

  private Path[] ownDirectories() {
    return new Path[] {entries, tmp, locks, index, partial};
  }

  private void checkMarker(Path marker) throws IOException {
    String text = new String(SafeFiles.readSmall(marker, 4096), StandardCharsets.UTF_8);
    int format = -1;
    for (String line : text.split("\n")) {
      if (line.startsWith("format=")) {
        try {
          format = Integer.parseInt(line.substring("format=".length()).trim());
        } catch (NumberFormatException e) {
          format = -1;
        }
      }
    }
    if (format < 1) {
      throw new IOException(marker + " is not a MemoCache marker (no format line)");
    }
    if (format > FORMAT) {
      throw new IOException("cache directory " + root + " has format " + format
          + ", written by a newer MemoCache; this version reads format " + FORMAT);
    }
  }

  private void refuseForeignDirectory() throws IOException {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(root)) {
      for (Path p : s) {
        String name = p.getFileName().toString();
        if (!OWN_NAMES.contains(name) && !name.startsWith(MARKER + ".")) {
          throw new IOException("cache directory " + root + " is not empty (it holds " + name
              + ") and has no " + MARKER + " marker; point the cache at a new or empty directory");
        }
      }
    }
  }

  boolean posix() {
    return posix;
  }

  /** {@code entries/<m>}. */
  Path methodDir(MethodId method) {
    Path d = methodDirs.get(method);
    if (d == null) {
      d = entries.resolve(Hex.of(method.id()));
      methodDirs.put(method, d);
    }
    return d;
  }

  /** {@code entries/<m>/<kk>/<key>.memo}. */
  Path entryFile(CacheKey key) {
    String hex = Hex.of(key.hi(), key.lo());
    return methodDir(key.method()).resolve(hex.substring(0, 2) + "/" + hex + ENTRY_SUFFIX);
  }

  /** {@code entries/<m>/<kk>/<key>.memo} from the parts stored in the index. */
  Path entryFile(long methodHash, long hi, long lo) {
    String hex = Hex.of(hi, lo);
    return entries.resolve(Hex.of(methodHash) + "/" + hex.substring(0, 2) + "/" + hex + ENTRY_SUFFIX);
  }

  /** {@code locks/<kk>/<key>.lock}. */
  Path lockFile(CacheKey key) {
    String hex = Hex.of(key.hi(), key.lo());
    return locks.resolve(hex.substring(0, 2) + "/" + hex + LOCK_SUFFIX);
  }

  /** A fresh {@code tmp/<m>-<key>.<proc>.<n>.tmp} for this process. */
  Path tmpFile(CacheKey key) {
    return tmp.resolve(Hex.of(key.method().id()) + "-" + Hex.of(key.hi(), key.lo()) + "."
        + ProcessIdentity.CURRENT.token() + "." + tmpSeq.incrementAndGet() + TMP_SUFFIX);
  }

  /** The writer token of a tmp file name, or {@code null} when the name is not one of ours. */
  static @Nullable String tmpToken(String fileName) {
    if (!fileName.endsWith(TMP_SUFFIX)) {
      return null;
    }
    String[] p = fileName.substring(0, fileName.length() - TMP_SUFFIX.length()).split("\\.");
    return p.length == 3 ? p[1] : null;
  }

  /**
   * Makes sure the directory for {@code entry} exists, and that its method directory has a
   * {@code METHOD} file naming the method. Never creates the root or {@code entries/}: if those are
   * gone the cache was deleted, and writing fails.
   */
  void prepareEntryDir(CacheKey key, Path entry) throws IOException {
    prepareMethodDir(key.method());
    safe.directory(entry.getParent(), entries, dirAttributes());
  }

  /**
   * Makes sure {@code entries/<m>} exists with its {@code METHOD} file. Never creates the root or
   * {@code entries/}.
   */
  Path prepareMethodDir(MethodId id) throws IOException {
    Path m = methodDir(id);
    safe.directory(m, entries, dirAttributes());
    if (methodFilesWritten.add(id) && SafeFiles.attributes(m.resolve(METHOD_FILE)) == null) {
      String text = "name=" + escape(id.name()) + "\ndescriptor=" + escape(id.descriptor()) + "\nversion="
          + id.version() + "\nfingerprint=" + Hex.of(id.codeFingerprint()) + "\n";
      writeAtomically(m.resolve(METHOD_FILE), text.getBytes(StandardCharsets.UTF_8));
    }
    return m;
  }

  /** {@code entries/<m>/CHANGES_INPUT}: the verdict that the method changes its arguments. */
  Path changesFile(MethodId id) {
    return methodDir(id).resolve(CHANGES_FILE);
  }

  /** {@code partial/<key>}: the recorded progress of a progressive computation. */
  Path partialDir(CacheKey key) {
    return partial.resolve(Hex.of(key.hi(), key.lo()));
  }

  /**
   * The {@code key=value} lines of a small text file written by {@link #writeAtomically} (a
   * {@code METHOD} or {@code PARTIAL} file), unescaped; empty when it is missing or unreadable.
   */
  static java.util.Map<String, String> readProperties(Path file) {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    try {
      for (String line : new String(SafeFiles.readSmall(file, 1 << 20), StandardCharsets.UTF_8).split("\n")) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          out.put(line.substring(0, eq), unescape(line.substring(eq + 1)));
        }
      }
    } catch (IOException e) {
      return java.util.Map.of();
    }
    return out;
  }

  /**
   * The method identity from a {@code METHOD} or {@code PARTIAL} file, or {@code null} when it is
   * missing or malformed.
   */
  static @Nullable MethodId methodId(Path file) {
    java.util.Map<String, String> p = readProperties(file);
    try {
      String name = p.get("name");
      if (name == null || name.isBlank()) {
        return null;
      }
      return new MethodId(name, p.getOrDefault("descriptor", ""), Integer.parseInt(p.getOrDefault("version", "0")),
          Hex.parse16(p.getOrDefault("fingerprint", "0000000000000000")));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The argument summary in a partial directory's {@code PARTIAL} file, or {@code ""}. */
  static String partialArgs(Path dir) {
    return readProperties(dir.resolve(PartialStore.INFO)).getOrDefault("args", "");
  }

  /**
   * Opens an existing cache directory without creating anything: for tools that inspect a cache
   * and must not turn a mistyped path into a new, empty cache.
   *
   * @throws IOException naming the directory when it does not exist, is not a directory, has no
   *     {@code MEMOCACHE} marker, or has a newer format
   */
  static Layout openExisting(Path root) throws IOException {
    Path abs = root.toAbsolutePath().normalize();
    if (!Files.exists(abs)) {
      throw new NoSuchFileException(abs.toString(), null, "no such cache directory");
    }
    if (!Files.isDirectory(abs)) {
      throw new IOException(abs + " is not a directory");
    }
    abs = abs.toRealPath();
    Path marker = abs.resolve(MARKER);
    if (SafeFiles.attributes(marker) == null) {
      throw new IOException(abs + " is not a MemoCache directory (it has no " + MARKER + " marker)");
    }
    Layout l = new Layout(abs, abs.getFileSystem().supportedFileAttributeViews().contains("posix"),
        DiskFileSystem.SYSTEM);
    l.checkMarker(marker);
    return l;
  }

  /** Reads the method name from {@code entries/<m>/METHOD}, or {@code null} when it has none. */
  static @Nullable String methodName(Path methodDir) {
    String name = readProperties(methodDir.resolve(METHOD_FILE)).get("name");
    return name == null || name.isEmpty() ? null : name;
  }

  /** Makes the parent directory of a lock file. */
  void prepareLockDir(Path lockFile) throws IOException {
    safe.directory(lockFile.getParent(), locks, dirAttributes());
  }

  /** Writes a small file via a tmp file and an atomic rename, owner-only. */
  void writeAtomically(Path target, byte[] content) throws IOException {
    Path t = target.resolveSibling(target.getFileName() + "." + ProcessIdentity.CURRENT.token() + "."
        + tmpSeq.incrementAndGet() + TMP_SUFFIX);
    safe.parents(target);
    try {
      try (FileChannel ch = safe.open(t, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          ownerOnlyFile())) {
        ByteBuffer b = ByteBuffer.wrap(content);
        while (b.hasRemaining()) {
          ch.write(b);
        }
      }
      safe.move(t, target);
    } finally {
      safe.delete(t);
    }
  }

  /**
   * Creates one directory below the root, owner-only; an existing one is fine, one that is a link or
   * not a directory is foreign ({@link ForeignFileException}).
   */
  void createDirectory(Path dir) throws IOException {
    safe.directory(dir, root, dirAttributes());
  }

  private FileAttribute<?>[] dirAttributes() {
    return posix ? new FileAttribute<?>[] {ownerOnlyDir()} : new FileAttribute<?>[0];
  }

  /** Creates the root and its missing parents, owner-only. */
  private static void createDirectories(Path dir, boolean posix) throws IOException {
    Path parent = dir.getParent();
    if (parent != null && !Files.exists(parent)) {
      createDirectories(parent, posix);
    }
    try {
      if (posix) {
        Files.createDirectory(dir, ownerOnlyDir());
      } else {
        Files.createDirectory(dir);
      }
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }

  /** File attributes for files the tier creates. */
  FileAttribute<?>[] ownerOnlyFile() {
    if (!posix) {
      return new FileAttribute<?>[0];
    }
    return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(Set.of(
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE))};
  }

  private static FileAttribute<Set<PosixFilePermission>> ownerOnlyDir() {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  }

  static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n");
  }

  static String unescape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        sb.append(n == 'n' ? '\n' : n);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
