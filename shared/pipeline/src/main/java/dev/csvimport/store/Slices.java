package dev.csvimport.store;

import dev.csvimport.ports.StoreException;
import java.util.function.Predicate;

/**
 * Rows applied in slices, one transaction each, where the store may refuse a slice as invalid (a
 * row it will not take, which the size estimates missed): the slice is halved until the refused row
 * stands alone, that row is handed back as refused, to be recorded as failed, and the slices grow
 * back to full size.
 */
public final class Slices {

  /**
   * One transaction over at most {@code maxRows} rows; with {@code refusal}, it records the next
   * row as refused.
   */
  public interface Slice<T> {
    T apply(int maxRows, StoreException refusal) throws StoreException;
  }

  private Slices() {}

  /**
   * Runs slices of at most {@code rows} rows until one answers what {@code last} accepts, and
   * answers that.
   */
  public static <T> T run(int rows, Slice<T> slice, Predicate<T> last) throws StoreException {
    int maxRows = rows;
    while (true) {
      int size = maxRows;
      T answer;
      try {
        answer = slice.apply(size, null);
      } catch (StoreException refused) {
        if (!refused.refusedAsInvalid()) {
          throw refused;
        }
        if (size > 1) {
          maxRows = (size + 1) / 2;
          continue;
        }
        answer = slice.apply(1, refused);
        maxRows = rows;
      }
      if (last.test(answer)) {
        return answer;
      }
    }
  }
}
