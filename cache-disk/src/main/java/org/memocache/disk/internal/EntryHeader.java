package org.memocache.disk.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.memocache.CacheKey;
import org.memocache.MethodId;
import org.memocache.internal.codec.EntryCodec;
import org.memocache.internal.codec.Shapes;
import org.memocache.spi.ClassShape;

/**
 * The header of an entry file, format version 3 (all little-endian; see {@code docs/disk.md}):
 *
 * <pre>
 *  0  8  magic 89 4D 45 4D 4F 0D 0A 1A
 *  8  2  format version
 * 10  2  flags (0)
 * 12  4  header length H, including the trailing checksum
 * 16  8  key hi        24  8  key lo        32  8  method id hash
 * 40  8  created (epoch ms)                 48  8  compute time (ns)
 * 56  8  payload offset P = align64(H)      64  8  payload length L
 * 72  4  block size B                       76  4  codec version
 * 80  8  CRC32C of the block checksum table (u64, high 32 bits zero)
 * 88  ...  codec id, method name, descriptor (u16 length + UTF-8 each), method version (i32),
 *          code fingerprint (i64), argument summary, value class (u16 length + UTF-8 each),
 *          shapes hash (i64), shape count n (u16), n × (class name (u16 length + UTF-8), shape (i64)),
 *          reserve length R (u16), R zero bytes
 * H-8 8  CRC32C of bytes [0, H-8) (u64, high 32 bits zero)
 * </pre>
 *
 * followed by zero padding to P, the payload, zero padding to a multiple of 8, and the table of
 * {@code ceil(L/B)} block checksums, CRC32C of each block in a 4-byte slot (u32). The file length is
 * exactly {@link #fileLength()}.
 *
 * <p>Format 2 has the same layout with XXH3-64 in place of every CRC32C and 8-byte table slots
 * ({@link Format2}); it is decoded only when asked for ({@code format2}: verify, listings).
 * CRC32C is computed by a JVM intrinsic in every execution mode; it detects random damage (any
 * burst of up to 32 bits, other damage with probability 1 − 2^-32 per block), not an adversary:
 * anyone who can write the directory can write valid checksums, and the allow-list and the decoding
 * limits are the defence there.
 *
 * @param formatVersion the format version (3, or 2 for an old entry being verified or listed)
 * @param headerLength H
 * @param keyHi the key's high 64 bits
 * @param keyLo the key's low 64 bits
 * @param methodHash {@link MethodId#id()}
 * @param createdMillis when the value was computed
 * @param computeNanos how long it took
 * @param payloadLength L
 * @param blockSize B
 * @param codecVersion the codec's layout version
 * @param tableHash the checksum of the checksum table
 * @param codecId the codec id
 * @param methodName the method's cache name
 * @param methodDescriptor the method's descriptor
 * @param methodVersion the method's version
 * @param codeFingerprint the method's bytecode fingerprint
 * @param argsSummary the argument summary
 * @param valueType the value's class name ({@code ""} for {@code null})
 * @param shapesHash {@link Shapes#hash} of the shapes of the classes the codec wrote ({@link Shapes#NONE}:
 *     none, or a codec other than Kryo)
 * @param shapes those shapes, sorted by class name; empty when there are none or when they did not
 *     fit the header (then only {@code shapesHash} is checked, after decoding)
 */
public record EntryHeader(
    int formatVersion,
    int headerLength,
    long keyHi,
    long keyLo,
    long methodHash,
    long createdMillis,
    long computeNanos,
    long payloadLength,
    int blockSize,
    int codecVersion,
    long tableHash,
    String codecId,
    String methodName,
    String methodDescriptor,
    int methodVersion,
    long codeFingerprint,
    String argsSummary,
    String valueType,
    long shapesHash,
    List<ClassShape> shapes) {

  /** The magic number: {@code \x89MEMO\r\n\x1a}. */
  public static final long MAGIC = 0x1a0a0d4f4d454d89L;
  /** The format this code writes and reads. */
  public static final int FORMAT_VERSION = 3;
  /** Bytes of the fixed part of the header. */
  public static final int FIXED = 88;
  /** Largest header accepted. */
  public static final int MAX_HEADER = 64 * 1024;
  /** Block size written by this version: 64 KiB. */
  public static final int BLOCK_SIZE = 64 * 1024;
  /** Longest argument summary stored, in UTF-8 bytes (longer ones are cut). */
  static final int MAX_SUMMARY = 1024;
  /** Most bytes of shape records stored in a header (more: only their hash). */
  static final int MAX_SHAPES = 16 * 1024;
  /**
   * Header room a payload over 1 MiB leaves for shape records: such a payload is written before the
   * classes it names are known and its offset cannot move; smaller entries are laid out afterwards.
   */
  static final int SHAPES_RESERVE = 1024;

  public EntryHeader {
    Objects.requireNonNull(codecId, "codecId");
    Objects.requireNonNull(methodName, "methodName");
    Objects.requireNonNull(methodDescriptor, "methodDescriptor");
    Objects.requireNonNull(argsSummary, "argsSummary");
    Objects.requireNonNull(valueType, "valueType");
    shapes = List.copyOf(shapes);
  }

  /** A header for writing: the payload length and table hash are filled in later ({@link #complete}). */
  static EntryHeader forWrite(CacheKey key, long createdMillis, long computeNanos, String codecId,
      int codecVersion, String argsSummary, String valueType) {
    MethodId m = key.method();
    String summary = cut(argsSummary, MAX_SUMMARY);
    String type = cut(valueType, 1024);
    int h = FIXED + 2 + utf8(codecId) + 2 + utf8(m.name()) + 2 + utf8(m.descriptor()) + 4 + 8 + 2 + utf8(summary)
        + 2 + utf8(type) + 8 + 2 + 2 + reserveFor(codecId) + 8;
    if (h > MAX_HEADER || utf8(m.name()) > 0xffff || utf8(m.descriptor()) > 0xffff || utf8(codecId) > 255) {
      throw new IllegalArgumentException("entry header of " + m + " would be " + h + " bytes, more than "
          + MAX_HEADER);
    }
    return new EntryHeader(FORMAT_VERSION, h, key.hi(), key.lo(), m.id(), createdMillis, computeNanos, 0,
        BLOCK_SIZE, codecVersion, 0, codecId, m.name(), m.descriptor(), m.version(), m.codeFingerprint(),
        summary, type, Shapes.NONE, List.of());
  }

  /**
   * The header of the written payload, with the shapes of the classes the codec wrote. When the
   * payload was already written after this header ({@code payloadWritten}: big payloads), the header
   * keeps its length and the shape records must fit {@link #SHAPES_RESERVE}; otherwise the reserve
   * is dropped. Shape records that do not fit (or take more than {@link #MAX_SHAPES}) are left out:
   * only their hash is stored.
   */
  EntryHeader complete(long payloadLength, long tableHash, List<ClassShape> written, boolean payloadWritten) {
    int extra = 0;
    for (ClassShape sh : written) {
      extra += 2 + utf8(sh.className()) + 8;
    }
    int bare = headerLength - reserveFor(codecId);
    List<ClassShape> kept = written;
    int h;
    if (payloadWritten) {
      h = headerLength;
      if (extra > reserveFor(codecId)) {
        kept = List.of();
      }
    } else {
      h = bare + extra;
      if (extra > MAX_SHAPES || h > MAX_HEADER) {
        kept = List.of();
        h = bare;
      }
    }
    return new EntryHeader(formatVersion, h, keyHi, keyLo, methodHash, createdMillis, computeNanos,
        payloadLength, blockSize, codecVersion, tableHash, codecId, methodName, methodDescriptor, methodVersion,
        codeFingerprint, argsSummary, valueType, Shapes.hash(written), kept);
  }

  /** Only entries whose payload names classes have shapes to reserve room for. */
  private static int reserveFor(String codecId) {
    return EntryCodec.namesClasses(codecId) ? SHAPES_RESERVE : 0;
  }

  /** P: where the payload starts, a multiple of 64. */
  public long payloadOffset() {
    return (headerLength + 63L) & ~63L;
  }

  /** n: the number of payload blocks. */
  public int blockCount() {
    return (int) ((payloadLength + blockSize - 1) / blockSize);
  }

  /** T: where the checksum table starts. */
  public long tableOffset() {
    return (payloadOffset() + payloadLength + 7) & ~7L;
  }

  /** The checksum of this entry's format. */
  BlockChecksum checksum() {
    return BlockChecksum.forFormat(formatVersion);
  }

  /** The exact length of a whole entry file with this header. */
  public long fileLength() {
    return tableOffset() + (long) checksum().slot() * blockCount();
  }

  /** Whether this entry is for {@code key} (the 128 bits and every part of the method identity). */
  public boolean isFor(CacheKey key) {
    MethodId m = key.method();
    return keyHi == key.hi() && keyLo == key.lo() && methodHash == m.id() && methodVersion == m.version()
        && codeFingerprint == m.codeFingerprint() && methodName.equals(m.name())
        && methodDescriptor.equals(m.descriptor());
  }

  /** The method identity stored in this header. */
  public MethodId method() {
    return new MethodId(methodName, methodDescriptor, methodVersion, codeFingerprint);
  }

  /** The 32-hex-digit key. */
  public String keyHex() {
    return Hex.of(keyHi, keyLo);
  }

  /** The header's bytes, checksum included. */
  byte[] encode() {
    byte[] out = new byte[headerLength];
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(MAGIC).putShort((short) formatVersion).putShort((short) 0).putInt(headerLength)
        .putLong(keyHi).putLong(keyLo).putLong(methodHash).putLong(createdMillis).putLong(computeNanos)
        .putLong(payloadOffset()).putLong(payloadLength).putInt(blockSize).putInt(codecVersion).putLong(tableHash);
    putString(b, codecId);
    putString(b, methodName);
    putString(b, methodDescriptor);
    b.putInt(methodVersion).putLong(codeFingerprint);
    putString(b, argsSummary);
    putString(b, valueType);
    b.putLong(shapesHash).putShort((short) shapes.size());
    for (ClassShape sh : shapes) {
      putString(b, sh.className());
      b.putLong(sh.hash());
    }
    int reserve = headerLength - 8 - b.position() - 2;
    if (reserve < 0 || reserve > 0xffff) {
      throw new IllegalStateException("header layout: reserve " + reserve);
    }
    b.putShort((short) reserve);
    b.position(b.position() + reserve); // zeros
    if (b.position() != headerLength - 8) {
      throw new IllegalStateException("header layout: " + b.position() + " != " + (headerLength - 8));
    }
    b.putLong(checksum().of(out, 0, headerLength - 8));
    return out;
  }

  /**
   * Parses and checks the header at the buffer's position. {@code fileSize} is the size of the file
   * it was read from; {@code available} bytes from the position are readable.
   *
   * @return the header, or throws
   * @throws CorruptEntryException naming the first check that failed
   * @throws HeaderTooShort when more than {@code available} bytes are needed ({@link HeaderTooShort#needed})
   * @throws ForeignEntryException when the entry is in another format version (format 2 unless
   *     {@code format2})
   */
  static EntryHeader decode(ByteBuffer buf, long fileSize, boolean format2) throws IOException {
    ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int base = b.position();
    int available = b.remaining();
    if (fileSize < FIXED + 8 || available < FIXED + 8) {
      throw new CorruptEntryException("file of " + fileSize + " bytes is shorter than any entry header");
    }
    if (b.getLong(base) != MAGIC) {
      throw new CorruptEntryException("bad magic number");
    }
    // Every format version keeps the first 16 bytes and the trailing header checksum, so that an
    // entry of another version is told from a damaged one before the rest is interpreted.
    int version = b.getShort(base + 8) & 0xffff;
    int h = b.getInt(base + 12);
    if (h < 16 + 8 || h > MAX_HEADER || h > fileSize) {
      throw new CorruptEntryException("header length " + h + " out of range");
    }
    if (h > available) {
      throw new HeaderTooShort(h);
    }
    byte[] bytes = new byte[h];
    b.get(base, bytes, 0, h);
    long stored = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(h - 8);
    boolean known = version == FORMAT_VERSION || version == Format2.VERSION;
    if (known ? BlockChecksum.forFormat(version).of(bytes, 0, h - 8) != stored
        // Another version: intact if either checksum any version used matches.
        : BlockChecksum.Crc32c.INSTANCE.of(bytes, 0, h - 8) != stored && Format2.XXH3.of(bytes, 0, h - 8) != stored) {
      throw new CorruptEntryException("header checksum mismatch");
    }
    if (version != FORMAT_VERSION && !(format2 && version == Format2.VERSION)) {
      // Another version of MemoCache sharing the directory: its entry, not damage.
      throw new ForeignEntryException("was written in entry format " + version + "; this version reads format "
          + FORMAT_VERSION);
    }
    if (h < FIXED + 8) {
      throw new CorruptEntryException("header length " + h + " out of range");
    }
    ByteBuffer r = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    r.position(16);
    long hi = r.getLong();
    long lo = r.getLong();
    long method = r.getLong();
    long created = r.getLong();
    long compute = r.getLong();
    long p = r.getLong();
    long l = r.getLong();
    int block = r.getInt();
    int codecVersion = r.getInt();
    long tableHash = r.getLong();
    String codec = getString(r, h);
    String name = getString(r, h);
    String descriptor = getString(r, h);
    if (r.position() + 12 > h - 8) {
      throw new CorruptEntryException("header fields overrun the header");
    }
    int methodVersion = r.getInt();
    long fingerprint = r.getLong();
    String summary = getString(r, h);
    String type = getString(r, h);
    if (r.position() + 10 > h - 8) {
      throw new CorruptEntryException("header shapes overrun the header");
    }
    long shapesHash = r.getLong();
    int n = r.getShort() & 0xffff;
    List<ClassShape> shapes = new ArrayList<>(Math.min(n, 1024));
    for (int i = 0; i < n; i++) {
      String className = getString(r, h);
      if (r.position() + 8 > h - 8) {
        throw new CorruptEntryException("header shapes overrun the header");
      }
      shapes.add(new ClassShape(className, r.getLong()));
    }
    if (r.position() + 2 > h - 8) {
      throw new CorruptEntryException("header shapes overrun the header");
    }
    int reserve = r.getShort() & 0xffff;
    if (r.position() + reserve != h - 8) {
      throw new CorruptEntryException("header reserve of " + reserve + " bytes does not end the header");
    }
    for (int i = 0; i < reserve; i++) {
      if (r.get() != 0) {
        throw new CorruptEntryException("header reserve is not zero");
      }
    }
    if (r.position() != h - 8) {
      throw new CorruptEntryException("header fields end at " + r.position() + ", not " + (h - 8));
    }
    if (b.getShort(base + 10) != 0) {
      throw new CorruptEntryException("unknown flags " + b.getShort(base + 10));
    }
    if (block < 4096 || block > (1 << 24) || Integer.bitCount(block) != 1) {
      throw new CorruptEntryException("block size " + block + " is not a power of two in [4 KiB, 16 MiB]");
    }
    if (l < 0 || l > Integer.MAX_VALUE) {
      throw new CorruptEntryException("payload length " + l + " out of range");
    }
    EntryHeader e = new EntryHeader(version, h, hi, lo, method, created, compute, l, block, codecVersion, tableHash,
        codec, name, descriptor, methodVersion, fingerprint, summary, type, shapesHash, shapes);
    if (p != e.payloadOffset()) {
      throw new CorruptEntryException("payload offset " + p + ", expected " + e.payloadOffset());
    }
    if (fileSize != e.fileLength()) {
      throw new CorruptEntryException("file is " + fileSize + " bytes, the header says " + e.fileLength());
    }
    return e;
  }

  /** Thrown by {@link #decode} when the buffer holds only part of a (so far plausible) header. */
  static final class HeaderTooShort extends CorruptEntryException {
    private static final long serialVersionUID = 1L;
    final int needed;

    HeaderTooShort(int needed) {
      super("header needs " + needed + " bytes");
      this.needed = needed;
    }
  }

  private static void putString(ByteBuffer b, String s) {
    byte[] u = s.getBytes(StandardCharsets.UTF_8);
    b.putShort((short) u.length).put(u);
  }

  private static String getString(ByteBuffer r, int h) throws CorruptEntryException {
    if (r.position() + 2 > h - 8) {
      throw new CorruptEntryException("header string overruns the header");
    }
    int n = r.getShort() & 0xffff;
    if (r.position() + n > h - 8) {
      throw new CorruptEntryException("header string of " + n + " bytes overruns the header");
    }
    String s = new String(r.array(), r.position(), n, StandardCharsets.UTF_8);
    r.position(r.position() + n);
    return s;
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** Cuts {@code s} to at most {@code maxBytes} of UTF-8, never inside a character. */
  static String cut(String s, int maxBytes) {
    if (utf8(s) <= maxBytes) {
      return s;
    }
    int end = s.length();
    while (end > 0 && utf8(s.substring(0, end)) > maxBytes - 3) {
      end -= Math.max(1, (end - 1) / 8);
      if (end > 0 && Character.isLowSurrogate(s.charAt(end))) {
        end--;
      }
    }
    return s.substring(0, end) + "…";
  }
}
