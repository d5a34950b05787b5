package org.memocache.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.example.weather.Reading;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memocache.testing.ChildJvm;
import org.memocache.testing.LogCapture;

/** What a JCache cache on a cache directory keeps for the next JVM, tested with real child JVMs. */
class AcrossJvmsTest {
  @TempDir Path dir;

  private final CachingProvider provider = Caching.getCachingProvider(MemoCachingProvider.class.getName());

  private CacheManager manager(String allow) {
    Properties props = new Properties();
    if (!allow.isEmpty()) {
      props.setProperty(MemoCachingProvider.ALLOW, allow);
    }
    return provider.getCacheManager(dir.toUri(), getClass().getClassLoader(), props);
  }

  private ChildJvm.Result child(String allow, String... args) throws IOException, InterruptedException {
    String[] all = new String[args.length + 2];
    all[0] = dir.toString();
    all[1] = allow.isEmpty() ? "-" : allow;
    System.arraycopy(args, 0, all, 2, args.length);
    ChildJvm.Result r = ChildJvm.run(List.of(), JCacheChild.class, all);
    assertEquals(0, r.exitCode(), r.stderr());
    return r;
  }

  @Test
  void puts_and_removes_of_one_jvm_are_what_the_next_jvm_starts_with() throws Exception {
    try (CacheManager m = manager("")) {
      Cache<String, String> cache = m.createCache("greetings", new MutableConfiguration<String, String>());
      cache.put("en", "hello");
      cache.put("fr", "salut");
      cache.put("de", "hallo");
      cache.replace("fr", "bonjour");
      cache.remove("de");
    }
    assertEquals("en=hello\nfr=bonjour", child("", "greetings", "list").stdout());
  }

  @Test
  void concurrent_entry_processors_on_one_key_each_see_the_last_and_the_last_is_stored() throws Exception {
    int threads = 8;
    int each = 100;
    try (CacheManager m = manager("")) {
      Cache<String, Integer> cache = m.createCache("counter",
          new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> done = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
          done.add(pool.submit(() -> {
            for (int i = 0; i < each; i++) {
              cache.invoke("n", (e, args) -> {
                e.setValue(e.exists() ? e.getValue() + 1 : 1);
                return null;
              });
            }
          }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
      assertEquals(threads * each, cache.get("n"));
    }
    assertEquals("n=" + threads * each, child("", "counter", "list").stdout());
  }

  @Test
  @Tag("slow") // three child JVMs racing 600 puts; the other cross-JVM tests stay in the fast run
  void of_two_jvms_putting_one_key_the_last_put_of_the_one_finishing_last_is_read_by_a_third(@TempDir Path ready)
      throws Exception {
    int puts = 300;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<ChildJvm.Result> a = pool.submit(() -> child("", "race", "puts", "k", "a", "" + puts, ready.toString(), "1"));
      Future<ChildJvm.Result> b = pool.submit(() -> child("", "race", "puts", "k", "b", "" + puts, ready.toString(), "1"));
      String[] lastA = a.get().stdout().split(" ");
      String[] lastB = b.get().stdout().split(" ");
      assertEquals("a-" + (puts - 1), lastA[1]);
      assertEquals("b-" + (puts - 1), lastB[1]);
      String read = child("", "race", "list").stdout();
      assertTrue(read.equals("k=" + lastA[1]) || read.equals("k=" + lastB[1]), read);
      long finishedA = Long.parseLong(lastA[2]);
      long finishedB = Long.parseLong(lastB[2]);
      // Clocks of one host: a put that returned clearly later is the one published last.
      if (Math.abs(finishedA - finishedB) > 50) {
        assertEquals("k=" + (finishedA > finishedB ? lastA[1] : lastB[1]), read);
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void an_entry_put_by_a_child_jvm_is_read_here() throws Exception {
    child("", "greetings", "put", "it", "ciao");
    try (CacheManager m = manager("")) {
      Cache<String, String> cache = m.createCache("greetings", new MutableConfiguration<String, String>());
      assertEquals("ciao", cache.get("it"));
      assertNull(cache.get("en"));
    }
  }

  @Test
  void destroying_a_cache_removes_its_stored_entries() throws Exception {
    child("", "greetings", "put", "it", "ciao");
    try (CacheManager m = manager("")) {
      m.createCache("greetings", new MutableConfiguration<String, String>());
      m.destroyCache("greetings");
    }
    assertEquals("", child("", "greetings", "list").stdout());
  }

  @Test
  void an_application_record_round_trips_when_its_package_is_allowed() throws Exception {
    Reading reading = new Reading("Zugspitze", List.of(-3.5, -2.0));
    try (CacheManager m = manager("org.example.weather")) {
      Cache<String, Reading> cache = m.createCache("readings", new MutableConfiguration<String, Reading>());
      cache.put("zugspitze", reading);
    }
    assertEquals("zugspitze=" + reading, child("org.example.weather", "readings", "list").stdout());
    // The same directory in a fresh manager of this JVM: the record decodes to an equal value.
    try (CacheManager m = manager("org.example.weather")) {
      Cache<String, Reading> cache = m.createCache("readings", new MutableConfiguration<String, Reading>());
      assertEquals(reading, cache.get("zugspitze"));
    }
  }

  @Test
  void a_record_of_a_package_not_allowed_stays_in_its_jvm() throws Exception {
    try (LogCapture log = new LogCapture(); CacheManager m = manager("")) {
      Cache<String, Reading> cache = m.createCache("readings", new MutableConfiguration<String, Reading>());
      cache.put("zugspitze", new Reading("Zugspitze", List.of(-3.5)));
      assertTrue(cache.containsKey("zugspitze"));
      assertEquals(List.of("MemoCache: the result of jcache:readings contains org.example.weather.Reading, which its"
          + " allow-list does not admit, so it would never be readable from " + dir + "; it is not stored there."),
          log.messages(Level.WARNING).stream().map(w -> w.substring(0, w.indexOf(" there.") + 7)).toList());
    }
    assertEquals("", child("", "readings", "list").stdout());
  }

  @Test
  void an_entry_whose_key_has_no_key_rule_stays_in_its_jvm_with_one_warning() throws Exception {
    try (LogCapture log = new LogCapture(); CacheManager m = manager("")) {
      Cache<Date, String> cache = m.createCache("dates", new MutableConfiguration<Date, String>());
      cache.put(new Date(0), "epoch");
      cache.put(new Date(1), "one");
      assertEquals("epoch", cache.get(new Date(0)));
      List<String> warnings = log.messages(Level.WARNING);
      assertEquals(1, warnings.size(), warnings::toString);
      assertTrue(warnings.get(0).startsWith(
          "MemoCache JCache jcache:dates: cannot store an entry keyed by a java.util.Date (jcache:dates: parameter 0"),
          warnings.get(0));
      assertTrue(warnings.get(0).endsWith("); such entries stay in this JVM only"), warnings.get(0));
    }
    assertEquals("", child("", "dates", "list").stdout());
  }
}
