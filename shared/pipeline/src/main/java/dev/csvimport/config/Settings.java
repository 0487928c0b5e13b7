package dev.csvimport.config;

import dev.csvimport.engine.chunk.ChunkLimits;
import dev.csvimport.fanout.FanOutSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every setting the functions read from their environment, with its default. Terraform sets these;
 * a test keeps the two in step.
 */
public final class Settings {

  /** Which app owns which bucket: {@code bucket=appId,bucket2=appId2}. */
  public static final String BUCKET_APPS = "BUCKET_APPS";

  /** Where new files are picked up in each bucket. */
  public static final String INBOX_PREFIX = "INBOX_PREFIX";

  /** The chunk topic, {@code projects/P/topics/T}. */
  public static final String CHUNK_TOPIC = "CHUNK_TOPIC";

  /** The fan-out topic, {@code projects/P/topics/T}, whose messages run the trigger again. */
  public static final String FANOUT_TOPIC = "FANOUT_TOPIC";

  /**
   * The job-events topic, {@code projects/P/topics/T}: each job's end is published there (the
   * watchdog's sweep sends it).
   */
  public static final String JOB_EVENTS_TOPIC = "JOB_EVENTS_TOPIC";

  /**
   * The chunk subscription's dead-letter max_delivery_attempts: the last attempt records its rows
   * as failed.
   */
  public static final String MAX_DELIVERY_ATTEMPTS = "MAX_DELIVERY_ATTEMPTS";

  /**
   * How long one trigger invocation publishes before it hands over (keep under the function
   * timeout).
   */
  public static final String FANOUT_BUDGET_SECONDS = "FANOUT_BUDGET_SECONDS";

  /** How long job documents are kept (a Firestore TTL policy deletes them after). */
  public static final String JOB_RETENTION_DAYS = "JOB_RETENTION_DAYS";

  /** How many ordered streams a job's rows are spread over. */
  public static final String PARTITIONS = "PARTITIONS";

  /**
   * The chunk processor's instance limit: a job spreads over no more partitions than instances can
   * apply at once.
   */
  public static final String PROCESSOR_MAX_INSTANCES = "PROCESSOR_MAX_INSTANCES";

  /** Most rows per chunk. */
  public static final String CHUNK_ROWS = "CHUNK_ROWS";

  /** Rows between two fan-out checkpoints. */
  public static final String SEGMENT_ROWS = "SEGMENT_ROWS";

  /**
   * How long a fan-out's lease lasts unless its invocation renews it (it does every third of it
   * while it works): a fan-out whose instance died is taken over this soon after its last renewal.
   */
  public static final String FANOUT_LEASE_SECONDS = "FANOUT_LEASE_SECONDS";

  /**
   * How long a fan-out that no invocation holds, and that none ever died holding, may wait (for its
   * first invocation, or for a follow-up) before the watchdog asks for it again.
   */
  public static final String STALL_MINUTES = "STALL_MINUTES";

  /**
   * The Google Cloud project, for the trace links of request logs; empty where there is none (local
   * runs).
   */
  public static final String PROJECT_ID = "PROJECT_ID";

  /**
   * How long a job may go without progress before the watchdog logs it as stuck (what the
   * stuck-jobs alert counts).
   */
  public static final String STUCK_MINUTES = "STUCK_MINUTES";

  /**
   * What one transaction may write, in KiB, by the store's size estimate: 6 MiB, well under
   * Firestore's 10 MiB per request. The emulator takes minutes over commits of several MB, so local
   * tests set less.
   */
  public static final String COMMIT_KIB = "COMMIT_KIB";

  /** How long a job may take in all before the watchdog fails it. */
  public static final String JOB_DEADLINE_HOURS = "JOB_DEADLINE_HOURS";

  private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  static {
    DEFAULTS.put(BUCKET_APPS, "");
    DEFAULTS.put(PROJECT_ID, "");
    DEFAULTS.put(INBOX_PREFIX, "imports/");
    DEFAULTS.put(CHUNK_TOPIC, "");
    DEFAULTS.put(FANOUT_TOPIC, "");
    DEFAULTS.put(JOB_EVENTS_TOPIC, "");
    DEFAULTS.put(MAX_DELIVERY_ATTEMPTS, "10");
    DEFAULTS.put(FANOUT_BUDGET_SECONDS, "420");
    DEFAULTS.put(JOB_RETENTION_DAYS, "90");
    DEFAULTS.put(PARTITIONS, "100");
    DEFAULTS.put(PROCESSOR_MAX_INSTANCES, "100");
    DEFAULTS.put(CHUNK_ROWS, "200");
    DEFAULTS.put(SEGMENT_ROWS, "50000");
    DEFAULTS.put(FANOUT_LEASE_SECONDS, "60");
    DEFAULTS.put(STALL_MINUTES, "15");
    DEFAULTS.put(STUCK_MINUTES, "30");
    DEFAULTS.put(JOB_DEADLINE_HOURS, "24");
    DEFAULTS.put(COMMIT_KIB, "6144");
  }

  /**
   * The settings that are whole numbers, with the least each may be (a budget of 0 hands over at
   * each checkpoint).
   */
  private static final Map<String, Integer> MINIMUMS =
      Map.ofEntries(
          Map.entry(MAX_DELIVERY_ATTEMPTS, 1),
          Map.entry(FANOUT_BUDGET_SECONDS, 0),
          Map.entry(JOB_RETENTION_DAYS, 1),
          Map.entry(PARTITIONS, 1),
          Map.entry(PROCESSOR_MAX_INSTANCES, 1),
          Map.entry(CHUNK_ROWS, 1),
          Map.entry(SEGMENT_ROWS, 1),
          Map.entry(STALL_MINUTES, 1),
          Map.entry(STUCK_MINUTES, 1),
          Map.entry(FANOUT_LEASE_SECONDS, 3),
          Map.entry(JOB_DEADLINE_HOURS, 1),
          Map.entry(COMMIT_KIB, 64));

  private final Map<String, String> values;
  private final Map<String, Integer> integers = new HashMap<>();

  /**
   * Reads and checks every setting at once, so that a bad value stops the function at start, not on
   * the first chunk it handles.
   *
   * @throws IllegalArgumentException naming each bad value
   */
  public Settings(Map<String, String> environment) {
    this.values = new HashMap<>(DEFAULTS);
    DEFAULTS
        .keySet()
        .forEach(
            name -> {
              String value = environment.get(name);
              if (value != null && !value.isBlank()) {
                values.put(name, value.trim());
              }
            });
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Integer> setting : MINIMUMS.entrySet()) {
      String name = setting.getKey();
      try {
        int value = Integer.parseInt(values.get(name));
        if (value < setting.getValue()) {
          problems.add(name + " must be at least " + setting.getValue() + ", not " + value);
        }
        integers.put(name, value);
      } catch (NumberFormatException e) {
        problems.add(name + " must be a whole number, not '" + values.get(name) + "'");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("bad settings: " + String.join("; ", problems));
    }
  }

  public static Settings fromEnvironment() {
    return new Settings(System.getenv());
  }

  /** Every setting's name and default. */
  public static Map<String, String> defaults() {
    return Map.copyOf(DEFAULTS);
  }

  public Settings with(String name, String value) {
    Map<String, String> changed = new HashMap<>(values);
    changed.put(name, value);
    return new Settings(changed);
  }

  /** Every setting by name, as the environment variables a function would be deployed with. */
  public Map<String, String> asEnvironment() {
    return Map.copyOf(values);
  }

  public String get(String name) {
    return values.get(name);
  }

  /** A whole-number setting, checked when the settings were read. */
  public int integer(String name) {
    Integer value = integers.get(name);
    if (value == null) {
      throw new IllegalArgumentException(name + " is not a whole-number setting");
    }
    return value;
  }

  /**
   * The chunk subscription's last delivery attempt, when a chunk's rows are recorded as failed
   * instead.
   */
  public int maxDeliveryAttempts() {
    return integer(MAX_DELIVERY_ATTEMPTS);
  }

  /** The app that owns {@code bucket}, or null when the bucket is not an app's. */
  public String appOfBucket(String bucket) {
    for (String pair : values.get(BUCKET_APPS).split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).trim().equals(bucket)) {
        return pair.substring(eq + 1).trim();
      }
    }
    return null;
  }

  public String inboxPrefix() {
    String prefix = values.get(INBOX_PREFIX);
    return prefix.endsWith("/") ? prefix : prefix + "/";
  }

  /** What one transaction may write, in bytes. */
  public long commitBytes() {
    return integer(COMMIT_KIB) * 1024L;
  }

  /**
   * How new jobs are fanned out; their partitions are at most PARTITIONS and
   * PROCESSOR_MAX_INSTANCES.
   */
  public FanOutSettings fanOut() {
    return new FanOutSettings(
        new ChunkLimits(
            Math.min(integer(PARTITIONS), integer(PROCESSOR_MAX_INSTANCES)),
            integer(CHUNK_ROWS),
            ChunkLimits.DEFAULT.maxBytes(),
            integer(SEGMENT_ROWS)),
        Duration.ofSeconds(integer(FANOUT_BUDGET_SECONDS)),
        Duration.ofDays(integer(JOB_RETENTION_DAYS)),
        Duration.ofSeconds(integer(FANOUT_LEASE_SECONDS)));
  }
}
