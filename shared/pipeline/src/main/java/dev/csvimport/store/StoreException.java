package dev.csvimport.store;

import com.google.api.core.ApiFuture;
import java.util.concurrent.ExecutionException;

/** Firestore or Cloud Storage could not do what was asked; the caller's work may be retried. */
public final class StoreException extends Exception {

  public StoreException(String message, Throwable cause) {
    super(message, cause);
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
