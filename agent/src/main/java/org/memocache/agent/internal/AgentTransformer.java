package org.memocache.agent.internal;

import java.security.ProtectionDomain;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;
import org.memocache.MemoRuntime;
import org.memocache.MethodSettings;
import org.memocache.agent.AgentOptions;
import org.memocache.agent.MethodSelector;

/**
 * Weaves one class at load (or retransformation) time: its {@code @Memoize} methods and the
 * methods the {@code methods=} option names. Methods named only by the option are declared to
 * {@link MemoRuntime#define} first, so the runtime knows how to memoize them without an annotation.
 */
final class AgentTransformer implements AgentBuilder.Transformer {
  private final AgentOptions options;
  private final Selection selection;
  private final AgentLog log;

  AgentTransformer(AgentOptions options, Selection selection, AgentLog log) {
    this.options = options;
    this.selection = selection;
    this.log = log;
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
      ClassLoader classLoader, JavaModule module, ProtectionDomain protectionDomain) {
    List<MethodSelector> selectors = selection.of(type.getName());
    Set<MethodSelector> used = new HashSet<>();
    Set<String> chosen = new LinkedHashSet<>();
    for (MethodDescription m : type.getDeclaredMethods()) {
      boolean annotated = Weaving.isAnnotated(m);
      MethodSelector selector = Selection.find(selectors, m);
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
        log.warnOnce("unmemoizable:" + display, () -> "MemoCache agent: " + display + " (" + source
            + ") is not memoized: " + why);
        continue;
      }
      if (!annotated) {
        MemoRuntime.define(type.getName(), Weaving.key(m),
            MethodSettings.defaults().withStateless(options.isStateless(type.getName())));
      }
      chosen.add(Weaving.key(m));
      log.info(() -> "MemoCache agent: memoizing " + display
          + (annotated ? " (@Memoize)" : " (methods=" + selector + ")"));
    }
    for (MethodSelector s : selectors) {
      if (!used.contains(s) && !s.isWildcard()) {
        log.warnOnce("unmatched:" + s, () -> "MemoCache agent: methods=" + s + " matches no method"
            + " declared by " + type.getName() + "; nothing is memoized for it");
      }
    }
    if (chosen.isEmpty()) {
      return builder;
    }
    return Weaving.weave(builder, target -> chosen.contains(Weaving.key(target)), options.fingerprint());
  }
}
