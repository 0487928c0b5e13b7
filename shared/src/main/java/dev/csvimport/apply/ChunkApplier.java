package dev.csvimport.apply;

import static dev.csvimport.store.FirestoreValues.timestamp;
import static dev.csvimport.store.FirestoreValues.toFirestore;

import com.google.cloud.firestore.Blob;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldValue;
import com.google.cloud.firestore.SetOptions;
import com.google.cloud.firestore.Transaction;
import dev.csvimport.engine.apply.Profile;
import dev.csvimport.engine.apply.ProfileChanges;
import dev.csvimport.engine.apply.RowRefused;
import dev.csvimport.engine.chunk.Chunk;
import dev.csvimport.engine.chunk.ChunkCodec;
import dev.csvimport.engine.operation.DeviceUpdate;
import dev.csvimport.engine.operation.Removal;
import dev.csvimport.engine.operation.RowProblem;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.operation.TrackedEvent;
import dev.csvimport.job.Job;
import dev.csvimport.log.Log;
import dev.csvimport.report.JobCompletion;
import dev.csvimport.store.DocumentIds;
import dev.csvimport.store.DocumentSize;
import dev.csvimport.store.FirestoreLayout;
import dev.csvimport.store.JobStore;
import dev.csvimport.store.ProfileDocuments;
import dev.csvimport.store.StoreException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Applies chunks to profiles so that the outcome is as if every row were applied once, in file order:
 * <ul>
 *   <li>each partition of a job has a cursor, the sequence of the chunk it expects next; a chunk is applied in the
 *       same transaction that moves the cursor on, so a chunk delivered again is recognised and changes nothing;</li>
 *   <li>a chunk that arrives before its predecessor is parked, and applied as soon as the predecessor is;</li>
 *   <li>the transaction reads the profiles it changes, so concurrent chunks (other partitions, other jobs) lose no
 *       update;</li>
 *   <li>a row that cannot apply (e.g. a profile over Firestore's 1 MiB) fails alone; the rest of its chunk goes on.</li>
 * </ul>
 */
public final class ChunkApplier {

  /** What became of a delivered chunk. */
  public enum Outcome {
    /** Applied now (and any chunks parked behind it). */
    APPLIED,
    /** Applied before, or its job has ended: nothing to do. */
    DUPLICATE,
    /** Arrived before its predecessor: kept, and applied after it. */
    PARKED
  }

  /** A chunk as it arrives: which job and partition it belongs to, and its bytes as {@link ChunkCodec} wrote them. */
  public record Delivery(String appId, String jobId, byte[] payload) {}

  private static final Log LOG = Log.of(ChunkApplier.class);

  private final FirestoreLayout layout;
  private final JobStore jobs;
  private final JobCompletion completion;

  public ChunkApplier(FirestoreLayout layout, JobStore jobs, JobCompletion completion) {
    this.layout = layout;
    this.jobs = jobs;
    this.completion = completion;
  }

  public Outcome apply(Delivery delivery) throws StoreException {
    Optional<Job> found = jobs.get(delivery.appId(), delivery.jobId());
    if (found.isEmpty() || found.get().state().ended()) {
      LOG.warn("chunk for a job that is unknown or ended: ignored", "appId", delivery.appId(), "jobId",
          delivery.jobId());
      return Outcome.DUPLICATE;
    }
    Job job = found.get();
    Chunk chunk = ChunkCodec.decode(delivery.payload());
    Outcome outcome = StoreException.await(layout.db().runTransaction(
        tx -> applyOrPark(tx, job, chunk, delivery.payload(), null)));
    if (outcome == Outcome.APPLIED) {
      afterApplied(job, chunk.partition(), chunk.sequence() + 1);
    } else if (outcome == Outcome.DUPLICATE) {
      // The delivery that applied it may have failed to finish the job after its commit: finish it now.
      completion.tryFinish(job.appId(), job.jobId());
    }
    return outcome;
  }

  /**
   * Records every row of a chunk that could not be applied, after its last delivery attempt, as failed with
   * {@code reason}, so that its job still finishes and the rows show in its results.
   */
  public Outcome recordFailure(Delivery delivery, String reason) throws StoreException {
    Optional<Job> found = jobs.get(delivery.appId(), delivery.jobId());
    if (found.isEmpty() || found.get().state().ended()) {
      return Outcome.DUPLICATE;
    }
    Job job = found.get();
    Chunk chunk = ChunkCodec.decode(delivery.payload());
    List<RowResult> failed = new ArrayList<>();
    for (RowResult row : chunk.rows()) {
      failed.add(row.succeeded() ? RowResult.failure(row.row(), row.line(), row.userId(), RowProblem.ofRow(
          "the row could not be saved: " + reason + "; import it again")) : row);
    }
    Chunk failedChunk = new Chunk(chunk.partition(), chunk.sequence(), chunk.segment(), failed);
    Outcome outcome = StoreException.await(layout.db().runTransaction(
        tx -> applyOrPark(tx, job, failedChunk, delivery.payload(), null)));
    if (outcome == Outcome.APPLIED) {
      LOG.error("chunk recorded as failed after its last delivery attempt", null, "appId", job.appId(), "jobId",
          job.jobId(), "partition", chunk.partition(), "sequence", chunk.sequence(), "reason", reason);
      afterApplied(job, chunk.partition(), chunk.sequence() + 1);
    }
    return outcome;
  }

  /** Applies the chunks parked behind the one just applied, then finishes the job if this was its last chunk. */
  private void afterApplied(Job job, int partition, int next) throws StoreException {
    while (true) {
      DocumentReference parkedRef = layout.parked(job.appId(), job.jobId(), partition, next);
      DocumentSnapshot parked = StoreException.await(parkedRef.get());
      if (!parked.exists()) {
        break;
      }
      byte[] payload = parked.getBlob("payload").toBytes();
      Chunk chunk = ChunkCodec.decode(payload);
      Outcome outcome = StoreException.await(layout.db().runTransaction(
          tx -> applyOrPark(tx, job, chunk, payload, parkedRef)));
      if (outcome != Outcome.APPLIED) {
        break;
      }
      next++;
    }
    Job current = job.fanOutComplete() ? job : jobs.get(job.appId(), job.jobId()).orElse(job);
    if (current.fanOutComplete() && next >= current.chunksPerPartition().get(partition)) {
      completion.tryFinish(current.appId(), current.jobId());
    }
  }

  private Outcome applyOrPark(Transaction tx, Job job, Chunk chunk, byte[] payload, DocumentReference parkedRef)
      throws Exception {
    DocumentReference cursorRef = layout.partition(job.appId(), job.jobId(), chunk.partition());
    DocumentSnapshot cursor = tx.get(cursorRef).get();
    long next = cursor.exists() ? cursor.getLong("nextSequence") : 0;
    if (chunk.sequence() < next) {
      if (parkedRef != null) {
        tx.delete(parkedRef);
      }
      return Outcome.DUPLICATE;
    }
    if (chunk.sequence() > next) {
      tx.set(layout.parked(job.appId(), job.jobId(), chunk.partition(), chunk.sequence()),
          Map.of("payload", Blob.fromBytes(payload), "expireAt", timestamp(job.expireAt())));
      return Outcome.PARKED;
    }
    Writes writes = new Writes(job);
    Map<String, Profile> profiles = readProfiles(tx, job, chunk);
    List<Map<String, Object>> results = new ArrayList<>();
    long successes = 0;
    for (RowResult row : chunk.rows()) {
      if (!row.succeeded()) {
        results.add(resultOf(row, "failed", row.failure()));
        continue;
      }
      try {
        writes.add(row, profiles);
        successes++;
        if (!row.warnings().isEmpty()) {
          results.add(resultOf(row, "warning", row.warnings().get(0)));
        }
      } catch (RowRefused refused) {
        results.add(resultOf(row, "failed", refused.problem()));
      }
    }
    writes.commit(tx, profiles);
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("partition", chunk.partition());
    counts.put("nextSequence", next + 1);
    counts.put("rows", countOf(cursor, "rows") + chunk.rows().size());
    counts.put("successes", countOf(cursor, "successes") + successes);
    counts.put("failures", countOf(cursor, "failures") + chunk.rows().size() - successes);
    counts.put("expireAt", timestamp(job.expireAt()));
    tx.set(cursorRef, counts);
    if (!results.isEmpty()) {
      tx.set(layout.results(job.appId(), job.jobId(), chunk.partition())
              .document(FirestoreLayout.sequenceId(chunk.sequence())),
          Map.of("rows", results, "expireAt", timestamp(job.expireAt())));
    }
    if (parkedRef != null) {
      tx.delete(parkedRef);
    }
    return Outcome.APPLIED;
  }

  private Map<String, Profile> readProfiles(Transaction tx, Job job, Chunk chunk) throws Exception {
    Set<String> userIds = new LinkedHashSet<>();
    chunk.rows().stream().filter(RowResult::succeeded).forEach(row -> userIds.add(row.userId()));
    Map<String, Profile> profiles = new LinkedHashMap<>();
    if (userIds.isEmpty()) {
      return profiles;
    }
    List<String> ids = new ArrayList<>(userIds);
    DocumentReference[] refs = ids.stream().map(id -> layout.user(job.appId(), id)).toArray(DocumentReference[]::new);
    List<DocumentSnapshot> snapshots = tx.getAll(refs).get();
    for (int i = 0; i < ids.size(); i++) {
      profiles.put(ids.get(i), ProfileDocuments.fromDocument(ids.get(i), snapshots.get(i)));
    }
    return profiles;
  }

  private static long countOf(DocumentSnapshot cursor, String field) {
    Long value = cursor.exists() ? cursor.getLong(field) : null;
    return value == null ? 0 : value;
  }

  /** One line of the job's results: a failed row, or a row that succeeded with a warning. */
  private static Map<String, Object> resultOf(RowResult row, String status, RowProblem problem) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("row", row.row());
    result.put("line", row.line());
    result.put("userId", row.userId());
    result.put("status", status);
    result.put("column", problem.column());
    result.put("value", problem.value());
    result.put("message", problem.message());
    return result;
  }

  /** The documents a chunk's rows write, gathered so each is written once per transaction. */
  private final class Writes {
    private final Job job;
    private final Set<String> changedUsers = new LinkedHashSet<>();
    private final Map<DocumentReference, Map<String, Object>> events = new LinkedHashMap<>();
    private final Map<DocumentReference, Map<String, Object>> devices = new LinkedHashMap<>();

    Writes(Job job) {
      this.job = job;
    }

    /** Applies a row to its profile; a row whose documents would be too large is refused and changes nothing. */
    void add(RowResult row, Map<String, Profile> profiles) throws RowRefused {
      String userId = row.userId();
      Profile changed = profiles.get(userId).copy();
      ProfileChanges.apply(changed, row.operation());
      DocumentReference userRef = layout.user(job.appId(), userId);
      checkSize(userRef, ProfileDocuments.toDocument(changed), "the profile of user " + userId);
      if (row.operation() instanceof TrackedEvent track) {
        DocumentReference eventRef = layout.events(job.appId(), userId).document(job.jobId() + "-" + row.row());
        Map<String, Object> event = eventDocument(track, row);
        checkSize(eventRef, event, "the event");
        events.put(eventRef, event);
      } else if (row.operation() instanceof DeviceUpdate device) {
        DocumentReference deviceRef = layout.devices(job.appId(), userId).document(DocumentIds.of(device.deviceId()));
        Map<String, Object> fields = devices.computeIfAbsent(deviceRef, ref -> new LinkedHashMap<>());
        fields.put("deviceId", device.deviceId());
        fields.put("userId", userId);
        device.attributes().forEach((name, value) ->
            fields.put(name, value == Removal.REMOVE ? FieldValue.delete() : toFirestore(value)));
      }
      profiles.put(userId, changed);
      changedUsers.add(userId);
    }

    void commit(Transaction tx, Map<String, Profile> profiles) {
      for (String userId : changedUsers) {
        tx.set(layout.user(job.appId(), userId), ProfileDocuments.toDocument(profiles.get(userId)));
      }
      events.forEach(tx::set);
      devices.forEach((ref, fields) -> tx.set(ref, fields, SetOptions.merge()));
    }

    private Map<String, Object> eventDocument(TrackedEvent track, RowResult row) {
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("event", track.event());
      event.put("time", timestamp(track.time()));
      event.put("value", track.value());
      event.put("currencyCode", track.currencyCode());
      event.put("info", track.info());
      event.put("params", toFirestore(track.params()));
      event.put("jobId", job.jobId());
      event.put("row", row.row());
      return event;
    }

    private void checkSize(DocumentReference ref, Map<String, Object> doc, String what) throws RowRefused {
      long size = DocumentSize.of(ref.getPath(), doc);
      if (size > DocumentSize.MAX_BYTES) {
        throw new RowRefused(null, null, what + " would be " + size + " bytes, over Firestore's limit of 1 MiB"
            + " per document: split the data over fewer or smaller attributes");
      }
    }
  }
}
