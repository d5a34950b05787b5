package org.memocache.disk.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.memocache.CacheKey;
import org.memocache.spi.ClassShape;
import org.memocache.spi.EncodedEntry;
import org.memocache.spi.Tier;

/**
 * Writes one entry: the payload into a fresh tmp file (payload first, then the checksum table, then the
 * header at offset 0), fsync when durable, and publish with an atomic rename that replaces any
 * previous entry of the key. Readers therefore see the old entry, the new one, or none; never part
 * of one. On any failure the tmp file is deleted.
 */
final class EntryWriter {

  /** Tmp files being written by this JVM: the maintainer must not take them for orphans. */
  static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();

  private final Layout layout;
  private final boolean durable;

  EntryWriter(Layout layout, boolean durable) {
    this.layout = layout;
    this.durable = durable;
  }

  /** What was published. */
  record Written(Path file, EntryHeader header) {}

  /**
   * Writes {@code encoded} and publishes it as the entry of {@code key}.
   *
   * @throws org.memocache.spi.UnstorableValueException from the payload writer, after the tmp file
   *     was deleted
   */
  Written write(CacheKey key, EncodedEntry encoded) throws IOException {
    Path entry = layout.entryFile(key);
    return write(key, entry, () -> layout.prepareEntryDir(key, entry), encoded);
  }

  /** Makes the directory a file is published into. */
  interface Prepare {
    void run() throws IOException;
  }

  /**
   * As {@link #write(CacheKey, EncodedEntry)}, publishing to
   * {@code target} (a chunk or checkpoint of a progressive computation) with {@code key} in the
   * header, after {@code prepare} made its directory.
   */
  Written write(CacheKey key, Path target, Prepare prepare, EncodedEntry encoded) throws IOException {
    Tier.Metadata m = encoded.metadata();
    EntryHeader header = EntryHeader.forWrite(key, m.created().toEpochMilli(), m.computeTime().toNanos(),
        encoded.codecId(), encoded.codecVersion(), m.argsSummary(), encoded.valueType());
    Path entry = target;
    Path tmp = layout.tmpFile(key);
    IN_FLIGHT.add(tmp);
    boolean published = false;
    try {
      layout.safe.parents(tmp);
      try (FileChannel ch = layout.safe.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          layout.ownerOnlyFile())) {
        BlockWriter payload = new BlockWriter(ch, header.payloadOffset(), header.blockSize());
        boolean inMemory;
        List<ClassShape> written;
        try {
          written = encoded.writePayload(payload);
          inMemory = payload.finish();
        } finally {
          payload.close(); // waits for writes behind before the channel is closed
        }
        byte[] table = payload.table();
        header = header.complete(payload.length(), header.checksum().of(table, 0, table.length), written,
            !inMemory);
        if (inMemory) {
          // A small entry: the whole file in one write (zero padding included).
          byte[] file = new byte[(int) header.fileLength()];
          byte[] head = header.encode();
          System.arraycopy(head, 0, file, 0, head.length);
          System.arraycopy(payload.buffer(), 0, file, (int) header.payloadOffset(), (int) header.payloadLength());
          System.arraycopy(table, 0, file, (int) header.tableOffset(), table.length);
          writeFully(ch, ByteBuffer.wrap(file), 0);
        } else {
          writeFully(ch, ByteBuffer.wrap(table), header.tableOffset());
          writeFully(ch, ByteBuffer.wrap(header.encode()), 0);
          // Zero the bytes between header and payload, and between payload and table: a sparse hole
          // reads as zero too, but an explicit write keeps the file's bytes fully defined.
          long gap = header.payloadOffset() - header.headerLength();
          if (gap > 0) {
            writeFully(ch, ByteBuffer.allocate((int) gap), header.headerLength());
          }
          long tail = header.tableOffset() - header.payloadOffset() - header.payloadLength();
          if (tail > 0) {
            writeFully(ch, ByteBuffer.allocate((int) tail), header.payloadOffset() + header.payloadLength());
          }
          if (ch.size() != header.fileLength()) {
            throw new IOException("wrote " + ch.size() + " bytes, expected " + header.fileLength());
          }
        }
        if (durable) {
          ch.force(false);
        }
      }
      prepare.run();
      try {
        layout.safe.move(tmp, entry);
      } catch (NoSuchFileException e) {
        // The entry's directory was removed after it was checked: check (and recreate) it once more.
        layout.safe.forget(entry);
        prepare.run();
        layout.safe.move(tmp, entry);
      }
      published = true;
      if (durable) {
        forceDirectory(entry.getParent());
      }
      return new Written(entry, header);
    } finally {
      if (!published) {
        try {
          layout.safe.delete(tmp);
        } catch (IOException e) {
          // The maintainer removes it later; the original failure is what matters.
        }
      }
      IN_FLIGHT.remove(tmp);
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    while (b.hasRemaining()) {
      at += ch.write(b, at);
    }
  }

  /** Makes a rename in {@code dir} durable (Linux and macOS allow fsync on a directory). */
  static void forceDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Windows cannot open directories; there the rename is as durable as the file system makes it.
    }
  }
}
