package org.memocache.disk.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/**
 * The MapDB index of entry metadata ({@code index/index.db}), used only by the maintainer, which
 * holds {@code locks/maintenance.lock} while it is open: MapDB is single-process, and its first open
 * in a JVM costs about half a second of class loading. Never on the hot path, never at start-up.
 *
 * <p>Transactions are on (a crash mid-commit rolls back), fsync is off: the index is derived data,
 * and a damaged one is deleted and rebuilt from the entry headers.
 */
final class Index implements Closeable {
  static final String FILE = "index.db";
  private static final String LAST_FULL_SCAN = "lastFullScan";

  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final Path dir;
  private final DB db;
  private final NavigableMap<byte[], byte[]> entries;
  private final NavigableMap<String, Long> journals;
  private final NavigableMap<String, Long> meta;
  private final boolean fresh;

  private Index(Path dir, DB db, boolean fresh) {
    this.dir = dir;
    this.db = db;
    this.fresh = fresh;
    this.entries = db.treeMap("entries", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createOrOpen();
    this.journals = db.treeMap("journals", Serializer.STRING, Serializer.LONG).createOrOpen();
    this.meta = db.treeMap("meta", Serializer.STRING, Serializer.LONG).createOrOpen();
  }

  /**
   * Opens (or creates) the index in {@code dir}.
   *
   * @throws IOException when the index exists but MapDB cannot open it (damaged)
   */
  static Index open(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    // MapDB follows links and opens whatever is there: only regular files of ours may be.
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, FILE + "*")) {
      for (Path p : s) {
        SafeFiles.regularFile(p);
      }
    }
    boolean fresh = SafeFiles.attributes(file) == null;
    DB db;
    try {
      db = DBMaker.fileDB(file.toFile()).transactionEnable().fileChannelEnable().fileLockDisable()
          .fileSyncDisable().make();
    } catch (RuntimeException | Error e) {
      throw new IOException("index " + file + " cannot be opened: " + e, e);
    }
    try {
      Index index = new Index(dir, db, fresh);
      ownerOnly(dir);
      return index;
    } catch (RuntimeException | Error e) {
      db.close();
      throw new IOException("index " + file + " is damaged: " + e, e);
    }
  }

  /**
   * MapDB creates its files as the umask says (often {@code 0644}); the index, like everything in the
   * cache, is owner-only.
   */
  private static void ownerOnly(Path dir) throws IOException {
    if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, FILE + "*")) {
      for (Path p : s) {
        if (SafeFiles.isRegularFile(p) && !Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).equals(OWNER_ONLY)) {
          Files.setPosixFilePermissions(p, OWNER_ONLY);
        }
      }
    }
  }

  /** Deletes the index files (the index is rebuilt from entry headers). */
  static void delete(Path dir) throws IOException {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, FILE + "*")) {
      for (Path p : s) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Whether the index was created by this open (so it must be filled by a scan). */
  boolean fresh() {
    return fresh;
  }

  IndexRecord get(byte[] key) {
    byte[] v = entries.get(key);
    return v == null ? null : IndexRecord.decode(v);
  }

  void put(byte[] key, IndexRecord r) {
    entries.put(key, r.encode());
  }

  boolean remove(byte[] key) {
    return entries.remove(key) != null;
  }

  /** All entries, in key order. Not a snapshot: do not modify while iterating. */
  Iterable<Map.Entry<byte[], byte[]>> entries() {
    return entries.entrySet();
  }

  int size() {
    return entries.size();
  }

  long journalOffset(String name) {
    return journals.getOrDefault(name, 0L);
  }

  void journalOffset(String name, long offset) {
    journals.put(name, offset);
  }

  void forgetJournal(String name) {
    journals.remove(name);
  }

  Iterable<String> journalNames() {
    return journals.keySet();
  }

  long lastFullScan() {
    return meta.getOrDefault(LAST_FULL_SCAN, 0L);
  }

  void lastFullScan(long millis) {
    meta.put(LAST_FULL_SCAN, millis);
  }

  void commit() {
    db.commit();
  }

  @Override
  public void close() {
    if (!db.isClosed()) {
      db.close();
    }
    try {
      ownerOnly(dir); // and the files MapDB made since the open (its write-ahead log)
    } catch (IOException e) {
      // The folder is owner-only anyway.
    }
  }
}
