package dev.csvimport.store;

import static dev.csvimport.store.FirestoreValues.fromFirestore;
import static dev.csvimport.store.FirestoreValues.instant;
import static dev.csvimport.store.FirestoreValues.timestamp;
import static dev.csvimport.store.FirestoreValues.toFirestore;

import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentSnapshot;
import dev.csvimport.engine.apply.EventTotals;
import dev.csvimport.engine.apply.Profile;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A profile as a Firestore document: {@code {userId, attributes:{name:value},
 * events:{name:{count,value,firstTime,lastTime}}, created, lastActive}}.
 */
public final class ProfileDocuments {

  private ProfileDocuments() {}

  public static Map<String, Object> toDocument(Profile profile) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("userId", profile.userId());
    doc.put("attributes", toFirestore(profile.attributes()));
    Map<String, Object> events = new LinkedHashMap<>();
    profile
        .events()
        .forEach(
            (name, totals) -> {
              Map<String, Object> fields = new LinkedHashMap<>();
              fields.put("count", totals.count());
              fields.put("value", totals.value());
              fields.put("firstTime", timestamp(totals.firstTime()));
              fields.put("lastTime", timestamp(totals.lastTime()));
              events.put(name, fields);
            });
    doc.put("events", events);
    doc.put("created", timestamp(profile.created()));
    doc.put("lastActive", timestamp(profile.lastActive()));
    return doc;
  }

  @SuppressWarnings("unchecked")
  public static Profile fromDocument(String userId, DocumentSnapshot doc) {
    if (!doc.exists()) {
      return Profile.empty(userId);
    }
    Map<String, Object> attributes = (Map<String, Object>) fromFirestore(doc.get("attributes"));
    Map<String, EventTotals> events = new LinkedHashMap<>();
    Object storedEvents = doc.get("events");
    if (storedEvents instanceof Map<?, ?> map) {
      map.forEach(
          (name, fields) -> {
            Map<String, Object> f = (Map<String, Object>) fields;
            events.put(
                String.valueOf(name),
                new EventTotals(
                    f.get("count") == null ? null : ((Number) f.get("count")).longValue(),
                    f.get("value") == null ? null : ((Number) f.get("value")).doubleValue(),
                    instant((Timestamp) f.get("firstTime")),
                    instant((Timestamp) f.get("lastTime"))));
          });
    }
    return new Profile(
        userId,
        attributes == null ? Map.of() : attributes,
        events,
        instant(doc.getTimestamp("created")),
        instant(doc.getTimestamp("lastActive")));
  }
}
