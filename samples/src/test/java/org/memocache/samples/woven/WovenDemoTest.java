package org.memocache.samples.woven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The build-woven sample runs memoized with no agent: a second JVM computes nothing. */
class WovenDemoTest {

  @Test
  void classesAreWovenAndMarked() throws Exception {
    byte[] classFile;
    try (var in = Spectra.class.getResourceAsStream("Spectra.class")) {
      classFile = in.readAllBytes();
    }
    String constants = new String(classFile, StandardCharsets.ISO_8859_1);
    assertTrue(constants.contains("Lorg/memocache/agent/Woven;"), "Spectra carries the Woven marker");
    assertTrue(constants.contains("org/memocache/MemoRuntime"), "Spectra calls MemoRuntime");
  }

  @Test
  void secondJvmComputesNothingWithoutAnAgent() throws Exception {
    Path cache = Path.of("target", "WovenDemoTest", "cache").toAbsolutePath();
    deleteTree(cache.getParent());
    List<String> first = run(cache);
    List<String> second = run(cache);
    // In the first JVM: signal, spectrum and peaks once each (round 2 and the nested calls hit).
    assertEquals("bodies run in this JVM: 3", first.get(first.size() - 1), String.join("\n", first));
    assertEquals("bodies run in this JVM: 0", second.get(second.size() - 1), String.join("\n", second));
    assertTrue(first.get(0).startsWith("round 1: peaks [50, 120], power at 50 = "), first.get(0));
    assertEquals(strip(first), strip(second));
  }

  private static List<String> run(Path cache) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), WovenDemo.class.getName(), "512"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("MEMOCACHE_DIR", cache.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "timed out");
    assertEquals(0, p.exitValue(), out);
    return out.lines().toList();
  }

  /** The printed lines without their timings. */
  private static List<String> strip(List<String> lines) {
    return lines.stream().filter(l -> l.startsWith("round")).map(l -> l.replaceAll(" \\(.*ms\\)", "")).toList();
  }

  private static void deleteTree(Path dir) throws Exception {
    if (Files.exists(dir)) {
      try (var s = Files.walk(dir)) {
        s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).map(Path::toFile).forEach(File::delete);
      }
    }
  }
}
