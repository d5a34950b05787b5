package org.memocache.agent.internal;

import java.security.ProtectionDomain;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.utility.JavaModule;
import org.jspecify.annotations.Nullable;

/**
 * Byte Buddy's side of choosing classes, once the {@link LoadTimeWeaver} has let a class through.
 *
 * <p>{@link #ignored()} rules out, by name alone, the JDK, the agent's own (shaded) classes and
 * classes of the bootstrap loader. {@link #matches} then takes the classes named by {@code methods=}
 * or declaring a {@code @Memoize} method, except those the build plugin already wove and those whose
 * loader cannot see this agent's runtime.
 */
final class Candidates implements AgentBuilder.RawMatcher {
  private static final String[] IGNORED_PREFIXES = {
      "java.", "javax.", "jdk.", "sun.", "com.sun.", "net.bytebuddy.", "org.memocache.shaded."};

  private final Selection selection;
  private final AgentLog log;
  private final LoaderChecks loaders;

  Candidates(Selection selection, AgentLog log, LoaderChecks loaders) {
    this.selection = selection;
    this.log = log;
    this.loaders = loaders;
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
      return loaders.isAgentCode(domain);
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
    return loaders.seesRuntime(loader, type.getName());
  }
}
