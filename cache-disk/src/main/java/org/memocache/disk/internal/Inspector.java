package org.memocache.disk.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.memocache.EntryInfo;
import org.memocache.MethodId;
import org.memocache.disk.EntryDetails;
import org.memocache.disk.PartialInfo;
import org.memocache.disk.Prune;
import org.memocache.disk.PruneReport;
import org.memocache.disk.VerifyListener;
import org.memocache.disk.VerifyReport;
import org.memocache.internal.codec.RawArrayCodec;

/**
 * The walks behind {@code org.memocache.disk.CacheDirectory}: finding entries by key prefix,
 * verifying every checksum, listing and deleting recorded progress, pruning.
 */
public final class Inspector {
  private final DiskStore store;
  private final Layout layout;
  private final Maintainer maintainer;
  private final Sweeper sweeper;
  private final PartialStore partials;
  private final Faults faults;
  private final Clock clock;

  Inspector(DiskStore store, Layout layout, Maintainer maintainer, Sweeper sweeper, PartialStore partials,
      Faults faults, Clock clock) {
    this.store = store;
    this.layout = layout;
    this.maintainer = maintainer;
    this.sweeper = sweeper;
    this.partials = partials;
    this.faults = faults;
    this.clock = clock;
  }

  // ---- finding entries ----

  /** Entries whose key starts with {@code prefix} (lower-case hex, at least one digit). */
  public List<EntryDetails> find(String prefix) throws IOException {
    List<EntryDetails> out = new ArrayList<>();
    if (!Scanner.directory(layout.entries)) {
      return out;
    }
    try (DirectoryStream<Path> methods = Files.newDirectoryStream(layout.entries)) {
      for (Path m : methods) {
        if (!Scanner.directory(m)) {
          continue;
        }
        List<Path> kks = new ArrayList<>();
        if (prefix.length() >= 2) {
          kks.add(m.resolve(prefix.substring(0, 2)));
        } else {
          try (DirectoryStream<Path> s = Files.newDirectoryStream(m, prefix + "*")) {
            s.forEach(kks::add);
          }
        }
        for (Path kk : kks) {
          if (!Scanner.directory(kk)) {
            continue;
          }
          try (DirectoryStream<Path> files = Files.newDirectoryStream(kk, prefix + "*" + Layout.ENTRY_SUFFIX)) {
            for (Path f : files) {
              details(f).ifPresent(out::add);
            }
          } catch (NoSuchFileException e) {
            // removed meanwhile
          }
        }
      }
    }
    return out;
  }

  /** The entry named {@code keyHex} (32 lower-case hex digits). */
  public Optional<EntryDetails> details(String keyHex) {
    return store.findFile(keyHex).flatMap(this::details);
  }

  /** The header of {@code file}, with hits and last access from the index when it can be read now. */
  private Optional<EntryDetails> details(Path file) {
    EntryHeader h;
    long size;
    try {
      size = SafeFiles.regularFile(file).size();
      h = EntryReader.readHeader(file);
    } catch (IOException e) {
      return Optional.empty();
    }
    ByteKey k = new ByteKey(IndexRecord.key(h.methodHash(), h.keyHi(), h.keyLo()));
    IndexRecord r = null;
    try {
      r = maintainer.lookup(List.of(k)).map(m -> m.get(k)).orElse(null);
    } catch (IOException | RuntimeException e) {
      faults.other("index", "reading the index for an entry", e);
    }
    EntryInfo base = store.info(h, size, r == null ? h.createdMillis() : r.lastAccessMillis());
    EntryInfo info = r == null ? base : new EntryInfo(base.method(), base.key(), base.argsSummary(), base.sizeBytes(),
        base.created(), base.computeTime(), r.hits(), base.lastAccess(), base.codec(), base.tier());
    return Optional.of(new EntryDetails(info, h.method(), file, h.valueType(), h.codecVersion(), h.formatVersion(),
        h.payloadLength(), h.blockSize(), h.blockCount()));
  }

  // ---- verify ----

  /** Every entry file and progress file, with its size: what {@link #verify} walks. */
  private List<Path> allFiles(long[] bytes) throws IOException {
    List<Path> files = new ArrayList<>();
    Scanner.scanFiles(layout, f -> {
      files.add(f);
      bytes[0] += sizeOrZero(f);
    });
    for (PartialDir p : sweeper.partialDirs()) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(p.dir(), "*" + PartialStore.SUFFIX)) {
        for (Path f : s) {
          if (Scanner.regularFile(f)) {
            files.add(f);
            bytes[0] += sizeOrZero(f);
          }
        }
      } catch (NoSuchFileException e) {
        // completed meanwhile
      }
    }
    return files;
  }

  private static long sizeOrZero(Path f) {
    try {
      return SafeFiles.regularFile(f).size();
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * Reads every entry and progress file through and checks every checksum, its length, and that
   * its header matches its name. With {@code deleteDamaged}, damaged files are deleted (after making
   * sure a writer has not just replaced them).
   */
  public VerifyReport verify(boolean deleteDamaged, VerifyListener listener) throws IOException {
    long t0 = System.nanoTime();
    long[] total = {0};
    List<Path> files = allFiles(total);
    listener.started(files.size(), total[0]);
    List<VerifyReport.Damage> damaged = new ArrayList<>();
    long filesDone = 0;
    long[] bytesDone = {0};
    long bytes = 0;
    for (Path f : files) {
      long before = bytesDone[0];
      long done = filesDone;
      String problem = null;
      EntryHeader seen = null;
      try (EntryReader r = EntryReader.openAnyFormat(f)) {
        seen = r.header();
        problem = nameProblem(f, seen);
        if (problem == null) {
          problem = verifyPayload(r, n -> {
            bytesDone[0] += n;
            listener.progress(done, bytesDone[0]);
          });
        }
        bytes += r.size();
      } catch (NoSuchFileException | ForeignFileException e) {
        continue; // evicted or completed meanwhile; or replaced by something not ours (warned)
      } catch (CorruptEntryException e) {
        problem = e.getMessage();
      } catch (ForeignEntryException e) {
        // Another MemoCache version's entry: not verifiable here, and not damage (never deleted).
        problem = "unreadable by this version: it " + e.getMessage();
      } catch (IOException e) {
        problem = "unreadable: " + e;
      }
      if (problem != null) {
        boolean deleted = deleteDamaged && !(problem.startsWith("unreadable")) && deleteIfUnchanged(f, seen);
        String name = f.getFileName().toString();
        String key = name.endsWith(Layout.ENTRY_SUFFIX) && name.length() == 32 + Layout.ENTRY_SUFFIX.length()
            ? name.substring(0, 32) : f.getParent().getFileName().toString().length() == 32
            ? f.getParent().getFileName().toString() : "";
        VerifyReport.Damage d = new VerifyReport.Damage(f, key, seen == null ? "" : seen.methodName(), problem, deleted);
        damaged.add(d);
        listener.damaged(d);
        bytesDone[0] = before + sizeOrZero(f);
      }
      filesDone++;
      listener.progress(filesDone, bytesDone[0]);
    }
    return new VerifyReport(filesDone, bytes, damaged, Duration.ofNanos(System.nanoTime() - t0));
  }

  /**
   * Verifies every checksum of an open entry and, for a stored primitive array, that its layout and
   * row table agree with the bytes present (a crafted table with valid checksums is caught here,
   * before a read would try to allocate what it claims).
   *
   * @return what is wrong with the array, or {@code null}
   * @throws CorruptEntryException when a checksum fails
   */
  private static @Nullable String verifyPayload(EntryReader r, java.util.function.LongConsumer progress)
      throws IOException {
    EntryHeader h = r.header();
    if (!h.codecId().equals(RawArrayCodec.ID) || h.codecVersion() != RawArrayCodec.VERSION) {
      r.verifyAll(progress);
      return null;
    }
    RawArrayCodec.StreamDecoder checker = RawArrayCodec.StreamDecoder.checker(h.payloadLength());
    IOException[] inconsistent = {null};
    r.stream(chunk -> {
      progress.accept(chunk.remaining());
      if (inconsistent[0] == null) {
        try {
          checker.accept(chunk);
        } catch (IOException e) {
          inconsistent[0] = e;
        }
      }
    });
    try {
      if (inconsistent[0] == null) {
        checker.result();
      }
    } catch (IOException e) {
      inconsistent[0] = e;
    }
    return inconsistent[0] == null ? null : "the stored array is inconsistent: " + inconsistent[0].getMessage();
  }

  /** Whether the header agrees with where the file is: the key in its name, the method's directory. */
  private static @Nullable String nameProblem(Path f, EntryHeader h) {
    String name = f.getFileName().toString();
    if (name.endsWith(Layout.ENTRY_SUFFIX)) {
      if (!name.equals(h.keyHex() + Layout.ENTRY_SUFFIX)) {
        return "its header is for key " + h.keyHex();
      }
      String m = f.getParent().getParent().getFileName().toString();
      if (!m.equals(Hex.of(h.methodHash())) || h.methodHash() != h.method().id()) {
        return "its header is for method " + h.method() + ", not the one of directory " + m;
      }
    }
    return null;
  }

  /** Deletes a damaged file unless it was replaced since it was judged. */
  private boolean deleteIfUnchanged(Path f, @Nullable EntryHeader seen) {
    try {
      if (seen != null) {
        if (!EntryReader.readHeader(f).equals(seen)) {
          return false;
        }
      } else {
        try {
          EntryReader.openAnyFormat(f).close();
          return false; // it opens now: replaced
        } catch (CorruptEntryException stillBad) {
          // delete below
        }
      }
      return layout.safe.delete(f);
    } catch (CorruptEntryException e) {
      try {
        return layout.safe.delete(f);
      } catch (IOException ex) {
        return false;
      }
    } catch (IOException e) {
      return false;
    }
  }

  // ---- progress of progressive computations ----

  /** The recorded progress of every progressive computation. */
  public List<PartialInfo> partials() throws IOException {
    List<PartialInfo> out = new ArrayList<>();
    for (PartialDir p : sweeper.partialDirs()) {
      info(p).ifPresent(out::add);
    }
    return out;
  }

  private Optional<PartialInfo> info(PartialDir p) {
    PartialStore.Files2 files;
    long bytes = 0;
    try {
      files = PartialStore.list(p.dir());
      try (DirectoryStream<Path> s = Files.newDirectoryStream(p.dir())) {
        for (Path f : s) {
          bytes += sizeOrZero(f);
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    int chunks = 0;
    while (files.chunks().containsKey(chunks)) {
      chunks++;
    }
    int checkpoint = files.checkpoints().isEmpty() ? -1 : files.checkpoints().lastKey();
    Map<String, String> props = Layout.readProperties(p.dir().resolve(PartialStore.INFO));
    MethodId id = p.method();
    long started;
    try {
      started = Long.parseLong(props.getOrDefault("started", "0"));
    } catch (NumberFormatException e) {
      started = 0;
    }
    boolean running = partials.running(new org.memocache.CacheKey(MethodId.of("-", 0), p.hi(), p.lo()));
    return Optional.of(new PartialInfo(Hex.of(p.hi(), p.lo()), id == null ? "?" : id.name(),
        props.getOrDefault("args", ""), chunks, checkpoint, bytes, Instant.ofEpochMilli(started),
        Instant.ofEpochMilli(p.updatedMillis()), running, p.dir()));
  }

  /** Deletes the recorded progress under {@code keyHex} unless a process is running it. */
  public boolean deletePartial(String keyHex) throws IOException {
    for (PartialDir p : sweeper.partialDirs()) {
      if (p.dir().getFileName().toString().equals(keyHex)) {
        return sweeper.deletePartial(p);
      }
    }
    return false;
  }

  /** Deletes the recorded progress of every computation of {@code method} (all when null) not running. */
  public long clearPartials(@Nullable String method) throws IOException {
    long n = 0;
    for (PartialDir p : sweeper.partialDirs()) {
      if ((method == null || p.method() != null && p.method().name().equals(method))
          && sweeper.deletePartial(p)) {
        n++;
      }
    }
    return n;
  }

  // ---- prune ----

  /**
   * Applies {@code rules}; empty when another process kept the directory busy with maintenance for
   * a minute.
   */
  public Optional<PruneReport> prune(Prune rules) throws IOException {
    long t0 = System.nanoTime();
    long now = clock.millis();
    long createdBefore = rules.olderThan() == null ? Long.MIN_VALUE : now - rules.olderThan().toMillis();
    long usedBefore = rules.unusedFor() == null ? Long.MIN_VALUE : now - rules.unusedFor().toMillis();
    long partialsBefore = rules.partialsOlderThan() == null ? Long.MIN_VALUE
        : now - rules.partialsOlderThan().toMillis();
    List<PartialInfo> partialInfos = new ArrayList<>();
    if (rules.partialsOlderThan() != null) {
      for (PartialDir p : sweeper.partialDirs()) {
        if (p.updatedMillis() < partialsBefore) {
          info(p).ifPresent(partialInfos::add);
        }
      }
    }
    Optional<Pruner.PruneRun> run = maintainer.prune(createdBefore, usedBefore, rules.maxEntries(),
        rules.maxBytes(), partialsBefore, rules.dryRun(), Duration.ofMinutes(1));
    if (run.isEmpty()) {
      return Optional.empty();
    }
    List<EntryInfo> removed = new ArrayList<>();
    for (Pruner.Pruned p : run.get().removed()) {
      long[] k = IndexRecord.parts(p.key());
      IndexRecord r = p.record();
      removed.add(new EntryInfo(r.methodName(), Hex.of(k[1], k[2]), r.argsSummary(), r.size(),
          Instant.ofEpochMilli(r.createdMillis()), Duration.ofNanos(r.computeNanos()), r.hits(),
          Instant.ofEpochMilli(r.lastAccessMillis()), r.codecId(), "disk"));
    }
    List<String> removedDirs = new ArrayList<>();
    run.get().partials().forEach(p -> removedDirs.add(p.dir().getFileName().toString()));
    partialInfos.removeIf(i -> !removedDirs.contains(i.key()));
    return Optional.of(new PruneReport(rules.dryRun(), removed, run.get().remainingEntries(),
        run.get().remainingBytes(), partialInfos, Duration.ofNanos(System.nanoTime() - t0)));
  }
}
