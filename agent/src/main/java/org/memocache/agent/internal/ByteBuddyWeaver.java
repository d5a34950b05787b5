package org.memocache.agent.internal;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.HashMap;
import java.util.Map;
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
 * The weaving half of the agent: weaves one class the {@link LoadTimeWeaver} lets through,
 * inlining the advice into existing methods and adding nothing (no class format change, so loaded
 * classes can be retransformed). In a class of its own so that loading the agent does not load
 * Byte Buddy.
 *
 * <p>The class is described by a lazy Byte Buddy type pool, for choosing its methods; the advice
 * is inlined by the {@link AsmWeaver}, which writes {@link MemoAdvice}'s code with ASM alone, so a
 * first weave does not load Byte Buddy's advice machinery. A class file the {@code AsmWeaver} does
 * not handle (older than Java 6) is redefined by Byte Buddy with {@link Weaving#weave}, as the build
 * plugin does, without an {@code AgentBuilder}: the load-time weaver already chose the class, and
 * setting up an {@code AgentBuilder} (class injection, Nexus, redefinition strategies, matchers)
 * costs a fresh JVM about a third of a Byte Buddy weave.
 */
final class ByteBuddyWeaver implements ClassFileTransformer {
  /** Byte Buddy's redefinition, set up only for a class the {@link AsmWeaver} leaves to it. */
  private static final class Redefinition {
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

    static final ByteBuddy BYTE_BUDDY = new ByteBuddy()
        .with(TypeValidation.DISABLED)
        // Advice rewrites declared methods only: no need to resolve the type hierarchy.
        .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE)
        // Nothing is added to the class: no type initializer, no auxiliary types, no bridges.
        .with(Implementation.Context.Disabled.Factory.INSTANCE)
        .with(InstrumentedType.Factory.Default.FROZEN)
        .with(VisibilityBridgeStrategy.Default.NEVER);
  }

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
    AgentTransformer.Choice choice = transformer.choose(type, loader, domain);
    if (choice == null) {
      return null;
    }
    try {
      return withAsm(className, classFile, choice);
    } catch (AsmWeaver.Unsupported e) {
      DynamicType.Builder<?> builder = Redefinition.BYTE_BUDDY.redefine(type, locator)
          .ignoreAlso(LatentMatcher.ForSelfDeclaredMethod.NOT_DECLARED);
      return Weaving.weave(builder, m -> choice.methods().containsKey(Weaving.key(m)), choice.classFiles())
          .make(TypeResolutionStrategy.Disabled.INSTANCE, pool).getBytes();
    }
  }

  /**
   * Weaves with the {@link AsmWeaver}, with the fingerprint constants {@link FingerprintBinding}
   * would give Byte Buddy's advice; the classes they depend on go to the current {@link WeaveRecord}.
   */
  private static byte[] withAsm(String internalName, byte[] classFile, AgentTransformer.Choice choice) {
    ClassFiles files = choice.classFiles();
    MethodFingerprints fingerprints = files == null ? null : new MethodFingerprints(files, internalName, classFile);
    Map<String, Long> constants = new HashMap<>();
    for (Map.Entry<String, Boolean> m : choice.methods().entrySet()) {
      constants.put(m.getKey(), fingerprints != null && m.getValue() ? fingerprints.of(m.getKey()) : 0L);
    }
    byte[] woven = AsmWeaver.weave(classFile, constants);
    if (fingerprints != null && WeaveRecord.isRecording() && !fingerprints.dependencies().isEmpty()) {
      WeaveRecord.dependencies(fingerprints.dependencies(),
          MethodFingerprints.digest(files, fingerprints.dependencies()));
    }
    return woven;
  }
}
