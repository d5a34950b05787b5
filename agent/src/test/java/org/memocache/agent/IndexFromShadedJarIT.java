package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.memocache.Memo;

/**
 * The shaded jar keeps only the classes of MapDB's dependencies (Eclipse Collections, Guava,
 * Kotlin) that the disk tier's index loads: every index operation, and the command line's
 * maintenance, run from the jar in fresh JVMs; and the jar stays within its size budget.
 */
class IndexFromShadedJarIT {
  /** The agent jar's budget: the index's dependencies whole would bring it to about 18 MB. */
  static final long MAX_JAR_BYTES = 12_000_000;

  @Test
  void jarStaysWithinItsSizeBudget() throws Exception {
    long size = Files.size(Jvm.agentJar());
    assertTrue(size <= MAX_JAR_BYTES, "memocache-agent.jar is " + size + " bytes, over " + MAX_JAR_BYTES);
  }

  @ParameterizedTest
  @MethodSource("org.memocache.agent.Jvm#javas")
  void everyIndexOperationRunsFromTheJar(String java) throws Exception {
    Path dir = Jvm.testDir("IndexFromShadedJarIT-" + (java.contains("25") ? "jdk25" : "jdk17"));
    Path index = dir.resolve("index");
    List<Path> cp = List.of(Jvm.agentJar(), testClasses());
    String main = "org.memocache.disk.internal.IndexWorkout";

    Jvm.Result fill = Jvm.run(java, List.of(), cp, main, index.toString(), "fill");
    assertEquals(0, fill.exitCode(), fill::toString);
    assertEquals("", fill.err(), fill::toString);
    assertEquals(List.of("fill fresh=true scannedBefore=0 removed=10000 absentRemoved=false absent=null size=10000"
        + " iterated=10000 journals=49 offset=500 missingOffset=0 hits=2",
        "reopen fresh=false size=10000 scanned=1234"), fill.lines());

    Jvm.Result crash = Jvm.run(java, List.of(), cp, main, index.toString(), "crash");
    assertEquals(List.of("crash size=12000"), crash.lines(), crash::toString);
    Jvm.Result replay = Jvm.run(java, List.of(), cp, main, index.toString(), "replay");
    assertEquals(0, replay.exitCode(), replay::toString);
    assertEquals("", replay.err(), replay::toString);
    // The uncommitted half is rolled back, the committed one kept.
    assertEquals(List.of("replay fresh=false size=11000 iterated=11000"), replay.lines());

    Jvm.Result damaged = Jvm.run(java, List.of(), cp, main, index.toString(), "damaged");
    assertEquals(0, damaged.exitCode(), damaged::toString);
    assertEquals("", damaged.err(), damaged::toString);
    assertEquals(1, damaged.lines().size(), damaged::toString);
    assertTrue(damaged.out().startsWith("damaged failure=index " + index.resolve("index.db") + " cannot be opened: "
        + "org.memocache.shaded.org.mapdb.DBException$WrongFormat"), damaged::toString);
    assertTrue(damaged.out().strip().endsWith(" then fresh=true size=0"), damaged::toString);
  }

  /** Maintenance through the command line: rebuilding a missing index, evicting, a damaged index. */
  @Tag("slow") // four CLI JVMs (4 s); CliIT runs the jar's CLI in the fast run
  @Test
  void commandLineMaintenanceFromTheJar() throws Exception {
    Path cache = Jvm.testDir("IndexFromShadedJarIT-cli").resolve("cache");
    try (Memo memo = Memo.builder().directory(cache).build()) {
      for (int i = 0; i < 1_500; i++) {
        int n = i;
        memo.call("square", () -> (long) n * n, n);
      }
    }
    String java = Jvm.javas().findFirst().orElseThrow();
    List<String> jar = List.of("-jar", Jvm.agentJar().toString());

    Jvm.Result prune = Jvm.run(java, jar, List.of(), "", "prune", "--max-entries", "1000", cache.toString());
    assertEquals(0, prune.exitCode(), prune::toString);
    assertEquals("", prune.err(), prune::toString);
    assertEquals(1_000, entryCount(java, cache));
    Jvm.Result again = Jvm.run(java, jar, List.of(), "", "prune", "--max-entries", "600", cache.toString());
    assertEquals(0, again.exitCode(), again::toString);
    assertEquals("", again.err(), again::toString);
    assertEquals(600, entryCount(java, cache));

    Files.write(cache.resolve("index").resolve("index.db"), new byte[64]);
    Jvm.Result damaged = Jvm.run(java, jar, List.of(), "", "prune", "--max-entries", "500", cache.toString());
    assertEquals(0, damaged.exitCode(), damaged::toString);
    assertEquals(1, damaged.warnings("the index of", "is damaged"), damaged::toString);
    assertEquals(500, entryCount(java, cache));
  }

  private static int entryCount(String java, Path cache) throws Exception {
    Jvm.Result ls = Jvm.run(java, List.of("-jar", Jvm.agentJar().toString()), List.of(), "", "ls", cache.toString(),
        "--json");
    assertEquals(0, ls.exitCode(), ls::toString);
    assertEquals("", ls.err(), ls::toString);
    String field = "\"entryCount\":";
    int at = ls.out().indexOf(field);
    assertTrue(at >= 0, ls::toString);
    int end = at + field.length();
    while (Character.isDigit(ls.out().charAt(end))) {
      end++;
    }
    return Integer.parseInt(ls.out().substring(at + field.length(), end));
  }

  private static Path testClasses() throws Exception {
    return Path.of(org.memocache.disk.internal.IndexWorkout.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI());
  }
}
