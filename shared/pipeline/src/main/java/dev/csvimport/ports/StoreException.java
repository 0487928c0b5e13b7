package dev.csvimport.ports;

import com.google.api.core.ApiFuture;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Firestore or Cloud Storage could not do what was asked; the caller's work may be retried. */
public final class StoreException extends Exception {

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether the store refused the request as invalid (INVALID_ARGUMENT): trying it again as it is
   * cannot succeed, but without the part it refused it may.
   */
  public boolean refusedAsInvalid() {
    for (Throwable cause = getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof ApiException api
          && api.getStatusCode().getCode() == StatusCode.Code.INVALID_ARGUMENT) {
        return true;
      }
    }
    return false;
  }

  /**
   * How long any call to the store may take, a transaction's own retries included: a store that
   * does not answer (frozen, or a network that drops packets) fails the call, so no thread waits
   * for ever and the caller's retry policy takes over.
   */
  public static final Duration DEADLINE = Duration.ofMinutes(3);

  /**
   * The future's value, its failure as a StoreException; no answer within {@link #DEADLINE} is a
   * failure too.
   */
  public static <T> T await(ApiFuture<T> future) throws StoreException {
    return await(future, DEADLINE);
  }

  static <T> T await(ApiFuture<T> future, Duration deadline) throws StoreException {
    try {
      return future.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new StoreException(
          "the store did not answer within " + deadline.toSeconds() + " seconds", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new StoreException(cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted", e);
    }
  }
}
