package dev.csvimport.store;

import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.SetOptions;
import dev.csvimport.log.Log;
import dev.csvimport.ports.StoreException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Apps, their buckets and their keys. A key is 32 random bytes; only its SHA-256 is stored (a key
 * has too much entropy for a slow hash to matter), and keys are compared in constant time.
 */
public final class AppStore {

  /** What a key may do: a development key may also start imports, as in Leanplum. */
  public enum KeyKind {
    DEVELOPMENT,
    PRODUCTION
  }

  /** A new app's keys, shown once. */
  public record Keys(String development, String production) {}

  /** An app as stored: its buckets. */
  public record App(String appId, List<String> buckets) {}

  /** A bucket asked for by an app while another app owns it: one bucket belongs to one app. */
  public static final class BucketTaken extends Exception {
    public BucketTaken(String bucket, String owner) {
      super(
          "bucket "
              + bucket
              + " already belongs to app "
              + owner
              + ": one bucket belongs to one app; give this app"
              + " a bucket of its own",
          null,
          false,
          false);
    }
  }

  private static final Log LOG = Log.of(AppStore.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Compared against when the app is unknown, so that an unknown app takes as long as a wrong key.
   */
  private static final byte[] NO_APP = new byte[32];

  private final FirestoreLayout layout;
  private final Clock clock;

  public AppStore(FirestoreLayout layout, Clock clock) {
    this.layout = layout;
    this.clock = clock;
  }

  /**
   * Creates the app, or gives an existing one new keys and these buckets; answers the keys, which
   * are not kept. Each bucket is claimed for the app in the same transaction ({@code
   * buckets/{bucket}}); a bucket another app owns is refused and nothing changes. Buckets the app
   * no longer lists are released.
   *
   * @throws BucketTaken when a bucket belongs to another app
   */
  public Keys create(String appId, List<String> buckets) throws StoreException, BucketTaken {
    Keys keys = new Keys("dev_" + randomKey(), "prod_" + randomKey());
    Map<String, Object> app = new HashMap<>();
    app.put("appId", appId);
    app.put("buckets", List.copyOf(buckets));
    app.put("developmentKeyHash", hash(keys.development()));
    app.put("productionKeyHash", hash(keys.production()));
    app.put("keysCreatedAt", FirestoreValues.timestamp(clock.instant()));
    String taken =
        StoreException.await(
            layout
                .db()
                .runTransaction(
                    tx -> {
                      List<DocumentReference> claims =
                          buckets.stream().map(layout::bucket).toList();
                      List<DocumentSnapshot> owners =
                          claims.isEmpty()
                              ? List.of()
                              : tx.getAll(claims.toArray(new DocumentReference[0])).get();
                      DocumentSnapshot current = tx.get(layout.app(appId)).get();
                      for (int i = 0; i < buckets.size(); i++) {
                        String owner =
                            owners.get(i).exists() ? owners.get(i).getString("appId") : null;
                        if (owner != null && !owner.equals(appId)) {
                          return buckets.get(i) + "\n" + owner;
                        }
                      }
                      if (current.exists() && current.get("buckets") instanceof List<?> previous) {
                        for (Object bucket : previous) {
                          if (!buckets.contains(String.valueOf(bucket))) {
                            tx.delete(layout.bucket(String.valueOf(bucket)));
                          }
                        }
                      }
                      claims.forEach(claim -> tx.set(claim, Map.of("appId", appId)));
                      // Merged: new keys keep the app's webhook (setWebhook changes it).
                      tx.set(layout.app(appId), app, SetOptions.merge());
                      return null;
                    }));
    if (taken != null) {
      String[] bucketAndOwner = taken.split("\n", 2);
      throw new BucketTaken(bucketAndOwner[0], bucketAndOwner[1]);
    }
    LOG.info("app keys created", "appId", appId, "buckets", buckets);
    return keys;
  }

  /** The app that owns {@code bucket}, if any. */
  /**
   * An app's webhook: where its jobs' ends are POSTed, and the secret that signs them. The secret
   * is kept as it is, not hashed as the keys are: the service must sign with it.
   */
  public record Webhook(String url, String secret) {}

  /**
   * Sets the app's webhook to {@code url} with a new signing secret, which is answered here once;
   * {@code url} null removes the webhook. Answers the new secret, or null when removed.
   *
   * @throws StoreException also when the app does not exist
   */
  public String setWebhook(String appId, String url) throws StoreException {
    String secret = url == null ? null : "whsec_" + randomKey();
    Map<String, Object> webhook = new HashMap<>();
    webhook.put("webhookUrl", url);
    webhook.put("webhookSecret", secret);
    webhook.put("webhookSetAt", FirestoreValues.timestamp(clock.instant()));
    StoreException.await(layout.app(appId).update(webhook));
    LOG.info(url == null ? "app webhook removed" : "app webhook set", "appId", appId, "url", url);
    return secret;
  }

  public Optional<Webhook> webhook(String appId) throws StoreException {
    DocumentSnapshot doc = StoreException.await(layout.app(appId).get());
    String url = doc.exists() ? doc.getString("webhookUrl") : null;
    String secret = doc.exists() ? doc.getString("webhookSecret") : null;
    return url == null || secret == null ? Optional.empty() : Optional.of(new Webhook(url, secret));
  }

  public Optional<String> ownerOf(String bucket) throws StoreException {
    DocumentSnapshot claim = StoreException.await(layout.bucket(bucket).get());
    return claim.exists() ? Optional.ofNullable(claim.getString("appId")) : Optional.empty();
  }

  /** Whether {@code bucket} is one the app lists and owns: the only buckets it may import from. */
  public boolean owns(String appId, String bucket) throws StoreException {
    return get(appId).map(App::buckets).orElse(List.of()).contains(bucket)
        && ownerOf(bucket).map(appId::equals).orElse(false);
  }

  /** The app's inbox bucket: the first it lists that it owns, if any. */
  public Optional<String> inboxBucket(String appId) throws StoreException {
    for (String bucket : get(appId).map(App::buckets).orElse(List.of())) {
      if (ownerOf(bucket).map(appId::equals).orElse(false)) {
        return Optional.of(bucket);
      }
    }
    return Optional.empty();
  }

  public Optional<App> get(String appId) throws StoreException {
    DocumentSnapshot doc = StoreException.await(layout.app(appId).get());
    if (!doc.exists()) {
      return Optional.empty();
    }
    @SuppressWarnings("unchecked")
    List<String> buckets = (List<String>) doc.get("buckets");
    return Optional.of(new App(appId, buckets == null ? List.of() : List.copyOf(buckets)));
  }

  /**
   * The kind of {@code key} for the app, or empty when the app is unknown or the key is not one of
   * its keys.
   */
  public Optional<KeyKind> authenticate(String appId, String key) throws StoreException {
    DocumentSnapshot doc = StoreException.await(layout.app(appId).get());
    String offered = hash(key == null ? "" : key);
    String development = doc.exists() ? doc.getString("developmentKeyHash") : null;
    String production = doc.exists() ? doc.getString("productionKeyHash") : null;
    boolean isDevelopment = equal(offered, development);
    boolean isProduction = equal(offered, production);
    if (isDevelopment) {
      return Optional.of(KeyKind.DEVELOPMENT);
    }
    return isProduction ? Optional.of(KeyKind.PRODUCTION) : Optional.empty();
  }

  private static boolean equal(String offeredHash, String storedHash) {
    byte[] offered = offeredHash.getBytes(StandardCharsets.US_ASCII);
    byte[] stored = storedHash == null ? NO_APP : storedHash.getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(offered, stored) && storedHash != null;
  }

  static String hash(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private static String randomKey() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
