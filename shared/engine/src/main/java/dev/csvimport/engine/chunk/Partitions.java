package dev.csvimport.engine.chunk;

/**
 * Which ordered stream a row travels in: every row about one user lands in the same partition, so
 * the rows of a user keep their file order. The hash is fixed by the Java language, so a file
 * always partitions the same way.
 */
public final class Partitions {

  private Partitions() {}

  /**
   * The partition, from 0 to {@code count - 1}, of rows about {@code userId} (null: a row without a
   * user).
   */
  public static int of(String userId, int count) {
    int h = (userId == null ? "" : userId).hashCode();
    // MurmurHash3's finalizer spreads ids that differ only in their last characters.
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return Math.floorMod(h, count);
  }
}
