package dev.csvimport.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.core.SettableApiFuture;
import com.google.api.gax.grpc.GrpcStatusCode;
import com.google.api.gax.rpc.InvalidArgumentException;
import io.grpc.Status;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StoreExceptionTest {

  @Test
  void aCallThatNeverAnswersFailsAtItsDeadline() {
    SettableApiFuture<String> never = SettableApiFuture.create();
    StoreException e =
        assertThrows(
            StoreException.class, () -> StoreException.await(never, Duration.ofMillis(50)));
    assertTrue(e.getMessage().contains("did not answer"), e.getMessage());
    assertTrue(never.isCancelled(), "the call is given up");
  }

  @Test
  void anAnswerWithinTheDeadlineIsItsValue() throws Exception {
    SettableApiFuture<String> answered = SettableApiFuture.create();
    answered.set("ok");
    assertEquals("ok", StoreException.await(answered));
  }

  @Test
  void anInvalidArgumentIsARefusalOtherFailuresAreNot() {
    SettableApiFuture<String> refused = SettableApiFuture.create();
    refused.setException(
        new InvalidArgumentException(
            new IllegalArgumentException("bad field"),
            GrpcStatusCode.of(Status.Code.INVALID_ARGUMENT),
            false));
    assertTrue(
        assertThrows(StoreException.class, () -> StoreException.await(refused)).refusedAsInvalid());
    SettableApiFuture<String> failed = SettableApiFuture.create();
    failed.setException(new IllegalStateException("contention"));
    assertFalse(
        assertThrows(StoreException.class, () -> StoreException.await(failed)).refusedAsInvalid());
  }
}
