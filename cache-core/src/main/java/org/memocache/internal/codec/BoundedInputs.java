package org.memocache.internal.codec;

import com.esotericsoftware.kryo.io.ByteBufferInput;
import com.esotericsoftware.kryo.io.Input;
import java.nio.ByteBuffer;

/**
 * Kryo inputs over a whole payload that check every length they are asked to read against the bytes
 * left ({@link DecodeLimits#claim}) before allocating for it. Kryo's own inputs allocate first
 * ({@code new int[length]}, a {@code char[]} of the claimed string length) and fail only when the
 * bytes run out, so a few hundred bytes could claim a gigabyte.
 */
final class BoundedInputs {
  private BoundedInputs() {}

  /** {@code in} positioned at the start of a string: checks the character count a UTF-8 string claims. */
  private static void claimString(Input in) {
    // ASCII strings (flag clear) are scanned up to their last byte and allocate what is there.
    if (in.position() < in.limit() && in.readVarIntFlag()) {
      int p = in.position();
      int n = in.readVarIntFlag(true);
      in.setPosition(p);
      DecodeLimits.claim(in, n - 1L, 1, "a string");
    }
  }

  /** Over a heap array. */
  static final class OfArray extends Input {
    OfArray(byte[] bytes, int offset, int count) {
      super(bytes, offset, count);
    }

    @Override
    public String readString() {
      claimString(this);
      return super.readString();
    }

    @Override
    public StringBuilder readStringBuilder() {
      claimString(this);
      return super.readStringBuilder();
    }

    @Override
    public byte[] readBytes(int length) {
      DecodeLimits.claim(this, length, 1, "a byte array");
      return super.readBytes(length);
    }

    @Override
    public int[] readInts(int length) {
      DecodeLimits.claim(this, length, 4, "an int array");
      return super.readInts(length);
    }

    @Override
    public int[] readInts(int length, boolean optimizePositive) {
      DecodeLimits.claim(this, length, 1, "an int array");
      return super.readInts(length, optimizePositive);
    }

    @Override
    public long[] readLongs(int length) {
      DecodeLimits.claim(this, length, 8, "a long array");
      return super.readLongs(length);
    }

    @Override
    public long[] readLongs(int length, boolean optimizePositive) {
      DecodeLimits.claim(this, length, 1, "a long array");
      return super.readLongs(length, optimizePositive);
    }

    @Override
    public float[] readFloats(int length) {
      DecodeLimits.claim(this, length, 4, "a float array");
      return super.readFloats(length);
    }

    @Override
    public double[] readDoubles(int length) {
      DecodeLimits.claim(this, length, 8, "a double array");
      return super.readDoubles(length);
    }

    @Override
    public short[] readShorts(int length) {
      DecodeLimits.claim(this, length, 2, "a short array");
      return super.readShorts(length);
    }

    @Override
    public char[] readChars(int length) {
      DecodeLimits.claim(this, length, 2, "a char array");
      return super.readChars(length);
    }

    @Override
    public boolean[] readBooleans(int length) {
      DecodeLimits.claim(this, length, 1, "a boolean array");
      return super.readBooleans(length);
    }
  }

  /** Over a direct or memory-mapped buffer. */
  static final class OfBuffer extends ByteBufferInput {
    OfBuffer(ByteBuffer buffer) {
      super(buffer);
    }

    @Override
    public String readString() {
      claimString(this);
      return super.readString();
    }

    @Override
    public StringBuilder readStringBuilder() {
      claimString(this);
      return super.readStringBuilder();
    }

    @Override
    public byte[] readBytes(int length) {
      DecodeLimits.claim(this, length, 1, "a byte array");
      return super.readBytes(length);
    }

    @Override
    public int[] readInts(int length) {
      DecodeLimits.claim(this, length, 4, "an int array");
      return super.readInts(length);
    }

    @Override
    public int[] readInts(int length, boolean optimizePositive) {
      DecodeLimits.claim(this, length, 1, "an int array");
      return super.readInts(length, optimizePositive);
    }

    @Override
    public long[] readLongs(int length) {
      DecodeLimits.claim(this, length, 8, "a long array");
      return super.readLongs(length);
    }

    @Override
    public long[] readLongs(int length, boolean optimizePositive) {
      DecodeLimits.claim(this, length, 1, "a long array");
      return super.readLongs(length, optimizePositive);
    }

    @Override
    public float[] readFloats(int length) {
      DecodeLimits.claim(this, length, 4, "a float array");
      return super.readFloats(length);
    }

    @Override
    public double[] readDoubles(int length) {
      DecodeLimits.claim(this, length, 8, "a double array");
      return super.readDoubles(length);
    }

    @Override
    public short[] readShorts(int length) {
      DecodeLimits.claim(this, length, 2, "a short array");
      return super.readShorts(length);
    }

    @Override
    public char[] readChars(int length) {
      DecodeLimits.claim(this, length, 2, "a char array");
      return super.readChars(length);
    }

    @Override
    public boolean[] readBooleans(int length) {
      DecodeLimits.claim(this, length, 1, "a boolean array");
      return super.readBooleans(length);
    }
  }
}
