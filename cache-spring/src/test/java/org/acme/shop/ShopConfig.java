package org.acme.shop;

import org.memocache.Memo;
import org.memocache.spring.MemoCacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** A plain Spring application using MemoCache as its cache, as docs/spring.md shows it. */
@Configuration
@EnableCaching
public class ShopConfig {

  @Bean
  public Memo memo(ShopSettings settings) {
    return Memo.builder().directory(settings.dir()).build();
  }

  @Bean
  public MemoCacheManager cacheManager(Memo memo, ShopSettings settings) {
    MemoCacheManager manager = new MemoCacheManager(memo);
    manager.setAllowNullValues(settings.allowNullValues());
    return manager;
  }

  @Bean
  public Pricing pricing(ShopSettings settings) {
    return new Pricing(settings.markers());
  }

  /** A started context of this configuration. */
  public static AnnotationConfigApplicationContext start(ShopSettings settings) {
    AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
    context.registerBean(ShopSettings.class, () -> settings);
    context.register(ShopConfig.class);
    context.refresh();
    return context;
  }
}
