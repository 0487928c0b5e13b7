package dev.csvimport.runner;

import dev.csvimport.config.Settings;
import dev.csvimport.job.Job;
import dev.csvimport.log.Log;
import dev.csvimport.store.AppStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code csvimport serve --bucket-dir DIR}: a folder is the bucket, served to the functions by the
 * local storage server. Every complete CSV that appears under {@code DIR/imports/} (put there by
 * hand, or uploaded through the page or the API) is imported, its results file lands in {@code
 * DIR/results/}, and the HTTP API answers on the port.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Runs until stopped: imports every complete CSV that appears under DIR/imports/ and answers"
            + " the HTTP API on the port.")
final class ServeCommand implements Callable<Integer> {

  static final String APP = "local";
  private static final Log LOG = Log.of(ServeCommand.class);

  @Option(
      names = "--bucket-dir",
      paramLabel = "DIR",
      required = true,
      description = "the folder that is the bucket")
  Path bucketDir;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "8080",
      description = "the API's port (default 8080)")
  int port;

  private final Map<Path, String> seen = new ConcurrentHashMap<>();
  private final Set<Path> imported = ConcurrentHashMap.newKeySet();
  private final ExecutorService waiting = Executors.newCachedThreadPool();

  @Override
  public Integer call() throws Exception {
    Path inbox = bucketDir.resolve("imports");
    Files.createDirectories(inbox);
    WorkDir.logTo("runner.log");
    Settings settings = new Settings(Map.of(Settings.BUCKET_APPS, LocalCloud.BUCKET + "=" + APP));
    try (Emulators emulators = Emulators.start(System.getenv(), WorkDir.emulatorLog());
        LocalCloud cloud = LocalCloud.start(emulators, settings, port, bucketDir, WorkDir.PATH)) {
      AppStore.Keys keys = cloud.stages().apps().create(APP, List.of(LocalCloud.BUCKET));
      PrintStream out = System.out;
      out.println("csvimport is serving. Stop it with Ctrl-C.");
      out.println(
          "  drop CSV files into:  "
              + inbox.toAbsolutePath()
              + "/ (or a subfolder named after an action)");
      out.println("  results files go to:  " + bucketDir.resolve("results").toAbsolutePath() + "/");
      out.println("  uploads page:         " + cloud.apiUrl("/ui"));
      out.println("  API:                  " + cloud.apiUrl("/api"));
      out.println("  appId:                " + APP);
      out.println("  development key:      " + keys.development());
      out.println("  production key:       " + keys.production());
      out.println("  bucket:               " + LocalCloud.BUCKET);
      out.println(
          "  FIRESTORE_EMULATOR_HOST="
              + emulators.firestoreHost()
              + " PUBSUB_EMULATOR_HOST="
              + emulators.pubsubHost()
              + " STORAGE_EMULATOR_HOST="
              + cloud.storage().getOptions().getHost());
      out.println("  functions' logs:      " + WorkDir.PATH.toAbsolutePath() + "/function-*.log");
      out.println(
          "try: curl '"
              + cloud.apiUrl("/api")
              + "?action=listJobs&appId="
              + APP
              + "&clientKey="
              + keys.production()
              + "'");
      out.flush();
      while (!Thread.currentThread().isInterrupted()) {
        scan(inbox, cloud);
        Thread.sleep(1000);
      }
    } finally {
      waiting.shutdownNow();
    }
    return 0;
  }

  /**
   * Imports each CSV whose size and modification time did not change since the last scan: a
   * complete file. Cloud Storage tells Eventarc of an object once it is written; a file put into
   * the folder by hand tells no one, so the scan delivers its finalize event (a file uploaded
   * through the page or the API has had its own already). A restart delivers each file's event
   * again, which finds its job instead of importing it twice, and resumes one interrupted.
   */
  private void scan(Path inbox, LocalCloud cloud) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(inbox)) {
      files =
          walk.filter(Files::isRegularFile)
              .filter(f -> dev.csvimport.fanout.ImportFileNames.isImport(f.toString()))
              .toList();
    }
    for (Path file : files) {
      FileTime modified = Files.getLastModifiedTime(file);
      String state = Files.size(file) + "@" + modified;
      String before = seen.put(file, state);
      if (state.equals(before) && imported.add(file.toAbsolutePath())) {
        String objectName = bucketDir.relativize(file).toString().replace('\\', '/');
        try {
          Optional<String> jobId = cloud.noticePlacedFile(objectName);
          if (jobId.isPresent()) {
            System.out.println("importing " + objectName + " as job " + jobId.get());
            waiting.submit(() -> reportEnd(cloud, jobId.get()));
          }
        } catch (Exception e) {
          LOG.error("import could not start", e, "object", objectName);
          System.out.println("could not import " + objectName + ": " + e.getMessage());
        }
      } else if (!state.equals(before) && before != null) {
        imported.remove(file.toAbsolutePath());
      }
    }
  }

  /**
   * Waits for the job to end and says how it ended; its results file is in the folder's {@code
   * results/}.
   */
  private void reportEnd(LocalCloud cloud, String jobId) {
    try {
      while (true) {
        Optional<Job> job = cloud.stages().jobs().get(APP, jobId);
        if (job.isPresent() && job.get().state().ended()) {
          System.out.println(
              "job "
                  + jobId
                  + " "
                  + job.get().state()
                  + (job.get().failure() == null ? "" : ": " + job.get().failure())
                  + " at "
                  + Instant.now());
          return;
        }
        Thread.sleep(500);
      }
    } catch (Exception e) {
      LOG.error("waiting for a job failed", e, "jobId", jobId);
    }
  }
}
