package org.memocache.spring.boot;

import java.util.ArrayList;
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
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Makes a {@link MemoCacheManager} the application's cache manager when caching is enabled
 * ({@code @EnableCaching}), the application defines no {@link CacheManager} of its own and
 * {@code spring.cache.type} does not choose another cache. Its {@link Memo} is
 * {@link Memo#defaultMemo()}, configured as every MemoCache entry point is (system properties
 * {@code memocache.*}, environment variables {@code MEMOCACHE_*}, {@code memocache.properties}),
 * unless the application defines a {@code Memo} bean; {@code memocache.*} keys set elsewhere in the
 * Spring environment (application properties) are not read, and one warning names them. Its caches admit the classes of the
 * application's packages (those of the {@code @SpringBootApplication} class) and the names of
 * {@code spring.cache.cache-names}, when set, are its only caches.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration")
@ConditionalOnClass({CacheManager.class, Memo.class})
@ConditionalOnBean(CacheAspectSupport.class)
@ConditionalOnMissingBean(CacheManager.class)
@Conditional(MemoCacheAutoConfiguration.NoOtherCacheType.class)
public class MemoCacheAutoConfiguration {
  private static final System.Logger LOG = System.getLogger("org.memocache");

  /** The process-wide default Memo; not closed with the context, as other code may use it. */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  public Memo memo(Environment environment) {
    List<String> unread = unreadProperties(environment);
    if (!unread.isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, () -> "MemoCache: the Spring properties " + String.join(", ", unread)
          + " are not read by MemoCache; set them in memocache.properties on the class path, as system"
          + " properties or as MEMOCACHE_* environment variables");
    }
    return Memo.defaultMemo();
  }

  /**
   * {@code memocache.*} properties of the Spring environment that MemoCache's own configuration
   * does not see: those of application properties, profiles, command-line arguments.
   */
  private static List<String> unreadProperties(Environment environment) {
    List<String> unread = new ArrayList<>();
    if (environment instanceof ConfigurableEnvironment env) {
      for (PropertySource<?> source : env.getPropertySources()) {
        String name = source.getName();
        if (source instanceof EnumerablePropertySource<?> e
            && !name.equals(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME)
            && !name.equals(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)) {
          for (String p : e.getPropertyNames()) {
            if (p.startsWith("memocache.") && !unread.contains(p)) {
              unread.add(p);
            }
          }
        }
      }
    }
    return unread;
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
