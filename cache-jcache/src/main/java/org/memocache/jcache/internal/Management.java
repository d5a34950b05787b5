package org.memocache.jcache.internal;

import java.lang.management.ManagementFactory;
import javax.cache.CacheException;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.management.CacheMXBean;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/** The configuration MXBean of one cache, and the registration of a cache's MXBeans. */
public final class Management implements CacheMXBean {
  private final CompleteConfiguration<?, ?> config;

  Management(CompleteConfiguration<?, ?> config) {
    this.config = config;
  }

  @Override
  public String getKeyType() {
    return config.getKeyType().getName();
  }

  @Override
  public String getValueType() {
    return config.getValueType().getName();
  }

  @Override
  public boolean isReadThrough() {
    return config.isReadThrough();
  }

  @Override
  public boolean isWriteThrough() {
    return config.isWriteThrough();
  }

  @Override
  public boolean isStoreByValue() {
    return config.isStoreByValue();
  }

  @Override
  public boolean isStatisticsEnabled() {
    return config.isStatisticsEnabled();
  }

  @Override
  public boolean isManagementEnabled() {
    return config.isManagementEnabled();
  }

  /** {@code javax.cache:type=CacheStatistics,CacheManager=<uri>,Cache=<name>}, as the spec names them. */
  static ObjectName objectName(String type, String managerUri, String cache) {
    try {
      return new ObjectName("javax.cache:type=" + type + ",CacheManager=" + sanitize(managerUri)
          + ",Cache=" + sanitize(cache));
    } catch (MalformedObjectNameException e) {
      throw new CacheException("cannot name the MXBean of cache " + cache + ": " + e.getMessage(), e);
    }
  }

  /** ObjectName values cannot hold these characters unquoted. */
  private static String sanitize(String s) {
    return s.replaceAll("[,:=\n*?\"]", ".");
  }

  static void register(ObjectName name, Object bean) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      if (!server.isRegistered(name)) {
        server.registerMBean(bean, name);
      }
    } catch (JMException e) {
      throw new CacheException("cannot register " + name + ": " + e.getMessage(), e);
    }
  }

  static void unregister(ObjectName name) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
    } catch (JMException e) {
      throw new CacheException("cannot unregister " + name + ": " + e.getMessage(), e);
    }
  }
}
