package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.memocache.Memo;
import org.memocache.testing.ChildJvm;

/**
 * {@code bin/memocache}: the command line started with a class-data sharing archive of the jar's
 * classes, written by its first run and mapped by the next, on this JDK and on JDK 25.
 */
class CliLauncherIT {
  private static final Path LAUNCHER = Path.of("..", "bin", "memocache").toAbsolutePath().normalize();

  static Stream<String> javas() {
    return Jvm.javas();
  }

  @ParameterizedTest
  @MethodSource("javas")
  void theFirstRunWritesAnArchive_laterRunsMapIt_andARebuiltJarGetsItsOwn(String java) throws Exception {
    Path dir = Jvm.testDir("CliLauncherIT-" + Math.abs(java.hashCode()));
    Path cache = cacheOfOneEntry(dir);
    Path jar = Files.copy(Jvm.agentJar(), dir.resolve("memocache-agent.jar"));
    Path xdg = dir.resolve("xdg");
    Path archives = xdg.resolve("memocache-cli");
    Map<String, String> env = Map.of("JAVA_HOME", javaHome(java), "MEMOCACHE_JAR", jar.toString(),
        "XDG_CACHE_HOME", xdg.toString());

    ChildJvm.Result first = launch(env, "stats", "--json", cache.toString());
    assertEquals(0, first.exitCode(), first.toString());
    // The JVM writes its archive messages to standard output: none may reach the command's.
    assertEquals(1, first.stdout().lines().count(), first.toString());
    assertTrue(first.stdout().startsWith("{\"directory\":"), first.toString());
    List<Path> written = list(archives);
    assertEquals(1, written.size(), written.toString());
    assertTrue(written.get(0).toString().endsWith(".jsa"), written.toString());
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(archives)));

    Path log = dir.resolve("class-load.log");
    ChildJvm.Result second = launch(with(env, "MEMOCACHE_CLI_JAVA_OPTS", "-Xlog:class+load:file=" + log),
        "stats", "--json", cache.toString());
    assertEquals(0, second.exitCode(), second.toString());
    assertEquals(first.stdout(), second.stdout());
    String loads = Files.readString(log);
    assertTrue(loads.contains("org.memocache.agent.Cli source: shared objects file (top)"),
        "the command line's classes come from the archive");
    assertEquals(written, list(archives));

    // The same jar file rebuilt: an archive of its own, which replaces the old one.
    Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
    ChildJvm.Result rebuilt = launch(env, "stats", "--json", cache.toString());
    assertEquals(first.stdout(), rebuilt.stdout());
    List<Path> now = list(archives);
    assertEquals(1, now.size(), now.toString());
    assertNotEquals(written, now);

    // Exit codes and standard error are the command's.
    ChildJvm.Result bad = launch(env, "stats", Files.createDirectories(dir.resolve("plain")).toString());
    assertEquals(2, bad.exitCode(), bad.toString());
    assertTrue(bad.stderr().contains("not a MemoCache directory"), bad.toString());
  }

  @Test
  void onlyACommandOnACacheThatSucceeds_writesTheArchive_andOneThatCannotBeMappedIsIgnored() throws Exception {
    Path dir = Jvm.testDir("CliLauncherIT-unusable");
    Path cache = cacheOfOneEntry(dir);
    Path xdg = dir.resolve("xdg");
    Map<String, String> env = builtJar(xdg);
    // An archive keeps the classes its run loaded: help, a typo or a failed command would keep few.
    assertEquals(0, launch(env, "--version").exitCode());
    assertEquals(2, launch(env, "nosuch").exitCode());
    assertEquals(2, launch(env, "stats", Files.createDirectories(dir.resolve("plain")).toString()).exitCode());
    assertFalse(Files.exists(xdg.resolve("memocache-cli")) && !list(xdg.resolve("memocache-cli")).isEmpty(),
        "no archive yet");
    assertEquals(0, launch(env, "ls", cache.toString()).exitCode());
    Path archive = list(xdg.resolve("memocache-cli")).get(0);
    Files.delete(archive);
    Files.writeString(archive, "not an archive");

    ChildJvm.Result r = launch(env, "--version");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stdout().startsWith("MemoCache "), r.toString());
    assertEquals("", r.stderr(), r.toString());
  }

  @Test
  void firstRunsAtOnce_leaveOneArchive() throws Exception {
    Path dir = Jvm.testDir("CliLauncherIT-concurrent");
    Path cache = cacheOfOneEntry(dir);
    Path xdg = dir.resolve("xdg");
    Map<String, String> env = builtJar(xdg);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<ChildJvm.Result>> runs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        runs.add(pool.submit(() -> launch(env, "stats", cache.toString())));
      }
      for (Future<ChildJvm.Result> r : runs) {
        assertEquals(0, r.get().exitCode(), r.get().toString());
      }
    } finally {
      pool.shutdown();
    }
    List<Path> left = list(xdg.resolve("memocache-cli"));
    assertEquals(1, left.size(), left.toString());
    assertTrue(left.get(0).toString().endsWith(".jsa"), "an archive, not a marker that the JDK cannot write one: " + left);
  }

  @Test
  void withoutArchives_orWithoutTheJar() throws Exception {
    Path dir = Jvm.testDir("CliLauncherIT-off");
    Path xdg = dir.resolve("xdg");
    ChildJvm.Result off = launch(Map.of("MEMOCACHE_JAR", Jvm.agentJar().toString(), "XDG_CACHE_HOME", xdg.toString(),
        "MEMOCACHE_CLI_CDS", "off"), "--version");
    assertEquals(0, off.exitCode(), off.toString());
    assertTrue(off.stdout().startsWith("MemoCache "), off.toString());
    assertFalse(Files.exists(xdg), "nothing written");

    Path missing = dir.resolve("no.jar");
    ChildJvm.Result none = launch(Map.of("MEMOCACHE_JAR", missing.toString(), "XDG_CACHE_HOME", xdg.toString()), "ls");
    assertEquals(2, none.exitCode(), none.toString());
    assertTrue(none.stderr().contains("no jar at " + missing), none.toString());
  }

  /** The environment of a launch of the built jar that keeps its archives under {@code xdg}. */
  private static Map<String, String> builtJar(Path xdg) {
    return Map.of("MEMOCACHE_JAR", Jvm.agentJar().toString(), "XDG_CACHE_HOME", xdg.toString());
  }

  /** A cache directory under {@code dir} holding one entry. */
  private static Path cacheOfOneEntry(Path dir) {
    Path cache = dir.resolve("cache");
    try (Memo memo = Memo.builder().directory(cache).build()) {
      memo.call("simulate", () -> new double[500], 500);
    }
    return cache;
  }

  private static ChildJvm.Result launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
    cmd.addAll(List.of(args));
    return ChildJvm.run(cmd, null, env, Duration.ofMinutes(2));
  }

  /** The home of the JDK whose launcher is {@code java}, for {@code JAVA_HOME}. */
  private static String javaHome(String java) {
    return Path.of(java).toAbsolutePath().getParent().getParent().toString();
  }

  private static Map<String, String> with(Map<String, String> env, String key, String value) {
    Map<String, String> m = new HashMap<>(env);
    m.put(key, value);
    return m;
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }
}
