package dev.csvimport.store;

import com.google.cloud.firestore.DocumentSnapshot;
import dev.csvimport.log.Log;
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
 * Apps, their buckets and their keys. A key is 32 random bytes; only its SHA-256 is stored (a key has too much entropy
 * for a slow hash to matter), and keys are compared in constant time.
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

  private static final Log LOG = Log.of(AppStore.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Compared against when the app is unknown, so that an unknown app takes as long as a wrong key. */
  private static final byte[] NO_APP = new byte[32];

  private final FirestoreLayout layout;
  private final Clock clock;

  public AppStore(FirestoreLayout layout, Clock clock) {
    this.layout = layout;
    this.clock = clock;
  }

  /** Creates the app, or gives an existing one new keys and these buckets; answers the keys, which are not kept. */
  public Keys create(String appId, List<String> buckets) throws StoreException {
    Keys keys = new Keys("dev_" + randomKey(), "prod_" + randomKey());
    Map<String, Object> app = new HashMap<>();
    app.put("appId", appId);
    app.put("buckets", List.copyOf(buckets));
    app.put("developmentKeyHash", hash(keys.development()));
    app.put("productionKeyHash", hash(keys.production()));
    app.put("keysCreatedAt", FirestoreValues.timestamp(clock.instant()));
    StoreException.await(layout.app(appId).set(app));
    LOG.info("app keys created", "appId", appId, "buckets", buckets);
    return keys;
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

  /** The kind of {@code key} for the app, or empty when the app is unknown or the key is not one of its keys. */
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
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
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
