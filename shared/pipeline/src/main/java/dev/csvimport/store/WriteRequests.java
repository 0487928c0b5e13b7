package dev.csvimport.store;

import static dev.csvimport.store.FirestoreValues.timestamp;

import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.QuerySnapshot;
import com.google.cloud.firestore.Transaction;
import com.google.cloud.firestore.TransactionOptions;
import dev.csvimport.engine.chunk.Chunk;
import dev.csvimport.engine.operation.RowProblem;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.read.Excerpt;
import dev.csvimport.log.Log;
import dev.csvimport.ports.StoreException;
import dev.csvimport.write.ItemAnswer;
import dev.csvimport.write.WriteItem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Applies the items of one write call in order, each exactly once, in transactions that read the
 * profiles they change (so a concurrent import loses no update, nor the call one of the import's).
 * The call's progress is kept in {@code apps/{appId}/requests/{id}}: {@code fingerprint}, {@code
 * nextItem}, the {@code answers} so far, {@code done}, {@code expireAt}; every transaction reads it
 * first and moves it on with what it wrote. So a call that names a request key used in the last 24
 * hours, whether it repeats a finished call or races an unfinished one, continues where the first
 * stands, applies nothing twice, and answers what the first answered.
 *
 * <p>Changes are applied in slices, as many items as one commit holds ({@link ChunkWrites}); a
 * slice the store refuses as invalid is halved until the refused item stands alone and fails alone.
 * A deleteUser removes the user's events and devices a page per transaction, then the profile.
 */
public final class WriteRequests {

  /** How long a request key is remembered. */
  public static final Duration KEPT = Duration.ofHours(24);

  /** Events or devices deleted per transaction. */
  static final int DELETE_PAGE = 200;

  private static final Log LOG = Log.of(WriteRequests.class);

  /**
   * Calls that repeat one request key at once contend for its progress document on every step; more
   * attempts than the client's default five let each of them see the others' progress instead of
   * failing.
   */
  private static final TransactionOptions CONTENDED =
      TransactionOptions.createReadWriteOptionsBuilder().setNumberOfAttempts(10).build();

  /** A request key already used, in the last 24 hours, for different items. */
  public static final class RequestKeyReused extends Exception {
    RequestKeyReused() {
      super(
          "this requestId was used in the last 24 hours for a different request: send a new one",
          null,
          false,
          false);
    }
  }

  private final FirestoreLayout layout;
  private final Clock clock;
  private final long maxCommitBytes;

  /**
   * @param maxCommitBytes what one transaction may write, by {@link DocumentSize}'s estimate
   */
  public WriteRequests(FirestoreLayout layout, Clock clock, long maxCommitBytes) {
    this.layout = layout;
    this.clock = clock;
    this.maxCommitBytes = maxCommitBytes;
  }

  /**
   * @param requestKey the client's request key, or null: the call then applies as a new one
   *     whatever came before
   * @param fingerprint what the call asks (e.g. its items as JSON), so that a key reused for
   *     something else is refused
   * @return one answer per item, in order
   */
  public List<ItemAnswer> apply(
      String appId, String requestKey, String fingerprint, List<WriteItem> items)
      throws StoreException, RequestKeyReused {
    String id =
        requestKey == null ? "once-" + UUID.randomUUID() : "key-" + DocumentIds.sha256(requestKey);
    Request request = new Request(appId, id, fingerprint, items);
    Step last =
        Slices.run(
            items.size(),
            (maxRows, refused) -> {
              String reason = null;
              if (refused != null) {
                LOG.warn(
                    "an item refused at commit is answered as failed",
                    "appId",
                    appId,
                    "requestId",
                    id,
                    "error",
                    refused.getMessage());
                reason = "the store refused this item (" + Excerpt.of(refused.getMessage()) + ")";
              }
              String refusal = reason;
              return StoreException.await(
                  layout.db().runTransaction(tx -> request.step(tx, maxRows, refusal), CONTENDED));
            },
            step -> step.reused() || step.answers() != null);
    if (last.reused()) {
      throw new RequestKeyReused();
    }
    return last.answers();
  }

  /**
   * What one transaction found: the key reused, the call done (its answers), or neither (go on).
   */
  private record Step(boolean reused, List<ItemAnswer> answers) {
    static final Step GO_ON = new Step(false, null);
  }

  /** One call's items and where its progress is kept. */
  private final class Request {
    private final String appId;
    private final String id;
    private final String fingerprint;
    private final List<WriteItem> items;
    private final DocumentReference ref;

    Request(String appId, String id, String fingerprint, List<WriteItem> items) {
      this.appId = appId;
      this.id = id;
      this.fingerprint = DocumentIds.sha256(fingerprint);
      this.items = items;
      this.ref = layout.request(appId, id);
    }

    /**
     * Reads the progress, then does the next step: a slice of changes (at most {@code maxRows}), a
     * page of a deletion, or, with {@code refusal}, the failure of the next item.
     */
    Step step(Transaction tx, int maxRows, String refusal) throws Exception {
      DocumentSnapshot progress = tx.get(ref).get();
      Instant now = clock.instant();
      Instant expireAt =
          progress.exists() ? FirestoreValues.instant(progress.getTimestamp("expireAt")) : null;
      boolean remembered = expireAt != null && expireAt.isAfter(now);
      List<Map<String, Object>> answers = new ArrayList<>();
      if (remembered) {
        if (!fingerprint.equals(progress.getString("fingerprint"))) {
          return new Step(true, null);
        }
        answers = storedAnswers(progress);
        if (Boolean.TRUE.equals(progress.getBoolean("done"))) {
          return new Step(false, answers.stream().map(WriteRequests::answerOf).toList());
        }
      }
      int next = answers.size();
      if (refusal != null) {
        answers.add(stored(ItemAnswer.failure(RowProblem.ofRow(refusal))));
      } else if (items.get(next) instanceof WriteItem.Unrecorded unrecorded) {
        answers.add(stored(ItemAnswer.warning(RowProblem.ofRow(unrecorded.warning()))));
      } else if (items.get(next) instanceof WriteItem.Deletion deletion) {
        if (!deleteStep(tx, deletion.userId(), answers)) {
          return Step.GO_ON;
        }
      } else {
        changeStep(tx, next, maxRows, answers);
      }
      boolean done = answers.size() == items.size();
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("fingerprint", fingerprint);
      doc.put("answers", answers);
      doc.put("done", done);
      doc.put("expireAt", timestamp(remembered ? expireAt : now.plus(KEPT)));
      tx.set(ref, doc);
      return done
          ? new Step(false, answers.stream().map(WriteRequests::answerOf).toList())
          : Step.GO_ON;
    }

    /**
     * Applies the changes from {@code next} up to the next deletion, as many as one commit holds.
     */
    private void changeStep(
        Transaction tx, int next, int maxRows, List<Map<String, Object>> answers) throws Exception {
      List<RowResult> rows = new ArrayList<>();
      Set<Long> existingOnly = new LinkedHashSet<>();
      for (int i = next; i < items.size() && items.get(i) instanceof WriteItem.Change change; i++) {
        rows.add(change.row());
        if (change.existingUserOnly()) {
          existingOnly.add(change.row().row());
        }
      }
      ChunkWrites.Applied applied =
          new ChunkWrites(
                  layout,
                  appId,
                  new ChunkWrites.EventOrigin("requestId", id),
                  maxCommitBytes,
                  existingOnly::contains,
                  ItemAnswer.USER_NOT_FOUND)
              .apply(tx, new Chunk(0, 0, 0, rows), 0, maxRows);
      Map<Object, Map<String, Object>> results = new HashMap<>();
      applied.results().forEach(result -> results.put(result.get("row"), result));
      for (RowResult row : rows.subList(0, applied.rowsTaken())) {
        Map<String, Object> result = results.get(row.row());
        if (result == null) {
          answers.add(stored(ItemAnswer.SUCCESS));
          continue;
        }
        RowProblem problem =
            new RowProblem(
                (String) result.get("column"),
                (String) result.get("value"),
                (String) result.get("message"));
        answers.add(
            stored(
                "failed".equals(result.get("status"))
                    ? ItemAnswer.failure(problem)
                    : ItemAnswer.warning(problem)));
      }
    }

    /**
     * Deletes a page of the user's events and devices; when none are left, the profile, and
     * answers. Answers whether the item is done.
     */
    private boolean deleteStep(Transaction tx, String userId, List<Map<String, Object>> answers)
        throws Exception {
      QuerySnapshot events = tx.get(layout.events(appId, userId).limit(DELETE_PAGE)).get();
      QuerySnapshot devices = tx.get(layout.devices(appId, userId).limit(DELETE_PAGE)).get();
      DocumentSnapshot profile = tx.get(layout.user(appId, userId)).get();
      for (QueryDocumentSnapshot doc : events.getDocuments()) {
        tx.delete(doc.getReference());
      }
      for (QueryDocumentSnapshot doc : devices.getDocuments()) {
        tx.delete(doc.getReference());
      }
      if (events.size() == DELETE_PAGE || devices.size() == DELETE_PAGE) {
        return false;
      }
      tx.delete(profile.getReference());
      answers.add(
          stored(
              profile.exists() || !events.isEmpty() || !devices.isEmpty()
                  ? ItemAnswer.SUCCESS
                  : ItemAnswer.warning(RowProblem.ofRow(ItemAnswer.USER_NOT_FOUND))));
      return true;
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> storedAnswers(DocumentSnapshot progress) {
    Object answers = progress.get("answers");
    return answers == null
        ? new ArrayList<>()
        : new ArrayList<>((List<Map<String, Object>>) answers);
  }

  private static Map<String, Object> stored(ItemAnswer answer) {
    Map<String, Object> stored = new LinkedHashMap<>();
    stored.put("success", answer.success());
    stored.put("warning", answer.warning());
    stored.put("error", answer.error());
    return stored;
  }

  private static ItemAnswer answerOf(Map<String, Object> stored) {
    return new ItemAnswer(
        Boolean.TRUE.equals(stored.get("success")),
        (String) stored.get("warning"),
        (String) stored.get("error"));
  }
}
