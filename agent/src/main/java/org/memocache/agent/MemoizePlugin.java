package org.memocache.agent;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.build.BuildLogger;
import net.bytebuddy.build.Plugin;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import org.memocache.agent.internal.Weaving;

/**
 * Weaves {@code @Memoize} methods at build time, so the job needs no agent at run time (only
 * {@code cache-core}, plus {@code cache-disk} for the disk tier). Applies exactly the advice the
 * agent applies, and marks each woven class {@link Woven} so the agent leaves it alone.
 *
 * <pre>{@code
 * <plugin>
 *   <groupId>net.bytebuddy</groupId><artifactId>byte-buddy-maven-plugin</artifactId>
 *   <executions><execution><goals><goal>transform</goal></goals></execution></executions>
 *   <configuration><transformations><transformation>
 *     <groupId>org.memocache</groupId><artifactId>memocache-agent</artifactId><version>...</version>
 *     <plugin>org.memocache.agent.MemoizePlugin</plugin>
 *   </transformation></transformations></configuration>
 * </plugin>
 * }</pre>
 *
 * <p>Use the plain {@code memocache-agent} artifact here, not the shaded {@code memocache-agent.jar}:
 * the plugin must implement the build's own {@code net.bytebuddy.build.Plugin}. A {@code @Memoize}
 * method that cannot be memoized (returns {@code void}, has no body, returns a stream) fails the
 * build, naming the method.
 */
public final class MemoizePlugin implements Plugin {
  private final BuildLogger logger;

  /** A plugin that does not log. */
  public MemoizePlugin() {
    this(BuildLogger.NoOp.INSTANCE);
  }

  /** A plugin that logs each woven method at INFO; byte-buddy-maven-plugin supplies the logger. */
  @Plugin.Factory.UsingReflection.Priority(1)
  public MemoizePlugin(BuildLogger logger) {
    this.logger = logger;
  }

  /** Classes declaring a {@code @Memoize} method and not woven yet (weaving twice is a no-op). */
  @Override
  public boolean matches(TypeDescription target) {
    return Weaving.declaresAnnotated(target) && !Weaving.isWoven(target);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type,
      ClassFileLocator classFileLocator) {
    Set<String> chosen = new LinkedHashSet<>();
    List<String> problems = new ArrayList<>();
    for (MethodDescription m : type.getDeclaredMethods()) {
      if (!Weaving.isAnnotated(m)) {
        continue;
      }
      String why = Weaving.whyNotMemoizable(m);
      if (why != null) {
        problems.add("@Memoize on " + Weaving.display(type, m) + " cannot work: " + why);
      } else {
        chosen.add(Weaving.key(m));
        logger.info("MemoCache: weaving " + Weaving.display(type, m));
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(String.join("; ", problems));
    }
    return Weaving.weave(builder, target -> chosen.contains(Weaving.key(target)), true)
        .annotateType(AnnotationDescription.Builder.ofType(Woven.class).build());
  }

  @Override
  public void close() {}
}
