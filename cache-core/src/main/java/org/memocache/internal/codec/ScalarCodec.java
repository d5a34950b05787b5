package org.memocache.internal.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.ValueCodec;

/**
 * Stores {@code null}, the boxed primitives and {@code String} as one tag byte and the value,
 * big-endian: {@code Boolean} one byte (0 or 1), {@code Byte} one, {@code Short} and
 * {@code Character} two, {@code Integer} and {@code Float} four, {@code Long} and {@code Double}
 * eight (floating-point values by their raw bits, so NaN payloads and {@code -0.0} round-trip), and a
 * {@code String} as its chars, one byte each when all are below U+0100 and two (UTF-16) otherwise,
 * so that unpaired surrogates round-trip too. The payload's length is the string's.
 *
 * <p>A small result is the common first hit of a fresh JVM; this codec serves it without Kryo,
 * whose first instance costs a cold JVM tens of milliseconds. Decoding accepts exactly the
 * lengths and tags above and throws otherwise.
 */
public final class ScalarCodec implements ValueCodec {

  /** The codec id stored in entries. */
  public static final String ID = "scalar";

  /** The version of the layout described above. */
  public static final int VERSION = 1;

  private static final byte NULL = 0;
  private static final byte BOOLEAN = 1;
  private static final byte BYTE = 2;
  private static final byte SHORT = 3;
  private static final byte CHAR = 4;
  private static final byte INT = 5;
  private static final byte LONG = 6;
  private static final byte FLOAT = 7;
  private static final byte DOUBLE = 8;
  private static final byte LATIN1 = 9;
  private static final byte UTF16 = 10;

  /** Chars converted per write of a long string. */
  private static final int CHUNK = 8 * 1024;

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return VERSION;
  }

  @Override
  public boolean canEncode(@Nullable Object value) {
    if (value == null) {
      return true;
    }
    // All final classes: an exact match is an instanceof.
    Class<?> c = value.getClass();
    return c == Double.class || c == Long.class || c == Integer.class || c == String.class || c == Boolean.class
        || c == Float.class || c == Short.class || c == Byte.class || c == Character.class;
  }

  @Override
  public void encode(@Nullable Object value, OutputStream out) throws IOException {
    if (value instanceof String s) {
      encodeString(s, out);
      return;
    }
    ByteBuffer b = ByteBuffer.allocate(9);
    if (value == null) {
      b.put(NULL);
    } else if (value instanceof Double d) {
      b.put(DOUBLE).putLong(Double.doubleToRawLongBits(d));
    } else if (value instanceof Long l) {
      b.put(LONG).putLong(l);
    } else if (value instanceof Integer i) {
      b.put(INT).putInt(i);
    } else if (value instanceof Float f) {
      b.put(FLOAT).putInt(Float.floatToRawIntBits(f));
    } else if (value instanceof Boolean z) {
      b.put(BOOLEAN).put(z ? (byte) 1 : (byte) 0);
    } else if (value instanceof Short s) {
      b.put(SHORT).putShort(s);
    } else if (value instanceof Byte y) {
      b.put(BYTE).put(y);
    } else if (value instanceof Character c) {
      b.put(CHAR).putChar(c);
    } else {
      throw new IOException("scalar: cannot encode " + value.getClass().getName());
    }
    out.write(b.array(), 0, b.position());
  }

  private static void encodeString(String s, OutputStream out) throws IOException {
    boolean latin1 = true;
    for (int i = 0; i < s.length() && latin1; i++) {
      latin1 = s.charAt(i) < 0x100;
    }
    if (latin1) {
      out.write(LATIN1);
      out.write(s.getBytes(StandardCharsets.ISO_8859_1));
      return;
    }
    out.write(UTF16);
    // Char by char rather than through a charset: an encoder would replace unpaired surrogates.
    ByteBuffer b = ByteBuffer.allocate(2 * Math.min(CHUNK, s.length()));
    CharBuffer chars = b.asCharBuffer();
    for (int off = 0; off < s.length(); off += CHUNK) {
      int n = Math.min(CHUNK, s.length() - off);
      chars.clear();
      chars.put(s, off, off + n);
      out.write(b.array(), 0, 2 * n);
    }
  }

  @Override
  public @Nullable Object decode(ByteBuffer payload, ClassFilter classes) throws IOException {
    ByteBuffer b = payload.duplicate().order(java.nio.ByteOrder.BIG_ENDIAN);
    if (!b.hasRemaining()) {
      throw new IOException("scalar: empty payload");
    }
    byte tag = b.get();
    int n = b.remaining();
    switch (tag) {
      case NULL -> {
        expect(tag, n, 0);
        return null;
      }
      case BOOLEAN -> {
        expect(tag, n, 1);
        byte v = b.get();
        if (v != 0 && v != 1) {
          throw new IOException("scalar: boolean is " + v);
        }
        return v == 1;
      }
      case BYTE -> {
        expect(tag, n, 1);
        return b.get();
      }
      case SHORT -> {
        expect(tag, n, 2);
        return b.getShort();
      }
      case CHAR -> {
        expect(tag, n, 2);
        return b.getChar();
      }
      case INT -> {
        expect(tag, n, 4);
        return b.getInt();
      }
      case LONG -> {
        expect(tag, n, 8);
        return b.getLong();
      }
      case FLOAT -> {
        expect(tag, n, 4);
        return Float.intBitsToFloat(b.getInt());
      }
      case DOUBLE -> {
        expect(tag, n, 8);
        return Double.longBitsToDouble(b.getLong());
      }
      case LATIN1 -> {
        byte[] bytes = new byte[n];
        b.get(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
      }
      case UTF16 -> {
        if (n % 2 != 0) {
          throw new IOException("scalar: a UTF-16 string of " + n + " bytes");
        }
        char[] chars = new char[n / 2];
        b.asCharBuffer().get(chars);
        return new String(chars);
      }
      default -> throw new IOException("scalar: unknown tag " + tag);
    }
  }

  private static void expect(byte tag, int length, int expected) throws IOException {
    if (length != expected) {
      throw new IOException("scalar: tag " + tag + " takes " + expected + " bytes, payload has " + length);
    }
  }

  @Override
  public String toString() {
    return ID + " v" + VERSION;
  }
}
