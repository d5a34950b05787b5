package org.memocache.agent;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.jspecify.annotations.Nullable;
import org.memocache.agent.internal.BuildClassFiles;
import org.memocache.agent.internal.ClassFiles;
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
 *
 * <p>Each method's code fingerprint covers its callees in the build's own classes and the identity
 * of the libraries it calls, computed exactly as the agent computes it; for that the plugin needs
 * the build's class folder and class path, which byte-buddy-maven-plugin passes to the
 * {@link #MemoizePlugin(BuildLogger, File, File[])} constructor. Constructed without them, it
 * fingerprints each method's own class only.
 */
public final class MemoizePlugin implements Plugin.WithPreprocessor {
  private final BuildLogger logger;
  private final BuildClassFiles.@Nullable ClassPath classPath;

  /** A plugin that does not log, and fingerprints each method's own class only. */
  public MemoizePlugin() {
    this(BuildLogger.NoOp.INSTANCE);
  }

  /** A plugin that logs each woven method at INFO, and fingerprints each method's own class only. */
  @Plugin.Factory.UsingReflection.Priority(1)
  public MemoizePlugin(BuildLogger logger) {
    this.logger = logger;
    this.classPath = null;
  }

  /**
   * The plugin as byte-buddy-maven-plugin makes it: logging each woven method at INFO, and
   * fingerprinting callees across the build's classes.
   *
   * @param classes the folder of the classes being woven (the build's own code)
   * @param classPath the build's class path (libraries, identified by jar name and version)
   */
  @Plugin.Factory.UsingReflection.Priority(2)
  public MemoizePlugin(BuildLogger logger, File classes, File[] classPath) {
    this.logger = logger;
    this.classPath = new BuildClassFiles.ClassPath(classes, Arrays.asList(classPath));
  }

  /**
   * Keeps the original class file of each class this build will weave: byte-buddy-maven-plugin
   * weaves in place, and a fingerprint walking into a class woven earlier in the same build must
   * read it as the agent would, unwoven. Byte Buddy preprocesses every class before it transforms
   * any.
   */
  @Override
  public void onPreprocess(TypeDescription type, ClassFileLocator classFileLocator) {
    if (classPath != null && matches(type)) {
      try {
        ClassFileLocator.Resolution r = classFileLocator.locate(type.getName());
        if (r.isResolved()) {
          classPath.keepOriginal(type.getInternalName(), r.resolve());
        }
      } catch (IOException e) {
        // Unreadable here means unreadable to the weaver too: the class is not woven.
      }
    }
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
    ClassFiles classFiles = classPath == null ? ClassFiles.None.INSTANCE
        : new BuildClassFiles(classFileLocator, classPath);
    return Weaving.weave(builder, target -> chosen.contains(Weaving.key(target)), classFiles)
        .annotateType(AnnotationDescription.Builder.ofType(Woven.class).build());
  }

  @Override
  public void close() throws IOException {
    if (classPath != null) {
      classPath.close();
    }
  }
}
