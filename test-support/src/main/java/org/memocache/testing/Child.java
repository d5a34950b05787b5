package org.memocache.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A child JVM running a main class of the test class path, with its stdout lines collected as they
 * come, for tests that talk to a running child (wait for a line, kill it, start another).
 */
public final class Child implements AutoCloseable {
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> all = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private Child(Process p) {
    this.process = p;
    this.reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          all.add(line);
          lines.add(line);
        }
      } catch (IOException e) {
        // process killed
      }
    }, "child-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code main <args>}; stderr goes to {@code log}. */
  public static Child start(Class<?> main, Path log, String... args) throws IOException {
    return start(main, log, Map.of(), null, args);
  }

  /**
   * Starts {@code main <args>} with {@code env} added to its environment and, when not {@code null},
   * {@code maxHeap} (such as {@code "64m"}) as its maximum heap; stderr goes to {@code log}.
   */
  public static Child start(Class<?> main, Path log, Map<String, String> env, @Nullable String maxHeap,
      String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (maxHeap != null) {
      cmd.add("-Xmx" + maxHeap);
    }
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-Xshare:auto");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    java.nio.file.Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return new Child(pb.start());
  }

  /** Waits for a line starting with {@code prefix}; returns it. */
  public String await(String prefix, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      long left = deadline - System.currentTimeMillis();
      String l = lines.poll(Math.max(1, left), TimeUnit.MILLISECONDS);
      if (l != null && l.startsWith(prefix)) {
        return l;
      }
      if (l == null && System.currentTimeMillis() >= deadline) {
        throw new AssertionError("child did not print '" + prefix + "' within " + timeoutMillis + " ms; output: " + all
            + (process.isAlive() ? "" : ", exit " + process.exitValue()));
      }
    }
  }

  /** Waits for the process to exit and returns its exit code. */
  public int waitFor(long timeoutMillis) throws InterruptedException {
    if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("child did not finish within " + timeoutMillis + " ms; output: " + all);
    }
    reader.join(5000);
    return process.exitValue();
  }

  /** Every line printed so far. */
  public List<String> output() {
    return List.copyOf(all);
  }

  /** The running process. */
  public Process process() {
    return process;
  }

  /** The process id. */
  public long pid() {
    return process.pid();
  }

  /** Kills the process and waits for it. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    reader.join(5000);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
