package org.memocache.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The demo as {@code demo.sh} runs it, in real JVMs: the second run serves every step from disk and
 * prints each step's speed-up over the computing time the first run stored.
 */
class PipelineDemoTest {
  private static final Pattern SERVED = Pattern.compile(
      "^1 +(\\S.*?) +disk +(\\S+ \\S+) .*   (\\d+(\\.\\d)?)× (faster|slower) than computing it \\((\\S+ \\S+)\\)$");

  @Test
  void secondRunServesEveryStepFromDiskWithItsSpeedUp() throws Exception {
    Path cache = Path.of("target", "PipelineDemoTest", "cache").toAbsolutePath();
    deleteTree(cache.getParent());
    List<String> first = run("-Dmemocache.dir=" + cache);
    List<String> second = run("-Dmemocache.dir=" + cache);
    String firstOut = String.join("\n", first);
    String secondOut = String.join("\n", second);
    assertEquals(7, first.stream().filter(l -> l.matches("^1 .* computed .*")).count(), firstOut);
    // Pass 1 computes; pass 2 of the same JVM may be served by the disk tier (big results).
    assertTrue(first.stream().filter(l -> l.startsWith("1 ")).noneMatch(l -> l.contains("than computing")),
        firstOut);

    List<String> served = second.stream().filter(l -> l.startsWith("1 ")).toList();
    assertEquals(7, served.size(), secondOut);
    for (String line : served) {
      Matcher m = SERVED.matcher(line);
      assertTrue(m.matches(), "a disk-served step with its speed-up: " + line);
    }
    assertTrue(served.get(0).startsWith("1    generate(n=2000000, seed=7)"), served.get(0));
    assertTrue(second.stream().anyMatch(l -> l.matches(
        "^7 steps served from disk in \\S+ \\S+; computing them took \\S+ \\S+: \\d+(\\.\\d)?× (faster|slower) than computing$")),
        secondOut);
    // Same results: the result column of every pass-1 line, timings and speed-ups aside.
    assertEquals(results(first), results(second));
  }

  @Test
  void plainRunComputesEveryStepWithoutACache() throws Exception {
    List<String> out = run("--plain");
    assertEquals("Demo pipeline without MemoCache: every step computed once", out.get(0));
    assertEquals(9, out.size(), String.join("\n", out));
    assertTrue(out.get(8).startsWith("all steps: "), out.get(8));
  }

  @Test
  void speedUpSaysFasterOrSlower() {
    assertEquals("21× faster than computing", PipelineDemo.speedUp(12, 257));
    assertEquals("2.5× faster than computing", PipelineDemo.speedUp(100, 250));
    assertEquals("1.4× slower than computing", PipelineDemo.speedUp(140, 100));
    assertEquals("no computing time recorded", PipelineDemo.speedUp(10, 0));
  }

  private static List<String> results(List<String> lines) {
    // Columns as PipelineDemo prints them: pass (4), step (34), served by (12), time (10), then 3 spaces.
    return lines.stream().filter(l -> l.startsWith("1 "))
        .map(l -> l.substring(5, 39).trim() + " = " + l.substring(66).replaceAll(" {3}\\d\\S*× .*$", "")).toList();
  }

  private static List<String> run(String option) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    if (option.startsWith("-D")) {
      cmd.add(option);
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), PipelineDemo.class.getName()));
    if (!option.startsWith("-D")) {
      cmd.add(option);
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "timed out");
    assertEquals(0, p.exitValue(), out);
    return out.lines().toList();
  }

  private static void deleteTree(Path dir) throws Exception {
    if (Files.exists(dir)) {
      try (var s = Files.walk(dir)) {
        s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).map(Path::toFile).forEach(File::delete);
      }
    }
  }
}
