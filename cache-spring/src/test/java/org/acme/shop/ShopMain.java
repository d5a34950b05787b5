package org.acme.shop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * A child JVM with its own Spring context on a shared cache directory.
 *
 * <p>{@code race dir markers ready go n}: creates {@code ready}, waits for {@code go}, then calls
 * {@code quote} for the {@code n} keys from 4 threads at once, each thread in another order, and
 * prints {@code quote sku qty price computedBy} per key. {@code read dir markers n}: the same calls,
 * one thread. {@code evict|put dir markers sku qty}: {@code drop} or {@code reprice} one key.
 */
public final class ShopMain {
  private ShopMain() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    ShopSettings settings = new ShopSettings(Path.of(args[1]), Path.of(args[2]), true);
    try (AnnotationConfigApplicationContext context = ShopConfig.start(settings)) {
      Pricing pricing = context.getBean(Pricing.class);
      switch (mode) {
        case "race" -> race(pricing, Path.of(args[3]), Path.of(args[4]), Integer.parseInt(args[5]));
        case "read" -> {
          for (int i = 0; i < Integer.parseInt(args[3]); i++) {
            print(pricing.quote("sku-" + i, i + 1));
          }
        }
        case "evict" -> pricing.drop(args[3], Integer.parseInt(args[4]));
        case "put" -> print(pricing.reprice(args[3], Integer.parseInt(args[4])));
        default -> throw new IllegalArgumentException(mode);
      }
    }
    System.out.println("done");
  }

  private static void race(Pricing pricing, Path ready, Path go, int n) throws Exception {
    Files.createFile(ready);
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!Files.exists(go)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no go");
      }
      Thread.sleep(5);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<List<Quote>>> results = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int offset = t * 3;
      results.add(pool.submit(() -> {
        List<Quote> got = new ArrayList<>();
        for (int j = 0; j < n; j++) {
          int i = (j + offset) % n;
          got.add(pricing.quote("sku-" + i, i + 1));
        }
        return got;
      }));
    }
    for (Future<List<Quote>> f : results) {
      for (Quote q : f.get()) {
        print(q);
      }
    }
    pool.shutdown();
  }

  private static void print(Quote q) {
    System.out.println("quote " + q.sku() + " " + q.qty() + " " + q.price() + " " + q.computedBy() + " " + q.lines());
  }
}
