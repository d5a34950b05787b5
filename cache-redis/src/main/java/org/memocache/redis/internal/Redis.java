package org.memocache.redis.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One connection to a Redis server (Lettuce, thread-safe, pipelined), where every command has a
 * timeout and every fault becomes a {@link SharedStoreException} naming the command and
 * {@code host:port}. Keys are strings, values bytes.
 */
public final class Redis implements AutoCloseable {
  private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final RedisClient client;
  private final String endpoint;
  private final Duration timeout;
  private volatile @Nullable StatefulRedisConnection<String, byte[]> connection;
  // System.nanoTime() before which no new connection is tried: a server that is down costs one
  // connect attempt per timeout, not one per command.
  private long nextConnect;
  // Why the last attempt failed, repeated by the commands that fail before the next one: each names
  // the cause, whichever thread reports it.
  private String lastFailure = "";

  private Redis(RedisClient client, @Nullable StatefulRedisConnection<String, byte[]> connection, String endpoint,
      Duration timeout) {
    this.client = client;
    this.connection = connection;
    this.endpoint = endpoint;
    this.timeout = timeout;
    this.nextConnect = System.nanoTime();
  }

  /**
   * Connects to {@code uri} ({@code redis://[user:password@]host:port[/db]}, {@code rediss://} for
   * TLS). Commands fail after {@code timeout}. A lost connection is not re-established in the
   * background (Lettuce would log every attempt): the next command tries, at most once per
   * {@code timeout}; the commands in between fail at once.
   *
   * @throws SharedStoreException if the server cannot be reached or refuses the credentials
   */
  public static Redis connect(URI uri, Duration timeout) {
    Redis redis = open(uri, timeout);
    try {
      redis.connection = redis.client.connect(CODEC);
      return redis;
    } catch (RuntimeException e) {
      redis.client.shutdown(0, 2, TimeUnit.SECONDS);
      throw fault(redis.endpoint, "CONNECT", timeout, e);
    }
  }

  /**
   * A client of {@code uri} that connects on its first command, as {@link #connect} reconnects: a
   * server down at start costs no failure here, only failed commands until it answers.
   */
  public static Redis open(URI uri, Duration timeout) {
    RedisURI redisUri = RedisURI.create(uri);
    redisUri.setTimeout(timeout);
    String endpoint = redisUri.getHost() + ":" + redisUri.getPort();
    RedisClient client = RedisClient.create(redisUri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(false)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .socketOptions(SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build())
        .timeoutOptions(TimeoutOptions.enabled(timeout))
        .build());
    return new Redis(client, null, endpoint, timeout);
  }

  /** {@code host:port} of the server. */
  public String endpoint() {
    return endpoint;
  }

  /** Runs {@code command} (named {@code operation} in errors) with this connection's timeout. */
  public <T> T call(String operation, Function<RedisCommands<String, byte[]>, T> command) {
    StatefulRedisConnection<String, byte[]> c = connection;
    if (c == null || !c.isOpen()) {
      c = reconnect(operation);
    }
    try {
      return command.apply(c.sync());
    } catch (RuntimeException e) {
      throw fault(endpoint, operation, timeout, e);
    }
  }

  private synchronized StatefulRedisConnection<String, byte[]> reconnect(String operation) {
    StatefulRedisConnection<String, byte[]> c = connection;
    if (c != null && c.isOpen()) {
      return c;
    }
    long now = System.nanoTime();
    if (now - nextConnect < 0) {
      throw new SharedStoreException("redis", endpoint, operation, "not connected (" + lastFailure
          + "next attempt within " + timeout.toMillis() + " ms)", null);
    }
    nextConnect = now + timeout.toNanos();
    try {
      c = client.connect(CODEC);
      connection = c;
      lastFailure = "";
      return c;
    } catch (RuntimeException e) {
      SharedStoreException f = fault(endpoint, operation, timeout, e);
      lastFailure = reason(timeout, e) + "; ";
      throw f;
    }
  }

  /** Runs a Lua script by its digest, sending its text only when the server does not know it. */
  <T> T eval(String operation, Script script, ScriptOutputType type, String[] keys, byte[]... args) {
    return call(operation, c -> {
      try {
        return c.evalsha(script.sha1, type, keys, args);
      } catch (RedisNoScriptException e) {
        return c.eval(script.text, type, keys, args);
      }
    });
  }

  /**
   * Sends a Lua script without waiting for the reply, for bookkeeping that may be lost: a fault, or no
   * connection, drops it. The text goes along (no digest, no retry on {@code NOSCRIPT}), so that the
   * script runs before every later command of this connection: keep it short.
   */
  void send(Script script, ScriptOutputType type, String[] keys, byte[]... args) {
    StatefulRedisConnection<String, byte[]> c = connection;
    if (c != null && c.isOpen()) {
      c.async().eval(script.text, type, keys, args);
    }
  }

  private static SharedStoreException fault(String endpoint, String operation, Duration timeout,
      RuntimeException e) {
    if (!(e instanceof RedisException)) {
      throw e;
    }
    return new SharedStoreException("redis", endpoint, operation, reason(timeout, e), e);
  }

  private static String reason(Duration timeout, RuntimeException e) {
    if (e instanceof RedisCommandTimeoutException) {
      return "timed out after " + timeout.toMillis() + " ms";
    } else if (e instanceof RedisConnectionException) {
      return "cannot connect (" + rootMessage(e) + ")";
    } else if (e instanceof RedisCommandExecutionException) {
      return "refused: " + e.getMessage();
    }
    return rootMessage(e);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  @Override
  public void close() {
    StatefulRedisConnection<String, byte[]> c = connection;
    if (c != null && c.isOpen()) {
      c.close();
    }
    client.shutdown(0, 2, TimeUnit.SECONDS);
  }

  /** A Lua script and its SHA-1 digest. */
  static final class Script {
    final String text;
    final String sha1;

    Script(String text) {
      this.text = text;
      try {
        this.sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
            .digest(text.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
