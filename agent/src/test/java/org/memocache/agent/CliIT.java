package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.memocache.Memo;

/**
 * The command line as users run it: {@code java -jar memocache-agent.jar ls <dir> --json} in a child
 * JVM on the shaded jar, on a directory this JVM filled, and its usage exit code on a directory
 * that is not a cache.
 */
class CliIT {

  @Test
  void lsJsonFromTheShadedJar() throws Exception {
    Path dir = Jvm.testDir("CliIT");
    Path cache = dir.resolve("cache");
    try (Memo memo = Memo.builder().directory(cache).build()) {
      memo.call("simulate", () -> new double[500], 500);
      memo.call("simulate", () -> new double[700], 700);
      memo.call("label", () -> "seven", 7);
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    Jvm.Result ls = Jvm.run(java, List.of("-jar", Jvm.agentJar().toString()), List.of(), "", "ls", cache.toString(),
        "--json");
    assertEquals(0, ls.exitCode(), ls.toString());
    assertTrue(ls.out().startsWith("{\"directory\":\"" + cache.toAbsolutePath()), ls.toString());
    assertTrue(ls.out().contains("\"entryCount\":3"), ls.toString());
    assertTrue(ls.out().contains("\"method\":\"simulate\",\"arguments\":\"500\""), ls.toString());
    assertTrue(ls.out().contains("\"method\":\"label\""), ls.toString());

    // prune runs maintenance, which rebuilds the MapDB index when it is missing: every class MapDB
    // needs (Eclipse Collections, Guava, Kotlin) must be in the jar.
    try (var index = Files.list(cache.resolve("index"))) {
      for (Path f : index.filter(f -> f.getFileName().toString().startsWith("index.db")).toList()) {
        Files.delete(f);
      }
    }
    Jvm.Result prune = Jvm.run(java, List.of("-jar", Jvm.agentJar().toString()), List.of(), "", "prune",
        "--max-entries", "2", cache.toString());
    assertEquals(0, prune.exitCode(), prune.toString());
    assertEquals("", prune.err(), prune.toString());
    assertTrue(Files.size(cache.resolve("index").resolve("index.db")) > 0, prune.toString());
    Jvm.Result after = Jvm.run(java, List.of("-jar", Jvm.agentJar().toString()), List.of(), "", "ls", cache.toString(),
        "--json");
    assertEquals(0, after.exitCode(), after.toString());
    assertTrue(after.out().contains("\"entryCount\":2"), after.toString());
    assertEquals("", after.err(), after.toString());

    Path plain = Files.createDirectories(dir.resolve("plain"));
    Jvm.Result bad = Jvm.run(java, List.of("-jar", Jvm.agentJar().toString()), List.of(), "", "stats",
        plain.toString());
    assertEquals(2, bad.exitCode(), bad.toString());
    assertTrue(bad.err().contains("not a MemoCache directory"), bad.toString());
    assertEquals("", bad.out(), bad.toString());
  }
}
