package org.memocache.testing;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program in a fresh JVM and returns its exit code and whole output, for cross-process tests.
 *
 * <p>Both output streams are drained concurrently while the child runs: a child that fills the pipe
 * of one stream while the other is being read would otherwise block forever. A child still running
 * at the timeout is killed and the call fails with what it printed so far.
 */
public final class ChildJvm {
  /** How long {@link #run(List, Class, String...)} lets a child run. */
  public static final Duration TIMEOUT = Duration.ofMinutes(5);

  private ChildJvm() {}

  /** The outcome of a child run. */
  public record Result(int exitCode, String stdout, String stderr) {
    /** Lines of stdout. */
    public List<String> lines() {
      return stdout.lines().toList();
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  /** The {@code java} launcher of this JVM. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * Runs {@code main} of the test class path in this JVM's {@code java}, with {@code jvmArgs}; the
   * result's stdout is trimmed. Fails when the child runs longer than {@link #TIMEOUT}.
   */
  public static Result run(List<String> jvmArgs, Class<?> main, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    Result r = run(cmd, null, Map.of(), TIMEOUT);
    return new Result(r.exitCode(), r.stdout().trim(), r.stderr());
  }

  /**
   * Runs {@code command} in {@code workDir} (this JVM's when null) with {@code env} added to this
   * JVM's environment less its {@code MEMOCACHE_*} variables (so the developer's settings do not leak
   * into the child); fails with the child's output when it runs longer than {@code timeout}. The
   * result holds both streams as printed.
   */
  public static Result run(List<String> command, Path workDir, Map<String, String> env, Duration timeout)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    pb.environment().keySet().removeIf(k -> k.startsWith("MEMOCACHE_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    Drain out = new Drain(p.getInputStream(), "child-stdout");
    Drain err = new Drain(p.getErrorStream(), "child-stderr");
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw new AssertionError("child JVM did not finish within " + timeout.toSeconds() + " s and was killed: "
          + String.join(" ", command) + "\n--- stdout\n" + out.text() + "\n--- stderr\n" + err.text());
    }
    return new Result(p.exitValue(), out.finish(), err.finish());
  }

  /** {@code paths} joined as a class path. */
  public static String classPath(List<Path> paths) {
    return String.join(File.pathSeparator, paths.stream().map(Path::toString).toList());
  }

  /** Reads one stream to its end on its own thread. */
  private static final class Drain {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Thread thread;
    private volatile IOException failure;

    Drain(InputStream in, String name) {
      thread = new Thread(() -> {
        byte[] buf = new byte[8192];
        try (in) {
          int n;
          while ((n = in.read(buf)) >= 0) {
            synchronized (bytes) {
              bytes.write(buf, 0, n);
            }
          }
        } catch (IOException e) {
          failure = e;
        }
      }, name);
      thread.setDaemon(true);
      thread.start();
    }

    /** What was read so far. */
    String text() {
      synchronized (bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
      }
    }

    /** Everything, once the stream ended (the process has exited, so it ends promptly). */
    String finish() throws InterruptedException {
      thread.join(TimeUnit.SECONDS.toMillis(30));
      if (failure != null) {
        throw new UncheckedIOException("reading a child's output", failure);
      }
      return text();
    }
  }
}
