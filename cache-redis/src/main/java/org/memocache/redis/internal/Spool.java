package org.memocache.redis.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A payload written once and read back once: in memory up to {@code memoryLimit} bytes, beyond that
 * in a temporary file deleted on {@link #close()}. The shared entry's header names the payload's
 * length and the shapes its codec reports after writing, so the payload is spooled before it is
 * sent; a large value is then never held twice in memory.
 */
final class Spool extends OutputStream {
  private final int memoryLimit;
  private byte[] buffer = new byte[8192];
  private int count;
  private @Nullable Path file;
  private @Nullable OutputStream fileOut;
  private long length;

  Spool(int memoryLimit) {
    this.memoryLimit = memoryLimit;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (fileOut == null && count + (long) len > memoryLimit) {
      Path f = Files.createTempFile("memocache-shared-", ".payload");
      file = f;
      fileOut = Files.newOutputStream(f, StandardOpenOption.WRITE);
      fileOut.write(buffer, 0, count);
      buffer = new byte[0];
    }
    if (fileOut != null) {
      fileOut.write(b, off, len);
    } else {
      if (count + len > buffer.length) {
        buffer = Arrays.copyOf(buffer, (int) Math.min(memoryLimit, Math.max(2L * buffer.length, count + (long) len)));
      }
      System.arraycopy(b, off, buffer, count, len);
      count += len;
    }
    length += len;
  }

  /** The bytes written. */
  long length() {
    return length;
  }

  /** The bytes written, from the first; call after writing is done. */
  InputStream open() throws IOException {
    if (fileOut != null) {
      fileOut.close();
      return Files.newInputStream(file);
    }
    return new ByteArrayInputStream(buffer, 0, count);
  }

  @Override
  public void close() throws IOException {
    if (fileOut != null) {
      fileOut.close();
    }
    if (file != null) {
      Files.deleteIfExists(file);
    }
  }
}
