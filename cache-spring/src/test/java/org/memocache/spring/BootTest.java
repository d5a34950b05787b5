package org.memocache.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.acme.bootshop.BootShop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.cache.CacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.ConfigurableApplicationContext;

/** The auto-configuration in a real Spring Boot application. */
class BootTest {
  @TempDir Path tmp;

  @Test
  void bootUsesMemoCacheConfiguredByMemocacheDir_andALaterRunComputesNothing() throws Exception {
    List<String> jvmArgs = List.of("-Dmemocache.dir=" + tmp.resolve("cache"));
    List<String> first = Jvm.start(jvmArgs, BootShop.class).finish();
    assertEquals("manager " + MemoCacheManager.class.getName(), line(first, "manager "));
    assertEquals("computed 2", line(first, "computed "));

    List<String> second = Jvm.start(jvmArgs, BootShop.class).finish();
    assertEquals("computed 0", line(second, "computed "));
    // the application's record, as the first run computed it, read from the directory
    assertEquals(first.stream().filter(l -> l.startsWith("item ")).toList(),
        second.stream().filter(l -> l.startsWith("item ")).toList());
  }

  @Test
  void memocacheKeysOfTheSpringEnvironmentAreNamedInOneWarning() throws Exception {
    Jvm run = Jvm.start(List.of("-Dmemocache.dir=" + tmp.resolve("cache")), BootShop.class,
        "--memocache.expire=1d", "--memocache.memory=64m");
    run.finish();
    List<String> warnings = run.stderr().lines().filter(l -> l.contains("MemoCache:")).toList();
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).endsWith(" MemoCache: the Spring properties memocache.expire, memocache.memory are"
        + " not read by MemoCache; set them in memocache.properties on the class path, as system properties or"
        + " as MEMOCACHE_* environment variables"), warnings.get(0));
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

  private static String line(List<String> lines, String prefix) {
    return lines.stream().filter(l -> l.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no '" + prefix + "' in " + lines));
  }
}
