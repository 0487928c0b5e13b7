package dev.csvimport.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.api.gax.grpc.GrpcStatusCode;
import com.google.api.gax.rpc.InvalidArgumentException;
import dev.csvimport.ports.StoreException;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A slice the store refuses is halved until the refused row stands alone; it fails alone and the
 * rest applies.
 */
class SlicesTest {

  private static StoreException refusal() {
    return new StoreException(
        "too big",
        new InvalidArgumentException(
            new IllegalArgumentException("too big"),
            GrpcStatusCode.of(Status.Code.INVALID_ARGUMENT),
            false));
  }

  @Test
  void aRefusedRowIsFoundByHalvingAndTheRestApplies() throws Exception {
    int rows = 10;
    int refusedRow = 6;
    List<String> log = new ArrayList<>();
    int[] next = {0};
    int end =
        Slices.run(
            rows,
            (maxRows, refused) -> {
              int to = Math.min(rows, next[0] + maxRows);
              if (refused != null) {
                log.add("failed " + next[0]);
                return ++next[0];
              }
              if (next[0] <= refusedRow && refusedRow < to) {
                log.add("refused " + next[0] + "-" + (to - 1));
                throw refusal();
              }
              log.add("applied " + next[0] + "-" + (to - 1));
              next[0] = to;
              return to;
            },
            at -> at == rows);
    assertEquals(rows, end);
    assertEquals(
        List.of(
            "refused 0-9",
            "applied 0-4",
            "refused 5-9",
            "refused 5-7",
            "refused 5-6",
            "applied 5-5",
            "refused 6-6",
            "failed 6",
            "applied 7-9"),
        log,
        "halved slices stay small until the refused row fails alone");
  }

  @Test
  void otherFailuresArePassedOn() {
    StoreException down = new StoreException("unavailable", new IllegalStateException("down"));
    assertSame(
        down,
        assertThrows(
            StoreException.class,
            () ->
                Slices.run(
                    5,
                    (maxRows, refused) -> {
                      throw down;
                    },
                    done -> true)));
  }
}
