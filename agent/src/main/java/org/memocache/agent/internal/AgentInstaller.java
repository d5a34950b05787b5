package org.memocache.agent.internal;

import java.lang.annotation.Annotation;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.utility.JavaModule;
import org.jspecify.annotations.Nullable;
import org.memocache.agent.AgentOptions;

/**
 * Registers the agent's {@link LoadTimeWeaver} and, when attached to a running JVM, retransforms the
 * classes already loaded that need weaving. The Byte Buddy part is an {@code AgentBuilder} with
 * {@code disableClassFormatChanges()} (the advice is inlined into existing methods, nothing is
 * added, so loaded classes can be retransformed) and {@code RETRANSFORMATION}; it is built only when
 * a class actually needs weaving and the {@link WeaveCache} does not have it.
 */
public final class AgentInstaller {
  private AgentInstaller() {}

  /**
   * Installs the agent.
   *
   * @param agentLocation the agent jar's code source location, whose classes are never woven
   * @param beforeFirstWeave run before the first woven class reaches the JVM (installs the Memo)
   * @param attached whether the JVM was already running (agentmain): loaded classes are woven too
   */
  public static void install(AgentOptions options, Instrumentation instrumentation, @Nullable String agentLocation,
      Runnable beforeFirstWeave, boolean attached) {
    AgentLog log = new AgentLog(options.verbose());
    Selection selection = new Selection(options.methods());
    Candidates candidates = new Candidates(selection, log, agentLocation);
    String build = build(agentLocation);
    WeaveCache cache = options.weaveCache() == null || build == null ? null
        : WeaveCache.open(options.weaveCache(), build, log);
    LoadTimeWeaver weaver = new LoadTimeWeaver(options, selection, log, candidates, cache, beforeFirstWeave,
        () -> byteBuddy(options, selection, log, candidates));
    instrumentation.addTransformer(weaver, true);
    if (attached) {
      retransformLoaded(instrumentation, selection, log);
    }
  }

  /** The Byte Buddy transformer that does the weaving, behind the {@link LoadTimeWeaver}. */
  static ClassFileTransformer byteBuddy(AgentOptions options, Selection selection, AgentLog log,
      Candidates candidates) {
    return new AgentBuilder.Default(new ByteBuddy()
            .with(TypeValidation.DISABLED)
            // Advice rewrites declared methods only: no need to resolve the type hierarchy.
            .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE))
        .disableClassFormatChanges()
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        .with(new AgentBuilder.Listener.Adapter() {
          @Override
          public void onError(String typeName, @Nullable ClassLoader classLoader,
              @Nullable JavaModule module, boolean loaded, Throwable throwable) {
            log.warnOnce("weave:" + typeName, () -> "MemoCache agent: could not weave " + typeName
                + "; its methods are computed normally: " + throwable, throwable);
          }
        })
        .ignore(candidates.ignored())
        .type(candidates)
        .transform(new AgentTransformer(options, selection, log))
        .makeRaw();
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
