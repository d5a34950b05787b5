package org.memocache.agent.internal.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.memocache.MemoConfig;
import org.memocache.disk.CacheDirectory;
import picocli.CommandLine;

/**
 * What every command on a cache directory shares: the directory (the last positional parameter,
 * else {@code $MEMOCACHE_DIR}, else {@code ~/.cache/memocache}), opening it, and the exit codes
 * scripts rely on. A directory that cannot be opened is a usage error (2), never a stack trace.
 */
abstract class CacheCommand implements Callable<Integer> {
  /** Everything went well. */
  static final int OK = 0;
  /** {@code verify} found damaged files. */
  static final int DAMAGED = 1;
  /** Bad arguments, or a path that is not a MemoCache directory. */
  static final int USAGE = 2;
  /** Reading or writing the directory failed midway. */
  static final int IO_ERROR = 3;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** The directory named on the command line, or {@code null} for the default. */
  abstract @Nullable Path dirArgument();

  /** Runs the command on the open directory; returns the exit code. */
  abstract int run(CacheDirectory dir) throws Exception;

  @Override
  public final Integer call() throws Exception {
    Path path = dirArgument() == null ? MemoConfig.defaultDirectory() : dirArgument();
    CacheDirectory dir;
    try {
      dir = CacheDirectory.open(path);
    } catch (IllegalArgumentException e) {
      err().println("memocache " + spec.name() + ": " + e.getMessage());
      return USAGE;
    }
    try (dir) {
      return run(dir);
    } catch (IllegalArgumentException e) {
      err().println("memocache " + spec.name() + ": " + e.getMessage());
      return USAGE;
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      err().println("memocache " + spec.name() + ": " + e.getMessage());
      return IO_ERROR;
    }
  }

  final PrintWriter out() {
    return spec.commandLine().getOut();
  }

  final PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
