package org.memocache.agent.internal;

import java.lang.instrument.ClassFileTransformer;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.loading.ClassInjector;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.utility.JavaModule;
import org.jspecify.annotations.Nullable;
import org.memocache.agent.AgentOptions;

/**
 * The Byte Buddy half of the agent: an {@code AgentBuilder} with {@code disableClassFormatChanges()}
 * (the advice is inlined into existing methods and nothing is added, so loaded classes can be
 * retransformed) and {@code RETRANSFORMATION}, used as a raw transformer behind the
 * {@link LoadTimeWeaver}. In a class of its own so that loading the agent does not load Byte Buddy.
 */
final class ByteBuddyWeaver {
  /*
   * Byte Buddy's safe mode: no class injection through sun.misc.Unsafe, whose first use prints four
   * deprecation warnings into the job's stderr on JDK 24 and later. The weaver needs no injection
   * (the advice is inlined, nothing is added). The property's name is relocated with Byte Buddy in
   * the agent jar, so a job's own Byte Buddy does not see it; an unrelocated one is left alone.
   */
  static {
    if (ByteBuddy.class.getName().startsWith("org.memocache.shaded.")
        && System.getProperty(ClassInjector.UsingUnsafe.SAFE_PROPERTY) == null) {
      System.setProperty(ClassInjector.UsingUnsafe.SAFE_PROPERTY, "true");
    }
  }

  private ByteBuddyWeaver() {}

  /** The transformer that weaves the classes the {@link LoadTimeWeaver} lets through. */
  static ClassFileTransformer create(AgentOptions options, Selection selection, AgentLog log,
      LoaderChecks loaders) {
    Candidates candidates = new Candidates(selection, log, loaders);
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

}
