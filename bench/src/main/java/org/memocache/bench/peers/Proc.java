package org.memocache.bench.peers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Starts measuring children: JVMs running {@link ChildMain} with the bench class path, Python
 * running {@code pypeers.py}, and plain commands ({@code dd}). Standard error goes to a log file so a
 * chatty child cannot block on a full pipe.
 *
 * @param java the {@code java} launcher
 * @param classPath the bench class path
 * @param python the Python interpreter that has joblib, diskcache and numpy, or {@code null}
 * @param pyPeers the path of {@code pypeers.py}
 * @param logDir where children's standard error is kept
 * @param pauseMillis how long to wait before each child that {@link #run} starts (and before each run of
 *     the demo): a later run of a job finds the machine idle, and on a virtual machine whose host takes
 *     back the memory its guest frees, a fault of a huge page then waits for the host
 */
public record Proc(String java, String classPath, @Nullable String python, Path pyPeers, Path logDir,
    long pauseMillis) {

  /** Runs a {@link ChildMain} command in a JVM with {@code heap} (e.g. {@code "512m"}). */
  public ChildOutput jvm(String heap, String... args) {
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap, "-Xms64m", "-cp", classPath,
        ChildMain.class.getName()));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  /** Runs a {@code pypeers.py} command, or reports it skipped when there is no usable Python. */
  public ChildOutput py(String... args) {
    if (python == null) {
      return ChildOutput.parse(List.of("SKIP no python3 with joblib, diskcache and numpy"
          + " (apt-get install python3-joblib python3-diskcache python3-numpy)"), 0, 0, "");
    }
    List<String> cmd = new ArrayList<>(List.of(python, pyPeers.toString()));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  /** Starts a child without waiting (the N-process workload starts them all, then releases them). */
  public Process start(List<String> cmd) throws IOException {
    Files.createDirectories(logDir);
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectError(ProcessBuilder.Redirect.appendTo(logDir.resolve("children.err").toFile()));
    return pb.start();
  }

  /** The command line of a {@link ChildMain} JVM. */
  public List<String> jvmCommand(String heap, String... args) {
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap, "-cp", classPath, ChildMain.class.getName()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** The command line of a {@code pypeers.py} process. */
  public List<String> pyCommand(String... args) {
    List<String> cmd = new ArrayList<>(List.of(python, pyPeers.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Runs {@code cmd} to completion (at most 15 minutes) after the {@linkplain #pause pause}, and parses its output. */
  public ChildOutput run(List<String> cmd) {
    try {
      pause();
      Files.createDirectories(logDir);
      Path err = Files.createTempFile(logDir, "child", ".err");
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
      List<String> lines = readLines(p);
      if (!p.waitFor(15, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return ChildOutput.parse(lines, -1, 0, "timed out after 15 min: " + String.join(" ", cmd));
      }
      double wall = (System.nanoTime() - t0) / 1e6;
      String tail = tail(err);
      if (p.exitValue() == 0) {
        Files.deleteIfExists(err);
      }
      return ChildOutput.parse(lines, p.exitValue(), wall, tail);
    } catch (IOException e) {
      return ChildOutput.parse(List.of(), -1, 0, "could not run " + cmd.get(0) + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ChildOutput.parse(List.of(), -1, 0, "interrupted");
    }
  }

  /** Waits {@link #pauseMillis} (nothing by default). */
  public void pause() throws InterruptedException {
    if (pauseMillis > 0) {
      Thread.sleep(pauseMillis);
    }
  }

  /** Reads a started child's standard output to its end. */
  public static List<String> readLines(Process p) throws IOException {
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l; (l = r.readLine()) != null; ) {
        lines.add(l);
      }
    }
    return lines;
  }

  private static String tail(Path err) throws IOException {
    List<String> l = Files.readAllLines(err, StandardCharsets.UTF_8);
    List<String> last = l.subList(Math.max(0, l.size() - 3), l.size());
    return String.join(" | ", last).replaceAll("\\s+", " ").trim();
  }
}
