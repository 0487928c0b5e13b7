package dev.csvimport.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.csvimport.engine.chunk.ChunkCodec;
import dev.csvimport.engine.chunk.ChunkLimits;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.read.FileFailure;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rows the engine would accept but the store would refuse fail alone in the engine, with a message
 * a person can act on, so they never block the chunk that carries them: reserved names, times
 * outside the years 1 to 9999, huge ids.
 */
class StoreLimitsTest {

  private static final Instant IMPORT_TIME = Instant.ofEpochSecond(1_700_001_000);

  private static List<RowResult> rows(String csv, String action) throws Exception {
    List<RowResult> rows = new ArrayList<>();
    new ImportReader(ChunkLimits.DEFAULT)
        .read(
            new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
            new ImportOptions(action, IMPORT_TIME),
            chunk -> {
              assertTrue(
                  chunk.payload().length < 600 * 1024,
                  "chunk of " + chunk.payload().length + " bytes");
              rows.addAll(ChunkCodec.decode(chunk.payload()).rows());
            });
    rows.sort(Comparator.comparingLong(RowResult::row));
    return rows;
  }

  private static void onlyRowFails(
      List<RowResult> rows, int failing, String column, String messagePart) {
    for (RowResult row : rows) {
      if (row.row() == failing) {
        assertTrue(!row.succeeded(), "row " + failing + " fails");
        assertEquals(column, row.failure().column());
        assertTrue(row.failure().message().contains(messagePart), row.failure().message());
      } else {
        assertTrue(row.succeeded(), "row " + row.row() + " succeeds: " + row.failure());
      }
    }
  }

  @Test
  void aReservedEventNameFailsItsRowAlone() throws Exception {
    List<RowResult> rows =
        rows(
            "userId,event,time\nu1,Buy,1700000000\nu2,__x__,1700000000\nu3,Buy,1700000000\n",
            "track");
    onlyRowFails(rows, 2, "event", "reserved");
  }

  @Test
  void aReservedColumnOrParameterNameIsRefusedBeforeAnythingIsApplied() {
    for (String header :
        new String[] {"userId,__x__", "userId,event,params.__x__", "userId,events.__x__.count"}) {
      FileFailure failure =
          assertThrows(FileFailure.class, () -> rows(header + "\nu1,1,1\n", null), header);
      assertTrue(failure.getMessage().contains("reserved"), failure.getMessage());
    }
  }

  @Test
  void timesOutsideTheYears1To9999FailTheirRowAlone() throws Exception {
    onlyRowFails(
        rows("userId,created\nu1,1\nu2,-99999999999\nu3,2\n", "setUserAttributes"),
        2,
        "created",
        "years 1 to 9999");
    onlyRowFails(
        rows(
            "userId,Born<dd/MM/yyyy HH:mm:ss>\nu1,01/01/2000\nu2,01/01/0000\n",
            "setUserAttributes"),
        2,
        "Born<dd/MM/yyyy HH:mm:ss>",
        "years 1 to 9999");
    onlyRowFails(
        rows("userId,events.Buy.firstTime\nu1,-99999999999\nu2,5\n", "setUserAttributes"),
        1,
        "events.Buy.firstTime",
        "years 1 to 9999");
  }

  @Test
  void aTenMegabyteUserIdFailsItsRowAloneAndItsResultStaysSmall() throws Exception {
    String huge = "u".repeat(10_000_000);
    List<RowResult> rows = rows("userId,Plan\nu1,a\n" + huge + ",b\nu3,c\n", "setUserAttributes");
    onlyRowFails(rows, 2, "userId", "");
    RowResult failed = rows.get(1);
    assertTrue(failed.userId().length() < 300, "the failure names the user by an excerpt");
    assertTrue(failed.failure().value().length() < 300);
  }
}
