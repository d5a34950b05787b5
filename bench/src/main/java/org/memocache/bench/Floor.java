package org.memocache.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * The plain-Java floor of serving a stored {@code double[]} in a fresh JVM: what a program that
 * knows its file's layout cannot avoid. It maps the file, checks its CRC32C, allocates the arrays
 * and fills each with one bulk copy, timed from the first line of {@code main}. A cache's disk hit
 * of the same bytes can only add to this (a key, a lookup, a header, a decoder).
 *
 * <p>The file is the payload ({@code arrays × length} native-order doubles, {@code v[i] = i} within
 * each array) followed by the payload's CRC32C as a 4-byte little-endian int.
 *
 * <p>Usage: {@code Floor write <file> <arrays> <length>} writes such a file; {@code Floor read <file>
 * <arrays> <length>} serves it and prints, in PeerBench's line protocol, the phases ({@code map},
 * {@code crc32c}, {@code allocate}, {@code copy}) and {@code first-call}, the time from {@code main}
 * to the arrays in hand.
 */
public final class Floor {
  private Floor() {}

  /** Writes or reads a floor file; see the class Javadoc. */
  public static void main(String[] args) throws IOException {
    long t0 = System.nanoTime();
    if (args.length != 4) {
      throw new IllegalArgumentException("usage: Floor write|read <file> <arrays> <length>");
    }
    Path file = Path.of(args[1]);
    int arrays = Integer.parseInt(args[2]);
    int length = Integer.parseInt(args[3]);
    long payload = 8L * arrays * length;
    if (payload + 4 > Integer.MAX_VALUE) { // one mapping, as a program reading up to 2 GiB would do
      throw new IllegalArgumentException("Floor: " + payload + " bytes exceed one mapping");
    }
    if (args[0].equals("write")) {
      write(file, arrays, length, payload);
      return;
    }
    if (!args[0].equals("read")) {
      throw new IllegalArgumentException("Floor: unknown mode '" + args[0] + "'; write or read");
    }
    MappedByteBuffer map;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (ch.size() != payload + 4) {
        throw new IllegalStateException(file + ": " + ch.size() + " bytes, expected " + (payload + 4));
      }
      map = ch.map(FileChannel.MapMode.READ_ONLY, 0, payload + 4);
    }
    long t1 = System.nanoTime();
    CRC32C crc = new CRC32C();
    crc.update(map.slice(0, (int) payload));
    if ((int) crc.getValue() != map.order(ByteOrder.LITTLE_ENDIAN).getInt((int) payload)) {
      throw new IllegalStateException(file + ": CRC32C mismatch");
    }
    long t2 = System.nanoTime();
    double[][] out = new double[arrays][];
    for (int a = 0; a < arrays; a++) {
      out[a] = new double[length];
    }
    long t3 = System.nanoTime();
    ByteBuffer bytes = map.order(ByteOrder.nativeOrder());
    for (int a = 0; a < arrays; a++) {
      bytes.slice((int) (8L * a * length), 8 * length).order(ByteOrder.nativeOrder()).asDoubleBuffer().get(out[a]);
    }
    long t4 = System.nanoTime();
    int step = Math.max(1, length / 4096);
    for (double[] d : out) {
      for (int i = 0; i < length; i += step) {
        if (d[i] != i) {
          throw new IllegalStateException(file + ": wrong value at " + i);
        }
      }
    }
    sample("map", (t1 - t0) / 1e6);
    sample("crc32c", (t2 - t1) / 1e6);
    sample("allocate", (t3 - t2) / 1e6);
    sample("copy", (t4 - t3) / 1e6);
    sample("first-call", (t4 - t0) / 1e6);
  }

  private static void write(Path file, int arrays, int length, long payload) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      CRC32C crc = new CRC32C();
      ByteBuffer b = ByteBuffer.allocateDirect(8 * length).order(ByteOrder.nativeOrder());
      for (int i = 0; i < length; i++) {
        b.putDouble(i);
      }
      for (int a = 0; a < arrays; a++) {
        b.clear();
        crc.update(b.duplicate());
        while (b.hasRemaining()) {
          ch.write(b);
        }
      }
      ByteBuffer tail = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue()).flip();
      ch.write(tail);
      if (ch.size() != payload + 4) {
        throw new IllegalStateException(file + ": wrote " + ch.size() + " bytes, expected " + (payload + 4));
      }
    }
  }

  private static void sample(String metric, double ms) {
    System.out.println(String.format(Locale.ROOT, "SAMPLES %s ms %.6f", metric, ms));
  }
}
