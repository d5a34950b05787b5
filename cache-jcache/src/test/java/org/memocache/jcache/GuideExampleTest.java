package org.memocache.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.spi.CachingProvider;
import org.example.weather.Reading;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example of docs/jcache.md, as written there (on a temporary directory). */
class GuideExampleTest {
  @TempDir Path dir;

  @Test
  void the_guide_example_stores_and_reads_a_reading() {
    Path directory = dir;   // docs: Path.of("/data/cache")

    CachingProvider provider = Caching.getCachingProvider();            // MemoCachingProvider
    Properties props = new Properties();
    props.setProperty("memocache.allow", "org.example.weather");        // the application's value classes
    try (CacheManager manager = provider.getCacheManager(directory.toUri(), provider.getDefaultClassLoader(), props)) {
      MutableConfiguration<String, Reading> config = new MutableConfiguration<String, Reading>()
          .setTypes(String.class, Reading.class)
          .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(Duration.ONE_DAY))
          .setStatisticsEnabled(true);
      Cache<String, Reading> readings = manager.createCache("readings", config);
      readings.put("zugspitze", new Reading("Zugspitze", List.of(-3.5, -2.0)));
      Reading r = readings.get("zugspitze");

      assertEquals(new Reading("Zugspitze", List.of(-3.5, -2.0)), r);
    }
    try (CacheManager manager = provider.getCacheManager(directory.toUri(), provider.getDefaultClassLoader(), props)) {
      Cache<String, Reading> readings = manager.createCache("readings",
          new MutableConfiguration<String, Reading>().setTypes(String.class, Reading.class));
      assertEquals(List.of(-3.5, -2.0), readings.get("zugspitze").celsius());
    }
  }
}
