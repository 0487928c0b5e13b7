package dev.csvimport.store;

import com.google.cloud.Timestamp;
import com.google.cloud.firestore.Blob;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A document's size as Firestore counts it against its 1 MiB limit
 * (https://firebase.google.com/docs/firestore/storage-size), so that a row that would break the
 * limit fails alone instead of failing its whole chunk at commit.
 */
public final class DocumentSize {

  /** Firestore's limit, less a margin for what this estimate leaves out. */
  public static final int MAX_BYTES = 1_048_576 - 1024;

  private DocumentSize() {}

  /**
   * @param path the document's path below the database, e.g. {@code apps/a/users/u}
   */
  public static long of(String path, Map<String, Object> fields) {
    long size = 16;
    for (String segment : path.split("/")) {
      size += utf8(segment) + 1;
    }
    return size + 32 + fieldsSize(fields);
  }

  private static long fieldsSize(Map<?, ?> fields) {
    long size = 0;
    for (Map.Entry<?, ?> field : fields.entrySet()) {
      size += utf8(String.valueOf(field.getKey())) + 1 + valueSize(field.getValue());
    }
    return size;
  }

  private static long valueSize(Object value) {
    if (value == null || value instanceof Boolean) {
      return 1;
    }
    if (value instanceof String text) {
      return utf8(text) + 1;
    }
    if (value instanceof Number || value instanceof Timestamp) {
      return 8;
    }
    if (value instanceof Blob blob) {
      return blob.toBytes().length;
    }
    if (value instanceof List<?> list) {
      long size = 0;
      for (Object element : list) {
        size += valueSize(element);
      }
      return size;
    }
    if (value instanceof Map<?, ?> map) {
      return fieldsSize(map);
    }
    return 16;
  }

  private static long utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }
}
