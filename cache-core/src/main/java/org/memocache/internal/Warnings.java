package org.memocache.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Warns once per topic: a degraded cache must say so, but must not flood the log of a job that
 * calls a memoized method a million times.
 */
public final class Warnings {
  /**
   * Holds the logger, looked up on first use: {@code System.getLogger} finds the logging backend
   * with a {@code ServiceLoader} over the whole class path, which opening and reading need not wait for.
   */
  private static final class Log {
    static final Logger LOG = System.getLogger("org.memocache");

    private Log() {}
  }

  private static final int MAX_TOPICS = 10_000;
  private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();
  private static final AtomicBoolean NAMES_EXPLAINED = new AtomicBoolean();

  private Warnings() {}

  /** Logs {@code message} at WARNING the first time {@code topic} is seen in this JVM. */
  public static void once(String topic, Supplier<String> message) {
    if (SEEN.size() < MAX_TOPICS && SEEN.add(topic)) {
      Log.LOG.log(Level.WARNING, message.get());
    }
  }

  /** As {@link #once(String, Supplier)}, with the failure's stack trace. */
  public static void once(String topic, Supplier<String> message, Throwable cause) {
    if (SEEN.size() < MAX_TOPICS && SEEN.add(topic)) {
      Log.LOG.log(Level.WARNING, message.get(), cause);
    }
  }

  /**
   * {@code message}, followed the first time in this JVM by how to get real parameter names when it
   * shows the {@code arg0} that {@code spec}'s class file left to reflection.
   */
  public static String explainingNames(MethodSpec spec, String message) {
    if (spec.madeUpParameterNames() && message.contains("(arg") && NAMES_EXPLAINED.compareAndSet(false, true)) {
      return message + " (names such as arg0 mean the class was compiled without parameter names: compile"
          + " with javac -parameters, in Maven <maven.compiler.parameters>true</maven.compiler.parameters>, to"
          + " see the real ones)";
    }
    return message;
  }
}
