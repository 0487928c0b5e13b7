package dev.csvimport.store;

import com.google.cloud.firestore.CollectionReference;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.Firestore;

/**
 * Where everything lives in Firestore. Everything of an app is under {@code apps/{appId}}, so no
 * query of one app can reach another's documents:
 *
 * <pre>
 * apps/{appId}                                   the app: its buckets and hashed keys
 * buckets/{bucket}                               which app owns the bucket (one app per bucket)
 * apps/{appId}/users/{userId}                    a profile
 * apps/{appId}/users/{userId}/events/{job-row}   one tracked event
 * apps/{appId}/users/{userId}/devices/{deviceId} one device
 * apps/{appId}/jobs/{jobId}                      an import
 * apps/{appId}/jobs/{jobId}/partitions/{p}       a partition's cursor and counts
 * .../partitions/{p}/results/{sequence}          the failed and warned rows of one chunk
 * .../partitions/{p}/parked/{sequence}           a chunk that arrived before its predecessor
 * apps/{appId}/requests/{requestId}              a write call's progress and answers, kept 24 hours
 * </pre>
 *
 * Customer ids go through {@link DocumentIds}.
 */
public final class FirestoreLayout {

  private final Firestore db;

  public FirestoreLayout(Firestore db) {
    this.db = db;
  }

  public Firestore db() {
    return db;
  }

  public DocumentReference app(String appId) {
    return db.collection("apps").document(DocumentIds.of(appId));
  }

  public DocumentReference bucket(String bucket) {
    return db.collection("buckets").document(DocumentIds.of(bucket));
  }

  public CollectionReference users(String appId) {
    return app(appId).collection("users");
  }

  public DocumentReference user(String appId, String userId) {
    return users(appId).document(DocumentIds.of(userId));
  }

  public CollectionReference events(String appId, String userId) {
    return user(appId, userId).collection("events");
  }

  public CollectionReference devices(String appId, String userId) {
    return user(appId, userId).collection("devices");
  }

  public CollectionReference jobs(String appId) {
    return app(appId).collection("jobs");
  }

  public DocumentReference job(String appId, String jobId) {
    return jobs(appId).document(DocumentIds.of(jobId));
  }

  public DocumentReference partition(String appId, String jobId, int partition) {
    return job(appId, jobId).collection("partitions").document(Integer.toString(partition));
  }

  public CollectionReference results(String appId, String jobId, int partition) {
    return partition(appId, jobId, partition).collection("results");
  }

  public DocumentReference parked(String appId, String jobId, int partition, int sequence) {
    return partition(appId, jobId, partition).collection("parked").document(sequenceId(sequence));
  }

  public DocumentReference request(String appId, String requestId) {
    return app(appId).collection("requests").document(DocumentIds.of(requestId));
  }

  /** Zero-padded, so that document-id order is sequence order. */
  public static String sequenceId(int sequence) {
    return String.format("%010d", sequence);
  }
}
