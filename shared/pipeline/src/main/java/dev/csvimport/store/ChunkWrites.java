package dev.csvimport.store;

import static dev.csvimport.store.FirestoreValues.timestamp;
import static dev.csvimport.store.FirestoreValues.toFirestore;

import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldValue;
import com.google.cloud.firestore.SetOptions;
import com.google.cloud.firestore.Transaction;
import dev.csvimport.engine.apply.Profile;
import dev.csvimport.engine.apply.ProfileChanges;
import dev.csvimport.engine.apply.RowRefused;
import dev.csvimport.engine.chunk.Chunk;
import dev.csvimport.engine.operation.DeviceUpdate;
import dev.csvimport.engine.operation.Removal;
import dev.csvimport.engine.operation.RowProblem;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.operation.TrackedEvent;
import dev.csvimport.job.Job;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The documents one chunk's rows write, inside its transaction: the profiles it changes (read first, so concurrent
 * chunks lose no update), one document per tracked event, and the devices it sets. Each document is written once per
 * transaction; a row whose documents would be over Firestore's size limit fails alone.
 */
final class ChunkWrites {

  /** @param results the chunk's failed and warned rows, as result lines */
  record Applied(long successes, List<Map<String, Object>> results) {}

  private final FirestoreLayout layout;
  private final Job job;
  private final Set<String> changedUsers = new LinkedHashSet<>();
  private final Map<DocumentReference, Map<String, Object>> events = new LinkedHashMap<>();
  private final Map<DocumentReference, Map<String, Object>> devices = new LinkedHashMap<>();

  ChunkWrites(FirestoreLayout layout, Job job) {
    this.layout = layout;
    this.job = job;
  }

  Applied apply(Transaction tx, Chunk chunk) throws Exception {
    Map<String, Profile> profiles = readProfiles(tx, chunk);
    List<Map<String, Object>> results = new ArrayList<>();
    long successes = 0;
    for (RowResult row : chunk.rows()) {
      if (!row.succeeded()) {
        results.add(resultOf(row, "failed", row.failure()));
        continue;
      }
      try {
        add(row, profiles);
        successes++;
        if (!row.warnings().isEmpty()) {
          results.add(resultOf(row, "warning", row.warnings().get(0)));
        }
      } catch (RowRefused refused) {
        results.add(resultOf(row, "failed", refused.problem()));
      }
    }
    for (String userId : changedUsers) {
      tx.set(layout.user(job.appId(), userId), ProfileDocuments.toDocument(profiles.get(userId)));
    }
    events.forEach(tx::set);
    devices.forEach((ref, fields) -> tx.set(ref, fields, SetOptions.merge()));
    return new Applied(successes, results);
  }

  private Map<String, Profile> readProfiles(Transaction tx, Chunk chunk) throws Exception {
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

  /** Applies a row to its profile; a row whose documents would be too large is refused and changes nothing. */
  private void add(RowResult row, Map<String, Profile> profiles) throws RowRefused {
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

  private static void checkSize(DocumentReference ref, Map<String, Object> doc, String what) throws RowRefused {
    long size = DocumentSize.of(ref.getPath(), doc);
    if (size > DocumentSize.MAX_BYTES) {
      throw new RowRefused(null, null, what + " would be " + size + " bytes, over Firestore's limit of 1 MiB"
          + " per document: split the data over fewer or smaller attributes");
    }
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
}
