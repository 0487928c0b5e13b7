package dev.csvimport.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.csvimport.engine.apply.Profile;
import dev.csvimport.engine.check.ItemChecker;
import dev.csvimport.ports.StoreException;
import dev.csvimport.store.ProfileStore;
import dev.csvimport.store.WriteRequests;
import dev.csvimport.write.ItemAnswer;
import dev.csvimport.write.WriteCalls;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Leanplum's write calls, applied by the same rules as a CSV row: a batch (multi without
 * createJob), a write action called alone (setUserAttributes, setDeviceAttributes, track,
 * deleteUser), and exportUser, which reads back what they wrote. Either key may call them.
 */
public final class WriteActions {

  /**
   * A single write call's parameters that are the call's, not the item's: left out of its
   * fingerprint.
   */
  private static final List<String> CALL_PARAMETERS =
      List.of("appId", "clientKey", "apiVersion", "requestId", "devMode");

  private final WriteRequests writes;
  private final ProfileStore profiles;
  private final Answers answers;
  private final Clock clock;

  public WriteActions(WriteRequests writes, ProfileStore profiles, Answers answers, Clock clock) {
    this.writes = writes;
    this.profiles = profiles;
    this.answers = answers;
    this.clock = clock;
  }

  /**
   * multi without createJob: Leanplum's batch, its items in {@code data} (a JSON array), each
   * answered in order; the status is 200 whenever the batch itself is valid, whatever became of its
   * items.
   */
  public ApiAnswer batch(Caller caller, Params params) throws ApiError, StoreException {
    String data = params.get("data");
    if (data == null) {
      throw new ApiError(
          400,
          "missing parameter data: a batch sends its items as {\"data\":[{\"action\":"
              + "\"track\", ...}, ...]}; a CSV import sends createJob=true");
    }
    JsonElement parsed;
    try {
      parsed = JsonParser.parseString(data);
    } catch (JsonParseException e) {
      throw new ApiError(400, "data is not valid JSON: it must be an array of items");
    }
    if (!parsed.isJsonArray() || parsed.getAsJsonArray().isEmpty()) {
      throw new ApiError(
          400, "data must be a JSON array of 1 to " + WriteCalls.MAX_ITEMS + " items");
    }
    JsonArray items = parsed.getAsJsonArray();
    if (items.size() > WriteCalls.MAX_ITEMS) {
      throw new ApiError(
          400,
          "data has "
              + items.size()
              + " items; a batch may have at most "
              + WriteCalls.MAX_ITEMS
              + ": split it");
    }
    List<JsonObject> elements = new ArrayList<>();
    for (ItemAnswer answer : write(caller, params, items.asList(), items.toString())) {
      elements.add(element(answer));
    }
    return new ApiAnswer(200, elements);
  }

  /** A write action called alone: the item is the call's parameters; a failed item answers 400. */
  public ApiAnswer single(Caller caller, Params params) throws ApiError, StoreException {
    Map<String, String> parameters = new LinkedHashMap<>(params.all());
    CALL_PARAMETERS.forEach(parameters::remove);
    JsonObject item = ItemChecker.itemOf(parameters);
    // Clients stamp each call with the time it was sent; only a track's time is the item's (its
    // event's).
    JsonObject asked = item.deepCopy();
    if (!"track".equals(parameters.get("action"))) {
      asked.remove("time");
    }
    ItemAnswer answer = write(caller, params, List.of(item), asked.toString()).get(0);
    return new ApiAnswer(answer.success() ? 200 : 400, List.of(element(answer)));
  }

  /** exportUser: the profile; for an unknown user Leanplum's 200 with a warning. */
  public ApiAnswer exportUser(Caller caller, Params params) throws ApiError, StoreException {
    String userId = params.required("userId");
    Optional<Profile> profile = profiles.profile(caller.appId(), userId);
    if (profile.isEmpty()) {
      return ApiAnswer.ok(ApiAnswer.warningElement(ItemAnswer.USER_NOT_FOUND));
    }
    return ApiAnswer.ok(
        answers.exportUser(profile.get(), profiles.devices(caller.appId(), userId)));
  }

  private List<ItemAnswer> write(
      Caller caller, Params params, List<JsonElement> items, String fingerprint)
      throws ApiError, StoreException {
    try {
      return writes.apply(
          caller.appId(),
          params.get("requestId"),
          fingerprint,
          WriteCalls.items(items, clock.instant()));
    } catch (WriteRequests.RequestKeyReused reused) {
      throw new ApiError(409, reused.getMessage());
    }
  }

  private static JsonObject element(ItemAnswer answer) {
    if (!answer.success()) {
      return ApiAnswer.errorElement(answer.error());
    }
    if (answer.warning() != null) {
      return ApiAnswer.warningElement(answer.warning());
    }
    JsonObject success = new JsonObject();
    success.addProperty("success", true);
    return success;
  }
}
