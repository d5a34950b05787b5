package org.memocache.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.memocache.Memo;

/**
 * How long a command of the command line takes, start to exit, in fresh processes: {@code java -jar
 * memocache-agent.jar stats DIR} against {@code bin/memocache stats DIR}, which maps a class-data
 * sharing archive of the jar (written by a first run, not timed), alternating, on a directory of a
 * few entries this process writes.
 *
 * <p>Usage, from the repository's root after {@code mvn -q -B -DskipTests package}: {@code java -cp
 * "bench/target/classes:$(cat bench/target/classpath.txt)" org.memocache.bench.CliStart [runs]}
 * (default 9). {@code JAVA_HOME} chooses the JDK of both, as for {@code bin/memocache}.
 */
public final class CliStart {
  private CliStart() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 9;
    Path jar = Path.of("agent", "target", "memocache-agent.jar").toAbsolutePath();
    Path launcher = Path.of("bin", "memocache").toAbsolutePath();
    if (!Files.isRegularFile(jar) || !Files.isRegularFile(launcher)) {
      throw new IllegalStateException("run from the repository's root after mvn package: " + jar + " or "
          + launcher + " is missing");
    }
    Path work = Files.createTempDirectory("clistart");
    Path cache = work.resolve("cache");
    try (Memo memo = Memo.builder().directory(cache).build()) {
      for (int i = 0; i < 5; i++) {
        int n = i;
        memo.call("simulate", () -> new double[1000 * (n + 1)], n);
      }
    }
    String home = System.getenv().getOrDefault("JAVA_HOME", System.getProperty("java.home"));
    Map<String, String> env = Map.of("JAVA_HOME", home, "MEMOCACHE_JAR", jar.toString(),
        "XDG_CACHE_HOME", work.resolve("xdg").toString());
    List<String> plain = List.of(Path.of(home, "bin", "java").toString(), "-jar", jar.toString(), "stats",
        cache.toString());
    List<String> archived = List.of("bash", launcher.toString(), "stats", cache.toString());
    double first = wall(archived, env);
    double[] plainMs = new double[runs];
    double[] archivedMs = new double[runs];
    for (int i = 0; i < runs; i++) {
      plainMs[i] = wall(plain, env);
      archivedMs[i] = wall(archived, env);
    }
    System.out.println("CliStart: " + runs + " fresh processes each, alternating; JDK " + home);
    System.out.printf("%-58s %12.3f ms%n", "bin/memocache stats, first run (writes the archive)", first);
    Measure.Summary p = Measure.summarize("java -jar memocache-agent.jar stats", plainMs, "ms");
    Measure.Summary a = Measure.summarize("bin/memocache stats (archive mapped)", archivedMs, "ms");
    System.out.println(p.format());
    System.out.println(a.format());
    System.out.println(Measure.ratio("bin/memocache / java -jar (medians)", a.median() / p.median(), "< 1"));
  }

  /** Start to exit of {@code command}, in ms; fails on a non-zero exit. */
  private static double wall(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder b = new ProcessBuilder(new ArrayList<>(command)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    b.environment().putAll(env);
    long t0 = System.nanoTime();
    Process p = b.start();
    if (!p.waitFor(Duration.ofMinutes(1).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " failed");
    }
    return (System.nanoTime() - t0) / 1e6;
  }
}
