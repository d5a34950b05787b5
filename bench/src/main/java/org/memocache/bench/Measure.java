package org.memocache.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Repeated measurements and their summary. The machines are shared and noisy, so every figure is
 * reported as min/median/max over repeats and as a ratio to a reference measured in the same run.
 */
public final class Measure {
  private Measure() {}

  /** A task whose one run is timed; returns something so the JIT cannot drop it. */
  @FunctionalInterface
  public interface Task {
    Object run() throws Exception;
  }

  /** Sink defeating dead-code elimination. */
  public static volatile Object blackhole;

  /** Min/median/max of repeated samples, in the unit of the samples. */
  public record Summary(String name, double min, double median, double max, String unit) {
    public String format() {
      return String.format(Locale.ROOT, "%-58s min %12.3f  median %12.3f  max %12.3f %s",
          name, min, median, max, unit);
    }
  }

  /** Summarises samples. */
  public static Summary summarize(String name, double[] samples, String unit) {
    double[] s = samples.clone();
    Arrays.sort(s);
    return new Summary(name, s[0], s[s.length / 2], s[s.length - 1], unit);
  }

  /**
   * Runs {@code main} in a fresh JVM with this class path and {@code flags}, and returns the figures
   * it prints on its first line, space separated; its errors go to this process's.
   *
   * @throws IllegalStateException when the child fails or prints nothing, naming {@code args[0]}
   */
  public static double[] childFigures(List<String> flags, Class<?> main, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(flags);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String line;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      line = r.readLine();
    }
    if (p.waitFor() != 0 || line == null) {
      throw new IllegalStateException((args.length > 0 ? args[0] : main.getSimpleName()) + " child failed: " + line);
    }
    return Arrays.stream(line.trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
  }

  /** Summarises column {@code column} of rows of samples (one row per run, one column per figure), in ms. */
  public static Summary column(String name, List<double[]> rows, int column) {
    return summarize(name, rows.stream().mapToDouble(r -> r[column]).toArray(), "ms");
  }

  /** Runs {@code task} {@code repeats} times after {@code warmups} untimed runs; samples in ms. */
  public static Summary millis(String name, int warmups, int repeats, Task task) throws Exception {
    for (int i = 0; i < warmups; i++) {
      blackhole = task.run();
    }
    double[] samples = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      long t0 = System.nanoTime();
      blackhole = task.run();
      samples[i] = (System.nanoTime() - t0) / 1e6;
    }
    return summarize(name, samples, "ms");
  }

  /** Prints a ratio line {@code a/b} with a target, as every benchmark does. */
  public static String ratio(String name, double value, String target) {
    return String.format(Locale.ROOT, "RATIO %-52s %8.3f   (target %s)", name, value, target);
  }
}
