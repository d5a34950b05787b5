package org.memocache.disk.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** {@link DiskFileSystem#SYSTEM}: {@link Files} and {@link FileChannel}, never following a link. */
final class SystemFileSystem implements DiskFileSystem {
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  SystemFileSystem() {}

  @Override
  public @Nullable BasicFileAttributes stat(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, NOFOLLOW);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  @Override
  public FileChannel openRead(Path p) throws IOException {
    // The type is checked before the open: opening a FIFO blocks until a writer comes.
    BasicFileAttributes a = stat(p);
    if (a == null) {
      throw new NoSuchFileException(p.toString());
    }
    if (!a.isRegularFile()) {
      throw SafeFiles.foreign(p, a, "a regular file");
    }
    return FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public FileChannel open(Path p, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    BasicFileAttributes a = stat(p);
    if (a != null && !a.isRegularFile()) {
      throw SafeFiles.foreign(p, a, "a regular file");
    }
    Set<OpenOption> o = new HashSet<>(options);
    o.add(LinkOption.NOFOLLOW_LINKS);
    return FileChannel.open(p, o, attrs);
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
    Files.createDirectory(dir, attrs);
  }

  @Override
  public void move(Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public boolean delete(Path p) throws IOException {
    return Files.deleteIfExists(p);
  }

  @Override
  public DirectoryStream<Path> list(Path dir, String glob) throws IOException {
    return Files.newDirectoryStream(dir, glob);
  }
}
