package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The configuration keys through each source, in child JVMs whose default Memo is configured only
 * from outside: the effect of each key (where entries land, what is admitted, the memory bound, the
 * configuration the Memo runs with), the order of precedence, the error for a bad value, and a
 * default directory that cannot be used.
 */
class ConfigurationTest {

  /** Where a child's configuration comes from. */
  enum Source { PROPERTY, ENVIRONMENT, CONFIG_FILE, CLASS_PATH_FILE }

  @ParameterizedTest
  @EnumSource(Source.class)
  void everyKey_takesEffect(Source source, TestInfo info) throws Exception {
    Path base = Files.createDirectories(TestDirs.forTest(info));
    Path dir = base.resolve("cache");
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("dir", dir.toString());
    keys.put("memory", "16k");
    keys.put("disk", "2g");
    keys.put("disk-entries", "1000");
    keys.put("expire", "30d");
    keys.put("lock-timeout", "45s");
    keys.put("durable", "true");
    keys.put("fingerprint", "false");
    keys.put("allow", "org.thirdparty.linear");

    Run first = run(base, source, keys, List.of());
    assertEquals(List.of("dir=" + dir, "memory=16384", "disk=2147483648", "disk-entries=1000", "expire=PT720H",
        "lock-timeout=PT45S", "durable=true", "fingerprint=false", "allow=org.thirdparty.linear",
        "matrix Matrix2[1.0, 2.0, 3.0, 4.0] computed=1",
        "big memoryHits=0 tierHits=1"), first.lines(), first::toString);
    assertFalse(first.err.contains("WARNING"), first::toString);
    try (Stream<Path> files = Files.walk(dir.resolve("entries"))) {
      assertEquals(2, files.filter(f -> f.toString().endsWith(".memo")).count(), "both results stored in " + dir);
    }
    Run second = run(base, source, keys, List.of());
    assertEquals("matrix Matrix2[1.0, 2.0, 3.0, 4.0] computed=0", second.lines().get(9),
        "a second JVM decodes the admitted third-party result: " + second);
  }

  @Test
  void withoutConfiguration_theDefaultsHold_andAThirdPartyResultIsNotStored(TestInfo info) throws Exception {
    Path base = Files.createDirectories(TestDirs.forTest(info));
    Run r = run(base, Source.PROPERTY, Map.of(), List.of());
    Path home = base.resolve("home").resolve(".cache").resolve("memocache");
    assertEquals("dir=" + home, r.lines().get(0), r::toString);
    assertEquals(List.of("disk=9223372036854775807", "disk-entries=9223372036854775807", "expire=null",
        "lock-timeout=PT10M", "durable=false", "fingerprint=true", "allow="), r.lines().subList(2, 9));
    assertEquals("big memoryHits=1 tierHits=0", r.lines().get(10), r::toString);
    String warning = "WARNING: MemoCache: the result of matrix contains org.thirdparty.linear.Matrix, which its"
        + " allow-list does not admit, so it would never be readable from " + home + "; it is not stored there."
        + " Admit it: -Dmemocache.allow=org.thirdparty.linear (or MEMOCACHE_ALLOW=org.thirdparty.linear, or"
        + " allow=org.thirdparty.linear in memocache.properties), the agent option allow=org.thirdparty.linear,"
        + " or Memo.builder().allowPackages(\"org.thirdparty.linear\")";
    assertEquals(List.of(warning), r.err.lines().filter(l -> l.startsWith("WARNING")).toList(), r::toString);
  }

  @Test
  void storedThirdPartyResult_readWithoutAllow_isAMissWithOneWarning(TestInfo info) throws Exception {
    Path base = Files.createDirectories(TestDirs.forTest(info));
    Path dir = base.resolve("cache");
    run(base, Source.PROPERTY, Map.of("dir", dir.toString(), "allow", "org.thirdparty.linear"), List.of());
    Run r = run(base, Source.PROPERTY, Map.of("dir", dir.toString()), List.of());
    assertEquals("matrix Matrix2[1.0, 2.0, 3.0, 4.0] computed=1", r.lines().get(9), r::toString);
    String key = r.err.lines().filter(l -> l.startsWith("WARNING: MemoCache: a stored result of matrix (")).findFirst()
        .orElseThrow(() -> new AssertionError(r)).replaceAll(".*\\((.*)\\) contains.*", "$1");
    assertEquals("WARNING: MemoCache: a stored result of matrix (" + key + ") contains org.thirdparty.linear.Matrix,"
        + " which this reader does not admit (it admits JDK value types and, for a method it knows, that method's"
        + " declared types and code, and the allow setting); it is treated as a miss and the class is never loaded."
        + " If it is yours, admit it: -Dmemocache.allow=org.thirdparty.linear (or MEMOCACHE_ALLOW=org.thirdparty.linear,"
        + " or allow=org.thirdparty.linear in memocache.properties), the agent option allow=org.thirdparty.linear, or"
        + " Memo.builder().allowPackages(\"org.thirdparty.linear\")",
        r.err.lines().filter(l -> l.contains("a stored result of matrix")).findFirst().orElseThrow());
  }

  @Test
  void precedence_propertyThenEnvironmentThenConfigFileThenClassPathFile(TestInfo info) throws Exception {
    Path base = Files.createDirectories(TestDirs.forTest(info));
    Path cp = Files.createDirectories(base.resolve("cp"));
    Files.writeString(cp.resolve("memocache.properties"), "memory = 1k\ndisk = 1g\nexpire = 1d\nlock-timeout = 1s\n");
    Path file = base.resolve("config.properties");
    Files.writeString(file, "memory = 2k\ndisk = 2g\nexpire = 2d\n");
    List<String> cmd = new ArrayList<>(List.of("-Dmemocache.memory=4k"));
    Map<String, String> env = Map.of("MEMOCACHE_CONFIG", file.toString(), "MEMOCACHE_MEMORY", "3k",
        "MEMOCACHE_DISK", "3g");
    Run r = child(base, cmd, env, List.of(cp));
    assertEquals(List.of("memory=4096", "disk=3221225472"), r.lines().subList(1, 3), r::toString);
    assertEquals(List.of("expire=PT48H", "lock-timeout=PT1S"), r.lines().subList(4, 6), r::toString);
  }

  @Test
  void badValue_oneErrorNamingKeySourceAndValue(TestInfo info) throws Exception {
    Path base = Files.createDirectories(TestDirs.forTest(info));
    Run property = child(base, List.of("-Dmemocache.memory=lots"), Map.of(), List.of());
    assertEquals(List.of("failed: MemoCache: system property memocache.memory=lots: not a size such as 512m, 2g or 4096"),
        property.lines(), property::toString);
    Run env = child(base, List.of(), Map.of("MEMOCACHE_LOCK_TIMEOUT", "soon"), List.of());
    assertEquals(List.of("failed: MemoCache: environment variable MEMOCACHE_LOCK_TIMEOUT=soon: not a duration such as"
        + " 30s, 10m, 12h, 30d or PT10M"), env.lines(), env::toString);
    Path file = base.resolve("bad.properties");
    Files.writeString(file, "# cache\ndir = /tmp/x\ndurable = yes\n");
    Run inFile = child(base, List.of(), Map.of("MEMOCACHE_CONFIG", file.toString()), List.of());
    assertEquals(List.of("failed: MemoCache: " + file + ":3 durable=yes: not true or false"), inFile.lines(),
        inFile::toString);
  }

  @Test
  void unknownProperty_warnsNamingTheClosestKey(TestInfo info) throws Exception {
    Path base = Files.createDirectories(TestDirs.forTest(info));
    Run r = child(base, List.of("-Dmemocache.memroy=1g"), Map.of(), List.of());
    assertEquals(List.of("WARNING: MemoCache: unknown system property memocache.memroy; did you mean memocache.memory?"),
        r.err.lines().filter(l -> l.contains("MemoCache: unknown")).toList(), r::toString);
  }

  @Test
  void unusableDefaultDirectory_degradesToMemoryWithOneWarning(TestInfo info) throws Exception {
    Path base = Files.createDirectories(TestDirs.forTest(info));
    Path file = Files.writeString(base.resolve("not-a-directory"), "x");
    Run r = child(base, List.of(), Map.of("MEMOCACHE_DIR", file.toString()), List.of());
    assertEquals("dir=null", r.lines().get(0), r::toString);
    assertEquals("big memoryHits=1 tierHits=0", r.lines().get(10), r::toString);
    assertEquals(List.of("WARNING: MemoCache: cannot use the cache directory " + file
        + ": exists and is not a directory; memoizing in memory only for this run"),
        r.err.lines().filter(l -> l.startsWith("WARNING")).toList(), r::toString);
    assertFalse(r.err.contains("\tat "), "no stack trace: " + r);
  }

  @Test
  void readOnlyDefaultDirectory_degradesToMemoryWithOneWarning(TestInfo info) throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "Linux /proc");
    Path base = Files.createDirectories(TestDirs.forTest(info));
    Run r = child(base, List.of("-Dmemocache.dir=/proc/memocache"), Map.of(), List.of());
    assertEquals("dir=null", r.lines().get(0), r::toString);
    assertEquals(List.of("WARNING: MemoCache: cannot use the cache directory /proc/memocache: no such file or directory"
        + "; memoizing in memory only for this run"),
        r.err.lines().filter(l -> l.startsWith("WARNING")).toList(), r::toString);
    assertEquals(2, r.err.lines().count(), "one record, no stack trace: " + r);
  }

  @Test
  void unusableExplicitDirectory_failsFastNamingIt(TestInfo info) throws Exception {
    Path base = Files.createDirectories(TestDirs.forTest(info));
    Path file = Files.writeString(base.resolve("not-a-directory"), "x");
    Run r = child(base, List.of(), Map.of(), List.of(), "explicit", file.toString());
    assertEquals(List.of("failed: MemoCache: cannot use the cache directory " + file + ": exists and is not a directory"),
        r.lines(), r::toString);
  }

  // ---- child JVMs ----

  private record Run(int exit, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /** Runs {@link ConfigChild} with {@code keys} given through {@code source}. */
  private static Run run(Path base, Source source, Map<String, String> keys, List<String> jvmArgs) throws Exception {
    List<String> args = new ArrayList<>(jvmArgs);
    Map<String, String> env = new LinkedHashMap<>();
    List<Path> cp = new ArrayList<>();
    switch (source) {
      case PROPERTY -> keys.forEach((k, v) -> args.add("-Dmemocache." + k + "=" + v));
      case ENVIRONMENT -> keys.forEach((k, v) -> env.put("MEMOCACHE_" + k.toUpperCase().replace('-', '_'), v));
      case CONFIG_FILE -> env.put("MEMOCACHE_CONFIG", properties(base.resolve("config.properties"), keys).toString());
      case CLASS_PATH_FILE -> cp.add(properties(Files.createDirectories(base.resolve("cp")).resolve("memocache.properties"),
          keys).getParent());
    }
    return child(base, args, env, cp);
  }

  private static Path properties(Path file, Map<String, String> keys) throws IOException {
    StringBuilder sb = new StringBuilder("# MemoCache configuration\n");
    keys.forEach((k, v) -> sb.append(k).append(" = ").append(v.replace("\\", "\\\\")).append('\n'));
    return Files.writeString(file, sb.toString());
  }

  private static Run child(Path base, List<String> jvmArgs, Map<String, String> env, List<Path> extraClassPath,
      String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Duser.language=en", "-Duser.country=US"));
    cmd.add("-Duser.home=" + base.resolve("home"));
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    List<String> cp = new ArrayList<>(extraClassPath.stream().map(Path::toString).toList());
    cp.add(System.getProperty("java.class.path"));
    cmd.add(String.join(File.pathSeparator, cp));
    cmd.add(ConfigChild.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("MEMOCACHE_"));
    pb.environment().putAll(env);
    Files.createDirectories(base);
    Path out = base.resolve("child.out");
    Path err = base.resolve("child.err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "child timed out");
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
