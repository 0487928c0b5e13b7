package dev.csvimport.store;

import static dev.csvimport.store.FirestoreValues.timestamp;

import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobNotice;
import dev.csvimport.ports.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The notices of ended jobs, an outbox in the job documents: the transaction that ends a job sets
 * its {@code noticeDue}; a sender claims a due job, sends, and records what it sent with when the
 * next send is due (null when none is). A collection-group query on {@code noticeDue} finds them
 * (terraform/firestore.tf enables its index).
 */
public final class NoticeStore {

  private final FirestoreLayout layout;

  public NoticeStore(FirestoreLayout layout) {
    this.layout = layout;
  }

  /** Ended jobs of every app whose notice is due at {@code now}, soonest due first. */
  public List<Job> due(Instant now, int limit) throws StoreException {
    List<Job> found = new ArrayList<>();
    for (QueryDocumentSnapshot doc :
        StoreException.await(
                layout
                    .db()
                    .collectionGroup("jobs")
                    .whereLessThanOrEqualTo(JobDocuments.NOTICE_DUE, timestamp(now))
                    .orderBy(JobDocuments.NOTICE_DUE)
                    .limit(limit)
                    .get())
            .getDocuments()) {
      found.add(JobDocuments.job(doc));
    }
    return found;
  }

  /**
   * Claims the job's due notice until {@code until}, so that one sender sends it at a time (a
   * sender that dies leaves it due again then): answers the job as stored, or empty when its notice
   * is not due (sent, or claimed by another sender).
   */
  public Optional<Job> claim(Job job, Instant now, Instant until) throws StoreException {
    DocumentReference ref = layout.job(job.appId(), job.jobId());
    return StoreException.await(
        layout
            .db()
            .runTransaction(
                tx -> {
                  DocumentSnapshot doc = tx.get(ref).get();
                  com.google.cloud.Timestamp due =
                      doc.exists() ? doc.getTimestamp(JobDocuments.NOTICE_DUE) : null;
                  if (due == null || FirestoreValues.instant(due).isAfter(now)) {
                    return Optional.<Job>empty();
                  }
                  tx.update(ref, JobDocuments.NOTICE_DUE, timestamp(until));
                  return Optional.of(JobDocuments.job(doc));
                }));
  }

  /** Records what was sent, and when the next send is due ({@code nextDue} null: never). */
  public void record(Job job, JobNotice notice, Instant nextDue) throws StoreException {
    Map<String, Object> fields = new HashMap<>();
    fields.put(JobDocuments.NOTICE, JobDocuments.notice(notice));
    fields.put(JobDocuments.NOTICE_DUE, timestamp(nextDue));
    StoreException.await(layout.job(job.appId(), job.jobId()).update(fields));
  }
}
