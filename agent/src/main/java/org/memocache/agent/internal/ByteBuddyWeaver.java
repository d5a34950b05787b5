package org.memocache.agent.internal;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.dynamic.VisibilityBridgeStrategy;
import net.bytebuddy.dynamic.loading.ClassInjector;
import net.bytebuddy.dynamic.scaffold.InstrumentedType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.matcher.LatentMatcher;
import net.bytebuddy.pool.TypePool;
import org.jspecify.annotations.Nullable;
import org.memocache.agent.AgentOptions;

/**
 * The Byte Buddy half of the agent: redefines one class the {@link LoadTimeWeaver} lets through,
 * inlining the advice into existing methods and adding nothing (no class format change, so loaded
 * classes can be retransformed). In a class of its own so that loading the agent does not load
 * Byte Buddy.
 *
 * <p>It does what an {@code AgentBuilder} with {@code disableClassFormatChanges()} does for one
 * class, without the {@code AgentBuilder}: the load-time weaver already chose the class, and
 * setting up an {@code AgentBuilder} (class injection, Nexus, redefinition strategies, matchers)
 * costs a fresh JVM about a third of its first weave.
 */
final class ByteBuddyWeaver implements ClassFileTransformer {
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

  private final ByteBuddy byteBuddy = new ByteBuddy()
      .with(TypeValidation.DISABLED)
      // Advice rewrites declared methods only: no need to resolve the type hierarchy.
      .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE)
      // Nothing is added to the class: no type initializer, no auxiliary types, no bridges.
      .with(Implementation.Context.Disabled.Factory.INSTANCE)
      .with(InstrumentedType.Factory.Default.FROZEN)
      .with(VisibilityBridgeStrategy.Default.NEVER);
  private final AgentTransformer transformer;

  private ByteBuddyWeaver(AgentTransformer transformer) {
    this.transformer = transformer;
  }

  /** The transformer that weaves the classes the {@link LoadTimeWeaver} lets through. */
  static ClassFileTransformer create(AgentOptions options, Selection selection, AgentLog log) {
    return new ByteBuddyWeaver(new AgentTransformer(options, selection, log));
  }

  /**
   * The woven class file, or {@code null} when the class has no method to memoize. Failures are
   * thrown: the {@link LoadTimeWeaver} reports them and leaves the class as it is.
   */
  @Override
  public byte @Nullable [] transform(@Nullable ClassLoader loader, String className,
      @Nullable Class<?> classBeingRedefined, @Nullable ProtectionDomain domain, byte[] classFile) {
    String name = className.replace('/', '.');
    ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, classFile),
        ClassFileLocator.ForClassLoader.of(loader));
    // Lazy: the methods' signatures are read, other classes only when a name is not enough.
    TypePool pool = new TypePool.Default.WithLazyResolution(TypePool.CacheProvider.Simple.withObjectType(),
        locator, TypePool.Default.ReaderMode.FAST);
    TypeDescription type = pool.describe(name).resolve();
    DynamicType.Builder<?> builder = transformer.transform(
        byteBuddy.redefine(type, locator).ignoreAlso(LatentMatcher.ForSelfDeclaredMethod.NOT_DECLARED),
        type, loader, domain);
    return builder == null ? null : builder.make(TypeResolutionStrategy.Disabled.INSTANCE, pool).getBytes();
  }
}
