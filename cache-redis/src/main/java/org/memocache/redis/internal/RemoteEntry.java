package org.memocache.redis.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UTFDataFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.memocache.CacheKey;
import org.memocache.EntryInfo;
import org.memocache.MethodId;
import org.memocache.spi.ClassShape;
import org.memocache.spi.DamagedEntryException;

/**
 * The bytes of one shared entry, checked on every read exactly like a disk entry: a header naming
 * the key, the method identity and the codec, then the payload in blocks of at most
 * {@link #BLOCK} bytes, each followed by its CRC32C.
 *
 * <pre>
 * "MCS1" | header length (int) | header | CRC32C of header (int) | (block | CRC32C of block)*
 * header: method name, descriptor (UTF), version (int), fingerprint, key hi, key lo (long),
 *         codec id (UTF), codec version (int), value type (UTF), shapes (int n, n × (UTF, long)),
 *         shapes hash, created millis, compute nanos (long), args summary (UTF), payload length (long)
 * </pre>
 *
 * A value up to one block (every inline value) has a single checksum; a larger one is verified block
 * by block as it streams, so no block reaches a decoder before its checksum matched.
 *
 * @param codecId the codec that wrote the payload
 * @param shapes the shapes of the classes the payload names
 */
record RemoteEntry(CacheKey key, String codecId, int codecVersion, String valueType, List<ClassShape> shapes,
    long shapesHash, long createdMillis, long computeNanos, String argsSummary, long length) {

  /** Payload bytes per checksum: a multiple of 8, so that blocks split no array element. */
  static final int BLOCK = 1 << 20;
  private static final int MAGIC = 0x4D435331; // "MCS1"
  private static final int MAX_HEADER = 1 << 20;

  /** Thrown when stored bytes fail a checksum or are not an entry at all. */
  static final class DamagedException extends DamagedEntryException {
    private static final long serialVersionUID = 1L;

    DamagedException(String message) {
      super(message);
    }
  }

  /** The number of bytes stored for a payload of {@code length} bytes with this header. */
  long storedLength(byte[] header) {
    long blocks = (length + BLOCK - 1) / BLOCK;
    return 8 + header.length + 4 + length + 4 * blocks;
  }

  /** The entry's metadata as listings show it, {@code size} the stored bytes. */
  EntryInfo info(long size, String tier) {
    Instant created = Instant.ofEpochMilli(createdMillis);
    return new EntryInfo(key.method().name(), key.hex(), argsSummary, size, created, Duration.ofNanos(computeNanos),
        0, created, codecId, tier);
  }

  /** The encoded header (without magic, length and checksum). */
  byte[] header() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      MethodId m = key.method();
      out.writeUTF(m.name());
      out.writeUTF(m.descriptor());
      out.writeInt(m.version());
      out.writeLong(m.codeFingerprint());
      out.writeLong(key.hi());
      out.writeLong(key.lo());
      out.writeUTF(codecId);
      out.writeInt(codecVersion);
      out.writeUTF(valueType);
      out.writeInt(shapes.size());
      for (ClassShape s : shapes) {
        out.writeUTF(s.className());
        out.writeLong(s.hash());
      }
      out.writeLong(shapesHash);
      out.writeLong(createdMillis);
      out.writeLong(computeNanos);
      out.writeUTF(argsSummary.length() > 2000 ? argsSummary.substring(0, 2000) : argsSummary);
      out.writeLong(length);
    } catch (UTFDataFormatException e) {
      throw new IllegalArgumentException("a name of " + key + " is too long for a shared entry", e);
    } catch (IOException e) {
      throw new IllegalStateException(e); // in memory
    }
    return bytes.toByteArray();
  }

  /**
   * The whole stored form: magic, header and its checksum, then {@code payload} ({@link #length}
   * bytes) in checksummed blocks, read as it is sent.
   */
  InputStream stored(byte[] header, InputStream payload) {
    ByteBuffer head = ByteBuffer.allocate(12 + header.length);
    head.putInt(MAGIC).putInt(header.length).put(header).putInt(crc(header, 0, header.length));
    return new SequenceInputStream(new java.io.ByteArrayInputStream(head.array()), new Blocks(payload, length));
  }

  /**
   * Reads the header of a stored entry, checking magic and checksum; the stream is then at the
   * first payload block.
   *
   * @throws DamagedException when the bytes are not an intact entry header
   */
  static RemoteEntry readHeader(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int magic;
    int n;
    try {
      magic = data.readInt();
      n = data.readInt();
    } catch (EOFException e) {
      throw new DamagedException("shorter than an entry header");
    }
    if (magic != MAGIC) {
      throw new DamagedException("not a shared entry (magic " + Integer.toHexString(magic) + ")");
    }
    if (n < 0 || n > MAX_HEADER) {
      throw new DamagedException("header length " + n + " out of range");
    }
    byte[] header = new byte[n];
    try {
      data.readFully(header);
      if (data.readInt() != crc(header, 0, n)) {
        throw new DamagedException("header checksum mismatch");
      }
    } catch (EOFException e) {
      throw new DamagedException("header cut short");
    }
    DataInputStream h = new DataInputStream(new java.io.ByteArrayInputStream(header));
    MethodId m = new MethodId(h.readUTF(), h.readUTF(), h.readInt(), h.readLong());
    CacheKey key = new CacheKey(m, h.readLong(), h.readLong());
    String codecId = h.readUTF();
    int codecVersion = h.readInt();
    String valueType = h.readUTF();
    int count = h.readInt();
    if (count < 0 || count > n) {
      throw new DamagedException("shape count " + count + " out of range");
    }
    List<ClassShape> shapes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      shapes.add(new ClassShape(h.readUTF(), h.readLong()));
    }
    return new RemoteEntry(key, codecId, codecVersion, valueType, List.copyOf(shapes), h.readLong(), h.readLong(),
        h.readLong(), h.readUTF(), h.readLong());
  }

  /** Reads the next block of at most {@link #BLOCK} bytes and checks it; {@code index} names it in errors. */
  static int readBlock(InputStream in, byte[] into, int size, long index) throws IOException {
    int got = in.readNBytes(into, 0, size);
    byte[] sum = in.readNBytes(4);
    if (got < size || sum.length < 4) {
      throw new DamagedException("payload cut short in block " + index);
    }
    int expected = ByteBuffer.wrap(sum).getInt();
    if (expected != crc(into, 0, size)) {
      throw new DamagedException("checksum mismatch in block " + index);
    }
    return size;
  }

  /** Reads and verifies the whole payload into one read-only little-endian buffer. */
  ByteBuffer readPayload(InputStream in) throws IOException {
    if (length > Integer.MAX_VALUE - 16) {
      throw new IOException("a payload of " + length + " bytes does not fit one buffer");
    }
    byte[] all = new byte[(int) length];
    byte[] block = new byte[(int) Math.min(BLOCK, length)];
    long done = 0;
    for (long i = 0; done < length; i++) {
      int size = (int) Math.min(BLOCK, length - done);
      readBlock(in, block, size, i);
      System.arraycopy(block, 0, all, (int) done, size);
      done += size;
    }
    return ByteBuffer.wrap(all).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Hands the payload to {@code sink} block by block, each verified before it is handed over. */
  void streamPayload(InputStream in, BlockSink sink) throws IOException {
    byte[] block = new byte[(int) Math.min(BLOCK, Math.max(length, 1))];
    long done = 0;
    for (long i = 0; done < length; i++) {
      int size = (int) Math.min(BLOCK, length - done);
      readBlock(in, block, size, i);
      sink.accept(ByteBuffer.wrap(block, 0, size).slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
      done += size;
    }
  }

  /** Receives verified payload blocks. */
  interface BlockSink {
    void accept(ByteBuffer block) throws IOException;
  }

  static int crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return (int) c.getValue();
  }

  @Override
  public String toString() {
    return key + " (" + codecId + " v" + codecVersion + ", " + length + " bytes)";
  }

  /** A payload stream turned into checksummed blocks as it is read. */
  private static final class Blocks extends InputStream {
    private final InputStream payload;
    private long left;
    private final byte[] block;
    private int pos;
    private int end;

    Blocks(InputStream payload, long length) {
      this.payload = payload;
      this.left = length;
      this.block = new byte[(int) Math.min(BLOCK, length) + 4];
    }

    private boolean fill() throws IOException {
      if (pos < end) {
        return true;
      }
      if (left == 0) {
        return false;
      }
      int size = (int) Math.min(BLOCK, left);
      int got = payload.readNBytes(block, 0, size);
      if (got < size) {
        throw new EOFException("payload ended after " + (got + 0L) + " of " + size + " bytes of a block");
      }
      ByteBuffer.wrap(block, size, 4).putInt(crc(block, 0, size));
      left -= size;
      pos = 0;
      end = size + 4;
      return true;
    }

    @Override
    public int read() throws IOException {
      return fill() ? block[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(len, end - pos);
      System.arraycopy(block, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public void close() throws IOException {
      payload.close();
    }
  }

}
