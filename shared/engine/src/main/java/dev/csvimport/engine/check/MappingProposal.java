package dev.csvimport.engine.check;

import dev.csvimport.engine.operation.Action;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The column mapping proposed for a file whose headers name known things in other words: {@code
 * E-mail} read as {@code email}, {@code customer_id} as the user key, {@code Device ID} as {@code
 * deviceId}. A header is compared to the known names without case, spaces, {@code -} or {@code _};
 * a person sees the proposal in the preview and keeps or changes it. Nothing is proposed for a
 * header the engine already reads as the thing, for a header that declares a type or a prefix, or
 * where it would give two columns the same target.
 */
public final class MappingProposal {

  /** The user key's other names, most telling first: the first one the header has is proposed. */
  private static final List<String> USER_KEY_NAMES =
      List.of(
          "userid",
          "identity",
          "objectid",
          "customerid",
          "externalid",
          "externaluserid",
          "memberid",
          "accountid",
          "clientid",
          "uid",
          "user",
          "customer",
          "id");

  /** Other names of the attributes the engine checks by name. */
  private static final Map<String, String> ATTRIBUTES =
      Map.ofEntries(
          Map.entry("email", "email"),
          Map.entry("emailaddress", "email"),
          Map.entry("mail", "email"),
          Map.entry("phone", "phone"),
          Map.entry("phonenumber", "phone"),
          Map.entry("mobile", "phone"),
          Map.entry("mobilenumber", "phone"),
          Map.entry("mobilephone", "phone"),
          Map.entry("telephone", "phone"));

  private static final Map<String, String> USER_FIELDS =
      Map.of(
          "created", "created",
          "createdat", "created",
          "lastactive", "lastActive",
          "lastactiveat", "lastActive",
          "lastseen", "lastActive");

  private static final Map<String, String> TRACK_FIELDS =
      Map.ofEntries(
          Map.entry("event", "event"),
          Map.entry("eventname", "event"),
          Map.entry("time", "time"),
          Map.entry("eventtime", "time"),
          Map.entry("timestamp", "time"),
          Map.entry("value", "value"),
          Map.entry("eventvalue", "value"),
          Map.entry("currency", "currencyCode"),
          Map.entry("currencycode", "currencyCode"),
          Map.entry("info", "info"));

  private static final Map<String, String> DEVICE_FIELDS = new LinkedHashMap<>();

  static {
    DEVICE_FIELDS.put("deviceid", "deviceId");
    HeaderParser.DEVICE_ARGUMENTS.forEach(name -> DEVICE_FIELDS.put(normal(name), name));
    DEVICE_FIELDS.put("apnstoken", "iosPushToken");
    DEVICE_FIELDS.put("fcmtoken", "gcmRegistrationId");
  }

  private MappingProposal() {}

  /**
   * @param header the file's header as it is
   * @param defaultAction the import's default action, or null: event fields are proposed only where
   *     rows can be track rows, device fields only where they can be setDeviceAttributes rows
   */
  public static ColumnMapping of(List<String> header, Action defaultAction) {
    Set<String> cells = new HashSet<>();
    header.forEach(cell -> cells.add(cell.trim()));
    boolean anyAction = defaultAction == null || cells.contains("action");
    Map<String, String> known = new LinkedHashMap<>(ATTRIBUTES);
    if (anyAction || defaultAction == Action.SET_USER_ATTRIBUTES) {
      known.putAll(USER_FIELDS);
    }
    if (anyAction || defaultAction == Action.TRACK) {
      known.putAll(TRACK_FIELDS);
    }
    if (anyAction || defaultAction == Action.SET_DEVICE_ATTRIBUTES) {
      known.putAll(DEVICE_FIELDS);
    }
    Set<String> targets = new HashSet<>(cells);
    Map<String, String> proposed = new LinkedHashMap<>();
    for (String cell : header) {
      String name = cell.trim();
      String target = proposable(name) ? known.get(normal(name)) : null;
      if (target != null && !target.equals(name) && targets.add(target)) {
        proposed.put(name, target);
      }
    }
    if (HeaderParser.USER_KEYS.stream().noneMatch(cells::contains)) {
      userKey(header).ifPresent(name -> proposed.put(name, HeaderParser.USER_KEYS.get(0)));
    }
    return new ColumnMapping(proposed);
  }

  private static Optional<String> userKey(List<String> header) {
    for (String key : USER_KEY_NAMES) {
      for (String cell : header) {
        String name = cell.trim();
        if (proposable(name) && normal(name).equals(key)) {
          return Optional.of(name);
        }
      }
    }
    return Optional.empty();
  }

  /** A plain header: not a note, no declared type, no prefix such as {@code params.}. */
  private static boolean proposable(String header) {
    return !header.isEmpty()
        && !header.startsWith(HeaderParser.NOTE_PREFIX)
        && header.indexOf('<') < 0
        && header.indexOf('.') < 0;
  }

  private static String normal(String header) {
    return header.toLowerCase(Locale.ROOT).replaceAll("[\\s_-]", "");
  }
}
