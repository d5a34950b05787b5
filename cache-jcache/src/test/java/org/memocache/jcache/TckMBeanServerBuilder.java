package org.memocache.jcache;

import javax.management.MBeanServer;
import javax.management.MBeanServerBuilder;
import javax.management.MBeanServerDelegate;

/**
 * Builds the platform MBean server with the id the TCK looks it up by
 * ({@code org.jsr107.tck.management.agentId}): the TCK's management tests read the MXBeans the
 * provider registers on the platform server.
 */
public final class TckMBeanServerBuilder extends MBeanServerBuilder {
  @Override
  public MBeanServer newMBeanServer(String defaultDomain, MBeanServer outer, MBeanServerDelegate delegate) {
    return super.newMBeanServer(defaultDomain, outer, new MBeanServerDelegate() {
      @Override
      public String getMBeanServerId() {
        return System.getProperty("org.jsr107.tck.management.agentId");
      }
    });
  }
}
