package org.memocache.agent.internal;

import java.lang.annotation.Annotation;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.memocache.agent.AgentOptions;

/**
 * Registers the agent's {@link LoadTimeWeaver} and, when attached to a running JVM, retransforms the
 * classes already loaded that need weaving. Nothing here touches Byte Buddy: the
 * {@link ByteBuddyWeaver} is created only when a class actually needs weaving and the
 * {@link WeaveCache} does not have it.
 */
public final class AgentInstaller {
  private AgentInstaller() {}

  /**
   * Installs the agent.
   *
   * @param agentLocation the agent jar's code source location, whose classes are never woven
   * @param beforeMemoizedCode run with its name before a class with memoized code reaches the JVM
   *     (installs the Memo)
   * @param attached whether the JVM was already running (agentmain): loaded classes are woven too
   */
  public static void install(AgentOptions options, Instrumentation instrumentation, @Nullable String agentLocation,
      Consumer<String> beforeMemoizedCode, boolean attached) {
    AgentLog log = new AgentLog(options.verbose());
    Selection selection = new Selection(options.methods());
    LoaderChecks loaders = new LoaderChecks(log, agentLocation);
    String build = build(agentLocation);
    WeaveCache cache = options.weaveCache() == null || build == null ? null
        : WeaveCache.open(options.weaveCache(), build, log);
    LoadTimeWeaver weaver = new LoadTimeWeaver(options, selection, log, loaders, cache, beforeMemoizedCode,
        () -> ByteBuddyWeaver.create(options, selection, log));
    instrumentation.addTransformer(weaver, true);
    SelectorReport.install(options.methods(), selection, instrumentation, log);
    if (attached) {
      retransformLoaded(instrumentation, selection, log);
    }
  }

  /**
   * Identifies this agent build for the weave cache: the jar's name, size and modification time.
   * {@code null} (no cache) when the agent does not run from a jar.
   */
  static @Nullable String build(@Nullable String agentLocation) {
    try {
      if (agentLocation == null) {
        return null;
      }
      Path jar = Path.of(URI.create(agentLocation));
      if (!Files.isRegularFile(jar)) {
        return null;
      }
      String version = AgentInstaller.class.getPackage().getImplementationVersion();
      return jar.getFileName() + ":" + Files.size(jar) + ":" + Files.getLastModifiedTime(jar).toMillis() + ":" + version;
    } catch (Exception e) {
      return null;
    }
  }

  /** Weaves the classes loaded before the agent was attached. */
  private static void retransformLoaded(Instrumentation instrumentation, Selection selection, AgentLog log) {
    List<Class<?>> todo = new ArrayList<>();
    for (Class<?> c : instrumentation.getAllLoadedClasses()) {
      if (c.getClassLoader() != null && !c.isArray() && !c.isPrimitive() && !c.isHidden()
          && instrumentation.isModifiableClass(c) && (selection.names(c.getName()) || declaresMemoize(c))) {
        todo.add(c);
      }
    }
    for (Class<?> c : todo) {
      try {
        instrumentation.retransformClasses(c);
      } catch (Throwable t) {
        log.warnOnce("retransform:" + c.getName(), () -> "MemoCache agent: could not weave the loaded class "
            + c.getName() + "; its methods are computed normally: " + t, t);
      }
    }
  }

  private static boolean declaresMemoize(Class<?> c) {
    try {
      for (Method m : c.getDeclaredMethods()) {
        for (Annotation a : m.getDeclaredAnnotations()) {
          if (a.annotationType().getName().equals(Weaving.MEMOIZE)) {
            return true;
          }
        }
      }
    } catch (Throwable e) {
      // A class whose methods cannot be resolved cannot be woven either.
    }
    return false;
  }
}
