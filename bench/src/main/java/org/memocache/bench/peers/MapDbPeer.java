package org.memocache.bench.peers;

import java.nio.file.Path;
import java.util.function.Supplier;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;

/**
 * MapDB 3 file DB, memory-mapped, without transactions (its fastest mode, and the one comparable to
 * MemoCache's non-durable default; unlike MemoCache it is not crash-safe without them). One process
 * per file: MapDB locks it.
 */
public final class MapDbPeer implements DiskPeer {
  private final DB db;
  private final HTreeMap<String, double[]> map;

  private MapDbPeer(DB db) {
    this.db = db;
    this.map = db.hashMap("bench", Serializer.STRING, Serializer.DOUBLE_ARRAY).createOrOpen();
  }

  /** Opens (or creates) {@code dir/mapdb.db}. */
  public static MapDbPeer open(Path dir) {
    DB db = DBMaker.fileDB(dir.resolve("mapdb.db").toFile())
        .fileMmapEnableIfSupported()
        .fileMmapPreclearDisable()
        .make();
    return new MapDbPeer(db);
  }

  @Override
  public Object getOrCompute(long a, long b, Supplier<double[]> compute) {
    String key = a + "/" + b;
    double[] v = map.get(key);
    if (v == null) {
      v = compute.get();
      map.put(key, v);
    }
    return v;
  }

  @Override
  public void close() {
    db.close();
  }
}
