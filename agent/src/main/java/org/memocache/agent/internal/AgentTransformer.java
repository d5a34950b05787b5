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
 * What it declares and logs is also written to the current {@link WeaveRecord}, for the cache.
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
      MethodSelector selector = SelectorMatch.find(selectors, m);
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
      chosen.add(Weaving.key(m));
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
    if (chosen.isEmpty()) {
      return builder;
    }
    ClassFiles classFiles = !options.fingerprint() ? null
        : classLoader == null ? ClassFiles.None.INSTANCE
        : new LoaderClassFiles(classLoader, type.getInternalName(), protectionDomain);
    return Weaving.weave(builder, target -> chosen.contains(Weaving.key(target)), classFiles);
  }

  /** Declares a method named by {@code methods=} to the runtime (also when replayed from the cache). */
  static void define(AgentOptions options, String owner, String methodKey) {
    MemoRuntime.define(owner, methodKey, MethodSettings.defaults().withStateless(options.isStateless(owner)));
  }

  private void warn(String topic, String message) {
    log.warnOnce(topic, () -> message);
    WeaveRecord.warning(topic, message);
  }
}
