package dev.csvimport.store;

import static dev.csvimport.store.FirestoreValues.instant;
import static dev.csvimport.store.FirestoreValues.timestamp;

import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import dev.csvimport.job.Job;
import dev.csvimport.ports.LeaseStore;
import dev.csvimport.ports.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Fan-out leases on the job documents, each call one transaction. */
public final class FirestoreLeases implements LeaseStore {

  private final FirestoreLayout layout;
  private final Clock clock;

  public FirestoreLeases(FirestoreLayout layout, Clock clock) {
    this.layout = layout;
    this.clock = clock;
  }

  @Override
  public Transaction acquire(Job job, String owner, Duration term) throws StoreException {
    DocumentReference ref = layout.job(job.appId(), job.jobId());
    Instant now = clock.instant();
    AtomicInteger attempts = new AtomicInteger();
    boolean taken =
        StoreException.await(
            layout
                .db()
                .runTransaction(
                    tx -> {
                      attempts.incrementAndGet();
                      DocumentSnapshot current = tx.get(ref).get();
                      String holder = current.getString(JobDocuments.LEASE_OWNER);
                      Instant until = instant(current.getTimestamp(JobDocuments.LEASE_UNTIL));
                      if (holder != null
                          && !holder.equals(owner)
                          && until != null
                          && until.isAfter(now)) {
                        return false;
                      }
                      tx.update(
                          ref,
                          Map.of(
                              JobDocuments.LEASE_OWNER,
                              owner,
                              JobDocuments.LEASE_UNTIL,
                              timestamp(now.plus(term))));
                      return true;
                    }));
    return new Transaction(taken, attempts.get());
  }

  @Override
  public Transaction release(Job job, String owner) throws StoreException {
    return ifOwner(
        job,
        owner,
        () -> {
          Map<String, Object> cleared = new HashMap<>();
          cleared.put(JobDocuments.LEASE_OWNER, null);
          cleared.put(JobDocuments.LEASE_UNTIL, null);
          return cleared;
        });
  }

  @Override
  public Transaction renew(Job job, String owner, Duration term) throws StoreException {
    return whileLeased(job, owner, term, Map.of());
  }

  @Override
  public Transaction checkpoint(Job job, String owner, int segments, long rowsRead, Duration term)
      throws StoreException {
    Map<String, Object> fields = new HashMap<>();
    fields.put("segmentsPublished", segments);
    fields.put("rowsRead", rowsRead);
    fields.put("waiting", null);
    return whileLeased(job, owner, term, fields);
  }

  private Transaction whileLeased(
      Job job, String owner, Duration leaseFor, Map<String, Object> fields) throws StoreException {
    return ifOwner(
        job,
        owner,
        () -> {
          Map<String, Object> update = new HashMap<>(fields);
          update.put(JobDocuments.LEASE_UNTIL, timestamp(clock.instant().plus(leaseFor)));
          return update;
        });
  }

  /**
   * Writes {@code update} to the job in a transaction that passes only while {@code owner} holds
   * its lease.
   */
  private Transaction ifOwner(Job job, String owner, Supplier<Map<String, Object>> update)
      throws StoreException {
    DocumentReference ref = layout.job(job.appId(), job.jobId());
    AtomicInteger attempts = new AtomicInteger();
    boolean held =
        StoreException.await(
            layout
                .db()
                .runTransaction(
                    tx -> {
                      attempts.incrementAndGet();
                      if (!owner.equals(tx.get(ref).get().getString(JobDocuments.LEASE_OWNER))) {
                        return false;
                      }
                      tx.update(ref, update.get());
                      return true;
                    }));
    return new Transaction(held, attempts.get());
  }
}
