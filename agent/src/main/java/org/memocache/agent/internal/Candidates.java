package org.memocache.agent.internal;

import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.utility.JavaModule;
import org.jspecify.annotations.Nullable;
import org.memocache.MemoRuntime;

/**
 * Decides cheaply which loaded classes the agent looks at, and which of those it weaves.
 *
 * <p>{@link #ignored()} rules out, by name alone, the JDK, the agent's own (shaded) classes and
 * classes of the bootstrap loader, before Byte Buddy parses anything. {@link #matches} then takes
 * the classes named by {@code methods=} or declaring a {@code @Memoize} method, except those the build
 * plugin already wove, and those whose class loader cannot see this agent's {@link MemoRuntime}
 * (woven code there could only fail, so the agent says so once per loader instead).
 */
final class Candidates implements AgentBuilder.RawMatcher {
  private static final String[] IGNORED_PREFIXES = {
      "java.", "javax.", "jdk.", "sun.", "com.sun.", "net.bytebuddy.", "org.memocache.shaded."};

  private final Selection selection;
  private final AgentLog log;
  private final @Nullable String agentLocation;
  private final Map<ClassLoader, Boolean> seesRuntime = Collections.synchronizedMap(new WeakHashMap<>());

  Candidates(Selection selection, AgentLog log, @Nullable String agentLocation) {
    this.selection = selection;
    this.log = log;
    this.agentLocation = agentLocation;
  }

  /** The classes never looked at. */
  AgentBuilder.RawMatcher ignored() {
    return (type, loader, module, redefined, domain) -> {
      if (loader == null) {
        return true;
      }
      String name = type.getName();
      for (String p : IGNORED_PREFIXES) {
        if (name.startsWith(p)) {
          return true;
        }
      }
      return isAgentCode(domain);
    };
  }

  @Override
  public boolean matches(TypeDescription type, @Nullable ClassLoader loader, @Nullable JavaModule module,
      @Nullable Class<?> classBeingRedefined, @Nullable ProtectionDomain domain) {
    if (loader == null || !(selection.names(type.getName()) || Weaving.declaresAnnotated(type))) {
      return false;
    }
    if (Weaving.isWoven(type)) {
      log.info(() -> "MemoCache agent: " + type.getName() + " was woven at build time; leaving it as is");
      return false;
    }
    return seesRuntime(loader, type.getName());
  }

  /** Whether classes of the agent jar are being loaded (never woven). */
  boolean isAgentCode(@Nullable ProtectionDomain domain) {
    return agentLocation != null && agentLocation.equals(location(domain));
  }

  /**
   * Whether woven code of {@code loader} would reach this agent's {@link MemoRuntime}; warns once
   * per loader when not.
   */
  boolean seesRuntime(ClassLoader loader, String className) {
    if (!seesRuntime(loader)) {
      log.warnOnce("loader:" + loader, () -> "MemoCache agent: classes of " + loader + " (such as "
          + className + ") cannot see the agent's org.memocache.MemoRuntime, so their memoized"
          + " methods are computed normally; put memocache-agent.jar on that loader's class path or"
          + " have it delegate to the system class loader");
      return false;
    }
    return true;
  }

  private boolean seesRuntime(ClassLoader loader) {
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
    return known;
  }

  static @Nullable String location(@Nullable ProtectionDomain domain) {
    CodeSource source = domain == null ? null : domain.getCodeSource();
    return source == null || source.getLocation() == null ? null : source.getLocation().toExternalForm();
  }
}
