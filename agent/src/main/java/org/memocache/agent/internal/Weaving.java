package org.memocache.agent.internal;

import java.util.Set;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import org.jspecify.annotations.Nullable;

/**
 * What the agent and the build plugin share: which methods can be memoized, how they are named in
 * messages, and the one way of weaving them. Annotations are matched by name, so nothing here
 * loads the user's classes or needs {@code @Memoize} on the weaving class path.
 */
public final class Weaving {
  /** The annotation that marks a memoized method. */
  public static final String MEMOIZE = "org.memocache.annotations.Memoize";
  /** The marker the build plugin puts on classes it has woven; the agent leaves them alone. */
  public static final String WOVEN = "org.memocache.agent.Woven";

  /** Return types whose values are consumed by reading them: caching one would serve it drained. */
  private static final Set<String> ONE_SHOT_RETURNS = Set.of(
      "java.util.Iterator", "java.util.ListIterator", "java.util.Spliterator", "java.util.Enumeration",
      "java.util.stream.Stream", "java.util.stream.BaseStream", "java.util.stream.IntStream",
      "java.util.stream.LongStream", "java.util.stream.DoubleStream", "java.io.InputStream",
      "java.io.Reader", "java.nio.channels.ReadableByteChannel", "java.nio.channels.FileChannel");

  private static final Set<String> OBJECT_METHODS = Set.of(
      "equals(Ljava/lang/Object;)Z", "hashCode()I", "toString()Ljava/lang/String;");

  private Weaving() {}

  /** The advice, built on the first weave (the build plugin's, or the agent's first cache miss). */
  private static final class Advised {
    static final Advice ADVICE;

    static {
      // MemoAdvice described from its class file, as the woven classes are, rather than by
      // reflection: reflection would read its annotations through a dynamic proxy class per
      // annotation type, some 15 classes spun and loaded on a first weave.
      ClassFileLocator locator = ClassFileLocator.ForClassLoader.of(MemoAdvice.class.getClassLoader());
      TypePool pool = new TypePool.Default.WithLazyResolution(TypePool.CacheProvider.Simple.withObjectType(),
          locator, TypePool.Default.ReaderMode.FAST);
      ADVICE = Advice.withCustomMapping()
          .bind(CodeFingerprint.class, (Advice.OffsetMapping) FingerprintBinding.INSTANCE)
          .to(pool.describe(MemoAdvice.class.getName()).resolve(), locator);
    }
  }

  /**
   * Inlines the memoizing advice into the methods {@code methods} matches; with {@code classFiles},
   * each method's code fingerprint (its bytecode and its callees', {@link MethodFingerprints})
   * becomes part of its identity; {@code null} turns fingerprints off.
   */
  public static DynamicType.Builder<?> weave(DynamicType.Builder<?> builder,
      ElementMatcher<? super MethodDescription> methods, @Nullable ClassFiles classFiles) {
    DynamicType.Builder<?> woven = builder.visit(Advised.ADVICE.on(methods));
    // Visited last, so it wraps outermost and sees the original class before the advice does.
    return classFiles != null ? woven.visit(new FingerprintingWrapper(classFiles)) : woven;
  }

  /** Whether {@code method} carries {@code @Memoize}. */
  public static boolean isAnnotated(MethodDescription method) {
    return memoize(method) != null;
  }

  /** Whether a type declares any {@code @Memoize} method. */
  public static boolean declaresAnnotated(TypeDescription type) {
    for (MethodDescription m : type.getDeclaredMethods()) {
      if (isAnnotated(m)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code type} was woven by the build plugin. */
  public static boolean isWoven(TypeDescription type) {
    for (AnnotationDescription a : type.getDeclaredAnnotations()) {
      if (a.getAnnotationType().getName().equals(WOVEN)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Why {@code method} cannot be memoized, or {@code null} when it can: a result must exist
   * (no {@code void}), a body must exist, and the result must be a value rather than a one-shot
   * stream of values.
   */
  public static @Nullable String whyNotMemoizable(MethodDescription method) {
    if (method.isConstructor() || method.isTypeInitializer()) {
      return "it is a constructor";
    }
    if (method.isAbstract() || method.isNative()) {
      return "it has no body (abstract or native)";
    }
    TypeDescription returned = method.getReturnType().asErasure();
    if (returned.represents(void.class)) {
      return "it returns void, so there is no result to store";
    }
    if (ONE_SHOT_RETURNS.contains(returned.getName())) {
      return "it returns a " + returned.getSimpleName() + ", which is consumed by reading it; return"
          + " a List or an array instead";
    }
    return null;
  }

  /** Whether {@code method} is one of Object's contract ({@code equals}, {@code hashCode}, {@code toString}). */
  static boolean isObjectMethod(MethodDescription method) {
    return OBJECT_METHODS.contains(key(method));
  }

  /** Whether {@code #*} includes {@code method}: declared by the user, not Object's contract. */
  public static boolean isWildcardCandidate(MethodDescription method) {
    return !method.isSynthetic() && !method.isBridge() && !OBJECT_METHODS.contains(key(method))
        && whyNotMemoizable(method) == null;
  }

  /** Whether {@code @Memoize(codeFingerprint = false)} is absent. */
  static boolean fingerprintAllowedByAnnotation(MethodDescription method) {
    AnnotationDescription m = memoize(method);
    if (m == null) {
      return true;
    }
    try {
      Object v = m.getValue("codeFingerprint").resolve();
      return !(v instanceof Boolean b) || b;
    } catch (RuntimeException e) {
      // The annotation type is not resolvable here: MemoRuntime re-checks the attribute anyway.
      return true;
    }
  }

  /** The method's name followed by its JVM descriptor, as {@code MemoRuntime} receives it. */
  public static String key(MethodDescription method) {
    return method.getInternalName() + method.getDescriptor();
  }

  /** The method as people write it: {@code com.acme.Fit#fit(int,long)}. */
  public static String display(TypeDescription type, MethodDescription method) {
    StringBuilder sb = new StringBuilder(type.getName()).append('#').append(method.getName()).append('(');
    boolean first = true;
    for (ParameterDescription p : method.getParameters()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      sb.append(typeName(p.getType().asErasure()));
    }
    return sb.append(')').toString();
  }

  /** {@code double[][]}, {@code int}, {@code java.nio.file.Path}, {@code com.acme.Outer$Inner}. */
  static String typeName(TypeDefinition type) {
    return type.isArray() ? typeName(type.getComponentType()) + "[]" : type.asErasure().getName();
  }

  private static @Nullable AnnotationDescription memoize(MethodDescription method) {
    for (AnnotationDescription a : method.getDeclaredAnnotations()) {
      if (a.getAnnotationType().getName().equals(MEMOIZE)) {
        return a;
      }
    }
    return null;
  }
}
