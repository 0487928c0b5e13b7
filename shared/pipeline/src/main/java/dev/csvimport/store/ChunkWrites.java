package dev.csvimport.store;

import static dev.csvimport.store.FirestoreValues.timestamp;
import static dev.csvimport.store.FirestoreValues.toFirestore;

import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldValue;
import com.google.cloud.firestore.SetOptions;
import com.google.cloud.firestore.Transaction;
import dev.csvimport.engine.ResultLines;
import dev.csvimport.engine.apply.Profile;
import dev.csvimport.engine.apply.ProfileChanges;
import dev.csvimport.engine.apply.RowRefused;
import dev.csvimport.engine.chunk.Chunk;
import dev.csvimport.engine.operation.DeviceUpdate;
import dev.csvimport.engine.operation.Removal;
import dev.csvimport.engine.operation.RowProblem;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.operation.TrackedEvent;
import dev.csvimport.job.CreateDisposition;
import dev.csvimport.job.Job;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * The documents a slice of one chunk's rows write, inside its transaction: the profiles it changes
 * (read first, so concurrent chunks lose no update), one document per tracked event, and the
 * devices it sets. Each document is written once per transaction; a row whose documents would be
 * over Firestore's size limit fails alone. A slice ends early where its writes would pass what one
 * commit may hold (the setting {@code COMMIT_KIB}, 6 MiB: well under Firestore's 10 MiB request
 * limit, with room for the result lines, the cursor and the request's encoding): profiles are
 * written whole, so 20 rows about 600 KB profiles would otherwise make a 12 MB commit.
 */
final class ChunkWrites {

  /**
   * @param rowsTaken rows of the slice handled (applied or failed), from its first
   * @param results the slice's failed and warned rows, as result lines
   * @param documentsRead profiles read
   * @param documentsWritten profiles, events and devices written
   */
  record Applied(
      int rowsTaken,
      long successes,
      long skipped,
      List<Map<String, Object>> results,
      int documentsRead,
      int documentsWritten) {}

  /**
   * What wrote a tracked event, named in its document and its id ({@code <id>-<row>}): an import's
   * job, or an API call.
   *
   * @param field the event document's field that names it: jobId or requestId
   */
  record EventOrigin(String field, String id) {}

  private final FirestoreLayout layout;
  private final String appId;
  private final EventOrigin origin;
  private final long maxCommitBytes;
  private final LongPredicate forExistingUsersOnly;
  private final String skippedMessage;
  private final boolean dryRun;
  private final Set<String> existingUsers = new LinkedHashSet<>();
  private final Map<String, Long> profileBytes = new LinkedHashMap<>();
  private final Map<DocumentReference, Map<String, Object>> events = new LinkedHashMap<>();
  private final Map<DocumentReference, Map<String, Object>> devices = new LinkedHashMap<>();
  private long bytes;

  /**
   * The writes of an import's chunk: under CreateNever, a row for a user not found is skipped; in a
   * dry run, every row is prepared as it would be and nothing is written.
   */
  ChunkWrites(FirestoreLayout layout, Job job, long maxCommitBytes) {
    this(
        layout,
        job.appId(),
        new EventOrigin("jobId", job.jobId()),
        maxCommitBytes,
        job.updatesExistingUsersOnly() ? row -> true : row -> false,
        CreateDisposition.ROW_SKIPPED,
        job.dryRun());
  }

  /**
   * @param forExistingUsersOnly the rows that are skipped, with {@code skippedMessage} as their
   *     warning, when their user has no profile
   */
  ChunkWrites(
      FirestoreLayout layout,
      String appId,
      EventOrigin origin,
      long maxCommitBytes,
      LongPredicate forExistingUsersOnly,
      String skippedMessage) {
    this(layout, appId, origin, maxCommitBytes, forExistingUsersOnly, skippedMessage, false);
  }

  private ChunkWrites(
      FirestoreLayout layout,
      String appId,
      EventOrigin origin,
      long maxCommitBytes,
      LongPredicate forExistingUsersOnly,
      String skippedMessage,
      boolean dryRun) {
    this.dryRun = dryRun;
    this.layout = layout;
    this.appId = appId;
    this.origin = origin;
    this.maxCommitBytes = maxCommitBytes;
    this.forExistingUsersOnly = forExistingUsersOnly;
    this.skippedMessage = skippedMessage;
  }

  /** Applies rows {@code from} to at most {@code from + maxRows} (at least one), in order. */
  Applied apply(Transaction tx, Chunk chunk, int from, int maxRows) throws Exception {
    List<RowResult> slice =
        chunk.rows().subList(from, Math.min(chunk.rows().size(), from + Math.max(1, maxRows)));
    Map<String, Profile> profiles = readProfiles(tx, slice);
    int read = profiles.size();
    List<Map<String, Object>> results = new ArrayList<>();
    long successes = 0;
    long skipped = 0;
    int taken = 0;
    for (RowResult row : slice) {
      if (!row.succeeded()) {
        results.add(ResultLines.of(row, ResultLines.FAILED, row.failure()));
        taken++;
        continue;
      }
      if (forExistingUsersOnly.test(row.row()) && !existingUsers.contains(row.userId())) {
        results.add(ResultLines.of(row, ResultLines.WARNING, RowProblem.ofRow(skippedMessage)));
        skipped++;
        taken++;
        continue;
      }
      RowWrite write;
      try {
        write = prepare(row, profiles);
      } catch (RowRefused refused) {
        results.add(ResultLines.of(row, ResultLines.FAILED, refused.problem()));
        taken++;
        continue;
      }
      if (taken > 0 && bytes + write.addedBytes() > maxCommitBytes) {
        break;
      }
      write.take();
      successes++;
      taken++;
      if (!row.warnings().isEmpty()) {
        results.add(ResultLines.of(row, ResultLines.WARNING, row.warnings().get(0)));
      }
    }
    if (dryRun) {
      return new Applied(taken, successes, skipped, results, read, 0);
    }
    for (String userId : profileBytes.keySet()) {
      tx.set(layout.user(appId, userId), ProfileDocuments.toDocument(profiles.get(userId)));
    }
    events.forEach(tx::set);
    devices.forEach((ref, fields) -> tx.set(ref, fields, SetOptions.merge()));
    return new Applied(
        taken,
        successes,
        skipped,
        results,
        read,
        profileBytes.size() + events.size() + devices.size());
  }

  private Map<String, Profile> readProfiles(Transaction tx, List<RowResult> rows) throws Exception {
    Set<String> userIds = new LinkedHashSet<>();
    rows.stream().filter(RowResult::succeeded).forEach(row -> userIds.add(row.userId()));
    Map<String, Profile> profiles = new LinkedHashMap<>();
    if (userIds.isEmpty()) {
      return profiles;
    }
    List<String> ids = new ArrayList<>(userIds);
    DocumentReference[] refs =
        ids.stream().map(id -> layout.user(appId, id)).toArray(DocumentReference[]::new);
    List<DocumentSnapshot> snapshots = tx.getAll(refs).get();
    for (int i = 0; i < ids.size(); i++) {
      profiles.put(ids.get(i), ProfileDocuments.fromDocument(ids.get(i), snapshots.get(i)));
      if (snapshots.get(i).exists()) {
        existingUsers.add(ids.get(i));
      }
    }
    return profiles;
  }

  /** A row's writes, worked out but not yet taken into the commit. */
  private final class RowWrite {
    private final String userId;
    private final Profile changed;
    private final long profileSize;
    private final Map<String, Profile> profiles;
    private DocumentReference eventRef;
    private Map<String, Object> event;
    private DocumentReference deviceRef;
    private Map<String, Object> deviceFields;
    private long addedBytes;

    RowWrite(String userId, Profile changed, long profileSize, Map<String, Profile> profiles) {
      this.userId = userId;
      this.changed = changed;
      this.profileSize = profileSize;
      this.profiles = profiles;
      this.addedBytes = profileSize - profileBytes.getOrDefault(userId, 0L);
    }

    long addedBytes() {
      return addedBytes;
    }

    void take() {
      profiles.put(userId, changed);
      profileBytes.put(userId, profileSize);
      existingUsers.add(userId);
      if (event != null) {
        events.put(eventRef, event);
      }
      if (deviceFields != null) {
        devices.put(deviceRef, deviceFields);
      }
      bytes += addedBytes;
    }
  }

  /**
   * Works out a row's writes; a row whose documents would be too large is refused and changes
   * nothing.
   */
  private RowWrite prepare(RowResult row, Map<String, Profile> profiles) throws RowRefused {
    String userId = row.userId();
    Profile changed = profiles.get(userId).copy();
    ProfileChanges.apply(changed, row.operation());
    DocumentReference userRef = layout.user(appId, userId);
    long profileSize =
        checkSize(userRef, ProfileDocuments.toDocument(changed), "the profile of user " + userId);
    RowWrite write = new RowWrite(userId, changed, profileSize, profiles);
    if (row.operation() instanceof TrackedEvent track) {
      write.eventRef = layout.events(appId, userId).document(origin.id() + "-" + row.row());
      write.event = eventDocument(track, row);
      write.addedBytes += checkSize(write.eventRef, write.event, "the event");
    } else if (row.operation() instanceof DeviceUpdate device) {
      write.deviceRef = layout.devices(appId, userId).document(DocumentIds.of(device.deviceId()));
      Map<String, Object> before = devices.get(write.deviceRef);
      Map<String, Object> fields =
          before == null ? new LinkedHashMap<>() : new LinkedHashMap<>(before);
      fields.put("deviceId", device.deviceId());
      fields.put("userId", userId);
      device
          .attributes()
          .forEach(
              (name, value) ->
                  fields.put(
                      name, value == Removal.REMOVE ? FieldValue.delete() : toFirestore(value)));
      write.deviceFields = fields;
      String path = write.deviceRef.getPath();
      write.addedBytes +=
          DocumentSize.of(path, fields) - (before == null ? 0 : DocumentSize.of(path, before));
    }
    return write;
  }

  private Map<String, Object> eventDocument(TrackedEvent track, RowResult row) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("event", track.event());
    event.put("time", timestamp(track.time()));
    event.put("value", track.value());
    event.put("currencyCode", track.currencyCode());
    event.put("info", track.info());
    event.put("params", toFirestore(track.params()));
    event.put(origin.field(), origin.id());
    event.put("row", row.row());
    return event;
  }

  /** The document's size, when it is within Firestore's limit. */
  private static long checkSize(DocumentReference ref, Map<String, Object> doc, String what)
      throws RowRefused {
    long size = DocumentSize.of(ref.getPath(), doc);
    if (size > DocumentSize.MAX_BYTES) {
      throw new RowRefused(
          null,
          null,
          what
              + " would be "
              + size
              + " bytes, over Firestore's limit of 1 MiB"
              + " per document: split the data over fewer or smaller attributes");
    }
    return size;
  }
}
