package org.memocache.redis.internal;

import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A small pool of blocking connections to a Redis server (Jedis), made on first use, where every
 * command has a timeout and every fault becomes a {@link SharedStoreException} naming the command
 * and {@code host:port}, never a credential.
 *
 * <p>Jedis rather than a Netty client: a fresh JVM connects and pings in about 0.1 s with some 360
 * classes, against 1.2 to 1.7 s and some 2,500 classes (Netty, Reactor) with Lettuce, and every
 * second run of a program is a fresh JVM.
 */
public final class Redis implements AutoCloseable {
  // Threads calling at once beyond this wait for a connection, up to the timeout.
  private static final int MAX_CONNECTIONS = 16;
  // Idle connections older than this are closed (checked as often), so that a server's idle timeout
  // rarely meets one.
  private static final Duration MAX_IDLE = Duration.ofSeconds(30);

  private final URI uri;
  private final String endpoint;
  private final Duration timeout;
  private volatile @Nullable JedisPool pool;
  private volatile boolean closed;
  // Set when a connection attempt failed: until nextConnect (System.nanoTime()), commands fail at
  // once, so that a server that is down costs one attempt per timeout, not one per command.
  private volatile boolean down;
  private long nextConnect;
  // Why the last attempt failed, repeated by the commands that fail before the next one: each names
  // the cause, whichever thread reports it.
  private String lastFailure = "";

  private Redis(URI uri, String endpoint, Duration timeout) {
    this.uri = uri;
    this.endpoint = endpoint;
    this.timeout = timeout;
  }

  /**
   * Connects to {@code uri} ({@code redis://[[user]:password@]host[:port][/db]}, {@code rediss://}
   * for TLS). Commands fail after {@code timeout}. A lost connection is not re-established in the
   * background: the next command tries, at most once per {@code timeout}; the commands in between
   * fail at once.
   *
   * @throws SharedStoreException if the server cannot be reached or refuses the credentials
   */
  public static Redis connect(URI uri, Duration timeout) {
    Redis redis = open(uri, timeout);
    try {
      redis.borrow("CONNECT").close();
      return redis;
    } catch (RuntimeException e) {
      redis.close();
      throw e;
    }
  }

  /**
   * A client of {@code uri} that loads the client library and connects on its first command, as
   * {@link #connect} reconnects: a program that never needs the server never pays for it, and a
   * server down at start costs no failure here, only failed commands until it answers.
   *
   * @throws IllegalArgumentException if {@code uri} is not a {@code redis://} or {@code rediss://} URI
   *     with a host
   */
  public static Redis open(URI uri, Duration timeout) {
    if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("not a redis:// or rediss:// URI with a host: "
          + uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort());
    }
    if (timeout.toMillis() < 1 || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("redis timeout must be between 1 ms and 24 days: " + timeout);
    }
    database(uri);
    return new Redis(uri, uri.getHost() + ":" + port(uri), timeout);
  }

  private static int port(URI uri) {
    return uri.getPort() < 0 ? 6379 : uri.getPort();
  }

  private static int database(URI uri) {
    String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    try {
      return path.isEmpty() ? 0 : Integer.parseInt(path);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the path of a redis URI is a database number, not " + path, e);
    }
  }

  private JedisPool pool() {
    JedisPool p = pool;
    if (p != null) {
      return p;
    }
    synchronized (this) {
      if (closed) {
        throw new SharedStoreException("redis", endpoint, "CONNECT", "client closed", null);
      }
      if (pool == null) {
        pool = newPool();
      }
      return pool;
    }
  }

  private JedisPool newPool() {
    int millis = (int) timeout.toMillis();
    DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis(millis)
        .socketTimeoutMillis(millis)
        .database(database(uri))
        .ssl("rediss".equals(uri.getScheme()))
        // Saves a round trip per connection; the server lists the client without a library name.
        .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
    // {@code password}, {@code :password} or {@code user:password}, as other Redis clients read it.
    String userInfo = uri.getUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      if (colon < 0) {
        config.password(userInfo);
      } else {
        if (colon > 0) {
          config.user(userInfo.substring(0, colon));
        }
        config.password(userInfo.substring(colon + 1));
      }
    }
    GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
    poolConfig.setMaxTotal(MAX_CONNECTIONS);
    poolConfig.setMaxIdle(MAX_CONNECTIONS);
    poolConfig.setMaxWait(timeout);
    // A platform MBean server costs a cold JVM tens of milliseconds.
    poolConfig.setJmxEnabled(false);
    poolConfig.setMinEvictableIdleDuration(MAX_IDLE);
    poolConfig.setTimeBetweenEvictionRuns(MAX_IDLE);
    poolConfig.setNumTestsPerEvictionRun(-1);
    return new JedisPool(poolConfig, new HostAndPort(uri.getHost(), port(uri)), config.build());
  }

  /** {@code host:port} of the server. */
  public String endpoint() {
    return endpoint;
  }

  /**
   * Runs {@code command} (named {@code operation} in errors) on a connection of the pool, with this
   * client's timeout. A command whose connection fails under it is not sent again: it may have run.
   */
  public <T> T call(String operation, Function<Jedis, T> command) {
    return run(operation, command, false);
  }

  /**
   * {@link #call} for a command that may run twice, such as a read: when its connection turns out
   * closed (by the server, after idling, or by a restart), it is sent once more on a new connection.
   */
  public <T> T read(String operation, Function<Jedis, T> command) {
    return run(operation, command, true);
  }

  private <T> T run(String operation, Function<Jedis, T> command, boolean again) {
    JedisConnectionException lost;
    Jedis c = borrow(operation);
    try {
      return command.apply(c);
    } catch (JedisConnectionException e) {
      if (timedOut(e)) {
        throw new SharedStoreException("redis", endpoint, operation, reason(e, false), e);
      }
      lost = e;
    } catch (JedisException e) {
      throw new SharedStoreException("redis", endpoint, operation, reason(e, false), e);
    } finally {
      // A connection broken by a fault (a timeout too: its reply may still come) is closed, not reused.
      c.close();
    }
    // The idle connections likely share its fate. A new one is tried, so that a server that is gone
    // reports as one that cannot be reached.
    JedisPool p = pool;
    if (p != null) {
      p.clear();
    }
    if (again) {
      return run(operation, command, false);
    }
    borrow(operation).close();
    throw new SharedStoreException("redis", endpoint, operation, reason(lost, false), lost);
  }

  private Jedis borrow(String operation) {
    if (down) {
      return reconnect(operation);
    }
    try {
      return pool().getResource();
    } catch (JedisException e) {
      throw connectFailed(operation, e);
    }
  }

  private synchronized Jedis reconnect(String operation) {
    if (down) {
      long now = System.nanoTime();
      if (now - nextConnect < 0) {
        throw new SharedStoreException("redis", endpoint, operation, "not connected (" + lastFailure
            + "next attempt within " + timeout.toMillis() + " ms)", null);
      }
    }
    try {
      Jedis c = pool().getResource();
      down = false;
      lastFailure = "";
      return c;
    } catch (JedisException e) {
      throw connectFailed(operation, e);
    }
  }

  private synchronized SharedStoreException connectFailed(String operation, JedisException e) {
    String why = reason(e, true);
    if (!exhausted(e)) {
      down = true;
      nextConnect = System.nanoTime() + timeout.toNanos();
      lastFailure = why + "; ";
    }
    return new SharedStoreException("redis", endpoint, operation, why, e);
  }

  /** Runs a Lua script by its digest, sending its text only when the server does not know it. */
  @Nullable Object eval(String operation, Script script, String[] keys, byte[]... args) {
    List<byte[]> k = new ArrayList<>(keys.length);
    for (String key : keys) {
      k.add(key.getBytes(StandardCharsets.UTF_8));
    }
    List<byte[]> a = List.of(args);
    return call(operation, c -> {
      try {
        return c.evalsha(script.sha1, k, a);
      } catch (JedisNoScriptException e) {
        return c.eval(script.text, k, a);
      }
    });
  }

  /** {@link #eval} of a script that returns an integer. */
  long evalLong(String operation, Script script, String[] keys, byte[]... args) {
    Object r = eval(operation, script, keys, args);
    if (!(r instanceof Long n)) {
      throw new SharedStoreException("redis", endpoint, operation, "unexpected reply " + r, null);
    }
    return n;
  }

  /** {@link #eval} of a script that returns an array. */
  @SuppressWarnings("unchecked")
  List<Object> evalList(String operation, Script script, String[] keys, byte[]... args) {
    Object r = eval(operation, script, keys, args);
    if (!(r instanceof List<?>)) {
      throw new SharedStoreException("redis", endpoint, operation, "unexpected reply " + r, null);
    }
    return (List<Object>) r;
  }

  /**
   * Runs a Lua script for bookkeeping that may be lost: a fault, or no connection, drops it without
   * a word. Synchronous, so that every later command of this process sees its effect.
   */
  void tryEval(String operation, Script script, String[] keys, byte[]... args) {
    if (down || closed) {
      return;
    }
    try {
      eval(operation, script, keys, args);
    } catch (SharedStoreException e) {
      // bookkeeping only
    }
  }

  private static boolean timedOut(Throwable e) {
    for (Throwable t = e; t != null; t = next(t)) {
      if (t instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static boolean exhausted(Throwable e) {
    for (Throwable t = e; t != null; t = next(t)) {
      if (t instanceof NoSuchElementException) {
        return true;
      }
    }
    return false;
  }

  private String reason(JedisException e, boolean connecting) {
    if (timedOut(e)) {
      return "timed out after " + timeout.toMillis() + " ms";
    }
    if (exhausted(e)) {
      return "no connection free within " + timeout.toMillis() + " ms (" + MAX_CONNECTIONS + " in use)";
    }
    for (Throwable t = e; t != null; t = next(t)) {
      if (t instanceof JedisDataException) {
        return "refused: " + t.getMessage();
      }
    }
    return (connecting ? "cannot connect (" : "connection lost (") + rootMessage(e) + ")";
  }

  /** The cause, or else the first suppressed exception (Jedis adds the failure of each address so). */
  private static @Nullable Throwable next(Throwable t) {
    Throwable cause = t.getCause();
    if (cause != null && cause != t) {
      return cause;
    }
    Throwable[] suppressed = t.getSuppressed();
    return suppressed.length > 0 ? suppressed[0] : null;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    for (Throwable n = next(t); n != null; n = next(n)) {
      t = n;
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  @Override
  public void close() {
    JedisPool p;
    synchronized (this) {
      closed = true;
      p = pool;
    }
    if (p != null) {
      p.close();
    }
  }

  /** A Lua script and its SHA-1 digest. */
  static final class Script {
    final byte[] text;
    final byte[] sha1;

    Script(String text) {
      this.text = text.getBytes(StandardCharsets.UTF_8);
      try {
        this.sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(this.text))
            .getBytes(StandardCharsets.US_ASCII);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
