package org.memocache.redis.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.memocache.CacheKey;
import org.memocache.EntryInfo;
import org.memocache.MemoConfig;
import org.memocache.MethodId;
import org.memocache.internal.Warnings;
import org.memocache.internal.codec.Shapes;
import org.memocache.spi.ClassShape;
import org.memocache.spi.DamagedEntryException;
import org.memocache.spi.EncodedEntry;
import org.memocache.spi.StoredEntry;
import org.memocache.spi.Tier;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The tier many hosts share, below each host's disk tier: entries in Redis (up to
 * {@link Options#inlineLimit} bytes) or in an S3-compatible object store with a manifest in Redis
 * ({@link SharedBytes}), published first-writer-wins; per-key leases ({@link Leases}) so that a key is
 * computed once across hosts. Every entry is checked on read as a disk entry is (key, method
 * identity, codec, shapes, a CRC32C per block): damage deletes it (only the damaged write), anything
 * else this process cannot use is a miss left in place.
 *
 * <p>A service that cannot be reached is never an error: the operation is skipped and counted as
 * {@code unavailable}, with one warning per outage ({@link Outage}); calls compute locally.
 *
 * <p>What Redis cannot answer cheaply: {@link #entries} and {@link #clear} scan the keys of the
 * method's identities ({@code SCAN}, one round trip per thousand keys, and a read per listed entry);
 * {@link #methods} is empty (no per-method statistics are kept remotely); hits and access times are
 * not recorded.
 */
public final class SharedTier implements Tier {
  /**
   * How the tier talks to its services.
   *
   * @param namespace prefix of every Redis key, e.g. {@code memocache:}
   * @param inlineLimit the largest stored entry kept in Redis itself, in bytes; without an object
   *     store, Redis keeps entries up to 64 MiB (or this limit, if larger) and larger ones are not
   *     stored
   * @param timeout of each Redis command, connect and object-store transfer stall
   * @param retryAfter how long a service that failed is left alone before it is tried again
   * @param leaseTtl the lease expiry the watchdog renews; a holder that stalls longer loses the key
   * @param limits the bounds of the shared store (bytes, entries, age), kept by an index in Redis
   */
  public record Options(String namespace, long inlineLimit, Duration timeout, Duration retryAfter, Duration leaseTtl,
      SharedLimits limits) {
    public Options {
      Objects.requireNonNull(limits, "limits");
    }

    /** Options of an unbounded store. */
    public Options(String namespace, long inlineLimit, Duration timeout, Duration retryAfter, Duration leaseTtl) {
      this(namespace, inlineLimit, timeout, retryAfter, leaseTtl, SharedLimits.none());
    }

    /** The defaults: {@code memocache:}, 1 MiB inline, 2 s timeout, retry after 5 s, 30 s leases, unbounded. */
    public static Options defaults() {
      return new Options("memocache:", 1 << 20, Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    /** These options with the store bounded by {@code limits}. */
    public Options withLimits(SharedLimits limits) {
      return new Options(namespace, inlineLimit, timeout, retryAfter, leaseTtl, limits);
    }
  }

  private static final String NAME = "shared";
  /** Entries larger than this are spooled to a temporary file before they are sent. */
  private static final int SPOOL_IN_MEMORY = 4 << 20;
  /** Without an object store, Redis holds entries up to this size. */
  private static final long INLINE_ONLY_LIMIT = 64L << 20;

  private final Redis redis;
  private final @Nullable S3Blobs blobs;
  private final SharedBytes bytes;
  /** The same entries, read without the object store while it is out: its entries are then misses. */
  private final SharedBytes inlineOnly;
  private final Leases leases;
  private final Options options;
  private final long inlineLimit;
  private final MemoConfig config;
  private final String where;
  private final Outage redisState;
  private final @Nullable Outage blobState;
  private final SharedLocks locks;
  private final Set<MethodId> registered = ConcurrentHashMap.newKeySet();
  private final LongAdder corrupt = new LongAdder();
  private final LongAdder writeFailures = new LongAdder();
  private final LongAdder foreign = new LongAdder();
  private final LongAdder unavailable = new LongAdder();
  private volatile boolean closed;
  private final AtomicBoolean blobsWarmed = new AtomicBoolean();

  private SharedTier(Redis redis, @Nullable S3Blobs blobs, String objectPrefix, Options options, MemoConfig config) {
    this.redis = redis;
    this.blobs = blobs;
    this.options = options;
    this.inlineLimit = blobs != null ? options.inlineLimit() : Math.max(options.inlineLimit(), INLINE_ONLY_LIMIT);
    this.bytes = new SharedBytes(redis, blobs, options.namespace(), objectPrefix, inlineLimit, options.limits());
    this.inlineOnly = new SharedBytes(redis, null, options.namespace(), objectPrefix, inlineLimit, options.limits());
    this.leases = new Leases(redis, options.namespace());
    this.config = config;
    this.where = "the shared tier (redis " + redis.endpoint()
        + (blobs != null ? ", s3 " + blobs.endpoint() + "/" + blobs.bucket() : "") + ")";
    this.redisState = new Outage(where + ": redis", options.retryAfter(), unavailable);
    this.blobState = blobs == null ? null : new Outage(where + ": the object store", options.retryAfter(), unavailable);
    this.locks = new SharedLocks(leases, options.leaseTtl(), redisState, where);
  }

  /**
   * Opens the tier on {@code redisUri} without connecting: the first call that needs the shared tier
   * connects (and starts setting up the object store's client), so that a program whose calls all
   * hit the local tiers never pays for Redis or the AWS SDK. A server
   * that is down then is an outage like any other (one warning, calls compute locally, tried again
   * later).
   *
   * @param blobs the object store for entries over the inline limit, or {@code null}
   * @param objectPrefix prefix of object names, e.g. {@code memocache/}
   */
  public static SharedTier open(URI redisUri, @Nullable S3Blobs blobs, String objectPrefix, Options options,
      MemoConfig config) {
    return new SharedTier(Redis.open(redisUri, options.timeout()), blobs, objectPrefix, options, config);
  }

  /**
   * On the first read that reaches this tier, sets up the object store's client on a daemon thread:
   * the program needs the shared tier, and the AWS SDK's set-up (a few hundred milliseconds of a
   * fresh JVM) then overlaps the Redis round trips and computations before the first large entry.
   */
  private void warmBlobs() {
    S3Blobs b = blobs;
    if (b != null && !blobsWarmed.get() && blobsWarmed.compareAndSet(false, true)) {
      Thread t = new Thread(b::warm, "memocache-shared-s3-setup");
      t.setDaemon(true);
      t.start();
    }
  }

  /** The name of {@code key}'s value and lease: {@code <method id>/<key>}, hex. */
  static String name(CacheKey key) {
    return key.method().idHex() + "/" + key.hex();
  }

  @Override
  public String name() {
    return NAME;
  }

  // ---- reads ----

  @Override
  public Optional<StoredEntry> get(CacheKey key) {
    if (closed || redisState.skip()) {
      return Optional.empty();
    }
    warmBlobs();
    StoredBytes stored;
    try {
      stored = (blobState != null && blobState.down() ? inlineOnly : bytes).get(name(key)).orElse(null);
      redisState.succeeded();
    } catch (SharedStoreException e) {
      failed(e);
      return Optional.empty();
    }
    if (stored == null) {
      return Optional.empty();
    }
    boolean handedOver = false;
    try {
      RemoteEntry entry = RemoteEntry.readHeader(stored.stream());
      if (!entry.key().equals(key)) {
        corrupt.increment();
        Warnings.once("shared-wrong-key:" + key.method().name(), () -> "MemoCache: the stored result of "
            + key.method().name() + " under key " + key.hex() + " in " + where + " is an entry for " + entry.key()
            + "; it is treated as a miss and left in place");
        return Optional.empty();
      }
      Duration expire = config.expireAfter();
      if (expire != null && entry.createdMillis() + expire.toMillis() <= config.clock().millis()) {
        return Optional.empty();
      }
      handedOver = true;
      return Optional.of(new SharedEntry(reads, name(key), entry, stored, stored.length() <= inlineLimit));
    } catch (DamagedEntryException e) {
      damaged(key, stored.writeId(), e.getMessage());
    } catch (IOException e) {
      readFailed(name(key), e);
    } finally {
      if (!handedOver) {
        closeQuietly(stored);
      }
    }
    return Optional.empty();
  }

  /** What a {@link SharedEntry} asks of the tier. */
  private final SharedEntry.Reads reads = new SharedEntry.Reads() {
    @Override
    public InputStream reopen(String name, String writeId) throws IOException {
      StoredBytes again;
      try {
        again = bytes.get(name).orElse(null);
      } catch (SharedStoreException e) {
        failed(e);
        throw new IOException(e.getMessage(), e);
      }
      if (again == null || !again.writeId().equals(writeId)) {
        if (again != null) {
          closeQuietly(again);
        }
        throw new IOException("the shared entry " + name + " was replaced while it was read");
      }
      try {
        RemoteEntry.readHeader(again.stream());
        return again.stream();
      } catch (IOException | RuntimeException e) {
        closeQuietly(again);
        throw e;
      }
    }

    @Override
    public void rejected(SharedEntry entry, StoredEntry.Rejection kind, String reason) {
      CacheKey key = entry.entry().key();
      String method = key.method().name();
      if (kind == StoredEntry.Rejection.DAMAGED) {
        damaged(key, entry.writeId(), reason);
        return;
      }
      foreign.increment();
      if (!reason.isEmpty()) {
        Warnings.once("shared-foreign:" + method + ":" + reason, () -> "MemoCache: a stored result of " + method
            + " in " + where + " " + reason + "; this program does not use it (a miss) and leaves it in place");
      }
    }

    @Override
    public void readFailed(SharedEntry entry, IOException e) {
      SharedTier.this.readFailed(entry.name(), e);
    }
  };

  /** The stream of an entry broke off mid-read: the fault of the service it came from, not the entry's. */
  private void readFailed(String name, IOException e) {
    failed(e.getCause() instanceof SharedStoreException s ? s
        : new SharedStoreException(blobs != null ? "s3" : "redis", blobs != null ? blobs.endpoint() : redis.endpoint(),
            "GET " + name, String.valueOf(e.getMessage()), e));
  }

  private static void closeQuietly(StoredBytes stored) {
    try {
      stored.close();
    } catch (IOException e) {
      // a response body discarded
    }
  }

  // ---- writes ----

  /**
   * {@inheritDoc}
   *
   * <p>First writer wins: when another host stored the key first, its entry stays (as whole as this
   * one, and for a deterministic computation the same value) and this returns {@code true}.
   */
  @Override
  public boolean put(CacheKey key, EncodedEntry encoded) {
    if (closed || redisState.skip()) {
      return false;
    }
    try (Spool spool = new Spool(SPOOL_IN_MEMORY)) {
      List<ClassShape> shapes = encoded.writePayload(spool);
      Metadata m = encoded.metadata();
      RemoteEntry entry = new RemoteEntry(key, encoded.codecId(), encoded.codecVersion(), encoded.valueType(),
          List.copyOf(shapes), Shapes.hash(shapes), m.created().toEpochMilli(), m.computeTime().toNanos(),
          m.argsSummary(), spool.length());
      return publish(key, entry, spool);
    } catch (IOException e) {
      writeFailures.increment();
      Warnings.once("shared-spool", () -> "MemoCache: cannot prepare a result of " + key.method().name()
          + " for " + where + ": " + e.getMessage());
      return false;
    }
  }

  /** Sends a spooled entry: first writer wins, so a lost race still leaves a whole value stored. */
  private boolean publish(CacheKey key, RemoteEntry entry, Spool payload) throws IOException {
    byte[] header = entry.header();
    long total = entry.storedLength(header);
    if (total > inlineLimit) {
      if (blobs == null) {
        writeFailures.increment();
        Warnings.once("shared-too-big:" + key.method().name(), () -> "MemoCache: a result of "
            + key.method().name() + " (" + total + " bytes) is larger than " + where + " keeps in Redis ("
            + inlineLimit + " bytes) and no object store is configured (MEMOCACHE_BLOBS=s3://bucket/prefix);"
            + " it is stored locally only");
        return false;
      }
      if (Objects.requireNonNull(blobState).skip()) {
        return false;
      }
    }
    try {
      register(key.method());
      try (InputStream in = entry.stored(header, payload.open())) {
        bytes.put(name(key), in, total);
      }
      redisState.succeeded();
      if (total > inlineLimit) {
        Objects.requireNonNull(blobState).succeeded();
      }
      // Lost to another writer: the value stored is that writer's, as whole as ours.
      return true;
    } catch (SharedStoreException e) {
      failed(e);
      return false;
    }
  }

  private Map<String, byte[]> hashOf(String k) {
    Map<byte[], byte[]> all = redis.read("HGETALL " + k, c -> c.hgetAll(utf8(k)));
    Map<String, byte[]> out = new java.util.HashMap<>();
    all.forEach((field, v) -> out.put(new String(field, StandardCharsets.UTF_8), v));
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Records the method identity once per process, for listing and clearing by method name. */
  private void register(MethodId method) {
    if (registered.contains(method)) {
      return;
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(b)) {
      out.writeUTF(method.name());
      out.writeUTF(method.descriptor());
      out.writeInt(method.version());
      out.writeLong(method.codeFingerprint());
      out.writeLong(System.currentTimeMillis());
    } catch (IOException e) {
      throw new IllegalStateException(e); // in memory
    }
    String k = options.namespace() + "methods";
    redis.call("HSET " + k, c -> c.hset(utf8(k), utf8(method.idHex()), b.toByteArray()));
    registered.add(method);
  }

  private void failed(SharedStoreException e) {
    Outage o = blobs != null && blobState != null && e.endpoint().equals(blobs.endpoint()) ? blobState : redisState;
    o.failed(e);
  }

  private void damaged(CacheKey key, String writeId, @Nullable String reason) {
    corrupt.increment();
    String method = key.method().name();
    Warnings.once("shared-damaged:" + method, () -> "MemoCache: a stored result of " + method + " (key "
        + key.hex() + ") in " + where + " is damaged (" + reason + "); it is deleted and computed again");
    try {
      bytes.delete(name(key), writeId);
    } catch (SharedStoreException f) {
      failed(f);
    }
  }

  // ---- listing and removal ----

  @Override
  public boolean remove(CacheKey key) {
    if (closed || redisState.skip()) {
      return false;
    }
    try {
      return removeNamed(name(key));
    } catch (SharedStoreException e) {
      failed(e);
      return false;
    }
  }

  private boolean removeNamed(String name) {
    Optional<StoredBytes> stored = bytes.get(name);
    if (stored.isEmpty()) {
      return false;
    }
    try {
      stored.get().close();
    } catch (IOException e) {
      // only a response body being discarded
    }
    return bytes.delete(name, stored.get().writeId());
  }

  @Override
  public long clear(@Nullable String methodName) {
    if (closed || redisState.skip()) {
      return 0;
    }
    long n = 0;
    try {
      for (String name : names(methodName)) {
        if (removeNamed(name)) {
          n++;
        }
      }
    } catch (SharedStoreException e) {
      failed(e);
    }
    return n;
  }

  @Override
  public List<EntryInfo> entries(@Nullable String methodName) {
    List<EntryInfo> out = new ArrayList<>();
    if (closed || redisState.skip()) {
      return out;
    }
    try {
      for (String name : names(methodName)) {
        Optional<StoredBytes> stored = bytes.get(name);
        if (stored.isEmpty()) {
          continue;
        }
        try (StoredBytes s = stored.get()) {
          out.add(RemoteEntry.readHeader(s.stream()).info(s.length(), NAME));
        } catch (IOException e) {
          // damaged or cut off: not listed; a read of the key deals with it
        }
      }
    } catch (SharedStoreException e) {
      failed(e);
    }
    return out;
  }

  /** The names of the stored entries of the method named {@code methodName}, or of all methods. */
  private List<String> names(@Nullable String methodName) {
    List<String> patterns = new ArrayList<>();
    if (methodName == null) {
      patterns.add(options.namespace() + "v:*");
    } else {
      for (MethodId id : identitiesOf(methodName)) {
        patterns.add(options.namespace() + "v:" + id.idHex() + "/*");
      }
    }
    List<String> names = new ArrayList<>();
    int prefix = (options.namespace() + "v:").length();
    for (String pattern : patterns) {
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        String at = cursor;
        ScanResult<String> page = redis.read("SCAN " + pattern,
            c -> c.scan(at, new ScanParams().match(pattern).count(1000)));
        for (String k : page.getResult()) {
          names.add(k.substring(prefix));
        }
        cursor = page.getCursor();
      } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    }
    return names;
  }

  @Override
  public Optional<CacheKey> findKey(String keyHex) {
    if (closed || redisState.skip() || !keyHex.matches("[0-9a-f]{32}")) {
      return Optional.empty();
    }
    try {
      Map<String, MethodId> methods = methods();
      for (String name : names(null)) {
        int slash = name.indexOf('/');
        if (name.substring(slash + 1).equals(keyHex)) {
          MethodId id = methods.get(name.substring(0, slash));
          if (id != null) {
            return Optional.of(CacheKey.parse(id, keyHex));
          }
        }
      }
    } catch (SharedStoreException e) {
      failed(e);
    }
    return Optional.empty();
  }

  @Override
  public List<MethodId> identities(String methodName) {
    if (closed || redisState.skip()) {
      return List.of();
    }
    try {
      return identitiesOf(methodName);
    } catch (SharedStoreException e) {
      failed(e);
      return List.of();
    }
  }

  /** The identities recorded under {@code methodName}, the most recently recorded first. */
  private List<MethodId> identitiesOf(String methodName) {
    String k = options.namespace() + "methods";
    Map<String, byte[]> all = hashOf(k);
    record Seen(MethodId id, long at) {}
    List<Seen> seen = new ArrayList<>();
    for (byte[] v : all.values()) {
      Seen s = parseMethod(v, (id, at) -> new Seen(id, at));
      if (s != null && s.id().name().equals(methodName)) {
        seen.add(s);
      }
    }
    seen.sort(Comparator.comparingLong(Seen::at).reversed());
    return seen.stream().map(Seen::id).toList();
  }

  private Map<String, MethodId> methods() {
    String k = options.namespace() + "methods";
    Map<String, byte[]> all = hashOf(k);
    Map<String, MethodId> out = new java.util.HashMap<>();
    all.forEach((idHex, v) -> {
      MethodId id = parseMethod(v, (m, at) -> m);
      if (id != null && id.idHex().equals(idHex)) {
        out.put(idHex, id);
      }
    });
    return out;
  }

  private static <T> @Nullable T parseMethod(byte[] v, java.util.function.BiFunction<MethodId, Long, T> as) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(v))) {
      MethodId id = new MethodId(in.readUTF(), in.readUTF(), in.readInt(), in.readLong());
      return as.apply(id, in.readLong());
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public Optional<KeyLocks> locks() {
    return Optional.of(locks);
  }

  @Override
  public Counters counters() {
    return new Counters(corrupt.sum(), writeFailures.sum(), 0, foreign.sum(), unavailable.sum());
  }

  /** As messages name the tier: {@code the shared tier (redis host:port, s3 host:port/bucket)}. */
  @Override
  public String toString() {
    return where;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    leases.close();
    redis.close();
    if (blobs != null) {
      blobs.close();
    }
  }
}
