package org.acme.shop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;

/**
 * A service with cached methods. Each computation leaves a marker file named after the call, so
 * computations are counted across processes.
 */
public class Pricing {
  private static final AtomicLong SEQ = new AtomicLong();
  private final Path markers;

  public Pricing(Path markers) {
    this.markers = markers;
  }

  @Cacheable(cacheNames = "quotes", sync = true)
  public Quote quote(String sku, int qty) {
    mark("quote", sku + "-" + qty);
    sleep(300);
    return new Quote(sku, qty, qty * 1.5, ProcessHandle.current().pid(),
        List.of(new Line("base", qty), new Line("tax", qty * 0.5)));
  }

  @Cacheable(cacheNames = "quotes", sync = true)
  public Quote unpriced(String sku) {
    mark("unpriced", sku);
    throw new IllegalStateException("no price for " + sku);
  }

  @CachePut(cacheNames = "quotes")
  public Quote reprice(String sku, int qty) {
    mark("reprice", sku + "-" + qty);
    return new Quote(sku, qty, qty * 2.0, ProcessHandle.current().pid(), List.of(new Line("repriced", qty * 2.0)));
  }

  @CacheEvict(cacheNames = "quotes")
  public void drop(String sku, int qty) {}

  @CacheEvict(cacheNames = "quotes", allEntries = true)
  public void dropAll() {}

  /** Without sync: Spring's look-up, compute, put. */
  @Cacheable(cacheNames = "names")
  public String name(String sku) {
    mark("name", sku);
    return sku.toUpperCase(java.util.Locale.ROOT);
  }

  @Cacheable(cacheNames = "stock", sync = true)
  public Integer stock(String sku) {
    mark("stock", sku);
    return sku.startsWith("none") ? null : sku.length();
  }

  @Cacheable(cacheNames = "catalogue", sync = true)
  public List<String> catalogue() {
    mark("catalogue", "all");
    return List.of("a", "b");
  }

  @Cacheable(cacheNames = "async", sync = true)
  public CompletableFuture<Quote> asyncQuote(String sku) {
    mark("async", sku);
    if (sku.startsWith("fail")) {
      return CompletableFuture.failedFuture(new IllegalStateException("no price for " + sku));
    }
    return CompletableFuture.supplyAsync(() -> new Quote(sku, 1, 9.0, ProcessHandle.current().pid(), List.of()));
  }

  private void mark(String method, String call) {
    try {
      Files.createFile(markers.resolve(method + "~" + call + "~" + ProcessHandle.current().pid() + "~"
          + SEQ.incrementAndGet()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
