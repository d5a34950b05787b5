package org.memocache;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.memocache.annotations.internal.KeyTypeRules;
import org.memocache.internal.ArgsSummary;
import org.memocache.internal.CallerPackages;
import org.memocache.internal.InjectedProgress;
import org.memocache.internal.MethodSpec;
import org.memocache.internal.ResultCopies;
import org.memocache.internal.Signatures;
import org.memocache.internal.SizeEstimator;
import org.memocache.internal.Sizes;
import org.memocache.internal.StoredPartialResult;
import org.memocache.internal.StoredProgress;
import org.memocache.internal.WarmUp;
import org.memocache.internal.Warnings;
import org.memocache.internal.codec.AllowLists;
import org.memocache.internal.codec.Codecs;
import org.memocache.internal.codec.EntryCodec;
import org.memocache.internal.codec.Shapes;
import org.memocache.internal.codec.TierValues;
import org.memocache.internal.key.KeyEncoders;
import org.memocache.internal.key.KeyHasher;
import org.memocache.partial.PartialResult;
import org.memocache.partial.Progressive;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.EncodedEntry;
import org.memocache.spi.StoredEntry;
import org.memocache.spi.Tier;
import org.memocache.spi.ValueCodec;
import org.memocache.view.ArrayView;
import org.memocache.view.ResultViews;

/**
 * The memoization engine behind {@link Memo} and {@link MemoRuntime}.
 *
 * <p>A call goes: memory tier (Caffeine, keyed by a cheap structural key when every argument is an
 * immutable value, by the 128-bit key otherwise) → single flight in this JVM (the first caller
 * computes on its own thread, the others wait for it) → lower tiers → the lower tier's per-key
 * cross-process lock → lower tiers again → compute → store in every tier → release. The work is
 * split in two phases ({@link #begin} and {@link #complete}/{@link #fail}) because woven code runs
 * the method body between them.
 *
 * <p>A miss keyed by the 128-bit key hashes the arguments (and the receiver) again after the body
 * ran: a method that changed them has an effect a hit would skip, so it is never memoized again,
 * here or (through {@link Tier#verdicts()}) in other processes. The states compared are the key's
 * own: its hash records the digest after each part ({@link #keysMiss}), so a miss that computes
 * hashes its arguments twice, for the key and after the body. Results that can change are copied
 * between callers and the memory tier ({@link ResultCopies}) unless the method's results are shared.
 */
final class Engine {
  /**
   * Holds the logger, looked up on first use: {@code System.getLogger} finds the logging backend
   * with a {@code ServiceLoader} over the whole class path, which opening and reading need not wait for.
   */
  private static final class Log {
    static final System.Logger LOG = System.getLogger("org.memocache");

    private Log() {}
  }
  /** When a wait for another thread is first reported, then how often: as the disk tier's lock waits. */
  private static final Duration FIRST_WAIT_REPORT = Duration.ofSeconds(2);
  private static final Duration WAIT_REPORT_EVERY = Duration.ofSeconds(10);

  /** Stands for a cached {@code null}, which Caffeine cannot hold. */
  static final Object NULL = new Object();

  /** The call of a method that is not memoized (any more): the caller computes, and stores nothing. */
  static final MemoRuntime.Call DIRECT = new MemoRuntime.Call() {
    @Override
    public boolean isHit() {
      return false;
    }

    @Override
    public @Nullable Object value() {
      return null;
    }
  };

  private final MemoConfig config;
  private final List<Tier> tiers;
  private final KeyEncoders encoders;
  /** Encodes values for the lower tiers and decodes what they return. */
  private final TierValues values;
  private final MemoryTier memory;
  private final ConcurrentHashMap<Object, Flight> flights = new ConcurrentHashMap<>();
  /** The key locks of every tier that has them, in tier order: taken in this order, released in reverse. */
  private final List<Tier.KeyLocks> locks;
  private final Tier.@Nullable Verdicts verdicts;
  private final String where;
  /** Methods seen changing their inputs, with what they changed: computed directly from then on. */
  private final ConcurrentHashMap<MethodId, String> changesInput = new ConcurrentHashMap<>();
  /** Keeps the check off the hit path until some method has been caught. */
  private volatile boolean anyChangesInput;
  /**
   * Whether the latest memory lookup by a 128-bit key missed (true before the first: a first run
   * misses). While it does, the key hash of a call of several parts records the digest after each
   * part for {@link #watchInputs}; once lookups hit, keys are hashed without them, as the digests
   * would cost each hit a finalization of the hash per part. A call of one part needs none (its key
   * is its digest), nor one whose key has no memory lookup to hit. A plain hint, written only when
   * it changes: a stale value costs a miss one more hash of its arguments before the body, or a hit
   * digests it does not use, and never changes what is stored.
   */
  private boolean keysMiss = true;
  private final Set<MethodId> verdictsRead = ConcurrentHashMap.newKeySet();

  private final LongAdder memoryHits = new LongAdder();
  private final LongAdder tierHits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder loads = new LongAdder();
  private final LongAdder loadFailures = new LongAdder();
  private final LongAdder loadNanos = new LongAdder();
  private final LongAdder savedNanos = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder keyFailures = new LongAdder();
  private final LongAdder storeFailures = new LongAdder();
  private final LongAdder unmemoized = new LongAdder();
  private final LongAdder[] perTierHits;
  private final LongAdder[] perTierMisses;
  private final FutureResults futures;

  Engine(MemoConfig config, List<Tier> tiers, KeyEncoders encoders) {
    this(config, tiers, encoders, Codecs.builtIns(), null);
  }

  /**
   * With the {@code codecs} values are stored in the lower tiers with, and {@code asyncExecutor} for
   * {@link FutureResults} (null: its default).
   */
  Engine(MemoConfig config, List<Tier> tiers, KeyEncoders encoders, List<ValueCodec> codecs,
      @Nullable Executor asyncExecutor) {
    this.futures = new FutureResults(this, asyncExecutor);
    this.config = config;
    this.tiers = tiers;
    this.encoders = encoders;
    this.memory = new MemoryTier(config.maximumMemoryBytes(), h -> evictions.increment(), this::retire);
    WarmUp.later(memory::build);
    // A loop, not a stream: the stream classes a flatMap needs are not in the JDK's default class
    // data archive, and opening a Memo would load them for this one line.
    List<Tier.KeyLocks> l = new ArrayList<>();
    for (Tier t : tiers) {
      t.locks().ifPresent(l::add);
    }
    this.locks = List.copyOf(l);
    this.verdicts = firstCapability(tiers, Tier::verdicts);
    this.where = config.directory() == null ? "memory" : config.directory().toString();
    this.values = new TierValues(codecs, where);
    this.perTierHits = new LongAdder[tiers.size()];
    this.perTierMisses = new LongAdder[tiers.size()];
    for (int i = 0; i < tiers.size(); i++) {
      perTierHits[i] = new LongAdder();
      perTierMisses[i] = new LongAdder();
    }
  }

  /**
   * Initializes, on the warm-up thread, the classes of a first call that tiers, keys and the memory
   * tier do not already bring: the flight, the argument summary, the result copier and sizer and
   * the key type rules, several milliseconds of a fresh JVM's first hit.
   */
  static void warmUpFirstCall() {
    WarmUp.initialize(MethodSpec.class, CallerPackages.class, AllowLists.class, Flight.class,
        CompletableFuture.class, ArgsSummary.class, CacheKey.class, KeyTypeRules.class, ResultCopies.class,
        SizeEstimator.class, EntryInfo.class, StructKey.class, TierValues.Decoded.class, Shapes.class);
    // A method's directory is named by its id, a 64-bit hash the key hasher does not load.
    MethodId.of("memocache-warm-up", 0).id();
    // A first call's method spec and its allow-list, the check that its result is immutable, and a
    // read-only view of an entry's bytes.
    Object[] unused = {new CallerPackages(AllowLists.forMethod(null, List.of())), ResultCopies.immutable(1.0),
        ByteBuffer.allocate(0).asReadOnlyBuffer()};
  }

  /** The capability of the first tier that offers it, or {@code null} when none does. */
  private static <C> @Nullable C firstCapability(List<Tier> tiers, Function<Tier, Optional<C>> capability) {
    for (Tier t : tiers) {
      Optional<C> c = capability.apply(t);
      if (c.isPresent()) {
        return c.get();
      }
    }
    return null;
  }

  List<Tier> tiers() {
    return tiers;
  }

  MemoConfig config() {
    return config;
  }

  FutureResults futures() {
    return futures;
  }

  /** A whole call for programmatic use: begin, compute on this thread, complete. */
  @Nullable Object call(MethodSpec spec, @Nullable Object self, @Nullable Object[] args,
      Supplier<?> compute) {
    MemoRuntime.Call started;
    try {
      started = begin(spec, self, args);
    } catch (FailedElsewhere e) {
      throw e.rethrow();
    }
    if (started == DIRECT) {
      return compute.get();
    }
    if (!(started instanceof Pending call)) {
      return started.value();
    }
    Object value;
    try {
      value = compute.get();
    } catch (Throwable t) {
      fail(call, t);
      throw t;
    }
    complete(call, value);
    return value;
  }

  /**
   * Starts a call of woven code: {@link #begin}, with the call's injected {@code Progress} bound
   * to its recorded progress. When the computation this call waited for threw, returns a
   * {@link Failed} call carrying the exception: the advice suppresses what {@code enter} throws,
   * so the failure travels in the call and the exit advice throws it.
   */
  MemoRuntime.Call enter(MethodSpec spec, @Nullable Object self, @Nullable Object[] args) {
    try {
      MemoRuntime.Call call = begin(spec, self, args);
      if (spec.progressParameter() >= 0 && call instanceof Pending pending) {
        try {
          bindProgress(pending, args);
        } catch (RuntimeException | Error e) {
          abandonBeforeBody(pending);
          throw e;
        }
      }
      return call;
    } catch (FailedElsewhere e) {
      return new Failed(e.failure);
    }
  }

  /**
   * Ends a call {@link #enter} returned as a miss: stores {@code returned}, or, when the body threw,
   * caches nothing and lets waiting callers proceed. A store that fails is warned about once; the
   * result is still returned. Hits and failures need nothing.
   */
  static void exit(MemoRuntime.Call call, @Nullable Object returned, @Nullable Throwable thrown) {
    if (!(call instanceof Pending pending)) {
      return;
    }
    try {
      if (thrown != null) {
        pending.engine.fail(pending, thrown);
      } else {
        pending.engine.complete(pending, returned);
      }
    } catch (RuntimeException | Error e) {
      Warnings.once("exit:" + pending.spec.id().name(), () -> "MemoCache: storing a result of "
          + pending.spec.id() + " failed; it is still returned: " + e, e);
    }
  }

  /**
   * Starts a call: a hit, or a miss that the caller must compute and then pass to {@link #complete}
   * or {@link #fail}.
   */
  MemoRuntime.Call begin(MethodSpec spec, @Nullable Object self, @Nullable Object[] args) {
    return begin(spec, self, args, false);
  }

  /**
   * {@link #begin}; with {@code futureResult}, the caller returns a future of the result (as a
   * method declared to return one does), and a value from the lower tiers comes as a completed one.
   */
  MemoRuntime.Call begin(MethodSpec spec, @Nullable Object self, @Nullable Object[] args, boolean futureResult) {
    if (anyChangesInput && changesInput.containsKey(spec.id())) {
      unmemoized.increment();
      return DIRECT;
    }
    long[] parts = null;
    Object k1;
    if (structural(spec, self, args)) {
      k1 = new StructKey(spec, args);
    } else {
      parts = keyParts(spec, self, args);
      k1 = hash(spec, self, args, parts);
    }
    if (spec.memory()) {
      Held h = memory.get(k1);
      if (h != null && !h.expired()) {
        if (parts != null) {
          keysMiss = false;
        }
        h.hits++;
        return h;
      }
      if (!keysMiss && k1 instanceof CacheKey) {
        keysMiss = true;
      }
    }
    if (verdicts != null && !verdictsRead.contains(spec.id()) && recordedChange(spec)) {
      unmemoized.increment();
      return DIRECT;
    }
    Flight flight = new Flight();
    Flight running;
    boolean gaveUp = false;
    while ((running = flights.putIfAbsent(k1, flight)) != null) {
      if (running.owner == Thread.currentThread() && !running.isDone()) {
        throw new IllegalStateException(spec.id().name() + "(" + spec.summarize(args)
            + ") calls itself with the same arguments while it is being computed; this would never"
            + " finish");
      }
      Held h;
      try {
        h = waitFor(running, spec, args);
      } catch (TimeoutException e) {
        // Computed beside the flight we gave up on, which keeps its place for its own waiters.
        gaveUp = true;
        break;
      }
      if (h != null) {
        memoryHits.increment();
        savedNanos.add(h.computeNanos);
        return h;
      }
      // The computation we waited for was abandoned (not stored): try again (we may compute).
    }
    Pending call = new Pending(this, spec, k1, flight);
    call.keyParts = parts;
    call.gaveUp = gaveUp;
    call.futureResult = futureResult || FutureResults.declaresFuture(spec);
    try {
      return resolveMiss(call, self, args);
    } catch (Throwable t) {
      abandon(call);
      throw t;
    }
  }

  /**
   * Waits for another thread of this JVM computing the same key, at most {@code lockTimeout} (as a
   * process waits for another process), reporting progress in the same words.
   *
   * @throws TimeoutException when the bound passed: the caller computes the key itself
   */
  private @Nullable Held waitFor(Flight running, MethodSpec spec, @Nullable Object[] args) throws TimeoutException {
    long start = System.nanoTime();
    long deadline = start + saturatedNanos(config.lockTimeout());
    long nextReport = start + FIRST_WAIT_REPORT.toNanos();
    while (true) {
      long now = System.nanoTime();
      try {
        return running.await(Math.max(0, Math.min(deadline, nextReport) - now));
      } catch (TimeoutException e) {
        long waited = System.nanoTime() - start;
        Thread t = running.owner;
        String describe = spec.describe(spec.summarize(args));
        if (System.nanoTime() - deadline >= 0) {
          Log.LOG.log(System.Logger.Level.WARNING, () -> "MemoCache: waited " + Sizes.human(Duration.ofNanos(waited))
              + " for thread " + threadName(t) + " of this process (" + where + "); computing " + describe
              + " here too");
          throw e;
        }
        if (running.report(System.nanoTime(), WAIT_REPORT_EVERY.toNanos())) {
          Log.LOG.log(System.Logger.Level.INFO, () -> "MemoCache: waiting " + Sizes.human(Duration.ofNanos(waited))
              + " for thread " + threadName(t) + " of this process computing " + describe + " (" + where + ")");
        }
        nextReport += WAIT_REPORT_EVERY.toNanos();
      }
    }
  }

  /** A thread as messages name it: virtual threads are usually unnamed. */
  private static String threadName(Thread t) {
    return t.getName().isEmpty() ? t.toString() : t.getName();
  }

  private static long saturatedNanos(Duration d) {
    try {
      return Math.min(d.toNanos(), Long.MAX_VALUE / 4);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4;
    }
  }

  private MemoRuntime.Call resolveMiss(Pending call, @Nullable Object self, @Nullable Object[] args) {
    MethodSpec spec = call.spec;
    if (spec.memory()) {
      Held h = memory.get(call.memoryKey);
      if (h != null && !h.expired()) {
        // Completed between our first look and taking the flight.
        memoryHits.increment();
        savedNanos.add(h.computeNanos);
        finishFlight(call, h);
        return h;
      }
    }
    call.summary = spec.summarize(args);
    if (spec.lowerTiers() && !tiers.isEmpty()) {
      call.key = cacheKey(call.memoryKey, spec, self, args);
      Held h = fromLowerTiers(call, true);
      if (h != null) {
        return h;
      }
      // Each tier's lock in turn (this host's processes, then all hosts), within one lockTimeout:
      // once a lock is held, the holder before us may have stored the result, so the tiers are read
      // again. A tier that gives no lock (timed out, or its service down) ends the chain: the call
      // computes holding the locks taken so far, and a lower tier's lock is never held without the
      // upper ones (progress is recorded in the upper tier under its lock). A caller that gave up
      // waiting for a thread of this JVM would only wait for it again on the lock that thread holds.
      if (!call.gaveUp) {
        long deadline = System.nanoTime() + saturatedNanos(config.lockTimeout());
        for (Tier.KeyLocks l : locks) {
          Duration wait = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
          Tier.KeyLock lock = l.acquire(call.key, spec.describe(call.summary), wait).orElse(null);
          if (lock == null) {
            break;
          }
          call.lock = call.lock == null ? lock : new Locks(call.lock, lock);
          h = fromLowerTiers(call, false);
          if (h != null) {
            return h;
          }
        }
      }
    }
    if (call.memoryKey instanceof CacheKey key) {
      watchInputs(call, key, self, args);
    }
    misses.increment();
    call.startNanos = System.nanoTime();
    return call;
  }

  // ---- methods that change their inputs ----

  /**
   * Keeps the digest of each key part (receiver, arguments) of a call about to compute, to compare
   * after the body ran. They are the key hash's own, recorded as it went ({@link #keyParts}), the
   * last being the key: an argument that another thread changes after the key was hashed shows as
   * that part changing, and the result is not stored. When the key was hashed without them (while
   * memory lookups hit), the call is hashed once more here; the last digest then differs from the
   * key when another thread changed an argument in between.
   */
  private void watchInputs(Pending call, CacheKey key, @Nullable Object self, @Nullable Object[] args) {
    int parts = partCount(call.spec, self, args);
    if (parts == 0) {
      return;
    }
    call.self = self;
    call.args = args;
    long[] before = new long[2 * parts];
    long[] recorded = call.keyParts;
    if (parts == 1 || recorded != null) {
      if (recorded != null) {
        System.arraycopy(recorded, 0, before, 0, recorded.length);
      }
      before[2 * parts - 2] = key.hi();
      before[2 * parts - 1] = key.lo();
      call.before = before;
      return;
    }
    int done = digest(call.spec, self, args, before);
    call.before = before;
    call.changedEarly = done < parts || before[2 * parts - 2] != key.hi() || before[2 * parts - 1] != key.lo();
  }

  /** The key parts of a call: its arguments (ignored ones too) and, when it is in the key, its receiver. */
  private static int partCount(MethodSpec spec, @Nullable Object self, @Nullable Object[] args) {
    return args.length + (self != null && spec.receiverInKey() ? 1 : 0);
  }

  /**
   * The array a call's key hash records the digests of all its parts but the last (the key itself)
   * into, or {@code null} when there is no need: a call of at most one part, or one whose memory
   * lookup is likely to hit ({@link #keysMiss}).
   */
  private long @Nullable [] keyParts(MethodSpec spec, @Nullable Object self, @Nullable Object[] args) {
    int n = partCount(spec, self, args);
    return n > 1 && (keysMiss || !spec.memory()) ? new long[2 * (n - 1)] : null;
  }

  /** What changed in the call's key parts while it ran, or {@code null} when nothing did. */
  private @Nullable String changedInput(Pending call) {
    long[] before = call.before;
    if (before == null) {
      return null;
    }
    long[] after = new long[before.length];
    int done = digest(call.spec, call.self, Objects.requireNonNull(call.args), after);
    for (int i = 0; i < before.length / 2; i++) {
      if (i >= done || after[2 * i] != before[2 * i] || after[2 * i + 1] != before[2 * i + 1]) {
        return partName(call.spec, call.self, i);
      }
    }
    return call.changedEarly ? "arguments" : null;
  }

  private static String partName(MethodSpec spec, @Nullable Object self, int part) {
    boolean receiver = self != null && spec.receiverInKey();
    if (self != null && receiver && part == 0) {
      return "receiver (" + self.getClass().getName() + ")";
    }
    int i = receiver ? part - 1 : part;
    String[] names = spec.parameterNames();
    return "parameter " + i + " (" + (i < names.length ? names[i] : "arg" + i) + ")";
  }

  /** Hashes the call recording per-part digests; returns how many parts hashed (all, unless one failed). */
  private int digest(MethodSpec spec, @Nullable Object self, @Nullable Object[] args, long[] into) {
    KeyHasher h = KeyHasher.acquire(spec.id(), spec.resultShape(), encoders);
    h.recordParts(into);
    try {
      feed(h, spec, self, args);
    } catch (RuntimeException e) {
      // An argument that no longer hashes has changed: the caller finds the part that failed.
    } finally {
      h.release();
    }
    return h.partsRecorded();
  }

  /** The call changed {@code what}: store nothing, and never memoize the method again. */
  private void onChangedInput(Pending call, String what) {
    MethodId id = call.spec.id();
    changesInput.put(id, what);
    anyChangesInput = true;
    // Results of earlier calls were right for them, but the method is now computed on every call.
    memory.removeIf(k -> methodId(k).equals(id));
    Tier.Verdicts v = verdicts;
    if (v != null) {
      try {
        v.recordChangedInput(id, what);
      } catch (RuntimeException e) {
        Warnings.once("verdict:" + where, () -> "MemoCache: cannot record in " + where + " that " + id.name()
            + " changes its arguments: " + e);
      }
    }
    Warnings.once("changes-input:" + id, () -> Warnings.explainingNames(call.spec, "MemoCache: not memoizing "
        + Signatures.of(id) + " any more: its " + what + " changed while it ran (the method writes into it, or"
        + " another thread did), and a cached result would skip that change; it is computed on every call"));
  }

  /** Whether another process recorded that the method changes its inputs (read once per method). */
  private boolean recordedChange(MethodSpec spec) {
    MethodId id = spec.id();
    if (!verdictsRead.add(id)) {
      return false;
    }
    Tier.Verdicts v = verdicts;
    if (v == null) {
      return false;
    }
    Optional<String> what;
    try {
      what = v.changedInput(id);
    } catch (RuntimeException e) {
      return false;
    }
    if (what.isEmpty()) {
      return false;
    }
    changesInput.put(id, what.get());
    anyChangesInput = true;
    Warnings.once("changes-input:" + id, () -> Warnings.explainingNames(spec, "MemoCache: not memoizing "
        + Signatures.of(id) + ": an earlier run found that its " + what.get() + " changes while it runs (recorded in "
        + where + "); it is computed on every call"));
    return true;
  }

  private static MethodId methodId(Object k) {
    return k instanceof StructKey s ? s.spec().id() : ((CacheKey) k).method();
  }

  /** Looks in the lower tiers; on a hit fills memory, finishes the flight and releases the lock. */
  private @Nullable Held fromLowerTiers(Pending call, boolean countMiss) {
    MethodSpec spec = call.spec;
    CacheKey key = Objects.requireNonNull(call.key);
    for (int i = 0; i < tiers.size(); i++) {
      Tier tier = tiers.get(i);
      long t0 = System.nanoTime();
      Optional<TierValues.Decoded> hit = Optional.empty();
      long size = -1;
      Object callersOwn = NULL;
      try {
        Optional<StoredEntry> stored = tier.get(key);
        if (stored.isPresent()) {
          try (StoredEntry e = stored.get()) {
            if (!expired(spec, e.info().created())) {
              hit = values.decode(spec.id().name(), e, spec.classes());
              if (hit.isPresent()) {
                Object decoded = hit.get().value();
                size = copiedSize(spec, decoded);
                boolean kept = spec.memory() && size >= 0 && size < SERVED_FROM_LOWER_TIERS;
                if (kept && ResultCopies.copiedByKryo(decoded)) {
                  // The memory tier keeps the decoded value and the caller would get a Kryo copy of
                  // it: decoding the entry once more is cheaper, and loads no Kryo class in a JVM
                  // whose values are all decoded without it. (A bigger value is the caller's own.)
                  callersOwn = values.decode(spec.id().name(), e, spec.classes())
                      .map(TierValues.Decoded::value).orElse(NULL);
                }
                copyIn(i, key, e);
              }
            }
          }
        }
      } catch (RuntimeException e) {
        Warnings.once("get:" + tier.name(), () -> "MemoCache: the " + tier.name()
            + " tier failed to read " + spec.id().name() + " (" + where + "); treating it as a miss", e);
        hit = Optional.empty();
      }
      if (hit.isPresent()) {
        perTierHits[i].increment();
        tierHits.increment();
        TierValues.Decoded th = hit.get();
        long computeNanos = th.info().computeTime().toNanos();
        // A hit that took longer than computing saved nothing.
        savedNanos.add(Math.max(0, computeNanos - (System.nanoTime() - t0)));
        Object value = call.futureResult ? CompletableFuture.completedFuture(th.value()) : th.value();
        if (size >= SERVED_FROM_LOWER_TIERS) {
          // The decoded value is this caller's own; waiters of this JVM read their own from the tier.
          abandon(call);
          return new Held(value == null ? NULL : value, computeNanos, 0, Long.MAX_VALUE,
              th.info().created(), false, spec.id(), config);
        }
        Held h = held(spec, value, computeNanos, th.info().created(), false, size);
        if (spec.memory()) {
          memory.put(detach(call.memoryKey), h);
        }
        finishFlight(call, h);
        if (h.copies && callersOwn != NULL) {
          Object own = call.futureResult ? CompletableFuture.completedFuture(callersOwn) : callersOwn;
          return new Held(own == null ? NULL : own, computeNanos, 0, Long.MAX_VALUE, th.info().created(), false,
              spec.id(), config);
        }
        return h;
      }
      if (countMiss) {
        perTierMisses[i].increment();
      }
    }
    return null;
  }

  /**
   * Copies the entry {@code stored}, a hit in tier {@code found}, into the tiers above it, byte for
   * byte: nothing is decoded and encoded again.
   */
  private void copyIn(int found, CacheKey key, StoredEntry stored) {
    if (found == 0) {
      return;
    }
    EncodedEntry copy = EntryCodec.copyOf(stored);
    if (copy == null) {
      return; // names more classes than it records: served from where it is
    }
    for (int j = 0; j < found; j++) {
      storeIn(tiers.get(j), key, copy);
    }
  }

  /** Stores a computed result in every tier, then releases the waiters. */
  void complete(Pending call, @Nullable Object value) {
    long nanos = System.nanoTime() - call.startNanos;
    MethodSpec spec = call.spec;
    String changed = changedInput(call);
    if (changed == null && value instanceof CompletionStage<?> stage) {
      unbindProgress(call);
      futures.complete(call, stage);
      return;
    }
    loads.increment();
    loadNanos.add(nanos);
    if (changed != null || value instanceof Future<?> f && !completedNormally(spec, f)) {
      if (changed != null) {
        onChangedInput(call, changed);
      }
      StoredProgress<?, ?> progress = call.progress;
      if (progress != null) {
        progress.finish(false);
      }
      unbindProgress(call);
      // Waiters compute for themselves: the method's effect is theirs to have, or the future failed.
      abandon(call);
      return;
    }
    Instant created = config.clock().instant();
    boolean lower = call.key != null;
    // A big result the lower tiers take is not copied into memory: they serve it near copying speed.
    long size = lower ? copiedSize(spec, value) : -1;
    boolean memoryAfterStore = size >= SERVED_FROM_LOWER_TIERS;
    @Nullable Held h = memoryAfterStore ? null : held(spec, value, nanos, created, true, size);
    try {
      if (spec.memory() && h != null) {
        memory.put(detach(call.memoryKey), h);
      }
      if (value instanceof Future<?> && lower) {
        lower = false;
        Warnings.once("future-lower:" + spec.id(), () -> "MemoCache: " + Signatures.of(spec.id()) + " returns a "
            + value.getClass().getName() + ", which is kept in memory only: futures are not stored in"
            + " lower tiers");
      }
      boolean stored = lower && store(call, value, Duration.ofNanos(nanos), created);
      if (memoryAfterStore && !stored) {
        h = held(spec, value, nanos, created, true, size);
        if (spec.memory()) {
          memory.put(detach(call.memoryKey), h);
        }
      }
      StoredProgress<?, ?> progress = call.progress;
      if (progress != null) {
        // Still holding the key's lock: no other process starts writing progress meanwhile.
        progress.finish(stored);
      }
    } finally {
      unbindProgress(call);
      if (h != null) {
        finishFlight(call, h);
      } else {
        // Stored below, not in memory: waiters of this JVM read it from the lower tiers.
        abandon(call);
      }
    }
  }

  // ---- for FutureResults ----

  void countLoad(long nanos) {
    loads.increment();
    loadNanos.add(nanos);
  }

  void countLoadFailure() {
    loadFailures.increment();
  }

  /** Keeps {@code h} in memory as the call's result. */
  void keep(Pending call, Held h) {
    memory.put(detach(call.memoryKey), h);
  }

  /** Releases the call's lock and flight, after its flight was published (with a future). */
  void release(Pending call) {
    releaseLock(call);
    flights.remove(call.memoryKey, call.flight);
  }

  /** The live memory entry under {@code memoryKey}, counted as a hit, or {@code null}. */
  @Nullable Held inMemory(MethodSpec spec, Object memoryKey) {
    if (!spec.memory()) {
      return null;
    }
    Held h = memory.get(memoryKey);
    if (h == null || h.expired()) {
      return null;
    }
    h.hits++;
    return h;
  }

  /** The computation of {@code memoryKey} in progress in this JVM, or {@code null}. */
  @Nullable Flight flight(Object memoryKey) {
    return flights.get(memoryKey);
  }

  /**
   * Values of at least this many estimated bytes that callers may change are served by the lower
   * tiers rather than kept in memory: keeping one costs a private copy at every store and disk hit
   * (a second heap's worth of pages to fault in, 130 ms for 256 MB in a fresh JVM), while the disk
   * tier reads a big array back from the page cache at a few times the speed of that copy.
   */
  static final long SERVED_FROM_LOWER_TIERS = 4L << 20;

  /**
   * The estimated size of a result the memory tier would keep a copy of while a lower tier could
   * serve it, for {@link #SERVED_FROM_LOWER_TIERS}; -1 when it would not be copied (shared or
   * immutable results) or there is no lower tier.
   */
  private long copiedSize(MethodSpec spec, @Nullable Object value) {
    return tiers.isEmpty() || spec.shared() || ResultCopies.immutable(value) ? -1 : SizeEstimator.estimate(value);
  }

  /**
   * The computation threw: nothing is cached, recorded progress is kept for a resume. Threads
   * waiting for this computation throw the same exception (computing the same deterministic call
   * would fail the same way), except for an {@link Error}, which tells of the computing thread's
   * state (its stack, the heap at that moment) more than of the call: they compute again.
   */
  void fail(Pending call, Throwable thrown) {
    loadFailures.increment();
    unbindProgress(call);
    releaseLock(call);
    flights.remove(call.memoryKey, call.flight);
    if (thrown instanceof Error) {
      call.flight.complete(null);
    } else {
      call.flight.fail(thrown);
    }
  }

  /**
   * The computation a caller waited for threw {@link #getCause()}: whoever began the call throws
   * that cause unchanged ({@link #rethrow}), so that the failure is not mistaken for one of
   * MemoCache's own.
   */
  static final class FailedElsewhere extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final Throwable failure;

    FailedElsewhere(Throwable cause) {
      super(null, cause, false, false);
      this.failure = cause;
    }

    RuntimeException rethrow() {
      throw Engine.<RuntimeException>sneaky(failure);
    }
  }

  /**
   * The call waited for a computation that threw. Not a hit, so that code woven by earlier versions
   * (which knows no {@link MemoRuntime.Call#failure()}) runs the body, as it always did, instead of
   * returning a default value; {@link #exit} ignores it.
   */
  private static final class Failed extends MemoRuntime.Call {
    private final Throwable failure;

    Failed(Throwable failure) {
      this.failure = failure;
    }

    @Override
    public boolean isHit() {
      return false;
    }

    @Override
    public @Nullable Object value() {
      return null;
    }

    @Override
    public Throwable failure() {
      return failure;
    }
  }

  /** Throws {@code t} unchanged, checked or not: a waiter throws what its own computation would have. */
  @SuppressWarnings("unchecked")
  static <T extends Throwable> T sneaky(Throwable t) throws T {
    throw (T) t;
  }

  private static void unbindProgress(Pending call) {
    InjectedProgress<?, ?> slot = call.slot;
    if (slot != null) {
      call.slot = null;
      slot.unbind();
    }
  }

  /**
   * Stores {@code value} as the result of {@code call} in every lower tier, encoded once; returns
   * whether all of them stored it.
   */
  boolean store(Pending call, @Nullable Object value, Duration computeTime, Instant created) {
    CacheKey key = Objects.requireNonNull(call.key);
    EncodedEntry entry = values.encode(call.spec.id().name(), value,
        new Tier.Metadata(call.summary, created, computeTime), call.spec.classes());
    if (entry == null) {
      storeFailures.add(tiers.size());
      return false;
    }
    boolean stored = true;
    for (Tier t : tiers) {
      stored &= storeIn(t, key, entry);
    }
    return stored;
  }

  private boolean storeIn(Tier t, CacheKey key, EncodedEntry entry) {
    boolean ok;
    try {
      ok = values.put(t, key, entry);
    } catch (RuntimeException e) {
      Warnings.once("put:" + t.name() + ":" + e.getClass().getName(), () -> "MemoCache: the " + t.name()
          + " tier failed to store a result of " + key.method().name() + " (" + where + "); it is still"
          + " returned", e);
      ok = false;
    }
    if (!ok) {
      // Said once per cause: a problem of the value by TierValues, one of the storage by the tier
      // (the Tier contract); a second warning here would only repeat it.
      storeFailures.increment();
    }
    return ok;
  }

  private void finishFlight(Pending call, Held h) {
    releaseLock(call);
    flights.remove(call.memoryKey, call.flight);
    call.flight.complete(h);
  }

  /** Setting up the call failed before its body ran: waiters compute for themselves. */
  void abandonBeforeBody(Pending call) {
    unbindProgress(call);
    abandon(call);
  }

  private void abandon(Pending call) {
    releaseLock(call);
    flights.remove(call.memoryKey, call.flight);
    call.flight.complete(null);
  }

  private static void releaseLock(Pending call) {
    Tier.KeyLock lock = call.lock;
    if (lock != null) {
      call.lock = null;
      try {
        lock.close();
      } catch (RuntimeException e) {
        Warnings.once("unlock", () -> "MemoCache: releasing a key lock failed", e);
      }
    }
  }

  /**
   * A result as the memory tier keeps it. Unless results are shared, a value that can change is
   * held as a private copy ({@code fromCaller}: the caller keeps the computed object) and copied
   * again for each caller of a hit. {@code valueSize} is {@code value}'s estimated size when the
   * caller has it already, else -1.
   */
  Held held(MethodSpec spec, @Nullable Object value, long computeNanos, Instant created,
      boolean fromCaller, long valueSize) {
    Duration ttl = ttl(spec);
    long expiresAt = Long.MAX_VALUE;
    if (ttl != null) {
      expiresAt = created.plus(ttl).toEpochMilli();
    }
    Object kept = value;
    boolean copies = !spec.shared() && !ResultCopies.immutable(value);
    if (copies && fromCaller && value != null) {
      try {
        kept = ResultCopies.copy(value);
      } catch (RuntimeException e) {
        // Objects holding handles (threads, connections) are services more than data: keep
        // serving the one instance, and say so.
        copies = false;
        String why = firstLine(e.getMessage());
        Warnings.once("copy:" + spec.id() + ":" + value.getClass().getName(), () -> "MemoCache: a "
            + value.getClass().getName() + " returned by " + spec.id().name() + " cannot be copied (" + why
            + "); memory hits hand every caller this same object, so callers must not change it");
      }
    }
    long size = kept == value && valueSize >= 0 ? valueSize : SizeEstimator.estimate(kept);
    long weight = Math.min(Integer.MAX_VALUE, size);
    return new Held(kept == null ? NULL : kept, computeNanos, (int) weight, expiresAt, created, copies,
        spec.id(), config);
  }

  /** The first line of an exception message: Kryo appends a multi-line serialization trace. */
  static String firstLine(@Nullable String message) {
    if (message == null) {
      return "no reason given";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** Whether a returned future completed normally; a failed, cancelled or running one is not cached. */
  private static boolean completedNormally(MethodSpec spec, Future<?> f) {
    boolean ok;
    String state;
    if (!f.isDone()) {
      ok = false;
      state = "has not completed";
    } else if (f.isCancelled()) {
      ok = false;
      state = "was cancelled";
    } else if (f instanceof CompletableFuture<?> cf) {
      ok = !cf.isCompletedExceptionally();
      state = "failed";
    } else {
      try {
        f.get();
        ok = true;
      } catch (Exception e) {
        ok = false;
      }
      state = "failed";
    }
    if (!ok) {
      Warnings.once("future:" + spec.id() + ":" + state, () -> "MemoCache: not caching a result of "
          + Signatures.of(spec.id())
          + ": the " + f.getClass().getSimpleName() + " it returned " + state);
    }
    return ok;
  }

  private @Nullable Duration ttl(MethodSpec spec) {
    return spec.expireAfter() != null ? spec.expireAfter() : config.expireAfter();
  }

  private boolean expired(MethodSpec spec, Instant created) {
    Duration ttl = ttl(spec);
    return ttl != null && created.plus(ttl).isBefore(config.clock().instant());
  }

  // ---- keys ----

  /**
   * The memory key: structural (method + arguments, value equality) when every key argument is an
   * immutable value type and the receiver is not part of the key; the 128-bit key otherwise.
   */
  Object memoryKey(MethodSpec spec, @Nullable Object self, @Nullable Object[] args) {
    return structural(spec, self, args) ? new StructKey(spec, args) : hash(spec, self, args);
  }

  /** Whether the call's memory key is structural: see {@link #memoryKey}. */
  private static boolean structural(MethodSpec spec, @Nullable Object self, @Nullable Object[] args) {
    return (self == null || !spec.receiverInKey()) && !spec.hasSpecialParameters() && StructKey.simple(args);
  }

  CacheKey hash(MethodSpec spec, @Nullable Object self, @Nullable Object[] args) {
    return hash(spec, self, args, null);
  }

  /**
   * The call's 128-bit key; {@code parts}, when given, receives the digest after each part (two
   * longs per part, as many parts as it has room for).
   */
  private CacheKey hash(MethodSpec spec, @Nullable Object self, @Nullable Object[] args, long @Nullable [] parts) {
    try {
      return hashOnce(spec, self, args, parts, null);
    } catch (ConcurrentModificationException first) {
      // Another thread changed a collection argument while it was hashed; a key of a state that
      // never existed must not be stored, so try once more, then say which argument it was.
      KeyHasher[] used = new KeyHasher[1];
      try {
        return hashOnce(spec, self, args, parts, used);
      } catch (ConcurrentModificationException again) {
        keyFailures.increment();
        throw new MemoKeyException(spec.id().name() + ": " + partName(spec, self, used[0].partsRecorded())
            + " changed while it was being hashed (another thread modifies it during the call)", again);
      }
    }
  }

  /**
   * One attempt, recording into {@code parts} when given; {@code used}, when given, receives the
   * hasher, recording parts to find a failed one (the digests recorded so far count the parts
   * before it, whatever room they had).
   */
  private CacheKey hashOnce(MethodSpec spec, @Nullable Object self, @Nullable Object[] args,
      long @Nullable [] parts, KeyHasher @Nullable [] used) {
    KeyHasher h = KeyHasher.acquire(spec.id(), spec.resultShape(), encoders);
    long[] into = parts;
    if (used != null) {
      used[0] = h;
      if (into == null) {
        into = new long[2 * (args.length + 1)];
      }
    }
    if (into != null) {
      h.recordParts(into);
    }
    try {
      feed(h, spec, self, args);
      return h.finish(spec.id());
    } catch (RuntimeException | Error e) {
      h.release();
      if (e instanceof MemoKeyException) {
        keyFailures.increment();
      }
      throw e;
    }
  }

  private static void feed(KeyHasher h, MethodSpec spec, @Nullable Object self, @Nullable Object[] args) {
    if (self != null && spec.receiverInKey()) {
      h.receiver(self);
    }
    String[] names = spec.parameterNames();
    boolean[] ignored = spec.ignored();
    boolean[] byContent = spec.byContent();
    for (int i = 0; i < args.length; i++) {
      String name = i < names.length ? names[i] : "arg" + i;
      if (i < ignored.length && ignored[i]) {
        h.ignored(i);
      } else if (i < byContent.length && byContent[i]) {
        h.argumentByContent(i, name, args[i]);
      } else {
        h.argument(i, name, args[i]);
      }
    }
  }

  private static Object detach(Object k1) {
    return k1 instanceof StructKey s ? s.detached() : k1;
  }

  // ---- inspection ----

  Optional<CachedResult<?>> lookup(MethodSpec spec, @Nullable Object self, @Nullable Object[] args) {
    Object k1 = memoryKey(spec, self, args);
    Held h = memory.get(k1);
    if (h != null && !h.expired()) {
      Object value = h.value();
      if (value instanceof CompletionStage<?> stage) {
        // Kept once completed normally: the stored result is its value (a caller may have changed it since).
        CompletableFuture<?> f = stage.toCompletableFuture();
        if (!holdsResult(f)) {
          return Optional.empty();
        }
        value = f.join();
      }
      return Optional.of(new CachedResult<>(value, memoryInfo(spec, k1, self, args, h)));
    }
    if (!spec.lowerTiers()) {
      return Optional.empty();
    }
    CacheKey key = cacheKey(k1, spec, self, args);
    for (Tier t : tiers) {
      Optional<TierValues.Decoded> hit = values.get(t, key, spec.classes());
      if (hit.isPresent() && !expired(spec, hit.get().info().created())) {
        return Optional.of(new CachedResult<>(hit.get().value(), hit.get().info()));
      }
    }
    return Optional.empty();
  }

  /** The metadata of the stored result, from memory or the first lower tier that has it; nothing is decoded. */
  Optional<EntryInfo> info(MethodSpec spec, @Nullable Object self, @Nullable Object[] args) {
    Object k1 = memoryKey(spec, self, args);
    Held h = memory.get(k1);
    if (h != null && !h.expired()) {
      // A future is a stored result once it completed normally, as for lookup.
      if (!(h.value instanceof CompletionStage<?> stage) || holdsResult(stage.toCompletableFuture())) {
        return Optional.of(memoryInfo(spec, k1, self, args, h));
      }
      return Optional.empty();
    }
    if (!spec.lowerTiers()) {
      return Optional.empty();
    }
    CacheKey key = cacheKey(k1, spec, self, args);
    for (Tier t : tiers) {
      Optional<EntryInfo> info = t.info(key);
      if (info.isPresent() && !expired(spec, info.get().created())) {
        return info;
      }
    }
    return Optional.empty();
  }

  /** Whether a kept future is a stored result: it completed normally. */
  private static boolean holdsResult(CompletableFuture<?> f) {
    return f.isDone() && !f.isCompletedExceptionally();
  }

  private EntryInfo memoryInfo(MethodSpec spec, Object k1, @Nullable Object self, @Nullable Object[] args, Held h) {
    return new EntryInfo(spec.id().name(), cacheKey(k1, spec, self, args).hex(),
        spec.summarize(args), h.weight, h.created, Duration.ofNanos(h.computeNanos), h.hits, h.created, "object",
        "memory");
  }

  /** The call's 128-bit key: its memory key when that is one, else hashed (the memory key is structural). */
  private CacheKey cacheKey(Object memoryKey, MethodSpec spec, @Nullable Object self, @Nullable Object[] args) {
    return memoryKey instanceof CacheKey ck ? ck : hash(spec, self, args);
  }

  CacheKey keyOf(MethodSpec spec, @Nullable Object self, @Nullable Object[] args) {
    return hash(spec, self, args);
  }

  boolean invalidate(MethodSpec spec, @Nullable Object self, @Nullable Object[] args) {
    Object k1 = memoryKey(spec, self, args);
    boolean removed = memory.remove(detach(k1));
    CacheKey key = cacheKey(k1, spec, self, args);
    if (k1 instanceof StructKey) {
      memory.remove(key);
    } else {
      memory.removeIf(k -> k instanceof StructKey s && s.spec() == spec
          && java.util.Arrays.equals(s.args(), args));
    }
    for (Tier t : tiers) {
      removed |= t.remove(key);
    }
    return removed;
  }

  /**
   * Stores {@code value} as the result of this call in memory and every lower tier, replacing what
   * they hold, without computing (a result computed elsewhere). Returns whether every lower tier
   * stored it.
   */
  boolean put(MethodSpec spec, @Nullable Object self, @Nullable Object[] args, @Nullable Object value) {
    Object k1 = memoryKey(spec, self, args);
    // Carries the key and summary to storeIn; never registered as a flight, so no caller waits on it.
    Pending call = new Pending(this, spec, k1, new Flight());
    call.summary = spec.summarize(args);
    Instant created = config.clock().instant();
    boolean lower = spec.lowerTiers() && !tiers.isEmpty();
    boolean stored = true;
    if (lower) {
      call.key = cacheKey(k1, spec, self, args);
      // Nothing was computed here: the entry records no compute time, so its hits save none.
      stored = store(call, value, Duration.ZERO, created);
    }
    if (spec.memory()) {
      long size = lower ? copiedSize(spec, value) : -1;
      if (stored && size >= SERVED_FROM_LOWER_TIERS) {
        memory.remove(detach(k1));
      } else {
        memory.put(detach(k1), held(spec, value, 0, created, true, size));
      }
    }
    return stored;
  }

  long clear(@Nullable String name) {
    memory.removeIf(k -> name == null || methodName(k).equals(name));
    long n = 0;
    for (Tier t : tiers) {
      n += t.clear(name);
    }
    return n;
  }

  private static String methodName(Object k) {
    return methodId(k).name();
  }

  List<EntryInfo> entries(@Nullable String name) {
    Map<String, EntryInfo> byKey = new LinkedHashMap<>();
    for (Tier t : tiers) {
      for (EntryInfo e : t.entries(name)) {
        byKey.putIfAbsent(e.key(), e);
      }
    }
    return new ArrayList<>(byKey.values());
  }

  // ---- progressive computations ----

  /**
   * A whole progressive call: begin; on a miss, compute with the call's recorded progress (resumed
   * from storage when an earlier run left some), then complete, which deletes the progress once the
   * result is stored.
   */
  <S, C, R> @Nullable Object progressive(MethodSpec spec, @Nullable Object[] args, Progressive<S, C, R> body) {
    MemoRuntime.Call started;
    try {
      started = begin(spec, null, args);
    } catch (FailedElsewhere e) {
      throw e.rethrow();
    }
    if (started == DIRECT) {
      return body.compute(new StoredProgress<>(null, spec.describe(spec.summarize(args))));
    }
    if (!(started instanceof Pending call)) {
      return started.value();
    }
    Object value;
    try {
      value = body.compute(progressFor(call));
    } catch (Throwable t) {
      fail(call, t);
      throw t;
    }
    complete(call, value);
    return value;
  }

  /**
   * The progress of a call that is about to compute: stored in the first tier with partial storage
   * when this process holds the key's lock there, in memory otherwise.
   */
  <S, C> StoredProgress<S, C> progressFor(Pending call) {
    Tier.PartialWriter writer = null;
    String describe = call.spec.describe(call.summary);
    if (call.key != null && call.lock != null) {
      for (Tier t : tiers) {
        Optional<Tier.Partials> partials = t.partials();
        if (partials.isPresent()) {
          try {
            writer = partials.get().open(call.key, call.summary, call.spec.classes()).orElse(null);
          } catch (RuntimeException e) {
            Warnings.once("partial-open:" + t.name(), () -> "MemoCache: the " + t.name() + " tier cannot record the"
                + " progress of " + describe + " (" + where + "); it is kept in memory", e);
          }
          break;
        }
      }
    } else if (call.key != null && !locks.isEmpty()) {
      Warnings.once("progress-unlocked:" + call.spec.id().name(), () -> "MemoCache: computing " + describe
          + " without its key lock (another process is computing it, or the lock could not be taken):"
          + " its progress is kept in memory and not resumed");
    }
    StoredProgress<S, C> p = new StoredProgress<>(writer, describe);
    call.progress = p;
    return p;
  }

  /** Binds the injected progress parameter of a woven call that is about to compute. */
  void bindProgress(Pending call, @Nullable Object[] args) {
    int i = call.spec.progressParameter();
    if (i >= 0 && i < args.length && args[i] instanceof InjectedProgress<?, ?> slot) {
      slot.bind(progressFor(call));
      call.slot = slot;
    }
  }

  /** The recorded progress of a call, read without computing. */
  Optional<PartialResult<?, ?>> partial(MethodSpec spec, @Nullable Object self, @Nullable Object[] args) {
    if (!spec.lowerTiers()) {
      return Optional.empty();
    }
    CacheKey key = hash(spec, self, args);
    String describe = spec.describe(spec.summarize(args));
    for (Tier t : tiers) {
      Optional<Tier.Partials> partials = t.partials();
      if (partials.isPresent()) {
        return partials.get().read(key, spec.classes()).map(r -> new StoredPartialResult<>(r, describe));
      }
    }
    return Optional.empty();
  }

  // ---- in-place access ----

  /** A view of the stored array result of this call, from the first tier that has and can map it. */
  Optional<ArrayView> view(MethodSpec spec, @Nullable Object self, @Nullable Object[] args) {
    if (!spec.lowerTiers()) {
      return Optional.empty();
    }
    CacheKey key = hash(spec, self, args);
    return view(key, spec, spec.describe(spec.summarize(args)));
  }

  /** A view of the stored array result under {@code key}. */
  Optional<ArrayView> view(CacheKey key, @Nullable MethodSpec spec, String describe) {
    for (Tier t : tiers) {
      Optional<Tier.Mapped> mapped = t.map(key);
      if (mapped.isPresent()) {
        Tier.Mapped m = mapped.get();
        if (spec != null && expired(spec, m.info().created())) {
          return Optional.empty();
        }
        return Optional.of(ArrayView.open(m, describe));
      }
    }
    return Optional.empty();
  }

  /** Views by path of the arrays in the stored result of this call, from the first tier that has and can map it. */
  Optional<ResultViews> views(MethodSpec spec, @Nullable Object self, @Nullable Object[] args) {
    if (!spec.lowerTiers()) {
      return Optional.empty();
    }
    CacheKey key = hash(spec, self, args);
    String describe = spec.describe(spec.summarize(args));
    for (Tier t : tiers) {
      Optional<Tier.Mapped> mapped = t.map(key);
      if (mapped.isPresent()) {
        Tier.Mapped m = mapped.get();
        if (expired(spec, m.info().created())) {
          return Optional.empty();
        }
        return Optional.ofNullable(ResultViews.open(m, describe, spec.classes()));
      }
    }
    return Optional.empty();
  }

  /** The full key of the entry stored under {@code keyHex}, from the first tier that has it. */
  Optional<CacheKey> findKey(String keyHex) {
    for (Tier t : tiers) {
      Optional<CacheKey> k = t.findKey(keyHex);
      if (k.isPresent()) {
        return k;
      }
    }
    return Optional.empty();
  }

  /** The stored result under {@code key}, decoded with {@code classes}; never computes. */
  Optional<CachedResult<?>> lookupKey(CacheKey key, ClassFilter classes) {
    for (Tier t : tiers) {
      Optional<TierValues.Decoded> hit = values.get(t, key, classes);
      if (hit.isPresent()) {
        return Optional.of(new CachedResult<>(hit.get().value(), hit.get().info()));
      }
    }
    return Optional.empty();
  }

  /** The stored identities of the method named {@code name}, newest first, from the first tier that knows any. */
  List<MethodId> identities(String name) {
    for (Tier t : tiers) {
      List<MethodId> ids = t.identities(name);
      if (!ids.isEmpty()) {
        return ids;
      }
    }
    return List.of();
  }

  /** Per-method summaries of the lower tiers (the first tier's, for a method several tiers store). */
  List<MethodStats> methods(@Nullable String name) {
    Map<MethodId, MethodStats> byId = new LinkedHashMap<>();
    for (Tier t : tiers) {
      for (MethodStats m : t.methods(name)) {
        byId.putIfAbsent(m.method(), m);
      }
    }
    return new ArrayList<>(byId.values());
  }

  MemoStats stats() {
    List<MemoStats.TierStats> ts = new ArrayList<>();
    for (int i = 0; i < tiers.size(); i++) {
      ts.add(new MemoStats.TierStats(tiers.get(i).name(), perTierHits[i].sum(), perTierMisses[i].sum(),
          tiers.get(i).counters()));
    }
    long liveHits = 0;
    long liveSaved = 0;
    for (Held h : memory.values()) {
      long n = h.hits;
      liveHits += n;
      liveSaved += n * h.computeNanos;
    }
    return new MemoStats(memoryHits.sum() + liveHits, tierHits.sum(), misses.sum(), loads.sum(), loadFailures.sum(),
        Duration.ofNanos(loadNanos.sum()), Duration.ofNanos(savedNanos.sum() + liveSaved), evictions.sum(),
        keyFailures.sum(), storeFailures.sum(), unmemoized.sum(), ts);
  }

  /** Moves the lossy per-entry hit count of a removed entry into the totals. */
  private void retire(Held h) {
    long n = h.hits;
    h.hits = 0;
    memoryHits.add(n);
    savedNanos.add(n * h.computeNanos);
  }

  void countKeyFailure() {
    keyFailures.increment();
  }

  void close() {
    futures.awaitSettling(Duration.ofSeconds(10));
    memory.clear();
    for (Tier t : tiers) {
      try {
        t.close();
      } catch (RuntimeException e) {
        Warnings.once("close:" + t.name(), () -> "MemoCache: closing the " + t.name() + " tier failed", e);
      }
    }
  }

  /**
   * A value in the memory tier; also the {@link MemoRuntime.Call} of a memory hit, so a hit
   * allocates nothing. Its hit count is a plain field incremented without synchronization: under
   * contention a few counts may be lost, which statistics tolerate and the hit path cannot afford
   * to prevent.
   */
  static final class Held extends MemoRuntime.Call {
    final Object value;
    long hits;
    final long computeNanos;
    final int weight;
    final long expiresAtMillis;
    final Instant created;
    /** Whether each caller gets a copy of {@link #value}, which can change. */
    final boolean copies;
    final MethodId method;
    final MemoConfig config;

    Held(Object value, long computeNanos, int weight, long expiresAtMillis, Instant created, boolean copies,
        MethodId method, MemoConfig config) {
      this.value = value;
      this.computeNanos = computeNanos;
      this.weight = weight;
      this.expiresAtMillis = expiresAtMillis;
      this.created = created;
      this.copies = copies;
      this.method = method;
      this.config = config;
    }

    @Override
    public boolean isHit() {
      return true;
    }

    @Override
    public @Nullable Object value() {
      if (value == NULL) {
        return null;
      }
      if (!copies) {
        return value;
      }
      try {
        return ResultCopies.copy(value);
      } catch (RuntimeException e) {
        // It was copied when stored; failing the caller's method now would be worse than sharing.
        Warnings.once("copy-hit:" + method, () -> "MemoCache: cannot copy a result of " + method.name()
            + " for a caller (" + firstLine(e.getMessage()) + "); handing out the cached object itself");
        return value;
      }
    }

    boolean expired() {
      // Reads the clock only for methods with an expiry, keeping it off the common hit path.
      return expiresAtMillis != Long.MAX_VALUE && config.clock().millis() >= expiresAtMillis;
    }
  }

  /** Two held key locks, released in the reverse order of taking: {@code last} first. */
  private record Locks(Tier.KeyLock first, Tier.KeyLock last) implements Tier.KeyLock {
    @Override
    public void close() {
      try {
        last.close();
      } finally {
        first.close();
      }
    }
  }

  /** A miss being computed by the caller: everything needed to store the result and release. */
  static final class Pending extends MemoRuntime.Call {
    final Engine engine;
    final MethodSpec spec;
    final Object memoryKey;
    final Flight flight;
    @Nullable CacheKey key;
    String summary = "";
    Tier.@Nullable KeyLock lock;
    long startNanos;
    @Nullable StoredProgress<?, ?> progress;
    @Nullable InjectedProgress<?, ?> slot;
    /** Digests the key hash recorded after each part but the last, or {@code null}: see {@link Engine#keyParts}. */
    long @Nullable [] keyParts;
    /** Per-part digests of the inputs before the body ran, or {@code null} when not watched. */
    long @Nullable [] before;
    /** Whether the inputs hashed before the body differ from the key (they changed in between). */
    boolean changedEarly;
    /** Whether the caller gave up waiting for another thread computing the same key. */
    boolean gaveUp;
    /** Whether the caller returns a future of the result: its value is what the lower tiers store. */
    boolean futureResult;
    @Nullable Object self;
    @Nullable Object @Nullable [] args;

    Pending(Engine engine, MethodSpec spec, Object memoryKey, Flight flight) {
      this.engine = engine;
      this.spec = spec;
      this.memoryKey = memoryKey;
      this.flight = flight;
    }

    @Override
    public boolean isHit() {
      return false;
    }

    @Override
    public @Nullable Object value() {
      return null;
    }
  }
}
