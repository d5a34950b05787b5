package org.memocache.agent.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What weaving one class did besides producing bytes: the methods it declared to
 * {@code MemoRuntime.define} (named by {@code methods=}, not annotated), and what it logged. Kept
 * with the woven bytes in the {@link WeaveCache}, so a later JVM that takes the bytes from the cache
 * repeats the declarations and the messages without weaving again.
 *
 * @param bytes the woven class file, or {@code null} when the class was left as it was
 * @param defined the {@code name + descriptor} of each method to declare, in order
 * @param infos messages logged at INFO (verbose) / DEBUG
 * @param warnings warnings, each as {@code topic}, {@code message}, {@code topic}, ...
 * @param dependencies the classes besides the woven one that its code fingerprints depend on
 *     (callees, their origins); empty when fingerprints are off or the methods call nothing
 * @param dependencyDigest {@link MethodFingerprints#digest} of {@code dependencies} at weave time
 */
public record WeaveRecord(byte @Nullable [] bytes, List<String> defined, List<String> infos, List<String> warnings,
    List<String> dependencies, long dependencyDigest) {

  public WeaveRecord {
    defined = List.copyOf(defined);
    infos = List.copyOf(infos);
    warnings = List.copyOf(warnings);
    dependencies = List.copyOf(dependencies);
  }

  private static final ThreadLocal<@Nullable Builder> CURRENT = new ThreadLocal<>();

  /** Collects what happens on this thread while a class is woven. */
  public static final class Builder {
    final List<String> defined = new ArrayList<>();
    final List<String> infos = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    final List<String> dependencies = new ArrayList<>();
    long dependencyDigest;

    public WeaveRecord build(byte @Nullable [] bytes) {
      return new WeaveRecord(bytes, defined, infos, warnings, dependencies, dependencyDigest);
    }
  }

  /** Starts recording on this thread; {@link #stop} ends it. */
  static Builder start() {
    Builder b = new Builder();
    CURRENT.set(b);
    return b;
  }

  static void stop() {
    CURRENT.remove();
  }

  /** Whether a weave is being recorded on this thread (by the agent, for its cache). */
  static boolean isRecording() {
    return CURRENT.get() != null;
  }

  /** The classes the woven class's fingerprints depend on, and their digest. */
  static void dependencies(Collection<String> names, long digest) {
    Builder b = CURRENT.get();
    if (b != null) {
      b.dependencies.clear();
      b.dependencies.addAll(names);
      b.dependencyDigest = digest;
    }
  }

  static void defined(String methodKey) {
    Builder b = CURRENT.get();
    if (b != null) {
      b.defined.add(methodKey);
    }
  }

  static void info(String message) {
    Builder b = CURRENT.get();
    if (b != null) {
      b.infos.add(message);
    }
  }

  static void warning(String topic, String message) {
    Builder b = CURRENT.get();
    if (b != null) {
      b.warnings.add(topic);
      b.warnings.add(message);
    }
  }
}
