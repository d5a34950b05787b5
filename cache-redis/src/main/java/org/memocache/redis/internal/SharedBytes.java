package org.memocache.redis.internal;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Opaque values by key, first writer wins: values up to {@code inlineLimit} bytes live in Redis, larger
 * ones in an S3-compatible store with a small manifest in Redis. Either way one Redis key per value
 * ({@code <namespace>v:<key>}) decides, with {@code SET NX}, which write is the value, so a lost race
 * never mixes two writers' bytes. An object-store value is uploaded under a name of its own write
 * ({@code <prefix><key>/<writeId>}) before its manifest is set; a writer that loses deletes its
 * object. Nothing here depends on conditional puts of the object store.
 *
 * <p>Redis value layout: one tag byte ({@code I} inline, {@code S} object store), the 16-byte write
 * id, then the value bytes or the manifest {@code <length> <object key>} in UTF-8.
 *
 * <h2>Limits: an index, not TTLs</h2>
 * With {@link SharedLimits} bounds, the store keeps an index beside the values: the last use and the
 * publication of each key in two sorted sets ({@code <namespace>i:used}, {@code i:made}, scores in
 * microseconds of the Redis server's clock, so that hosts' clocks do not matter), each value's length
 * in a hash ({@code i:size}) and their total ({@code i:bytes}). One Lua script sets the value
 * ({@code SET NX}), indexes it and evicts, in one round trip: first values published more than
 * {@code maxAge} ago (before the {@code SET NX}, so that an aged value of the key being published is
 * replaced), then the least recently used until the bytes and the count are within bounds.
 * The script returns the object names of the manifests it removed, and the publishing client deletes
 * those objects. A reader racing an eviction reads the value whole, or finds no value, or finds a
 * manifest whose object is gone, which is a miss, never part of a value.
 *
 * <p>Age is bounded by the index rather than by Redis TTLs, and Redis's own {@code maxmemory}
 * eviction must stay off for these keys ({@code noeviction} or a {@code volatile-*} policy): a key
 * Redis expires or evicts on its own leaves its object in the store, unreferenced until the next
 * orphan sweep, and its size in the totals, so that bytes and count bounds would evict live values
 * for dead ones; a TTL also cannot follow the last use without a write on every hit. The index
 * costs a few Redis commands inside the publishing script, and on hits one touch (a round trip
 * after the {@code GET}) per key and process at most every {@code min(1 min, maxAge / 4)}: other
 * hits are one {@code GET}. Least-recently-used order is therefore exact to that interval. Without bounds there
 * is no index and no touch; processes sharing a namespace should use the same bounds: a value
 * published without the index is evicted only after the hourly upkeep has indexed it. The scripts
 * reach value keys that the index names rather than ones passed to them, which Redis Cluster does
 * not allow across slots: one Redis server (with replicas if wanted) holds a namespace.
 *
 * <h2>Orphans</h2>
 * A writer killed between its upload and its manifest, or a loser or evicting client that could not
 * delete an object, leaves an object no manifest names. {@link #sweepOrphans(Duration)} deletes those
 * older than a grace period. Each process runs it, with {@link #trim()}, on a daemon thread after a
 * publication, at most once an hour, and only when no process of the namespace did in the last hour
 * (a {@code SET NX} with that expiry). With bounds, that upkeep first indexes the values the index
 * lacks ({@code SCAN} of the namespace), as published then: those of a process without bounds, or
 * from before the bounds were set.
 */
public final class SharedBytes {
  private static final System.Logger LOG = System.getLogger(SharedBytes.class.getName());
  private static final byte INLINE = 'I';
  private static final byte OBJECT = 'S';
  private static final int HEAD = 17;
  private static final SecureRandom RANDOM = new SecureRandom();
  // Values removed per script run: bounds how long one eviction holds the Redis server.
  private static final int EVICT_BATCH = 500;
  private static final Duration MAINTENANCE_EVERY = Duration.ofHours(1);
  private static final int TOUCHED_MAX = 1 << 16;
  // Evicts from the index: values published before maxAge first, then the least recently used while
  // over maxEntries or maxBytes; appends the object names of removed manifests to out. A key whose
  // value is gone is only unindexed. Bounds of -1 are none.
  private static final String EVICT = """
      local function evict(used, made, sizes, total, ns, maxBytes, maxEntries, maxAge, batch, now, out)
        local n = 0
        while n < batch do
          local m
          if maxAge >= 0 then
            m = redis.call('ZRANGE', made, '-inf', now - maxAge - 1, 'BYSCORE', 'LIMIT', 0, 1)[1]
          end
          if not m and ((maxEntries >= 0 and redis.call('ZCARD', used) > maxEntries)
              or (maxBytes >= 0 and tonumber(redis.call('GET', total) or '0') > maxBytes)) then
            m = redis.call('ZRANGE', used, 0, 0)[1]
          end
          if not m then break end
          local vk = ns .. 'v:' .. m
          local v = redis.call('GET', vk)
          if v and string.byte(v, 1) == 83 then
            local sp = string.find(v, ' ', 18, true)
            if sp then out[#out + 1] = string.sub(v, sp + 1) end
          end
          redis.call('DEL', vk)
          redis.call('ZREM', used, m)
          redis.call('ZREM', made, m)
          local s = redis.call('HGET', sizes, m)
          if s then
            redis.call('HDEL', sizes, m)
            redis.call('DECRBY', total, s)
          end
          n = n + 1
        end
        return n
      end
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      """;
  // KEYS: value, used, made, sizes, total. ARGV: value, key, length, namespace, maxBytes, maxEntries,
  // maxAge (µs), batch. Returns {1 if set else 0, values evicted, object names of evicted manifests...}.
  // Aged values go before the SET NX: an aged value of this very key is replaced, not kept.
  private static final Redis.Script PUBLISH = new Redis.Script(EVICT + """
      local batch = tonumber(ARGV[8])
      local out = {0, 0}
      out[2] = evict(KEYS[2], KEYS[3], KEYS[4], KEYS[5], ARGV[4], -1, -1, tonumber(ARGV[7]), batch, now, out)
      if not redis.call('SET', KEYS[1], ARGV[1], 'NX') then return out end
      out[1] = 1
      redis.call('ZADD', KEYS[2], now, ARGV[2])
      redis.call('ZADD', KEYS[3], now, ARGV[2])
      local old = redis.call('HGET', KEYS[4], ARGV[2])
      if old then redis.call('DECRBY', KEYS[5], old) end
      redis.call('HSET', KEYS[4], ARGV[2], ARGV[3])
      redis.call('INCRBY', KEYS[5], ARGV[3])
      out[2] = out[2] + evict(KEYS[2], KEYS[3], KEYS[4], KEYS[5], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]),
          tonumber(ARGV[7]), batch, now, out)
      return out
      """);
  // KEYS: used, made, sizes, total. ARGV: namespace, maxBytes, maxEntries, maxAge (µs), batch.
  // Returns {values removed, object names of evicted manifests...}.
  private static final Redis.Script TRIM = new Redis.Script(EVICT + """
      local out = {0}
      out[1] = evict(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]),
          tonumber(ARGV[4]), tonumber(ARGV[5]), now, out)
      return out
      """);
  // KEYS: value, made. ARGV: key, maxAge (µs). 1 if the value is there and not aged.
  private static final Redis.Script PRESENT = new Redis.Script("""
      if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
      local s = redis.call('ZSCORE', KEYS[2], ARGV[1])
      if not s then return 1 end
      local t = redis.call('TIME')
      if tonumber(s) < tonumber(t[1]) * 1000000 + tonumber(t[2]) - tonumber(ARGV[2]) then return 0 end
      return 1
      """);
  // KEYS: used, made, sizes, total, then value keys. ARGV: the key of each value key. Indexes the
  // values of this layout that the index lacks, as published and used now. Returns how many.
  private static final Redis.Script ADOPT = new Redis.Script("""
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      local n = 0
      for i = 5, #KEYS do
        local m = ARGV[i - 4]
        if not redis.call('ZSCORE', KEYS[2], m) then
          local v = redis.pcall('GET', KEYS[i])
          local tag = type(v) == 'string' and #v >= 17 and string.byte(v, 1)
          local size
          if tag == 73 then
            size = #v - 17
          elseif tag == 83 then
            local sp = string.find(v, ' ', 18, true)
            size = sp and tonumber(string.sub(v, 18, sp - 1))
          end
          if size then
            redis.call('ZADD', KEYS[1], now, m)
            redis.call('ZADD', KEYS[2], now, m)
            local old = redis.call('HGET', KEYS[3], m)
            if old then redis.call('DECRBY', KEYS[4], old) end
            redis.call('HSET', KEYS[3], m, size)
            redis.call('INCRBY', KEYS[4], size)
            n = n + 1
          end
        end
      end
      return n
      """);
  // Only an indexed key moves: a touch racing an eviction must not index a value that is gone.
  private static final Redis.Script TOUCH = new Redis.Script("""
      local t = redis.call('TIME')
      redis.call('ZADD', KEYS[1], 'XX', 'GT', tonumber(t[1]) * 1000000 + tonumber(t[2]), ARGV[1])
      return 0
      """);
  // KEYS: value keys. ARGV: an object name for each. Returns the positions (from 1) of the names
  // that the value is not a manifest of.
  private static final Redis.Script ORPHANS = new Redis.Script("""
      local out = {}
      for i = 1, #KEYS do
        local v = redis.call('GET', KEYS[i])
        local named = false
        if v and string.byte(v, 1) == 83 then
          local sp = string.find(v, ' ', 18, true)
          named = sp ~= nil and string.sub(v, sp + 1) == ARGV[i]
        end
        if not named then out[#out + 1] = i end
      end
      return out
      """);
  // KEYS: value, used, made, sizes, total. ARGV: write id, key. Unindexes too, bounded store or not:
  // a process without bounds keeps the index of those with them right.
  private static final Redis.Script DELETE_IF = new Redis.Script("""
      local v = redis.call('GETRANGE', KEYS[1], 1, 16)
      if v == ARGV[1] then
        redis.call('DEL', KEYS[1])
        redis.call('ZREM', KEYS[2], ARGV[2])
        redis.call('ZREM', KEYS[3], ARGV[2])
        local s = redis.call('HGET', KEYS[4], ARGV[2])
        if s then
          redis.call('HDEL', KEYS[4], ARGV[2])
          redis.call('DECRBY', KEYS[5], s)
        end
        return 1
      end
      return 0
      """);

  private final Redis redis;
  private final @Nullable S3Blobs blobs;
  private final String namespace;
  private final String objectPrefix;
  private final long inlineLimit;
  private final SharedLimits limits;
  private final boolean bounded;
  private final String[] indexKeys;
  private final byte[][] bounds;
  private final long touchNanos;
  // System.nanoTime() of this process's last touch (or publication) of a key: a hit sends a touch
  // only when that is older than touchNanos. Cleared when full, which costs a touch per key.
  private final ConcurrentHashMap<String, Long> touched = new ConcurrentHashMap<>();
  private final AtomicLong nextMaintenance = new AtomicLong(System.nanoTime());
  private final AtomicBoolean maintenanceWarned = new AtomicBoolean();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder orphansDeleted = new LongAdder();

  /**
   * A store without bounds: no index, orphans swept after {@link SharedLimits#DEFAULT_ORPHAN_GRACE}.
   *
   * @param blobs the object store for values over {@code inlineLimit}; null to keep only small values
   * @param namespace prefix of every Redis key, e.g. {@code memocache:}
   * @param objectPrefix prefix of every object name, e.g. {@code memocache/}
   * @param inlineLimit the largest value kept in Redis, in bytes
   */
  public SharedBytes(Redis redis, @Nullable S3Blobs blobs, String namespace, String objectPrefix, long inlineLimit) {
    this(redis, blobs, namespace, objectPrefix, inlineLimit, SharedLimits.none());
  }

  /**
   * A store kept within {@code limits}.
   *
   * @param blobs the object store for values over {@code inlineLimit}; null to keep only small values
   * @param namespace prefix of every Redis key, e.g. {@code memocache:}
   * @param objectPrefix prefix of every object name, e.g. {@code memocache/}; the orphan sweep
   *     deletes unreferenced objects under it, so no other writer may use it
   * @param inlineLimit the largest value kept in Redis, in bytes
   */
  public SharedBytes(Redis redis, @Nullable S3Blobs blobs, String namespace, String objectPrefix, long inlineLimit,
      SharedLimits limits) {
    if (inlineLimit < 0 || inlineLimit > 512L << 20) {
      throw new IllegalArgumentException("inlineLimit must be between 0 and 512 MiB (a Redis string's limit): "
          + inlineLimit);
    }
    this.redis = redis;
    this.blobs = blobs;
    this.namespace = namespace;
    this.objectPrefix = objectPrefix;
    this.inlineLimit = inlineLimit;
    this.limits = limits;
    this.bounded = limits.bounded();
    this.indexKeys = new String[] {namespace + "i:used", namespace + "i:made", namespace + "i:size",
        namespace + "i:bytes"};
    Duration maxAge = limits.maxAge();
    this.bounds = new byte[][] {utf8(namespace), bound(limits.maxBytes()), bound(limits.maxEntries()),
        utf8(maxAge == null ? "-1" : Long.toString(micros(maxAge))), utf8(Integer.toString(EVICT_BATCH))};
    this.touchNanos = Math.min(Duration.ofMinutes(1).toNanos(),
        maxAge == null ? Long.MAX_VALUE : saturatedNanos(maxAge) / 4);
  }

  /** The bounds this store keeps. */
  public SharedLimits limits() {
    return limits;
  }

  /** How many values this store evicted (publishing or trimming) since it was made. */
  public long evictions() {
    return evictions.sum();
  }

  /** How many orphan objects this store's sweeps deleted since it was made. */
  public long orphansDeleted() {
    return orphansDeleted.sum();
  }

  /**
   * Stores {@code length} bytes read from {@code in} as the value of {@code key} unless a value is
   * there already. A large value is streamed to the object store, never held in memory. With bounds,
   * publishing evicts what they require and deletes the evicted objects before returning.
   *
   * @return whether these bytes became the value; false if another writer's did (or an object store
   *     would be needed and none is configured, or the value alone is over {@code maxBytes})
   * @throws IOException if {@code in} fails or ends before {@code length} bytes
   * @throws IllegalArgumentException if {@code length} is negative
   * @throws SharedStoreException if Redis or the object store fails or times out
   */
  public boolean put(String key, InputStream in, long length) throws IOException {
    if (length < 0) {
      throw new IllegalArgumentException("length of the value of " + key + " must not be negative: " + length);
    }
    if (length > limits.maxBytes()) {
      return false;
    }
    String vk = valueKey(key);
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    if (length <= inlineLimit) {
      byte[] v = new byte[HEAD + (int) length];
      v[0] = INLINE;
      System.arraycopy(id, 0, v, 1, 16);
      int n = in.readNBytes(v, HEAD, (int) length);
      if (n < length) {
        throw new EOFException("value of " + key + " ended after " + n + " of " + length + " bytes");
      }
      return publish(key, vk, v, length);
    }
    if (blobs == null) {
      return false;
    }
    // Skips the upload when the value is there already: the common race is a second host finishing
    // the same computation later.
    if (present(vk, key)) {
      return false;
    }
    String object = objectPrefix + key + "/" + HexFormat.of().formatHex(id);
    try {
      blobs.put(object, in, length);
    } catch (SharedStoreException e) {
      deleteQuietly(List.of(object));
      throw e;
    }
    byte[] manifest = (length + " " + object).getBytes(StandardCharsets.UTF_8);
    byte[] v = new byte[HEAD + manifest.length];
    v[0] = OBJECT;
    System.arraycopy(id, 0, v, 1, 16);
    System.arraycopy(manifest, 0, v, HEAD, manifest.length);
    // On a fault here it is unknown whether the manifest was set: the object stays, as the value
    // or as an orphan.
    boolean won = publish(key, vk, v, length);
    if (!won) {
      deleteQuietly(List.of(object));
    }
    return won;
  }

  /** Whether {@code key} has a value that publishing would keep (one not aged past {@code maxAge}). */
  private boolean present(String vk, String key) {
    if (limits.maxAge() == null) {
      return redis.read("EXISTS " + vk, c -> c.exists(vk));
    }
    return redis.evalLong("EXISTS " + vk, PRESENT, new String[] {vk, indexKeys[1]}, utf8(key), bounds[3]) == 1L;
  }

  private boolean publish(String key, String vk, byte[] v, long length) {
    boolean won;
    if (bounded) {
      String[] keys = {vk, indexKeys[0], indexKeys[1], indexKeys[2], indexKeys[3]};
      byte[][] args = new byte[3 + bounds.length][];
      args[0] = v;
      args[1] = utf8(key);
      args[2] = utf8(Long.toString(length));
      System.arraycopy(bounds, 0, args, 3, bounds.length);
      List<Object> r = redis.evalList("PUBLISH " + vk, PUBLISH, keys, args);
      won = (Long) r.get(0) == 1L;
      evictions.add((Long) r.get(1));
      deleteQuietly(names(r, 2));
      if (won) {
        remember(key, System.nanoTime());
      }
    } else {
      won = "OK".equals(redis.call("SET NX " + vk, c -> c.set(utf8(vk), v, SetParams.setParams().nx())));
    }
    maybeMaintain();
    return won;
  }

  /**
   * The value of {@code key}, as a stream to verify while reading; empty if absent, if its manifest
   * names an object that is gone (such a manifest is removed, so that the key can be published
   * again), or if the Redis value is not one of this layout.
   *
   * @throws SharedStoreException if Redis or the object store fails or times out
   */
  public Optional<StoredBytes> get(String key) {
    String vk = valueKey(key);
    byte[] v = redis.read("GET " + vk, c -> c.get(utf8(vk)));
    if (v == null || v.length < HEAD) {
      return Optional.empty();
    }
    String writeId = HexFormat.of().formatHex(v, 1, HEAD);
    if (v[0] == INLINE) {
      used(key);
      return Optional.of(new StoredBytes(new ByteArrayInputStream(v, HEAD, v.length - HEAD), v.length - HEAD,
          writeId));
    }
    if (v[0] != OBJECT || blobs == null) {
      return Optional.empty();
    }
    String manifest = new String(v, HEAD, v.length - HEAD, StandardCharsets.UTF_8);
    int space = manifest.indexOf(' ');
    long length;
    try {
      length = Long.parseLong(manifest.substring(0, Math.max(0, space)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    Optional<StoredBytes> s = blobs.get(manifest.substring(space + 1), writeId)
        .map(b -> new StoredBytes(b.stream(), length, writeId));
    if (s.isPresent()) {
      used(key);
    } else {
      // The object went with an eviction racing this read, or a sweep deleted it from under a
      // writer that stalled past the grace: only this write's manifest goes.
      deleteIf(key, Arrays.copyOfRange(v, 1, HEAD));
    }
    return s;
  }

  /**
   * Records a hit in the index, at most once per touch interval and key: a hit is one {@code GET}
   * but for that. A touch that fails is dropped.
   */
  private void used(String key) {
    if (!bounded) {
      return;
    }
    long now = System.nanoTime();
    Long last = touched.get(key);
    if (last != null && now - last < touchNanos) {
      return;
    }
    remember(key, now);
    redis.tryEval("TOUCH " + indexKeys[0], TOUCH, new String[] {indexKeys[0]}, utf8(key));
  }

  private void remember(String key, long now) {
    if (touched.size() >= TOUCHED_MAX) {
      touched.clear();
    }
    touched.put(key, now);
  }

  /**
   * Deletes the value of {@code key} if it is still the one written by {@code writeId} (a damaged
   * value found by a reader), so that a value another writer stored since then stays.
   *
   * @return whether a value was deleted
   * @throws SharedStoreException if Redis or the object store fails or times out
   */
  public boolean delete(String key, String writeId) {
    String vk = valueKey(key);
    byte[] v = redis.read("GET " + vk, c -> c.get(utf8(vk)));
    if (v == null || v.length < HEAD || !HexFormat.of().formatHex(v, 1, HEAD).equals(writeId)) {
      return false;
    }
    boolean deleted = deleteIf(key, Arrays.copyOfRange(v, 1, HEAD));
    if (deleted && v[0] == OBJECT && blobs != null) {
      String manifest = new String(v, HEAD, v.length - HEAD, StandardCharsets.UTF_8);
      blobs.delete(manifest.substring(manifest.indexOf(' ') + 1));
    }
    return deleted;
  }

  private boolean deleteIf(String key, byte[] writeId) {
    String vk = valueKey(key);
    return redis.evalLong("DELETE " + vk, DELETE_IF,
        new String[] {vk, indexKeys[0], indexKeys[1], indexKeys[2], indexKeys[3]}, writeId, utf8(key)) == 1L;
  }

  /**
   * Evicts what the bounds require now (values published before {@code maxAge}, then the least
   * recently used over {@code maxBytes} or {@code maxEntries}) and deletes their objects. Publishing
   * does the same for the bounds it could break; this catches up with age in a store nobody writes.
   *
   * @return the number of values evicted
   * @throws SharedStoreException if Redis fails or times out
   */
  public int trim() {
    if (!bounded) {
      return 0;
    }
    int total = 0;
    while (true) {
      List<Object> r = redis.evalList("TRIM " + indexKeys[0], TRIM, indexKeys, bounds);
      int n = ((Long) r.get(0)).intValue();
      evictions.add(n);
      deleteQuietly(names(r, 1));
      total += n;
      if (n < EVICT_BATCH) {
        return total;
      }
    }
  }

  /**
   * Indexes the values that the index lacks (published by a process without bounds, or before the
   * bounds were set), as if published now, so that the bounds count them and can evict them. Walks
   * the namespace with {@code SCAN}: for upkeep, not for every call.
   *
   * @return the number of values indexed
   * @throws SharedStoreException if Redis fails or times out
   */
  int adoptUnindexed() {
    if (!bounded) {
      return 0;
    }
    String prefix = valueKey("");
    ScanParams match = new ScanParams().match(glob(prefix) + "*").count(EVICT_BATCH);
    int adopted = 0;
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      String from = cursor;
      ScanResult<String> page = redis.read("SCAN " + prefix + "*", c -> c.scan(from, match));
      List<String> keys = page.getResult();
      if (!keys.isEmpty()) {
        String[] redisKeys = new String[4 + keys.size()];
        System.arraycopy(indexKeys, 0, redisKeys, 0, 4);
        byte[][] names = new byte[keys.size()][];
        for (int i = 0; i < keys.size(); i++) {
          redisKeys[4 + i] = keys.get(i);
          names[i] = utf8(keys.get(i).substring(prefix.length()));
        }
        adopted += (int) redis.evalLong("ADOPT " + keys.get(0) + " and " + (keys.size() - 1) + " more", ADOPT,
            redisKeys, names);
      }
      cursor = page.getCursor();
    } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    return adopted;
  }

  private static String glob(String literal) {
    StringBuilder b = new StringBuilder(literal.length() + 4);
    for (char ch : literal.toCharArray()) {
      if (ch == '*' || ch == '?' || ch == '[' || ch == ']' || ch == '\\') {
        b.append('\\');
      }
      b.append(ch);
    }
    return b.toString();
  }

  /**
   * Deletes the objects under the object prefix that no manifest names and that were last modified
   * more than {@code grace} ago (listings give whole seconds: one more second is added): those of
   * writers killed between upload and manifest, and those a loser or an evicting client could not
   * delete. Objects whose names this store does not make ({@code <key>/<32 hex digits>}) stay. A
   * writer that stalls for longer than {@code grace} between its upload and its manifest loses its
   * object; its manifest is then removed by the first read.
   *
   * @return the names of the objects deleted
   * @throws SharedStoreException if Redis or the object store fails or times out
   */
  public List<String> sweepOrphans(Duration grace) {
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace of the orphan sweep must not be negative: " + grace);
    }
    S3Blobs b = blobs;
    if (b == null) {
      return List.of();
    }
    Instant cutoff = Instant.now().minus(grace);
    List<String> deleted = new ArrayList<>();
    b.list(objectPrefix, page -> {
      List<String> candidates = new ArrayList<>();
      List<String> keys = new ArrayList<>();
      for (S3Blobs.Listed o : page) {
        String name = o.key();
        int slash = name.lastIndexOf('/');
        // Listings give whole seconds (S3, s3proxy): an object counts as modified at the end of its
        // second, never earlier than it was.
        if (o.lastModified().plusSeconds(1).isBefore(cutoff) && slash > objectPrefix.length()
            && isWriteId(name, slash + 1)) {
          candidates.add(name);
          keys.add(valueKey(name.substring(objectPrefix.length(), slash)));
        }
      }
      if (candidates.isEmpty()) {
        return;
      }
      // Compared in Redis: only the positions of orphans come back, not every manifest.
      List<Object> unnamed = redis.evalList("ORPHANS " + keys.get(0) + " and " + (keys.size() - 1) + " more",
          ORPHANS, keys.toArray(String[]::new),
          candidates.stream().map(SharedBytes::utf8).toArray(byte[][]::new));
      List<String> orphans = new ArrayList<>();
      for (Object i : unnamed) {
        orphans.add(candidates.get(((Long) i).intValue() - 1));
      }
      if (!orphans.isEmpty()) {
        b.deleteAll(orphans);
        deleted.addAll(orphans);
        orphansDeleted.add(orphans.size());
      }
    });
    return deleted;
  }

  private static boolean isWriteId(String name, int from) {
    if (name.length() - from != 32) {
      return false;
    }
    for (int i = from; i < name.length(); i++) {
      if (Character.digit(name.charAt(i), 16) < 0 || Character.isUpperCase(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * After a publication: at most once an hour per store, and once an hour across the processes of
   * the namespace, trims and sweeps orphans on a daemon thread.
   */
  private void maybeMaintain() {
    if (!bounded && blobs == null) {
      return;
    }
    long now = System.nanoTime();
    long next = nextMaintenance.get();
    if (now - next < 0 || !nextMaintenance.compareAndSet(next, now + MAINTENANCE_EVERY.toNanos())) {
      return;
    }
    Maintenance.EXECUTOR.execute(this::maintain);
  }

  private void maintain() {
    String key = namespace + "maintenance";
    try {
      byte[] self = utf8(ProcessHandle.current().pid() + " " + Instant.now());
      if (!"OK".equals(redis.call("SET NX " + key, c -> c.set(utf8(key), self,
          SetParams.setParams().nx().px(MAINTENANCE_EVERY.toMillis()))))) {
        return;
      }
      adoptUnindexed();
      trim();
      sweepOrphans(limits.orphanGrace());
    } catch (SharedStoreException e) {
      if (maintenanceWarned.compareAndSet(false, true)) {
        LOG.log(System.Logger.Level.WARNING, "shared store upkeep (eviction, orphan sweep) failed, retried within "
            + MAINTENANCE_EVERY.toMinutes() + " min: " + e.getMessage());
      }
    }
  }

  /** The daemon thread of every store's upkeep in this process. */
  private static final class Maintenance {
    static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "memocache-shared-upkeep");
      t.setDaemon(true);
      return t;
    });
  }

  private static List<String> names(List<Object> scriptResult, int from) {
    List<String> names = new ArrayList<>(scriptResult.size() - from);
    for (int i = from; i < scriptResult.size(); i++) {
      names.add(new String((byte[]) scriptResult.get(i), StandardCharsets.UTF_8));
    }
    return names;
  }

  private void deleteQuietly(List<String> objects) {
    try {
      if (blobs != null && !objects.isEmpty()) {
        blobs.deleteAll(objects);
      }
    } catch (SharedStoreException e) {
      // Orphan objects: unreachable through any manifest, deleted by the next sweep.
    }
  }

  private String valueKey(String key) {
    return namespace + "v:" + key;
  }

  private static byte[] bound(long max) {
    return utf8(max == Long.MAX_VALUE ? "-1" : Long.toString(max));
  }

  private static long micros(Duration d) {
    return d.getSeconds() >= Long.MAX_VALUE / 1_000_000 ? Long.MAX_VALUE / 2 : d.toNanos() / 1000;
  }

  private static long saturatedNanos(Duration d) {
    return d.getSeconds() >= Long.MAX_VALUE / 1_000_000_000 ? Long.MAX_VALUE : d.toNanos();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
