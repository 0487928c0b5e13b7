package dev.csvimport.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The job's states and the only ways between them. */
class JobStateTest {

  @Test
  void aJobStartsOnceAndEndsOnce() {
    List<String> allowed = new ArrayList<>();
    for (JobState from : JobState.values()) {
      for (JobState to : JobState.values()) {
        if (from.mayBecome(to)) {
          allowed.add(from + "->" + to);
        }
      }
    }
    assertEquals(
        List.of(
            "PENDING->RUNNING",
            "PENDING->CANCELLING",
            "PENDING->FINISHED",
            "PENDING->FAILED",
            "RUNNING->CANCELLING",
            "RUNNING->FINISHED",
            "RUNNING->FAILED",
            "CANCELLING->CANCELLED"),
        allowed);
  }

  @Test
  void onlyFinishedFailedAndCancelledHaveEnded() {
    List<JobState> ended = new ArrayList<>();
    for (JobState state : JobState.values()) {
      if (state.ended()) {
        ended.add(state);
      }
    }
    assertEquals(List.of(JobState.FINISHED, JobState.FAILED, JobState.CANCELLED), ended);
  }
}
