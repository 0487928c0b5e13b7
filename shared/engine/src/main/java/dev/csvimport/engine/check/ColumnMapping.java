package dev.csvimport.engine.check;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.csvimport.engine.read.Excerpt;
import dev.csvimport.engine.read.FileFailure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a person mapped a file's columns to, read in place of its header: each mapped column is read
 * as if its header said what it is mapped to (a user key, an attribute with a declared type, an
 * event or device field; a header starting with {@code #} ignores it). A mapped file and the same
 * file with its header rewritten so give the same chunks; the header's own rules (one user key,
 * each column once) then apply to the result.
 *
 * @param headers by a column's header as the file has it, the header to read it as
 */
public record ColumnMapping(Map<String, String> headers) {

  /** No mapping: every column is read as its header says. */
  public static final ColumnMapping NONE = new ColumnMapping(Map.of());

  public ColumnMapping {
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /** The most columns a mapping may name. */
  public static final int MAX_COLUMNS = 2000;

  /**
   * The mapping a JSON object of strings gives ({@code {"E-mail":"email","customer_id":"userId"}});
   * null or empty text is {@link #NONE}.
   *
   * @throws IllegalArgumentException with what is wrong, when it is not such an object
   */
  public static ColumnMapping fromJson(String json) {
    if (json == null || json.isBlank()) {
      return NONE;
    }
    JsonElement parsed;
    try {
      parsed = JsonParser.parseString(json);
    } catch (JsonParseException e) {
      parsed = null;
    }
    if (parsed == null || !parsed.isJsonObject()) {
      throw new IllegalArgumentException(
          "mapping must be a JSON object from the file's column headers to what each is read as,"
              + " e.g. {\"E-mail\":\"email\",\"customer_id\":\"userId\"}");
    }
    JsonObject object = parsed.getAsJsonObject();
    if (object.size() > MAX_COLUMNS) {
      throw new IllegalArgumentException(
          "mapping names " + object.size() + " columns; at most " + MAX_COLUMNS);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> entry : object.entrySet()) {
      JsonElement value = entry.getValue();
      if (!value.isJsonPrimitive()
          || !value.getAsJsonPrimitive().isString()
          || value.getAsString().isBlank()) {
        throw new IllegalArgumentException(
            "mapping of column "
                + Excerpt.quote(entry.getKey())
                + " must be a header in quotes, such as \"userId\", \"Age<int>\" or \"#ignored\"");
      }
      headers.put(entry.getKey().trim(), value.getAsString().trim());
    }
    return new ColumnMapping(headers);
  }

  /** The mapping as JSON, as {@link #fromJson} reads it; null for {@link #NONE}. */
  public String toJson() {
    if (headers.isEmpty()) {
      return null;
    }
    JsonObject object = new JsonObject();
    headers.forEach(object::addProperty);
    return object.toString();
  }

  /**
   * The header to read: each cell as mapped, the rest as written.
   *
   * @throws FileFailure when the mapping names a column the file does not have
   */
  public List<String> apply(List<String> header) throws FileFailure {
    if (headers.isEmpty()) {
      return header;
    }
    Set<String> unknown = new TreeSet<>(headers.keySet());
    List<String> mapped = new ArrayList<>(header.size());
    for (String cell : header) {
      String name = cell.trim();
      unknown.remove(name);
      mapped.add(headers.getOrDefault(name, cell));
    }
    if (!unknown.isEmpty()) {
      throw new FileFailure(
          "the column mapping names "
              + Excerpt.quote(unknown.iterator().next())
              + ", which is not a column of the file's header: map the columns as the file names"
              + " them");
    }
    return mapped;
  }
}
