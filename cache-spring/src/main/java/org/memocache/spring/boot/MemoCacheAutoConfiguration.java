package org.memocache.spring.boot;

import java.util.List;
import org.memocache.Memo;
import org.memocache.spring.MemoCacheManager;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Makes a {@link MemoCacheManager} the application's cache manager when caching is enabled
 * ({@code @EnableCaching}), the application defines no {@link CacheManager} of its own and
 * {@code spring.cache.type} does not choose another cache. Its {@link Memo} is
 * {@link Memo#defaultMemo()}, configured as every MemoCache entry point is (system properties
 * {@code memocache.*}, environment variables {@code MEMOCACHE_*}, {@code memocache.properties}),
 * unless the application defines a {@code Memo} bean. Its caches admit the classes of the
 * application's packages (those of the {@code @SpringBootApplication} class) and the names of
 * {@code spring.cache.cache-names}, when set, are its only caches.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration")
@ConditionalOnClass({CacheManager.class, Memo.class})
@ConditionalOnBean(CacheAspectSupport.class)
@ConditionalOnMissingBean(CacheManager.class)
@Conditional(MemoCacheAutoConfiguration.NoOtherCacheType.class)
public class MemoCacheAutoConfiguration {

  /** The process-wide default Memo; not closed with the context, as other code may use it. */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  public Memo memo() {
    return Memo.defaultMemo();
  }

  @Bean
  public MemoCacheManager cacheManager(Memo memo, BeanFactory beanFactory, Environment environment) {
    MemoCacheManager manager = new MemoCacheManager(memo);
    if (AutoConfigurationPackages.has(beanFactory)) {
      manager.setAllowedPackages(AutoConfigurationPackages.get(beanFactory));
    }
    List<String> names = Binder.get(environment)
        .bind("spring.cache.cache-names", Bindable.listOf(String.class)).orElse(List.of());
    if (!names.isEmpty()) {
      manager.setCacheNames(names);
    }
    return manager;
  }

  /** {@code spring.cache.type} is not set: otherwise Boot configures the cache it names. */
  static final class NoOtherCacheType implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return !context.getEnvironment().containsProperty("spring.cache.type");
    }
  }
}
