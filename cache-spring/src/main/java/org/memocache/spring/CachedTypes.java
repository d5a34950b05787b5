package org.memocache.spring;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.cache.annotation.AnnotationCacheOperationSource;
import org.springframework.cache.interceptor.CacheEvictOperation;
import org.springframework.cache.interceptor.CacheOperation;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The application's packages whose classes cached values may hold: those of the beans with cache
 * annotations, and of the declared return types (and their type arguments, array elements) of
 * their {@code @Cacheable} and {@code @CachePut} methods. JDK types need no admission and are left
 * out.
 */
final class CachedTypes {
  private CachedTypes() {}

  static Set<String> packagesOf(ConfigurableListableBeanFactory factory) {
    // Not the context's own source: this one sees non-public annotated methods too, whose beans
    // may be woven by AspectJ.
    AnnotationCacheOperationSource source = new AnnotationCacheOperationSource(false);
    Set<String> packages = new LinkedHashSet<>();
    for (String name : factory.getBeanDefinitionNames()) {
      Class<?> type;
      try {
        type = factory.getType(name, false);
      } catch (RuntimeException e) {
        continue; // a bean whose type cannot be determined without creating it has no annotations to read
      }
      if (type == null) {
        continue;
      }
      if (Proxy.isProxyClass(type)) {
        for (Class<?> i : type.getInterfaces()) {
          scan(source, i, packages);
        }
      } else {
        scan(source, ClassUtils.getUserClass(type), packages);
      }
    }
    return packages;
  }

  private static void scan(AnnotationCacheOperationSource source, Class<?> type, Set<String> packages) {
    if (type.getName().startsWith("org.springframework.") || !source.isCandidateClass(type)) {
      return;
    }
    boolean annotated = false;
    for (Method m : ReflectionUtils.getUniqueDeclaredMethods(type, ReflectionUtils.USER_DECLARED_METHODS)) {
      Collection<CacheOperation> ops = source.getCacheOperations(m, type);
      if (ops == null || ops.isEmpty()) {
        continue;
      }
      annotated = true;
      if (ops.stream().anyMatch(op -> !(op instanceof CacheEvictOperation))) {
        addTypes(ResolvableType.forMethodReturnType(m, type), packages, 0);
      }
    }
    if (annotated) {
      add(type, packages);
    }
  }

  private static void addTypes(ResolvableType t, Set<String> packages, int depth) {
    if (t == ResolvableType.NONE || depth > 8) {
      return;
    }
    if (t.isArray()) {
      addTypes(t.getComponentType(), packages, depth + 1);
      return;
    }
    Class<?> raw = t.resolve();
    if (raw != null) {
      add(raw, packages);
    }
    for (ResolvableType g : t.getGenerics()) {
      addTypes(g, packages, depth + 1);
    }
  }

  private static void add(@Nullable Class<?> c, Set<String> packages) {
    if (c == null || c.isPrimitive()) {
      return;
    }
    String p = c.getPackageName();
    if (!p.isEmpty() && !p.startsWith("java.") && !p.startsWith("javax.") && !p.startsWith("jdk.")) {
      packages.add(p);
    }
  }
}
