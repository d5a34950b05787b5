package org.acme.bootshop;

import org.memocache.Memo;
import org.memocache.MemoConfig;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot application with caching enabled and no cache configured: MemoCache's
 * auto-configuration supplies the cache manager. Prints the manager's class, its Memo's settings,
 * each item and how many were computed in this JVM.
 */
@SpringBootApplication
@EnableCaching
public class BootShop {

  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(BootShop.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.setLogStartupInfo(false);
    try (ConfigurableApplicationContext context = app.run(args)) {
      System.out.println("manager " + context.getBean(CacheManager.class).getClass().getName());
      Memo memo = context.getBean(Memo.class);
      MemoConfig config = memo.config();
      System.out.println("memo " + (memo == Memo.defaultMemo() ? "default" : "own") + " dir=" + config.directory()
          + " memory=" + config.maximumMemoryBytes() + " expire=" + config.expireAfter()
          + " lock-timeout=" + config.lockTimeout());
      Catalog catalog = context.getBean(Catalog.class);
      for (String id : new String[] {"a", "b", "a"}) {
        System.out.println("item " + catalog.item(id));
      }
      System.out.println("computed " + Catalog.COMPUTED);
    }
    System.out.println("done");
  }
}
