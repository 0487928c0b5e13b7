package dev.csvimport.store;

import com.google.cloud.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Between the engine's values (Instant for times) and Firestore's (Timestamp). */
public final class FirestoreValues {

  private FirestoreValues() {}

  public static Object toFirestore(Object value) {
    if (value instanceof Instant time) {
      return timestamp(time);
    }
    if (value instanceof List<?> list) {
      List<Object> converted = new ArrayList<>(list.size());
      list.forEach(v -> converted.add(toFirestore(v)));
      return converted;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> converted = new LinkedHashMap<>();
      map.forEach((k, v) -> converted.put(String.valueOf(k), toFirestore(v)));
      return converted;
    }
    return value;
  }

  public static Object fromFirestore(Object value) {
    if (value instanceof Timestamp time) {
      return instant(time);
    }
    if (value instanceof List<?> list) {
      List<Object> converted = new ArrayList<>(list.size());
      list.forEach(v -> converted.add(fromFirestore(v)));
      return converted;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> converted = new LinkedHashMap<>();
      map.forEach((k, v) -> converted.put(String.valueOf(k), fromFirestore(v)));
      return converted;
    }
    return value;
  }

  public static Timestamp timestamp(Instant time) {
    return time == null
        ? null
        : Timestamp.ofTimeSecondsAndNanos(time.getEpochSecond(), time.getNano());
  }

  public static Instant instant(Timestamp time) {
    return time == null ? null : Instant.ofEpochSecond(time.getSeconds(), time.getNanos());
  }
}
