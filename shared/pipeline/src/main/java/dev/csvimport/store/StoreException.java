package dev.csvimport.store;

import com.google.api.core.ApiFuture;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import java.util.concurrent.ExecutionException;

/** Firestore or Cloud Storage could not do what was asked; the caller's work may be retried. */
public final class StoreException extends Exception {

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether the store refused the request as invalid (INVALID_ARGUMENT): trying it again as it is cannot succeed, but
   * without the part it refused it may.
   */
  public boolean refusedAsInvalid() {
    for (Throwable cause = getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof ApiException api && api.getStatusCode().getCode() == StatusCode.Code.INVALID_ARGUMENT) {
        return true;
      }
    }
    return false;
  }

  /** The future's value, its failure as a StoreException. */
  public static <T> T await(ApiFuture<T> future) throws StoreException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new StoreException(cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted", e);
    }
  }
}
