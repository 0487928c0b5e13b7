package dev.csvimport.runner;

import dev.csvimport.config.Settings;
import dev.csvimport.job.Job;
import dev.csvimport.log.Log;
import dev.csvimport.store.AppStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code csvimport serve --bucket-dir DIR}: a folder stands in for the bucket. Every complete CSV that appears under
 * {@code DIR/imports/} is imported as if uploaded, its results file is written to {@code DIR/results/}, and the HTTP
 * API answers on the port.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Runs until stopped: imports every complete CSV that appears under DIR/imports/ and answers the "
        + "HTTP API on the port.")
final class ServeCommand implements Callable<Integer> {

  static final String APP = "local";
  private static final Log LOG = Log.of(ServeCommand.class);

  @Option(names = "--bucket-dir", paramLabel = "DIR", required = true, description = "the folder that is the bucket")
  Path bucketDir;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "the API's port (default 8080)")
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
        LocalCloud cloud = LocalCloud.start(emulators, settings, port)) {
      AppStore.Keys keys = cloud.stages().apps().create(APP, List.of(LocalCloud.BUCKET));
      cloud.sendUploadsTo((object, metadata, file) -> fromThePage(cloud, object, metadata, file));
      PrintStream out = System.out;
      out.println("csvimport is serving. Stop it with Ctrl-C.");
      out.println("  drop CSV files into:  " + inbox.toAbsolutePath() + "/ (or a subfolder named after an action)");
      out.println("  results files go to:  " + bucketDir.resolve("results").toAbsolutePath() + "/");
      out.println("  uploads page:         " + cloud.server().url("/ui"));
      out.println("  API:                  " + cloud.server().url("/api"));
      out.println("  appId:                " + APP);
      out.println("  development key:      " + keys.development());
      out.println("  production key:       " + keys.production());
      out.println("  bucket:               " + LocalCloud.BUCKET);
      out.println("  FIRESTORE_EMULATOR_HOST=" + emulators.firestoreHost() + " PUBSUB_EMULATOR_HOST="
          + emulators.pubsubHost());
      out.println("try: curl '" + cloud.server().url("/api") + "?action=listJobs&appId=" + APP + "&clientKey="
          + keys.production() + "'");
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

  /** Imports each CSV whose size and modification time did not change since the last scan: a complete file. */
  private void scan(Path inbox, LocalCloud cloud) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(inbox)) {
      files = walk.filter(Files::isRegularFile).filter(f -> f.toString().toLowerCase().endsWith(".csv")).toList();
    }
    for (Path file : files) {
      FileTime modified = Files.getLastModifiedTime(file);
      String state = Files.size(file) + "@" + modified;
      String before = seen.put(file, state);
      if (state.equals(before) && imported.add(file.toAbsolutePath())) {
        String objectName = bucketDir.relativize(file).toString().replace('\\', '/');
        try (InputStream content = Files.newInputStream(file)) {
          // The file's modification time stands for its generation, as Cloud Storage's is the time of the write: a
          // restart finds each file's job again instead of importing it twice, and resumes one interrupted.
          long generation = modified.to(TimeUnit.MICROSECONDS);
          String jobId = cloud.drop(content, objectName, Map.of("uploadedBy", "serve"), generation);
          System.out.println("importing " + objectName + " as job " + jobId);
          waiting.submit(() -> writeResults(cloud, jobId));
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
   * A file uploaded through the page lands in the folder, as in the bucket, and is imported with its metadata; its
   * modification time is its generation, so the folder's scan sees the same object generation and adds nothing.
   */
  private void fromThePage(LocalCloud cloud, String object, Map<String, String> metadata, Path upload)
      throws Exception {
    Path target = bucketDir.resolve(object);
    Files.createDirectories(target.getParent());
    Files.copy(upload, target, StandardCopyOption.REPLACE_EXISTING);
    FileTime modified = Files.getLastModifiedTime(target);
    seen.put(target, Files.size(target) + "@" + modified);
    imported.add(target.toAbsolutePath());
    try (InputStream content = Files.newInputStream(target)) {
      String jobId = cloud.drop(content, object, metadata, modified.to(TimeUnit.MICROSECONDS));
      System.out.println("importing " + object + " (uploaded through the page) as job " + jobId);
      waiting.submit(() -> writeResults(cloud, jobId));
    }
  }

  /** Waits for the job to end, then copies its results file into the folder. */
  private void writeResults(LocalCloud cloud, String jobId) {
    try {
      while (true) {
        Job job = cloud.stages().jobs().get(APP, jobId).orElseThrow();
        if (job.state().ended()) {
          if (job.resultsFile() != null) {
            Path target = bucketDir.resolve(job.resultsFile());
            Files.createDirectories(target.getParent());
            Files.write(target, cloud.storage().readAllBytes(job.bucket(), job.resultsFile()));
          }
          System.out.println("job " + jobId + " " + job.state() + (job.failure() == null ? "" : ": " + job.failure())
              + " at " + Instant.now());
          return;
        }
        Thread.sleep(500);
      }
    } catch (Exception e) {
      LOG.error("waiting for a job failed", e, "jobId", jobId);
    }
  }
}
