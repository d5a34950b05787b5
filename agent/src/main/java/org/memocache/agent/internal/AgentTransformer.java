package org.memocache.agent.internal;

import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import org.jspecify.annotations.Nullable;
import org.memocache.MemoRuntime;
import org.memocache.MemoizeSettings;
import org.memocache.agent.AgentOptions;
import org.memocache.agent.MethodSelector;

/**
 * Weaves one class at load (or retransformation) time: its {@code @Memoize} methods and the
 * methods the {@code methods=} option names. Methods named only by the option are declared to
 * {@link MemoRuntime#define} first, so the runtime knows how to memoize them without an annotation.
 * What it declares and logs is also written to the current {@link WeaveRecord}, for the cache.
 */
final class AgentTransformer {
  private final AgentOptions options;
  private final Selection selection;
  private final AgentLog log;

  AgentTransformer(AgentOptions options, Selection selection, AgentLog log) {
    this.options = options;
    this.selection = selection;
    this.log = log;
  }

  /**
   * The methods of {@code type} to memoize, or {@code null} when none is chosen.
   *
   * @param methods each chosen method's name followed by its descriptor, and whether its code
   *     fingerprint is part of its identity ({@code @Memoize(codeFingerprint = false)} says not)
   * @param classFiles where its callees' class files are read for the fingerprints; {@code null} when
   *     fingerprints are off ({@code fingerprint=false})
   */
  record Choice(Map<String, Boolean> methods, @Nullable ClassFiles classFiles) {}

  /** What to weave in {@code type}, or {@code null} when it has no method to memoize. */
  @Nullable Choice choose(TypeDescription type, @Nullable ClassLoader classLoader,
      @Nullable ProtectionDomain protectionDomain) {
    List<MethodSelector> selectors = selection.of(type.getName());
    // By identity (the selectors are Selection's own): a record's hashCode bootstraps
    // java.lang.runtime.ObjectMethods, some 15 ms of method handles on a first weave.
    Set<MethodSelector> used = Collections.newSetFromMap(new IdentityHashMap<>());
    Map<String, Boolean> chosen = new LinkedHashMap<>();
    List<MethodSelector> named = selectors.stream().filter(s -> !s.isWildcard()).toList();
    MethodSelector wildcard = selectors.stream().filter(MethodSelector::isWildcard).findFirst().orElse(null);
    Map<String, Integer> outputParameters = wildcard == null ? Map.of() : outputParameters();
    List<String> skipped = new ArrayList<>();
    for (MethodDescription m : type.getDeclaredMethods()) {
      boolean annotated = Weaving.isAnnotated(m);
      // A method named explicitly is woven even when a wildcard would skip it.
      MethodSelector selector = SelectorMatch.find(named, m);
      if (selector == null && wildcard != null && !annotated) {
        String skip = wildcardSkips(m, outputParameters);
        if (skip != null) {
          String line = "MemoCache agent: methods=" + wildcard + " skips " + Weaving.display(type, m) + ": " + skip;
          log.info(() -> line);
          WeaveRecord.info(line);
          skipped.add(Weaving.display(type, m));
          continue;
        }
        selector = SelectorMatch.find(selectors, m);
      }
      if (selector != null) {
        used.add(selector);
      }
      if (!annotated && selector == null) {
        continue;
      }
      String display = Weaving.display(type, m);
      String why = Weaving.whyNotMemoizable(m);
      if (why != null) {
        String source = annotated ? "@Memoize" : "methods=" + selector;
        warn("unmemoizable:" + display, "MemoCache agent: " + display + " (" + source
            + ") is not memoized: " + why);
        continue;
      }
      if (!annotated) {
        define(options, type.getName(), Weaving.key(m));
        WeaveRecord.defined(Weaving.key(m));
      }
      chosen.put(Weaving.key(m), Weaving.fingerprintAllowedByAnnotation(m));
      String info = "MemoCache agent: memoizing " + display
          + (annotated ? " (@Memoize)" : " (methods=" + selector + ")");
      log.info(() -> info);
      WeaveRecord.info(info);
    }
    for (MethodSelector s : selectors) {
      if (!used.contains(s) && !s.isWildcard()) {
        // Reported with suggestions at exit (SelectorReport); here only in verbose.
        String info = "MemoCache agent: methods=" + s + " matches no method declared by " + type.getName();
        log.info(() -> info);
        WeaveRecord.info(info);
      }
    }
    if (!skipped.isEmpty() && !log.verbose()) {
      warn("skipped:" + wildcard, "MemoCache agent: methods=" + wildcard + " skips " + skipped.size()
          + (skipped.size() == 1 ? " method" : " methods") + " that cannot be memoized (void or one-shot results,"
          + " or writing into a parameter); verbose lists them");
    }
    if (chosen.isEmpty()) {
      return null;
    }
    ClassFiles classFiles = !options.fingerprint() ? null
        : classLoader == null ? ClassFiles.None.INSTANCE
        : new LoaderClassFiles(classLoader, type.getInternalName(), protectionDomain);
    return new Choice(chosen, classFiles);
  }

  /**
   * Why {@code #*} leaves out a method of the user's that it would otherwise take, or {@code null}:
   * a result the runtime rejects ({@code void}, a {@code Stream}), or an output parameter.
   */
  private static @Nullable String wildcardSkips(MethodDescription m, Map<String, Integer> outputParameters) {
    if (m.isConstructor() || m.isTypeInitializer() || m.isSynthetic() || m.isBridge() || m.isAbstract()
        || m.isNative() || Weaving.isObjectMethod(m)) {
      return null;
    }
    String why = Weaving.whyNotMemoizable(m);
    if (why != null) {
      return why;
    }
    Integer p = outputParameters.get(Weaving.key(m));
    return p == null ? null : "it writes into its parameter " + (p + 1) + " ("
        + m.getParameters().get(p).getType().asErasure().getSimpleName() + "), so a cached result would leave"
        + " the caller's argument unfilled";
  }

  private static Map<String, Integer> outputParameters() {
    byte[] classFile = OutputParameters.classFile();
    return classFile == null ? Map.of() : OutputParameters.scan(classFile);
  }

  /** Declares a method named by {@code methods=} to the runtime (also when replayed from the cache). */
  static void define(AgentOptions options, String owner, String methodKey) {
    MemoRuntime.define(owner, methodKey, MemoizeSettings.defaults().withStateless(options.isStateless(owner)));
  }

  private void warn(String topic, String message) {
    log.warnOnce(topic, () -> message);
    WeaveRecord.warning(topic, message);
  }
}
