package org.memocache.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Warns once per topic: a degraded cache must say so, but must not flood the log of a job that
 * calls a memoized method a million times.
 */
public final class Warnings {
  private static final Logger LOG = System.getLogger("org.memocache");
  private static final int MAX_TOPICS = 10_000;
  private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

  private Warnings() {}

  /** Logs {@code message} at WARNING the first time {@code topic} is seen in this JVM. */
  public static void once(String topic, Supplier<String> message) {
    if (SEEN.size() < MAX_TOPICS && SEEN.add(topic)) {
      LOG.log(Level.WARNING, message.get());
    }
  }

  /** As {@link #once(String, Supplier)}, with the failure's stack trace. */
  public static void once(String topic, Supplier<String> message, Throwable cause) {
    if (SEEN.size() < MAX_TOPICS && SEEN.add(topic)) {
      LOG.log(Level.WARNING, message.get(), cause);
    }
  }
}
