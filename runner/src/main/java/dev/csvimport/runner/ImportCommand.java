package dev.csvimport.runner;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.csvimport.Stages;
import dev.csvimport.api.ApiAnswer;
import dev.csvimport.config.Settings;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobState;
import dev.csvimport.ports.PartitionTotals;
import dev.csvimport.write.ItemAnswer;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code csvimport import FILE}: one import, start to finish, then what getMultiResults and
 * exportUser answer.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description =
        "Imports FILE as if it were dropped into an app's bucket, waits for the job to end, and"
            + " prints its getMultiResults answer, its results file and the profiles asked for.")
final class ImportCommand implements Callable<Integer> {

  private static final Gson PRETTY =
      new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();
  private static final Gson COMPACT =
      new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "the CSV file")
  Path file;

  @Option(
      names = "--action",
      paramLabel = "A",
      description = "the file's default action: setUserAttributes, setDeviceAttributes or track")
  String action;

  @Option(
      names = "--delimiter",
      paramLabel = "D",
      description = "comma, semicolon, tab or pipe (default: told from the header line)")
  String delimiter;

  @Option(
      names = "--update-only",
      description = "createDisposition CreateNever: rows for users not found are skipped")
  boolean updateOnly;

  @Option(
      names = "--dry-run",
      description =
          "check the whole file as the import would, against the profiles as they are, and write"
              + " nothing but the job and its files")
  boolean dryRun;

  @Option(
      names = "--app",
      paramLabel = "APP",
      defaultValue = "local",
      description = "the app id (default: local)")
  String appId;

  @Option(
      names = "--show-user",
      paramLabel = "ID",
      description = "print this user's profile (repeatable)")
  List<String> showUsers = new ArrayList<>();

  @Option(
      names = "--json",
      description = "print one JSON object {job, results, users} and nothing else")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(file)) {
      spec.commandLine().getErr().println("no such file: " + file);
      return 2;
    }
    WorkDir.logTo("runner.log");
    PrintStream err = System.err;
    err.println(
        "starting the Firestore and Pub/Sub emulators (logs in " + WorkDir.emulatorLog() + ")");
    Settings settings = new Settings(Map.of(Settings.BUCKET_APPS, LocalCloud.BUCKET + "=" + appId));
    try (Emulators emulators = Emulators.start(System.getenv(), WorkDir.emulatorLog());
        LocalCloud cloud = LocalCloud.start(emulators, settings, 0, null, WorkDir.PATH)) {
      Map<String, String> metadata = new HashMap<>();
      if (action != null) {
        metadata.put("action", action);
      }
      if (delimiter != null) {
        metadata.put("delimiter", delimiter);
      }
      if (updateOnly) {
        metadata.put("createDisposition", "CreateNever");
      }
      if (dryRun) {
        metadata.put("dryRun", "true");
      }
      String objectName = settings.inboxPrefix() + file.getFileName();
      err.println("importing " + file + " as gs://" + LocalCloud.BUCKET + "/" + objectName);
      CompletableFuture<String> dropped =
          CompletableFuture.supplyAsync(
              () -> {
                try (InputStream content = Files.newInputStream(file)) {
                  return cloud.drop(content, objectName, metadata);
                } catch (Exception e) {
                  throw new IllegalStateException("the trigger failed: " + e.getMessage(), e);
                }
              });
      Job job = awaitEnd(cloud.stages(), dropped, err);
      JsonObject answer =
          cloud.stages().answers().multiResults(job, cloud.stages().partitions().totals(job));
      JsonArray results = results(cloud, job);
      Map<String, JsonObject> users = new LinkedHashMap<>();
      for (String userId : showUsers) {
        users.put(userId, exportUser(cloud.stages(), userId));
      }
      print(answer, results, users);
      return job.state() == JobState.FINISHED ? 0 : 1;
    }
  }

  /** Polls the job, drawing a progress bar, until it ends. */
  private Job awaitEnd(Stages stages, CompletableFuture<String> dropped, PrintStream err)
      throws Exception {
    String jobId = dropped.get();
    ProgressBar bar = new ProgressBar(err);
    while (true) {
      Job job = stages.jobs().get(appId, jobId).orElseThrow();
      PartitionTotals totals = stages.partitions().totals(job);
      bar.show(job, totals);
      if (job.state().ended()) {
        bar.done();
        return job;
      }
      Thread.sleep(250);
    }
  }

  private static JsonArray results(LocalCloud cloud, Job job) {
    JsonArray lines = new JsonArray();
    if (job.resultsFile() == null) {
      return lines;
    }
    String content =
        new String(
            cloud.storage().readAllBytes(job.bucket(), job.resultsFile()), StandardCharsets.UTF_8);
    content
        .lines()
        .filter(line -> !line.isBlank())
        .forEach(line -> lines.add(JsonParser.parseString(line)));
    return lines;
  }

  private JsonObject exportUser(Stages stages, String userId) throws Exception {
    var profile = stages.profiles().profile(appId, userId);
    if (profile.isEmpty()) {
      return ApiAnswer.warningElement(ItemAnswer.USER_NOT_FOUND);
    }
    return stages.answers().exportUser(profile.get(), stages.profiles().devices(appId, userId));
  }

  private void print(JsonObject answer, JsonArray results, Map<String, JsonObject> users) {
    PrintStream out = System.out;
    if (json) {
      JsonObject all = new JsonObject();
      all.add("job", answer);
      all.add("results", results);
      JsonObject userAnswers = new JsonObject();
      users.forEach(userAnswers::add);
      all.add("users", userAnswers);
      out.println(COMPACT.toJson(all));
      return;
    }
    out.println("getMultiResults:");
    out.println(PRETTY.toJson(answer));
    out.println("results file (" + results.size() + " lines):");
    results.forEach(line -> out.println(COMPACT.toJson(line)));
    users.forEach(
        (id, user) -> {
          out.println("exportUser " + id + ":");
          out.println(PRETTY.toJson(user));
        });
  }
}
