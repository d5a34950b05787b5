package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.CacheKey;
import org.memocache.Memo;
import org.memocache.MemoRuntime;
import org.memocache.disk.internal.EntryHeader;
import org.memocache.disk.internal.EntryReader;
import org.memocache.disk.woven.Fitter;
import org.memocache.disk.woven.Woven;
import org.memocache.partial.PartialResult;
import org.memocache.partial.Progress;
import org.memocache.testing.Child;

/**
 * Progressive computations: a run that dies resumes from what it recorded, damaged records are never
 * used, another process reads the finished chunks while the writer runs, and a completed
 * computation is an ordinary entry with its progress deleted.
 */
class ProgressiveTest {
  private Path dir;
  private Path markers;
  private Memo memo;

  @BeforeEach
  void open(TestInfo info) throws Exception {
    dir = TestDirs.forTest(info);
    markers = dir.resolveSibling(dir.getFileName() + "-markers");
    TestDirs.deleteRecursively(markers);
    Files.createDirectories(markers);
    memo = Memo.builder().directory(dir).build();
  }

  @AfterEach
  void close() {
    memo.close();
  }

  private Path partialDir() {
    CacheKey key = memo.method("sweep").keyOf(ProgressiveChild.CHUNKS, 7L).orElseThrow();
    return dir.resolve("partial").resolve(key.hex());
  }

  /** Runs "sweep" in this process, recording chunk i and a checkpoint after it, failing after chunk {@code failAfter}. */
  private double[] sweep(int failAfter, boolean checkpoints, AtomicInteger computed) {
    return memo.progressive("sweep", (Progress<Integer, double[]> p) -> {
      for (int i = p.chunkCount(); i < ProgressiveChild.CHUNKS; i++) {
        computed.incrementAndGet();
        if (checkpoints) {
          p.append(ProgressiveChild.chunk(i), i + 1);
        } else {
          p.append(ProgressiveChild.chunk(i));
        }
        if (i == failAfter) {
          throw new IllegalStateException("died after chunk " + i);
        }
      }
      double[] all = new double[ProgressiveChild.CHUNKS * 3];
      for (int i = 0; i < ProgressiveChild.CHUNKS; i++) {
        System.arraycopy(p.chunk(i), 0, all, 3 * i, 3);
      }
      return all;
    }, ProgressiveChild.CHUNKS, 7L);
  }

  @Test
  void failedRun_resumesFromItsLastCheckpoint_andCompletesAsAnOrdinaryEntry() {
    AtomicInteger computed = new AtomicInteger();
    assertThrows(IllegalStateException.class, () -> sweep(3, true, computed));
    assertEquals(4, computed.get());
    PartialResult<Integer, double[]> partial = memo.method("sweep").<Integer, double[]>partial(ProgressiveChild.CHUNKS, 7L)
        .orElseThrow();
    assertEquals(4, partial.chunkCount());
    assertEquals(Optional.of(4), partial.state());
    assertFalse(partial.running());
    assertArrayEquals(ProgressiveChild.chunk(2), partial.chunk(2));
    assertTrue(partial.chunkInfo(2).sizeBytes() > 0);
    assertEquals("chunk 2 of 10, 7", partial.chunkInfo(2).argsSummary());
    assertTrue(memo.method("sweep").lookup(ProgressiveChild.CHUNKS, 7L).isEmpty(), "no result yet");

    computed.set(0);
    assertArrayEquals(ProgressiveChild.expected(), sweep(-1, true, computed));
    assertEquals(6, computed.get(), "only chunks 4..9 computed");
    assertTrue(memo.method("sweep").partial(ProgressiveChild.CHUNKS, 7L).isEmpty());
    assertFalse(Files.exists(partialDir()), "progress deleted once the result is stored");
    assertArrayEquals(ProgressiveChild.expected(),
        memo.method("sweep").<double[]>lookup(ProgressiveChild.CHUNKS, 7L).orElseThrow().value());
    computed.set(0);
    sweep(-1, true, computed);
    assertEquals(0, computed.get(), "a hit");
  }

  @Test
  void chunksAppendedAfterTheLastCheckpoint_areDroppedOnResume() {
    AtomicInteger computed = new AtomicInteger();
    assertThrows(IllegalStateException.class, () -> memo.progressive("sweep", (Progress<Integer, double[]> p) -> {
      p.append(ProgressiveChild.chunk(0), 1);
      p.append(ProgressiveChild.chunk(1), 2);
      p.append(ProgressiveChild.chunk(2)); // no checkpoint covers these two
      p.append(ProgressiveChild.chunk(3));
      throw new IllegalStateException("died");
    }, ProgressiveChild.CHUNKS, 7L));
    assertEquals(4, memo.method("sweep").partial(ProgressiveChild.CHUNKS, 7L).orElseThrow().chunkCount(),
        "readers see every finished chunk");
    memo.progressive("sweep", (Progress<Integer, double[]> p) -> {
      assertTrue(p.resumed());
      assertEquals(2, p.chunkCount());
      assertEquals(Optional.of(2), p.state());
      assertEquals(List.of("chunk-00000000.part", "chunk-00000001.part", "checkpoint-00000002.part", "PARTIAL"),
          files(partialDir()));
      return "done";
    }, ProgressiveChild.CHUNKS, 7L);
    assertEquals(0, computed.get());
  }

  private static List<String> files(Path d) {
    try (var s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted((a, b) -> {
        int ka = a.startsWith("chunk") ? 0 : a.startsWith("checkpoint") ? 1 : 2;
        int kb = b.startsWith("chunk") ? 0 : b.startsWith("checkpoint") ? 1 : 2;
        return ka != kb ? Integer.compare(ka, kb) : a.compareTo(b);
      }).toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void flipPayloadByte(Path file) throws Exception {
    EntryHeader h = EntryReader.readHeader(file);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long at = h.payloadOffset() + h.payloadLength() - 1;
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 1);
    }
  }

  @Test
  void damagedChunk_isNeverUsed_theResumeStartsBeforeIt() throws Exception {
    AtomicInteger computed = new AtomicInteger();
    assertThrows(IllegalStateException.class, () -> sweep(5, false, computed));
    flipPayloadByte(partialDir().resolve("chunk-00000002.part"));
    computed.set(0);
    assertArrayEquals(ProgressiveChild.expected(), sweep(-1, false, computed));
    assertEquals(8, computed.get(), "chunks 2..9: the damaged chunk and everything after it");
  }

  @Test
  void damagedCheckpoint_isNeverUsed_theComputationStartsOver() throws Exception {
    AtomicInteger computed = new AtomicInteger();
    assertThrows(IllegalStateException.class, () -> sweep(4, true, computed));
    flipPayloadByte(partialDir().resolve("checkpoint-00000005.part"));
    computed.set(0);
    assertArrayEquals(ProgressiveChild.expected(), sweep(-1, true, computed));
    assertEquals(10, computed.get());
  }

  /** The child computes 10 chunks of 400 ms and is killed after a few; this process resumes it. */
  @Test
  void killedWriter_nextCallResumes_computingOnlyTheRemainder() throws Exception {
    Path logs = dir.resolveSibling(dir.getFileName() + "-logs");
    long childPid;
    try (Child writer = Child.start(ChildMain.class, logs.resolve("writer.log"), "progressive", dir.toString(), markers.toString(),
        "400")) {
      childPid = writer.pid();
      writer.await("chunk 3", 60_000);
      writer.kill();
    }
    PartialResult<Integer, double[]> left = memo.method("sweep").<Integer, double[]>partial(ProgressiveChild.CHUNKS, 7L)
        .orElseThrow();
    int done = left.chunkCount();
    assertTrue(done >= 4 && done < ProgressiveChild.CHUNKS, "chunks recorded before the kill: " + done);
    assertFalse(left.running(), "the dead writer's lock is free");
    assertEquals(IntStream.range(0, ProgressiveChild.CHUNKS).boxed().toList().subList(0, done),
        ProgressiveChild.computed(markers, childPid).subList(0, done));

    assertArrayEquals(ProgressiveChild.expected(), ProgressiveChild.sweep(memo, markers, 1, null));
    assertEquals(IntStream.range(done, ProgressiveChild.CHUNKS).boxed().toList(),
        ProgressiveChild.computed(markers, ProcessHandle.current().pid()), "this process computed only the rest");
    assertFalse(Files.exists(partialDir()));
  }

  /** While the child writes, this process (another one) reads its finished chunks. */
  @Tag("slow") // two child JVMs (3 s); killedWriter_nextCallResumes crosses processes in the fast run
  @Test
  void anotherProcess_readsFinishedChunks_whileTheWriterRuns() throws Exception {
    Path logs = dir.resolveSibling(dir.getFileName() + "-logs");
    try (Child writer = Child.start(ChildMain.class, logs.resolve("writer.log"), "progressive", dir.toString(), markers.toString(),
        "300")) {
      writer.await("chunk 2", 60_000);
      PartialResult<Integer, double[]> seen = memo.method("sweep").<Integer, double[]>partial(ProgressiveChild.CHUNKS, 7L)
          .orElseThrow();
      assertTrue(seen.running(), "the writer holds the key's lock");
      assertTrue(seen.chunkCount() >= 3 && seen.chunkCount() < ProgressiveChild.CHUNKS, seen::toString);
      for (int i = 0; i < seen.chunkCount(); i++) {
        assertArrayEquals(ProgressiveChild.chunk(i), seen.chunks().get(i), "chunk " + i);
      }
      assertTrue(memo.method("sweep").lookup(ProgressiveChild.CHUNKS, 7L).isEmpty());
      assertTrue(writer.await("done ", 60_000).startsWith("done "));
      assertEquals(0, writer.waitFor(60_000));
    }
    assertTrue(memo.method("sweep").partial(ProgressiveChild.CHUNKS, 7L).isEmpty(), "completed: progress deleted");
    assertArrayEquals(ProgressiveChild.expected(),
        memo.method("sweep").<double[]>lookup(ProgressiveChild.CHUNKS, 7L).orElseThrow().value());
  }

  @Test
  void wovenMethod_withAnInjectedProgress_resumes() {
    MemoRuntime.install(memo);
    int before = Fitter.FITS.get();
    Fitter.failAfterChunk = 2;
    try {
      assertThrows(IllegalStateException.class, () -> Woven.sweep(6, Progress.injected()));
    } finally {
      Fitter.failAfterChunk = -1;
    }
    assertEquals(before + 3, Fitter.FITS.get());
    double[] r = Woven.sweep(6, Progress.injected());
    assertEquals(before + 6, Fitter.FITS.get(), "chunks 3..5 only");
    assertArrayEquals(new double[] {0, 0, 1, 1, 2, 4, 3, 9, 4, 16, 5, 25}, r);
    assertArrayEquals(r, Woven.sweep(6, Progress.injected()), "a hit, whatever Progress is passed");
    assertEquals(before + 6, Fitter.FITS.get());
    assertArrayEquals(r, memo.method(Fitter.class, "sweep", int.class, Progress.class)
        .<double[]>lookup(6, null).orElseThrow().value());
  }

  /** A process that never ran the woven method finds its progress: the identity comes from the progress. */
  @Test
  void progressOfAWovenMethod_isReadByAProcessThatNeverCalledIt() throws Exception {
    MemoRuntime.install(memo);
    Fitter.failAfterChunk = 3;
    try {
      assertThrows(IllegalStateException.class, () -> Woven.sweep(8, Progress.injected()));
    } finally {
      Fitter.failAfterChunk = -1;
    }
    Path logs = dir.resolveSibling(dir.getFileName() + "-logs");
    try (Child reader = Child.start(ChildMain.class, logs.resolve("reader.log"), "woven-partial", dir.toString(), "8")) {
      assertEquals("identity " + Long.toHexString(Woven.FINGERPRINT), reader.await("identity ", 60_000));
      assertEquals("chunks 4 [3.0, 9.0]", reader.await("chunks ", 60_000));
      assertEquals(0, reader.waitFor(60_000));
    }
  }

  @Test
  void unwovenInjectedProgress_andMemoryOnlyMemo_keepProgressInMemory() {
    Progress<Integer, double[]> p = Progress.injected();
    assertArrayEquals(new double[] {0, 0, 1, 1}, Fitter.sweep(2, p), "a plain call: nothing bound");
    assertEquals(2, p.chunkCount());
    try (Memo m = Memo.builder().memoryOnly().build()) {
      double[] r = m.progressive("s", (Progress<Integer, double[]> q) -> {
        q.append(new double[] {1}, 1);
        return q.chunk(0);
      }, 1);
      assertArrayEquals(new double[] {1}, r);
      assertTrue(m.method("s").partial(1).isEmpty());
    }
  }
}
