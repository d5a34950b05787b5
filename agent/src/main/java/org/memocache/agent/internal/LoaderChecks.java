package org.memocache.agent.internal;

import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.jspecify.annotations.Nullable;
import org.memocache.MemoRuntime;

/**
 * Where a class comes from, as far as weaving is concerned: the agent's own jar (never woven), and
 * class loaders that cannot see this agent's {@link MemoRuntime} (woven code there could only fail,
 * so the agent says so once per loader and leaves their classes alone). Free of Byte Buddy types, so
 * the agent's cheap path never loads Byte Buddy.
 */
final class LoaderChecks {
  private final AgentLog log;
  private final @Nullable String agentLocation;
  private final Map<ClassLoader, Boolean> seesRuntime = Collections.synchronizedMap(new WeakHashMap<>());

  LoaderChecks(AgentLog log, @Nullable String agentLocation) {
    this.log = log;
    this.agentLocation = agentLocation;
  }

  /** Whether a class of the agent jar is being loaded. */
  boolean isAgentCode(@Nullable ProtectionDomain domain) {
    return agentLocation != null && agentLocation.equals(location(domain));
  }

  /**
   * Whether woven code of {@code loader} would reach this agent's {@link MemoRuntime}; warns once
   * per loader when not.
   */
  boolean seesRuntime(ClassLoader loader, String className) {
    Boolean known = seesRuntime.get(loader);
    if (known == null) {
      // Resolved outside the map's lock: loading a class may wait on other class-loading threads.
      boolean sees;
      try {
        sees = Class.forName(MemoRuntime.class.getName(), false, loader) == MemoRuntime.class;
      } catch (ClassNotFoundException | LinkageError e) {
        sees = false;
      }
      seesRuntime.put(loader, sees);
      known = sees;
    }
    if (!known) {
      log.warnOnce("loader:" + loader, () -> "MemoCache agent: classes of " + loader + " (such as "
          + className + ") cannot see the agent's org.memocache.MemoRuntime, so their memoized"
          + " methods are computed normally; put memocache-agent.jar on that loader's class path or"
          + " have it delegate to the system class loader");
    }
    return known;
  }

  static @Nullable String location(@Nullable ProtectionDomain domain) {
    CodeSource source = domain == null ? null : domain.getCodeSource();
    return source == null || source.getLocation() == null ? null : source.getLocation().toExternalForm();
  }
}
