#!/usr/bin/env python3
"""The Python peers of PeerBench: joblib.Memory and diskcache's memoize on the same workloads.

Driven by org.memocache.bench.PeerBench, one process per measurement, exactly like the Java peers
(org.memocache.bench.peers.ChildMain). Both speak the same line protocol on stdout:

    SAMPLES <metric> <unit> <v1> <v2> ...     measured values
    INFO <key>=<value>                         facts (versions, counts)
    SKIP <reason>                              this measurement cannot run here

Values and keys are the same as on the Java side: the small value of (n, seed) is 100 float64
numbers v[i] = (31 * n + seed) + 0.5 * i; big arrays are float64 with v[i] = i.
Usage: pypeers.py <command> <tool> [args...]; tool is joblib or diskcache.
"""

import os
import sys
import time

T_START = time.perf_counter()  # before any heavy import: fresh-process figures include imports

SMALL_LEN = 100
SEED = 42


def out(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def samples(metric, unit, values):
    out("SAMPLES %s %s %s" % (metric, unit, " ".join("%.6f" % v for v in values)))


def small_value(n, seed):
    import numpy as np
    return (31 * n + seed) + 0.5 * np.arange(SMALL_LEN, dtype=np.float64)


def check_small(v, n, seed):
    return v is not None and len(v) == SMALL_LEN and v[0] == 31 * n + seed and v[-1] == (
        31 * n + seed) + 0.5 * (SMALL_LEN - 1)


# ---- the memoized functions: module-level so joblib can fingerprint their source ----

COMPUTED = [0]
BIG = [None]
SWEEP = {}


def small(n, seed):
    COMPUTED[0] += 1
    return small_value(n, seed)


def big(size_bytes, key):
    COMPUTED[0] += 1
    return BIG[0]


def sweep(k):
    COMPUTED[0] += 1
    time.sleep(0.2)
    name = "%d.%d.%d" % (k, os.getpid(), time.monotonic_ns())
    with open(os.path.join(SWEEP["markers"], name), "w"):
        pass
    return small_value(k, SEED)


# The values of the second-run workload, the twins of FreshValues.java: computed once by a prepare
# process, then served to the first call of each fresh process.
FRESH_N = 2000000
FRESH_ROWS, FRESH_COLS = 1000, 2000
FRESH_RECORDS = 100000
FRESH_SERIES, FRESH_SERIES_LEN = 16, 131072
FRESH_PI_SAMPLES = 10000000


def fresh_value(case, big_bytes):
    COMPUTED[0] += 1
    import numpy as np
    if case == "array":
        return np.arange(FRESH_N, dtype=np.float64)
    if case == "dataset":
        rnd = np.random.default_rng(7)
        x = rnd.uniform(0, 10, FRESH_N)
        noise = rnd.random((FRESH_N, 12)).sum(axis=1)
        return {"x": x, "y": 3.2 * x + 1.5 + (noise - 6) * 0.8}
    if case == "matrix":
        return np.arange(FRESH_ROWS * FRESH_COLS, dtype=np.float64).reshape(FRESH_ROWS, FRESH_COLS)
    if case == "double":
        rnd = np.random.default_rng(1)
        a = rnd.random(FRESH_PI_SAMPLES)
        b = rnd.random(FRESH_PI_SAMPLES)
        return 4.0 * float(np.count_nonzero(a * a + b * b <= 1)) / FRESH_PI_SAMPLES
    if case == "big":
        return np.arange(big_bytes // 8, dtype=np.float64)
    if case == "list":
        return [(i, 0.5 * i, 0.25 * i) for i in range(FRESH_RECORDS)]
    if case == "map":
        result = {}
        for k in range(FRESH_SERIES):
            v = np.arange(FRESH_SERIES_LEN, dtype=np.float64)
            v[0] = k
            result["series-%02d" % k] = v
        return result
    raise SystemExit("unknown case: " + case)


def fresh_check(case, big_bytes, v):
    n = {"array": FRESH_N, "big": big_bytes // 8}.get(case)
    if n is not None:
        return len(v) == n and v[n - 1] == n - 1 and all(v[i] == i for i in range(0, n, max(1, n // 4096)))
    if case == "dataset":
        return len(v["x"]) == FRESH_N and len(v["y"]) == FRESH_N
    if case == "matrix":
        return v.shape == (FRESH_ROWS, FRESH_COLS) and v[-1, -1] == FRESH_ROWS * FRESH_COLS - 1
    if case == "double":
        return abs(v - 3.14159) < 0.01
    if case == "list":
        return len(v) == FRESH_RECORDS and v[-1] == (FRESH_RECORDS - 1, 0.5 * (FRESH_RECORDS - 1),
                                                        0.25 * (FRESH_RECORDS - 1))
    if case == "map":
        return len(v) == FRESH_SERIES and all(v["series-%02d" % k][0] == k for k in range(FRESH_SERIES))
    return False


def memoizer(tool, directory):
    """The tool's memoizing decorator on directory, and what to close afterwards."""
    if tool == "joblib":
        import joblib
        memory = joblib.Memory(location=directory, verbose=0)
        return memory.cache, None
    if tool == "diskcache":
        import diskcache
        # Default size_limit is 1 GiB, which would evict the big-array results being measured.
        cache = diskcache.Cache(directory, size_limit=1 << 42)
        return cache.memoize(), cache
    raise SystemExit("unknown tool: " + tool)


def versions(tool):
    import numpy
    if tool == "joblib":
        import joblib
        out("INFO joblib=%s numpy=%s python=%s" % (joblib.__version__, numpy.__version__,
                                                   sys.version.split()[0]))
    else:
        import diskcache
        out("INFO diskcache=%s numpy=%s python=%s" % (diskcache.__version__, numpy.__version__,
                                                      sys.version.split()[0]))


# ---- commands ----

def cmd_populate(tool, directory, nkeys):
    deco, closer = memoizer(tool, directory)
    f = deco(small)
    for n in range(int(nkeys)):
        f(n, SEED)
    out("INFO populated=%d computed=%d" % (int(nkeys), COMPUTED[0]))
    if closer is not None:
        closer.close()


def cmd_memory_hit(tool, directory, batches, per_batch, nkeys):
    """Hits in a warm process (these tools have no memory tier: every hit reads the disk)."""
    versions(tool)
    batches, per_batch, nkeys = int(batches), int(per_batch), int(nkeys)
    deco, closer = memoizer(tool, directory)
    f = deco(small)
    for n in range(nkeys):
        f(n, SEED)
    before = COMPUTED[0]
    for n in range(min(nkeys, per_batch)):  # warm-up
        f(n, SEED)
    result = []
    i = 0
    wrong = 0
    for _ in range(batches):
        t0 = time.perf_counter_ns()
        for _ in range(per_batch):
            v = f(i % nkeys, SEED)
            i += 1
        result.append((time.perf_counter_ns() - t0) / per_batch)
        if not check_small(v, (i - 1) % nkeys, SEED):
            wrong += 1
    samples("hit", "ns/op", result)
    out("INFO recomputed=%d wrong=%d" % (COMPUTED[0] - before, wrong))
    if closer is not None:
        closer.close()


def cmd_fresh_hit(tool, directory, nkeys, first_key, warm_ops):
    """One process's life: import, open, the first hit, then more hits of distinct keys."""
    nkeys, first_key, warm_ops = int(nkeys), int(first_key), int(warm_ops)
    t0 = time.perf_counter()
    deco, closer = memoizer(tool, directory)
    f = deco(small)
    t1 = time.perf_counter()
    v = f(first_key, SEED)
    t2 = time.perf_counter()
    ok = check_small(v, first_key, SEED)
    keys = [(first_key + 1 + j) % nkeys for j in range(warm_ops)]
    t3 = time.perf_counter_ns()
    for k in keys:
        v = f(k, SEED)
        ok = ok and check_small(v, k, SEED)
    t4 = time.perf_counter_ns()
    samples("import+open", "ms", [(t1 - T_START) * 1e3])
    samples("first-hit", "ms", [(t2 - t1) * 1e3])
    samples("warm-disk-hit", "us/op", [(t4 - t3) / 1e3 / max(1, warm_ops)])
    out("INFO computed=%d wrong=%d" % (COMPUTED[0], 0 if ok else 1))
    if closer is not None:
        closer.close()


def cmd_miss_store(tool, directory, batches, per_batch):
    versions(tool)
    batches, per_batch = int(batches), int(per_batch)
    deco, closer = memoizer(tool, directory)
    f = deco(small)
    n = 0
    for _ in range(per_batch):  # warm-up, distinct keys
        f(n, SEED + 1)
        n += 1
    result = []
    for _ in range(batches):
        t0 = time.perf_counter_ns()
        for _ in range(per_batch):
            f(n, SEED + 1)
            n += 1
        result.append((time.perf_counter_ns() - t0) / 1e3 / per_batch)
    samples("miss+store", "us/op", result)
    out("INFO computed=%d expected=%d" % (COMPUTED[0], n))
    if closer is not None:
        closer.close()


def cmd_hash(tool, size_bytes, repeats):
    """joblib.hash of a big float64 array, and numpy's copy of it as the bandwidth reference."""
    import numpy as np
    import joblib
    versions("joblib")
    n = int(size_bytes) // 8
    a = np.arange(n, dtype=np.float64)
    dst = a.copy()  # touches every page of dst: the timed copies measure bandwidth, not page faults
    copy, hashed = [], []
    for _ in range(int(repeats)):
        t0 = time.perf_counter()
        np.copyto(dst, a)
        t1 = time.perf_counter()
        joblib.hash(a)
        t2 = time.perf_counter()
        copy.append(a.nbytes / (t1 - t0) / 1e9)
        hashed.append(a.nbytes / (t2 - t1) / 1e9)
    samples("numpy-copy", "GB/s", copy)
    samples("joblib.hash", "GB/s", hashed)


def cmd_bigio(tool, directory, sizes, repeats, tag):
    """Store (a miss whose computation returns a prepared array) and load (a hit) per size."""
    import numpy as np
    versions(tool)
    sizes = [int(s) for s in sizes.split(",")]
    repeats = [int(r) for r in repeats.split(",")]
    for size, reps in zip(sizes, repeats):
        try:
            bigio_size(tool, directory, size, reps, tag)
        except (MemoryError, OSError, ValueError) as e:
            out("FAIL store@%d %s: %s" % (size, type(e).__name__, str(e).replace("\n", " ")))
        BIG[0] = None


def bigio_size(tool, directory, size, reps, tag):
    """One size of cmd_bigio: reps stores and loads."""
    import numpy as np
    BIG[0] = np.arange(size // 8, dtype=np.float64)
    store, load = [], []
    wrong = 0
    for r in range(reps):
        key = "%s-%d-%d" % (tag, size, r)
        deco, closer = memoizer(tool, directory)
        f = deco(big)
        before = COMPUTED[0]
        t0 = time.perf_counter()
        f(size, key)
        t1 = time.perf_counter()
        if COMPUTED[0] != before + 1:
            wrong += 1
        if closer is not None:
            closer.close()
        deco, closer = memoizer(tool, directory)  # a new handle: nothing held in memory
        f = deco(big)
        t2 = time.perf_counter()
        v = f(size, key)
        t3 = time.perf_counter()
        if COMPUTED[0] != before + 1 or len(v) != size // 8 or v[-1] != size // 8 - 1:
            wrong += 1
        if closer is not None:
            closer.close()
        del v
        store.append((t1 - t0) * 1e3)
        load.append((t3 - t2) * 1e3)
    samples("store@%d" % size, "ms", store)
    samples("load@%d" % size, "ms", load)
    out("INFO wrong@%d=%d" % (size, wrong))


def cmd_sweep_worker(tool, directory, markers, nkeys, ready, barrier):
    """One of N processes walking the same K keys of 200 ms work, released together."""
    SWEEP["markers"] = markers
    deco, closer = memoizer(tool, directory)
    f = deco(sweep)
    open(ready, "w").close()
    while not os.path.exists(barrier):
        time.sleep(0.005)
    wrong = 0
    for k in range(int(nkeys)):
        if not check_small(f(k), k, SEED):
            wrong += 1
    out("INFO wrong=%d computed=%d" % (wrong, COMPUTED[0]))
    if closer is not None:
        closer.close()


def cmd_second_run(tool, mode, case, directory, big_bytes):
    """The first call of a fresh process, served from directory (mode hit) or stored (prepare)."""
    big_bytes = int(big_bytes)
    deco, closer = memoizer(tool, directory)
    t1 = time.perf_counter()
    v = deco(fresh_value)(case, big_bytes)
    t2 = time.perf_counter()
    if mode == "hit":
        samples("first-call", "ms", [(t2 - T_START) * 1e3])
        samples("open", "ms", [(t1 - T_START) * 1e3])
        samples("first-get", "ms", [(t2 - t1) * 1e3])
    out("INFO computed=%d wrong=%d" % (COMPUTED[0], 0 if fresh_check(case, big_bytes, v) else 1))
    if closer is not None:
        closer.close()


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    cmd, args = argv[1], argv[2:]
    try:
        import numpy  # noqa: F401
        if args and args[0] in ("joblib", "diskcache"):
            __import__(args[0])
    except ImportError as e:
        out("SKIP python module missing: %s (apt-get install python3-joblib python3-diskcache "
            "python3-numpy)" % e.name)
        return
    commands = {
        "populate": cmd_populate,
        "memory-hit": cmd_memory_hit,
        "fresh-hit": cmd_fresh_hit,
        "miss-store": cmd_miss_store,
        "hash": cmd_hash,
        "bigio": cmd_bigio,
        "sweep-worker": cmd_sweep_worker,
        "second-run": cmd_second_run,
    }
    if cmd not in commands:
        raise SystemExit("unknown command %s; one of %s" % (cmd, ", ".join(commands)))
    commands[cmd](*args)


if __name__ == "__main__":
    main(sys.argv)
