package org.memocache.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.memocache.disk.internal.DiskFileSystem;

/**
 * The real file system with chosen faults, as the kernel reports them: a full disk on the Nth write
 * (or every write), a read-only mount, permission denied below a directory, a failing rename. Tests
 * open a tier on it with {@code DiskTier.open(config, codecs, interval, fs)}; it needs neither root
 * nor a tmpfs. The messages are those the JDK gives for {@code ENOSPC}, {@code EROFS},
 * {@code EACCES} and {@code EIO}.
 */
final class FaultyFileSystem implements DiskFileSystem {
  private final DiskFileSystem real = DiskFileSystem.SYSTEM;
  private final AtomicInteger writes = new AtomicInteger();
  private final AtomicInteger injected = new AtomicInteger();
  private volatile int failWriteAt = Integer.MAX_VALUE;
  private volatile boolean failEveryWriteFrom;
  private volatile boolean readOnly;
  private volatile @Nullable Path denied;
  private volatile @Nullable String failMovesTo;

  /** The {@code n}th write to a file from now (1: the next) fails as on a full disk. */
  void failWrite(int n) {
    failWriteAt = writes.get() + n;
    failEveryWriteFrom = false;
  }

  /** Every write to a file from now fails as on a full disk (files can still be created, as on tmpfs). */
  void diskFull() {
    failWriteAt = writes.get() + 1;
    failEveryWriteFrom = true;
  }

  /** Everything that would change the directory fails as on a read-only mount. */
  void readOnly() {
    readOnly = true;
  }

  /** Creating, writing, moving and deleting files in {@code dir} (or below) fails: permission denied. */
  void deny(Path dir) {
    denied = dir;
  }

  /** Every rename onto a file whose name ends with {@code suffix} fails with an I/O error. */
  void failMovesTo(String suffix) {
    failMovesTo = suffix;
  }

  /** No more faults. */
  void heal() {
    failWriteAt = Integer.MAX_VALUE;
    failEveryWriteFrom = false;
    readOnly = false;
    denied = null;
    failMovesTo = null;
  }

  /** How many operations failed by design so far. */
  int injected() {
    return injected.get();
  }

  private void checkChange(Path p) throws IOException {
    if (readOnly) {
      injected.incrementAndGet();
      throw new FileSystemException(p.toString(), null, "Read-only file system");
    }
    Path d = denied;
    if (d != null && p.startsWith(d)) {
      injected.incrementAndGet();
      throw new AccessDeniedException(p.toString());
    }
  }

  private void checkWrite(Path p) throws IOException {
    checkChange(p);
    int n = writes.incrementAndGet();
    if (n == failWriteAt || failEveryWriteFrom && n >= failWriteAt) {
      injected.incrementAndGet();
      // What FileChannel.write throws on ENOSPC: an IOException without the path.
      throw new IOException("No space left on device");
    }
  }

  @Override
  public @Nullable BasicFileAttributes stat(Path p) throws IOException {
    return real.stat(p);
  }

  @Override
  public FileChannel openRead(Path p) throws IOException {
    return real.openRead(p);
  }

  @Override
  public FileChannel open(Path p, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    if (options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND)
        || options.contains(StandardOpenOption.CREATE) || options.contains(StandardOpenOption.CREATE_NEW)) {
      checkChange(p);
      return new Channel(p, real.open(p, options, attrs));
    }
    return real.open(p, options, attrs);
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
    checkChange(dir);
    real.createDirectory(dir, attrs);
  }

  @Override
  public void move(Path source, Path target) throws IOException {
    checkChange(source);
    checkChange(target);
    String suffix = failMovesTo;
    if (suffix != null && target.getFileName().toString().endsWith(suffix)) {
      injected.incrementAndGet();
      throw new FileSystemException(source.toString(), target.toString(), "Input/output error");
    }
    real.move(source, target);
  }

  @Override
  public boolean delete(Path p) throws IOException {
    checkChange(p);
    return real.delete(p);
  }

  @Override
  public DirectoryStream<Path> list(Path dir, String glob) throws IOException {
    return real.list(dir, glob);
  }

  /** A channel whose writes may fail; everything else is the real channel's. */
  private final class Channel extends FileChannel {
    private final Path path;
    private final FileChannel ch;

    Channel(Path path, FileChannel ch) {
      this.path = path;
      this.ch = ch;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return ch.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return ch.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return ch.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      checkWrite(path);
      return ch.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      checkWrite(path);
      return ch.write(srcs, offset, length);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      checkWrite(path);
      return ch.write(src, position);
    }

    @Override
    public long position() throws IOException {
      return ch.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      ch.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return ch.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      checkChange(path);
      ch.truncate(size);
      return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      ch.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
      return ch.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
      checkWrite(path);
      return ch.transferFrom(src, position, count);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      return ch.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return ch.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return ch.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      ch.close();
    }
  }
}
