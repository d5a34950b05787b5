package org.memocache.agent.internal;

import java.lang.instrument.Instrumentation;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.utility.JavaModule;
import org.jspecify.annotations.Nullable;
import org.memocache.agent.AgentOptions;

/**
 * Registers the weaving transformer. Retransformation (with no class format changes: the advice is
 * inlined into existing methods, nothing is added) also covers classes loaded before the agent,
 * which is what {@code agentmain} (attach) relies on. Classes being loaded are described from their
 * class files (annotations matched by name, nothing loaded); classes already loaded are described
 * by reflection, which keeps the scan of the JDK's classes at installation cheap (describing them
 * from class files instead cost over a second).
 */
public final class AgentInstaller {
  private AgentInstaller() {}

  /**
   * Installs the agent's transformer on {@code instrumentation}.
   *
   * @param agentLocation the agent jar's code source location, whose classes are never woven
   */
  public static ResettableClassFileTransformer install(AgentOptions options, Instrumentation instrumentation,
      @Nullable String agentLocation) {
    AgentLog log = new AgentLog(options.verbose());
    Selection selection = new Selection(options.methods());
    Candidates candidates = new Candidates(selection, log, agentLocation);
    return new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
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
        .installOn(instrumentation);
  }
}
