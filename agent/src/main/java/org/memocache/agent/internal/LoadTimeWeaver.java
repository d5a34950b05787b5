package org.memocache.agent.internal;

import java.lang.instrument.ClassFileTransformer;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.memocache.agent.AgentOptions;
import org.memocache.agent.MethodSelector;

/**
 * The agent's one class file transformer: a cheap front door that lets almost every class pass
 * untouched, and weaves the few that need it.
 *
 * <p>For each class being loaded (or retransformed) it checks, without parsing: the class loader,
 * the name (JDK and the agent's own classes pass), and the raw class file bytes, which must contain
 * the descriptor of {@code @Memoize} or be a class named by {@code methods=}, and must not carry the
 * build plugin's {@code @Woven} marker. Only then does it weave: from the {@link WeaveCache} when
 * this class was woven before (no Byte Buddy at all), otherwise with the
 * {@link ByteBuddyWeaver} (created on first need), storing the result for the next start. The Memo is built and installed just before the first
 * class with memoized code (woven here or at build time) is handed to the JVM, so a job that loads
 * no memoized class pays for none of it.
 */
public final class LoadTimeWeaver implements ClassFileTransformer {
  private static final byte[] MEMOIZE = ("L" + Weaving.MEMOIZE.replace('.', '/') + ";").getBytes(StandardCharsets.UTF_8);
  private static final byte[] WOVEN = ("L" + Weaving.WOVEN.replace('.', '/') + ";").getBytes(StandardCharsets.UTF_8);
  private static final String[] IGNORED = {
      "java/", "javax/", "jdk/", "sun/", "com/sun/", "net/bytebuddy/", "org/memocache/shaded/"};

  private final AgentOptions options;
  private final Selection selection;
  private final Set<String> selectedInternalNames = new HashSet<>();
  private final AgentLog log;
  private final LoaderChecks loaders;
  private final @Nullable WeaveCache cache;
  private final Consumer<String> beforeMemoizedCode;
  private final Supplier<ClassFileTransformer> byteBuddy;
  private volatile @Nullable ClassFileTransformer weaver;
  private final ThreadLocal<Boolean> busy = new ThreadLocal<>();

  /**
   * @param beforeMemoizedCode run (idempotent) with the class's name before a class with memoized
   *     code reaches the JVM: one this agent wove, or one the build plugin wove
   * @param byteBuddy makes the Byte Buddy transformer, on the first cache miss
   */
  LoadTimeWeaver(AgentOptions options, Selection selection, AgentLog log, LoaderChecks loaders,
      @Nullable WeaveCache cache, Consumer<String> beforeMemoizedCode, Supplier<ClassFileTransformer> byteBuddy) {
    this.options = options;
    this.selection = selection;
    for (String name : selection.classNames()) {
      selectedInternalNames.add(name.replace('.', '/'));
    }
    this.log = log;
    this.loaders = loaders;
    this.cache = cache;
    this.beforeMemoizedCode = beforeMemoizedCode;
    this.byteBuddy = byteBuddy;
  }

  @Override
  public byte @Nullable [] transform(Module module, @Nullable ClassLoader loader, @Nullable String className,
      @Nullable Class<?> classBeingRedefined, @Nullable ProtectionDomain domain, byte[] classFile) {
    if (loader == null || className == null || busy.get() != null || !isCandidate(className, classFile)) {
      return null;
    }
    String binaryName = className.replace('/', '.');
    if (contains(classFile, WOVEN)) {
      log.info(() -> "MemoCache agent: " + binaryName + " was woven at build time; leaving it as is");
      // Its woven code calls MemoRuntime too: it must find the agent's Memo, not the default one.
      beforeMemoizedCode.accept(binaryName);
      return null;
    }
    if (loaders.isAgentCode(domain)) {
      return null;
    }
    busy.set(Boolean.TRUE);
    try {
      if (!loaders.seesRuntime(loader, binaryName)) {
        return null;
      }
      String key = cache == null ? null : cache.key(className, classFile, weavingOptions(binaryName));
      WeaveRecord record = key == null ? null : cache.get(key);
      if (record != null && !dependenciesUnchanged(record, loader, className, domain)) {
        log.info(() -> "MemoCache agent: " + binaryName + " calls code that changed since it was woven;"
            + " weaving it again");
        record = null;
      }
      if (record != null) {
        replay(binaryName, record);
      } else {
        record = weave(module, loader, className, classBeingRedefined, domain, classFile);
        if (key != null) {
          cache.put(key, record);
        }
      }
      if (record.bytes() != null) {
        beforeMemoizedCode.accept(binaryName);
      }
      return record.bytes();
    } catch (Throwable t) {
      log.warnOnce("weave:" + binaryName, () -> "MemoCache agent: could not weave " + binaryName
          + "; its methods are computed normally: " + t, t);
      return null;
    } finally {
      busy.remove();
    }
  }

  /**
   * Whether the classes the cached weaving's fingerprints depend on are as they were: their bytes
   * (own code) and identities (libraries) hash to the recorded digest.
   */
  private static boolean dependenciesUnchanged(WeaveRecord record, ClassLoader loader, String className,
      @Nullable ProtectionDomain domain) {
    if (record.dependencies().isEmpty()) {
      return true;
    }
    ClassFiles files = new LoaderClassFiles(loader, className, domain);
    return MethodFingerprints.digest(files, record.dependencies()) == record.dependencyDigest();
  }

  private boolean isCandidate(String internalName, byte[] classFile) {
    for (String p : IGNORED) {
      if (internalName.startsWith(p)) {
        return false;
      }
    }
    return selectedInternalNames.contains(internalName) || contains(classFile, MEMOIZE);
  }

  private WeaveRecord weave(Module module, ClassLoader loader, String className,
      @Nullable Class<?> classBeingRedefined, @Nullable ProtectionDomain domain, byte[] classFile)
      throws Exception {
    ClassFileTransformer w = weaver;
    if (w == null) {
      synchronized (this) {
        w = weaver;
        if (w == null) {
          w = byteBuddy.get();
          weaver = w;
        }
      }
    }
    WeaveRecord.Builder recording = WeaveRecord.start();
    OutputParameters.weaving(classFile);
    try {
      return recording.build(w.transform(module, loader, className, classBeingRedefined, domain, classFile));
    } finally {
      OutputParameters.weaving(null);
      WeaveRecord.stop();
    }
  }

  private void replay(String binaryName, WeaveRecord record) {
    for (String method : record.defined()) {
      AgentTransformer.define(options, binaryName, method);
    }
    for (String info : record.infos()) {
      log.info(() -> info);
    }
    List<String> w = record.warnings();
    for (int i = 0; i + 1 < w.size(); i += 2) {
      String message = w.get(i + 1);
      log.warnOnce(w.get(i), () -> message);
    }
  }

  /** What, besides the class file, decides how a class is woven. */
  private String weavingOptions(String binaryName) {
    StringBuilder sb = new StringBuilder("fingerprint=").append(options.fingerprint());
    for (MethodSelector s : selection.of(binaryName)) {
      sb.append(';').append(s);
      if (s.isWildcard()) {
        // What #* skips is listed in verbose, summed up in one warning otherwise.
        sb.append(";verbose=").append(options.verbose());
      }
    }
    return sb.toString();
  }

  /** Whether {@code pattern} occurs in {@code data}. */
  static boolean contains(byte[] data, byte[] pattern) {
    byte first = pattern[0];
    int last = data.length - pattern.length;
    outer:
    for (int i = 0; i <= last; i++) {
      if (data[i] != first) {
        continue;
      }
      for (int j = 1; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
