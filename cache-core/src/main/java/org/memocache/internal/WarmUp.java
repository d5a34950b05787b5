package org.memocache.internal;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import org.memocache.MethodId;
import org.memocache.internal.key.KeyEncoders;
import org.memocache.internal.key.KeyHasher;

/**
 * Loads and initializes, on a daemon thread, the classes that a {@code Memo}'s first call needs
 * whatever the call is (the key hasher and hash4j's XXH3), while the building thread reads the
 * configuration and opens the disk tier; then, in the order they were handed to {@link #later}, the
 * classes of a first call and of a first read, and the memory tier's Caffeine cache. In a fresh JVM
 * these are tens of milliseconds of class loading and initialization; a second core does them beside
 * the rest of the start-up. Class initialization is thread-safe, so whichever thread gets to a class
 * first initializes it and the other waits for it: nothing is done twice and nothing depends on the
 * warm-up finishing.
 */
public final class WarmUp {
  private static final AtomicBoolean STARTED = new AtomicBoolean();
  /** Tasks of {@link #later}, run one after another on the warm-up thread; guarded by itself. */
  private static final ArrayDeque<Runnable> LATER = new ArrayDeque<>();
  /** Whether a warm-up thread is running and will take what {@link #LATER} holds; guarded by LATER. */
  private static boolean running;

  private WarmUp() {}

  /**
   * Starts the warm-up, once per JVM, and then runs {@code firstCall} on its thread (the classes of
   * a first call, see {@link #later}).
   */
  public static void start(Runnable firstCall) {
    if (!STARTED.compareAndSet(false, true)) {
      return;
    }
    synchronized (LATER) {
      LATER.add(firstCall);
      running = true;
    }
    thread(() -> {
      run();
      drain();
    });
  }

  /**
   * Runs {@code task} on the warm-up thread once what it does now is done (on a new one if it has
   * finished): for initializing the classes of a first read with {@link #initialize}.
   */
  public static void later(Runnable task) {
    synchronized (LATER) {
      LATER.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    thread(WarmUp::drain);
  }

  /**
   * Loads, links and initializes each class, as its first use would; a class that fails to is left
   * to that use, which says what fails.
   */
  public static void initialize(Class<?>... classes) {
    for (Class<?> c : classes) {
      try {
        Class.forName(c.getName(), true, c.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        // Only a head start.
      }
    }
  }

  private static void thread(Runnable body) {
    Thread t = new Thread(body, "memocache-warm-up");
    t.setDaemon(true);
    t.start();
  }

  private static void drain() {
    while (true) {
      Runnable task;
      synchronized (LATER) {
        task = LATER.poll();
        if (task == null) {
          running = false;
          return;
        }
      }
      try {
        task.run();
      } catch (RuntimeException | LinkageError e) {
        // Only a head start: the call that needs these classes loads them itself.
      }
    }
  }

  private static void run() {
    try {
      MethodId id = new MethodId("memocache-warm-up", "()V", 0, 0L);
      KeyHasher.acquire(id, KeyEncoders.NONE).argument(0, "n", 1L).argument(1, "values", new double[100]).finish(id);
    } catch (RuntimeException | LinkageError e) {
      // Only a head start: the call that needs these classes loads them itself and says what fails.
    }
  }
}
