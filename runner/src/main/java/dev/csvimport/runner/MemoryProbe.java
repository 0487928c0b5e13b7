package dev.csvimport.runner;

import dev.csvimport.engine.ImportOptions;
import dev.csvimport.engine.ImportReader;
import dev.csvimport.engine.ImportSummary;
import dev.csvimport.engine.chunk.ChunkLimits;
import java.io.BufferedInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Instant;

/**
 * Streams a generated file of the given size through the trigger's two passes (check, then read and
 * chunk) and prints the peak heap: run by {@code csvimport bench} in a JVM with a small -Xmx.
 */
public final class MemoryProbe {

  private MemoryProbe() {}

  public static void main(String[] args) throws Exception {
    long bytes = Long.parseLong(args[0]);
    long rows = bytes / SyntheticCsv.bytesPerRow(SyntheticCsv.Kind.USERS);
    ImportReader reader = new ImportReader(ChunkLimits.DEFAULT);
    ImportOptions options =
        new ImportOptions("setUserAttributes", Instant.parse("2026-11-23T00:00:00Z"));
    long start = System.nanoTime();
    long[] read = new long[1];
    reader.check(
        new BufferedInputStream(
            counting(new SyntheticCsv(SyntheticCsv.Kind.USERS, rows, 1), read), 1 << 16),
        options);
    long[] chunkBytes = new long[1];
    ImportSummary summary =
        reader.read(
            new BufferedInputStream(new SyntheticCsv(SyntheticCsv.Kind.USERS, rows, 1), 1 << 16),
            options,
            chunk -> chunkBytes[0] += chunk.payload().length);
    double seconds = (System.nanoTime() - start) / 1e9;
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf(
        "file=%d rows=%d chunks=%d seconds=%.1f peakHeapMiB=%.1f maxHeapMiB=%.1f%n",
        read[0],
        summary.rows(),
        summary.chunks(),
        seconds,
        peak / 1048576.0,
        Runtime.getRuntime().maxMemory() / 1048576.0);
  }

  private static java.io.InputStream counting(java.io.InputStream in, long[] count) {
    return new java.io.FilterInputStream(in) {
      @Override
      public int read(byte[] b, int off, int len) throws java.io.IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          count[0] += n;
        }
        return n;
      }
    };
  }
}
