package org.memocache.redis.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A child JVM, a "host", running {@link ChildMain} on the test class path; its stdout lines collected. */
final class Child implements AutoCloseable {
  final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private Child(Process p) {
    this.process = p;
    this.reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // killed
      }
    }, "child-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code ChildMain <args>} with {@code env} added to its environment and {@code heap} as its
   * maximum heap; stderr goes to {@code log}.
   */
  static Child start(Path log, Map<String, String> env, String heap, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ChildMain.class.getName());
    cmd.addAll(List.of(args));
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return new Child(pb.start());
  }

  /** The first line starting with {@code prefix}, waiting at most {@code millis}. */
  String await(String prefix, long millis) throws InterruptedException {
    long end = System.currentTimeMillis() + millis;
    do {
      for (String l : lines) {
        if (l.startsWith(prefix)) {
          return l;
        }
      }
      Thread.sleep(5);
    } while (System.currentTimeMillis() < end);
    throw new AssertionError("child " + process.pid() + " did not print '" + prefix + "' within " + millis
        + " ms; output: " + lines + (process.isAlive() ? "" : ", exit " + process.exitValue()));
  }

  /** Waits for the exit; returns its code. */
  int waitFor(long millis) throws InterruptedException {
    if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("child did not finish within " + millis + " ms; output: " + lines);
    }
    reader.join(5000);
    return process.exitValue();
  }

  List<String> output() {
    return List.copyOf(lines);
  }

  long pid() {
    return process.pid();
  }

  /** {@code kill -9}. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      RedisServer.signal("CONT", process.pid());
      kill();
    }
  }
}
