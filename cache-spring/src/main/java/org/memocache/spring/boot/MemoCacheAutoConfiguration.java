package org.memocache.spring.boot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.memocache.Memo;
import org.memocache.internal.Settings;
import org.memocache.spring.MemoCacheManager;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
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
 * {@code spring.cache.type} does not choose another cache. Its {@link Memo}, unless the application
 * defines a {@code Memo} bean, is configured by MemoCache's configuration (system properties
 * {@code memocache.*}, environment variables {@code MEMOCACHE_*}, {@code memocache.properties}) and
 * by the {@code memocache.*} properties of the Spring environment (application properties, profiles,
 * command-line arguments), which rank below system properties and environment variables and above
 * {@code memocache.properties}; Spring's relaxed names ({@code memocache.lockTimeout}) are accepted.
 * Without such Spring properties it is {@link Memo#defaultMemo()}, shared with the rest of the
 * process; with them it is a Memo of its own, closed with the context. Its caches admit the classes
 * of the application's packages (those of the {@code @SpringBootApplication} class) and the names of
 * {@code spring.cache.cache-names}, when set, are its only caches.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration")
@ConditionalOnClass({CacheManager.class, Memo.class})
@ConditionalOnBean(CacheAspectSupport.class)
@ConditionalOnMissingBean(CacheManager.class)
@Conditional(MemoCacheAutoConfiguration.NoOtherCacheType.class)
public class MemoCacheAutoConfiguration {
  private static final String PREFIX = "memocache.";

  /**
   * The process-wide default Memo, not closed with the context as other code may use it; or, when
   * the Spring environment sets {@code memocache.*} keys, a Memo of this context built with them.
   */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  public Memo memo(Environment environment, ConfigurableListableBeanFactory beanFactory) {
    Map<String, String> written = new LinkedHashMap<>();
    Map<String, String> values = springProperties(environment, written);
    if (values.isEmpty()) {
      return Memo.defaultMemo();
    }
    Memo memo = Settings.withFrameworkSource(values, k -> "Spring property " + written.get(k),
        () -> Memo.builder().build());
    if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
      // Registered before the beans that use the Memo, so destroyed after them.
      registry.registerDisposableBean(MemoCacheAutoConfiguration.class.getName() + ".memo", memo::close);
    }
    return memo;
  }

  /**
   * The {@code memocache.*} properties of the Spring environment that MemoCache's own configuration
   * does not read (those of application properties, profiles, command-line arguments), by
   * MemoCache key ({@code lock-timeout}), placeholders resolved; the first source in Spring's order
   * wins. A name matches a key as Spring's relaxed binding matches it: ignoring case, dashes and
   * underscores. {@code written} receives each key's name as the application wrote it.
   */
  private static Map<String, String> springProperties(Environment environment, Map<String, String> written) {
    Map<String, String> values = new LinkedHashMap<>();
    if (!(environment instanceof ConfigurableEnvironment env)) {
      return values;
    }
    for (PropertySource<?> source : env.getPropertySources()) {
      String name = source.getName();
      if (!(source instanceof EnumerablePropertySource<?> e)
          || name.equals(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME)
          || name.equals(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)) {
        continue;
      }
      for (String p : e.getPropertyNames()) {
        Object value = e.getProperty(p);
        if (!p.regionMatches(true, 0, PREFIX, 0, PREFIX.length()) || value == null) {
          continue;
        }
        String key = key(p.substring(PREFIX.length()));
        if (!values.containsKey(key)) {
          values.put(key, env.resolvePlaceholders(value.toString()));
          written.put(key, p);
        }
      }
    }
    return values;
  }

  /** The MemoCache key a relaxed Spring name stands for ({@code lockTimeout}: {@code lock-timeout}), or the name. */
  private static String key(String relaxed) {
    String bare = relaxed.replace("-", "").replace("_", "");
    for (Settings.Key k : Settings.Key.values()) {
      if (k.key().replace("-", "").equalsIgnoreCase(bare)) {
        return k.key();
      }
    }
    return relaxed;
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
