package org.memocache.agent.internal;

import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hashing;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Woven class files from earlier runs, so that a job started again does not weave again. Weaving is
 * what the agent's start-up costs: Byte Buddy's first use loads and verifies some 830 classes (half
 * a second and more on a busy machine), while this cache makes a later start read one small file
 * per memoized class and never load Byte Buddy at all.
 *
 * <p>An entry is keyed by a 128-bit hash of everything the woven bytes depend on: the original class
 * file, the agent build (jar size and time), the {@code fingerprint} option and the {@code methods=}
 * selectors naming the class. It holds the woven bytes (or "unchanged") and the {@link WeaveRecord}
 * of declarations and messages to repeat, and the classes the woven methods' code fingerprints
 * depend on (their callees in other classes, and the libraries they call) with a digest of them:
 * the woven bytes carry those fingerprints as constants, so the agent takes an entry only after
 * {@link MethodFingerprints#digest} of those classes, as the class loader finds them now, still
 * matches (reading them again, not parsing them). Entries are written to a temporary file and moved
 * into place, and carry a checksum; anything unreadable is a miss.
 *
 * <p>These files are code the JVM will run, so they never live in a (possibly shared) cache
 * directory of results: the default is the user's own {@code ~/.cache/memocache-agent}, created
 * owner-only, and a directory that other users could write to is refused (with a warning), which
 * turns the cache off.
 */
public final class WeaveCache {
  private static final int MAGIC = 0x4d435756; // "MCWV"
  private static final int FORMAT = 2;

  private final Path dir;
  private final String build;

  private WeaveCache(Path dir, String build) {
    this.dir = dir;
    this.build = build;
  }

  /**
   * The cache in {@code root} for this agent build, or {@code null} (after a warning) when the
   * directory cannot be used safely.
   *
   * @param build identifies the agent build; entries of other builds are never read
   */
  public static @Nullable WeaveCache open(Path root, String build, AgentLog log) {
    try {
      Path dir = root.resolve(Long.toHexString(Hashing.xxh3_64().hashCharsToLong(build)));
      createPrivate(root);
      createPrivate(dir);
      return new WeaveCache(dir, build);
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      log.warnOnce("weavecache:" + root, () -> "MemoCache agent: not caching woven classes in " + root
          + " (" + e.getMessage() + "); every start weaves again (weavecache=off silences this)");
      return null;
    }
  }

  private static void createPrivate(Path dir) throws IOException {
    try {
      // A bare relative name (weavecache=wc) has no parent: it lives in the working directory.
      Path parent = dir.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (FileAlreadyExistsException e) {
      // checked below
    } catch (UnsupportedOperationException e) {
      Files.createDirectories(dir); // not POSIX: rely on the platform's defaults for the user's home
      return;
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(dir + " is not a directory");
    }
    String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
    if (!owner.equals(System.getProperty("user.name"))) {
      throw new IOException(dir + " belongs to " + owner);
    }
    Set<PosixFilePermission> p = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
    if (p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new IOException(dir + " is writable by other users");
    }
  }

  /** The key of a class as the agent would weave it now. */
  public String key(String className, byte[] classFile, String weavingOptions) {
    HashValue128 h = Hashing.xxh3_128().hashStream()
        .putString(build).putString(weavingOptions).putString(className).putByteArray(classFile).get();
    return String.format("%016x%016x", h.getMostSignificantBits(), h.getLeastSignificantBits());
  }

  /** The cached weaving of {@code key}, or {@code null} when there is none (or it is unreadable). */
  public @Nullable WeaveRecord get(String key) {
    byte[] data;
    try {
      data = Files.readAllBytes(dir.resolve(key + ".woven"));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      return null; // unreadable: weave again
    }
    if (data.length < 8) {
      return null;
    }
    long stored = 0;
    for (int i = data.length - 8; i < data.length; i++) {
      stored = (stored << 8) | (data[i] & 0xff);
    }
    if (Hashing.xxh3_64().hashBytesToLong(data, 0, data.length - 8) != stored) {
      return null;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 0, data.length - 8))) {
      if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
        return null;
      }
      int length = in.readInt();
      byte[] bytes = length < 0 ? null : in.readNBytes(length);
      List<String> defined = strings(in);
      List<String> infos = strings(in);
      List<String> warnings = strings(in);
      List<String> dependencies = strings(in);
      return new WeaveRecord(bytes, defined, infos, warnings, dependencies, in.readLong());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Stores {@code record} under {@code key}; a failure only means the next start weaves again. */
  public void put(String key, WeaveRecord record) {
    try {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(buf)) {
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        byte[] bytes = record.bytes();
        out.writeInt(bytes == null ? -1 : bytes.length);
        if (bytes != null) {
          out.write(bytes);
        }
        strings(out, record.defined());
        strings(out, record.infos());
        strings(out, record.warnings());
        strings(out, record.dependencies());
        out.writeLong(record.dependencyDigest());
        byte[] body = buf.toByteArray();
        out.writeLong(Hashing.xxh3_64().hashBytesToLong(body));
      }
      Path tmp = dir.resolve(key + "." + ProcessHandle.current().pid() + "."
          + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
      Files.write(tmp, buf.toByteArray());
      try {
        Files.move(tmp, dir.resolve(key + ".woven"), StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir.resolve(key + ".woven"), StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException | RuntimeException e) {
      // The cache is an optimisation: the class was woven and is used either way.
    }
  }

  private static void strings(DataOutputStream out, List<String> strings) throws IOException {
    out.writeInt(strings.size());
    for (String s : strings) {
      byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      out.writeInt(b.length);
      out.write(b);
    }
  }

  private static List<String> strings(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 100_000) {
      throw new IOException("bad count " + n);
    }
    List<String> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int len = in.readInt();
      if (len < 0 || len > in.available()) {
        throw new IOException("bad length " + len);
      }
      list.add(new String(in.readNBytes(len), java.nio.charset.StandardCharsets.UTF_8));
    }
    return list;
  }

  /** The directory of this build's entries. */
  Path directory() {
    return dir;
  }
}
