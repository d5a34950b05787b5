package org.memocache.internal.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.memocache.MethodId;
import org.memocache.testing.ChildJvm;

/**
 * A 2 GiB {@code long[]} argument is hashed in a JVM whose heap could not hold a second copy, and
 * the hashing thread allocates only small buffers.
 */
@Tag("slow")
class BigArrayHashingTest {

  public static void main(String[] args) {
    long[] big = new long[1 << 28]; // 2 GiB
    for (int i = 0; i < big.length; i += 4096) {
      big[i] = i;
    }
    ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    MethodId m = MethodId.of("big", 0);
    // Warm up the thread-local buffers first, so the measured run shows the steady state.
    KeyHasher.acquire(m, KeyEncoders.NONE).argument(0, "small", new long[1 << 20]).finish(m);
    long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
    String hex = KeyHasher.acquire(m, KeyEncoders.NONE).argument(0, "big", big).finish(m).hex();
    long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
    System.out.println(hex + " " + allocated);
  }

  @Test
  void twoGiBArray_hashedWithoutACopy() throws Exception {
    ChildJvm.Result r = ChildJvm.run(List.of("-Xmx2400m"), BigArrayHashingTest.class);
    assertEquals(0, r.exitCode(), r.stderr());
    String[] parts = r.stdout().split(" ");
    assertEquals(32, parts[0].length(), r.stdout());
    long allocated = Long.parseLong(parts[1]);
    // 256 MiB of the heap would not even fit a copy; the chunk-hash list is 2048 * 16 bytes.
    assertTrue(allocated < 8 << 20, "hashing allocated " + allocated + " bytes");
  }
}
