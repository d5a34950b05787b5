package org.memocache.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.acme.bootshop.BootShop;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memocache.testing.ChildJvm;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.cache.CacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.ConfigurableApplicationContext;

/** The auto-configuration in a real Spring Boot application, run in child JVMs. */
class BootTest {
  @TempDir Path tmp;

  /**
   * Runs {@link BootShop} in {@code workDir} with {@code jvmArgs}, {@code env} and {@code args};
   * its home directory is under {@code tmp}, so that a default Memo never uses the real one.
   */
  private ChildJvm.Result boot(Path workDir, List<String> jvmArgs, Map<String, String> env, String... args)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ChildJvm.java());
    cmd.add("-Xshare:auto");
    cmd.add("-Duser.home=" + Files.createDirectories(tmp.resolve("home")));
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(BootShop.class.getName());
    cmd.addAll(List.of(args));
    return ChildJvm.run(cmd, workDir, env, ChildJvm.TIMEOUT);
  }

  private List<String> bootLines(List<String> jvmArgs, String... args) throws Exception {
    return SpringCacheTest.lines(boot(tmp, jvmArgs, Map.of(), args));
  }

  @Test
  void bootUsesMemoCacheConfiguredByMemocacheDir_andALaterRunComputesNothing() throws Exception {
    List<String> jvmArgs = List.of("-Dmemocache.dir=" + tmp.resolve("cache"));
    List<String> first = bootLines(jvmArgs);
    assertEquals("manager " + MemoCacheManager.class.getName(), line(first, "manager "));
    assertTrue(line(first, "memo ").startsWith("memo default dir=" + tmp.resolve("cache") + " "), first::toString);
    assertEquals("computed 2", line(first, "computed "));

    List<String> second = bootLines(jvmArgs);
    assertEquals("computed 0", line(second, "computed "));
    // the application's record, as the first run computed it, read from the directory
    assertEquals(first.stream().filter(l -> l.startsWith("item ")).toList(),
        second.stream().filter(l -> l.startsWith("item ")).toList());
  }

  @Test
  void commandLineArgumentsConfigureTheMemo_andALaterRunReadsItsDirectory() throws Exception {
    Path dir = tmp.resolve("from-args");
    List<String> first = bootLines(List.of(), "--memocache.dir=" + dir, "--memocache.expire=1d",
        "--memocache.lockTimeout=42s");
    String memo = line(first, "memo ");
    assertTrue(memo.startsWith("memo own dir=" + dir + " memory="), memo);
    assertTrue(memo.endsWith(" expire=PT24H lock-timeout=PT42S"), memo);
    assertEquals("computed 2", line(first, "computed "));
    assertTrue(stored(dir) > 0, "entries in " + dir);

    List<String> second = bootLines(List.of(), "--memocache.dir=" + dir);
    assertEquals("computed 0", line(second, "computed "));
  }

  @Test
  void applicationPropertiesInTheWorkingDirectoryConfigureTheMemo() throws Exception {
    Path app = Files.createDirectories(tmp.resolve("app"));
    Path dir = tmp.resolve("from-file");
    Files.writeString(app.resolve("application.properties"), "memocache.dir=" + dir + "\n"
        + "memocache.memory=64m\n"
        + "memocache.lock-timeout=${shop.wait}\n"
        + "shop.wait=90s\n");
    List<String> lines = SpringCacheTest.lines(boot(app, List.of(), Map.of()));
    assertEquals("memo own dir=" + dir + " memory=" + (64L << 20) + " expire=null lock-timeout=PT1M30S",
        line(lines, "memo "));
    assertTrue(stored(dir) > 0, "entries in " + dir);
  }

  @Test
  @Tag("slow") // a Boot start in a child JVM (~1 s); the fast run keeps two such starts
  void systemPropertiesAndEnvironmentVariablesWinOverSpringProperties_whichWinOverTheConfigFile() throws Exception {
    Path file = tmp.resolve("memocache-test.properties");
    Files.writeString(file, "memory=1m\nexpire=7d\nlock-timeout=5s\n");
    List<String> lines = SpringCacheTest.lines(boot(tmp,
        List.of("-Dmemocache.dir=" + tmp.resolve("sys")),
        Map.of("MEMOCACHE_CONFIG", file.toString(), "MEMOCACHE_LOCK_TIMEOUT", "3s"),
        "--memocache.dir=" + tmp.resolve("spring"), "--memocache.memory=2m", "--memocache.lock-timeout=4s"));
    assertEquals("memo own dir=" + tmp.resolve("sys") + " memory=" + (2L << 20) + " expire=PT168H lock-timeout=PT3S",
        line(lines, "memo "));
  }

  @Test
  @Tag("slow") // a Boot start in a child JVM (~1 s); the fast run keeps two such starts
  void anUnknownOrMisspelledKeyIsNamedInOneWarningEach_andTheOthersApply() throws Exception {
    ChildJvm.Result run = boot(tmp, List.of(), Map.of(), "--memocache.dir=" + tmp.resolve("cache"),
        "--memocache.foo=1", "--memocache.memroy=64m", "--memocache.foo=2");
    List<String> lines = SpringCacheTest.lines(run);
    assertTrue(line(lines, "memo ").startsWith("memo own dir=" + tmp.resolve("cache") + " "), lines::toString);
    List<String> warnings = run.stderr().lines().filter(l -> l.contains("MemoCache:")).toList();
    assertEquals(List.of(
        "MemoCache: unknown Spring property memocache.foo; the keys are dir, memory, disk, disk-entries, expire,"
            + " lock-timeout, durable, fingerprint, allow, key-encoders, codecs, ignore, shared, blobs, shared-bytes,"
            + " shared-entries, config",
        "MemoCache: unknown Spring property memocache.memroy; did you mean memocache.memory?"),
        warnings.stream().map(w -> w.substring(w.indexOf("MemoCache:"))).toList(), run::toString);
  }

  @Test
  @Tag("slow") // a Boot start in a child JVM (~1 s); the fast run keeps two such starts
  void aBadValueFailsTheStartNamingTheSpringProperty() throws Exception {
    ChildJvm.Result run = boot(tmp, List.of(), Map.of(), "--memocache.dir=" + tmp.resolve("cache"),
        "--memocache.memory=lots");
    assertNotEquals(0, run.exitCode(), run::toString);
    assertTrue(run.stderr().contains(
        "MemoCache: Spring property memocache.memory=lots: not a size such as 512m, 2g or 4096"), run::toString);
  }

  @Test
  void anotherSpringCacheTypeWins() {
    SpringApplication app = new SpringApplication(BootShop.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    try (ConfigurableApplicationContext context = app.run("--spring.cache.type=simple")) {
      CacheManager manager = context.getBean(CacheManager.class);
      assertEquals(ConcurrentMapCacheManager.class, manager.getClass());
      assertFalse(context.containsBean("memo"));
    }
  }

  /** Files under {@code dir}, the stored entries among them. */
  private static long stored(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  private static String line(List<String> lines, String prefix) {
    return lines.stream().filter(l -> l.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no '" + prefix + "' in " + lines));
  }
}
