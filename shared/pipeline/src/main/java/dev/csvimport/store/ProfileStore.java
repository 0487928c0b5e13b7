package dev.csvimport.store;

import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import dev.csvimport.engine.apply.Profile;
import dev.csvimport.ports.StoreException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads profiles and their devices, as exportUser shows them. */
public final class ProfileStore {

  private final FirestoreLayout layout;

  public ProfileStore(FirestoreLayout layout) {
    this.layout = layout;
  }

  public Optional<Profile> profile(String appId, String userId) throws StoreException {
    DocumentSnapshot doc = StoreException.await(layout.user(appId, userId).get());
    return doc.exists()
        ? Optional.of(ProfileDocuments.fromDocument(userId, doc))
        : Optional.empty();
  }

  /** The user's devices, each its fields by name, in device id order. */
  public List<Map<String, Object>> devices(String appId, String userId) throws StoreException {
    List<Map<String, Object>> devices = new ArrayList<>();
    for (QueryDocumentSnapshot doc :
        StoreException.await(layout.devices(appId, userId).get()).getDocuments()) {
      Map<String, Object> fields = new LinkedHashMap<>();
      doc.getData()
          .forEach((name, value) -> fields.put(name, FirestoreValues.fromFirestore(value)));
      devices.add(fields);
    }
    return devices;
  }
}
