package dev.csvimport.runner;

import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import dev.csvimport.Stages;
import dev.csvimport.apply.ChunkApplier;
import dev.csvimport.config.Settings;
import dev.csvimport.engine.apply.Profile;
import dev.csvimport.engine.chunk.Chunk;
import dev.csvimport.engine.chunk.ChunkCodec;
import dev.csvimport.engine.chunk.EncodedChunk;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.fanout.ChunkPublisher;
import dev.csvimport.fanout.FanOut;
import dev.csvimport.fanout.FanOutRequests;
import dev.csvimport.fanout.NewImport;
import dev.csvimport.fanout.NewJobs;
import dev.csvimport.job.Job;
import dev.csvimport.ports.StoreException;
import dev.csvimport.store.FirestoreLayout;
import dev.csvimport.store.FirestorePartitions;
import dev.csvimport.store.JobStore;
import dev.csvimport.store.ProfileStore;
import dev.csvimport.watchdog.Watchdog;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The pipeline on the Firestore emulator and an in-memory bucket, with Pub/Sub replaced by lists: a
 * test sees every published chunk and fan-out request, and delivers them itself, in any order, any
 * number of times.
 */
final class TestPipeline implements AutoCloseable {

  static final String APP = "app-1";
  static final String BUCKET = "bucket-1";

  /**
   * What one commit may write here: the emulator takes minutes over commits of several MB (and then
   * aborts them), so tests use a smaller budget than production's 6 MiB, with profiles to match.
   */
  static final long MAX_COMMIT_BYTES = 1L << 20;

  final Firestore firestore;

  /** The bucket (in memory, unless given), whose writes a test can make fail midway. */
  final FaultyStorage faultyStorage;

  final Storage storage;
  final List<Published> published = new CopyOnWriteArrayList<>();
  final List<String> fanOutRequests = new CopyOnWriteArrayList<>();
  private final FanOutRequests requests;
  private final ChunkPublisher chunks;
  final Stages stages;
  final JobStore jobs;
  final dev.csvimport.store.FirestoreLeases leases;
  final ProfileStore profiles;
  final NewJobs newJobs;
  final FanOut fanOut;
  final ChunkApplier applier;

  /** The partitions' store, with faults a test arms. */
  final FaultyPartitions partitions;

  /** Publishes fail after this many more chunks (negative: never), as a crash mid-file would. */
  volatile int publishesBeforeCrash = -1;

  /**
   * When set, each publish waits for it to open, as a slow or frozen instance would; {@link
   * #publishing} says so.
   */
  volatile java.util.concurrent.CountDownLatch publishGate;

  final java.util.concurrent.CountDownLatch publishing = new java.util.concurrent.CountDownLatch(1);

  record Published(String appId, String jobId, EncodedChunk chunk) {
    ChunkApplier.Delivery delivery() {
      return new ChunkApplier.Delivery(appId, jobId, chunk.payload());
    }
  }

  TestPipeline(Emulators emulators, Settings settings) {
    this(emulators, settings, LocalStorageHelper.getOptions().getService());
  }

  /**
   * @param bucket where {@link #BUCKET} is: the in-memory one, or a {@link LocalStorageServer}'s
   *     shared by processes
   */
  TestPipeline(Emulators emulators, Settings settings, Storage bucket) {
    this.faultyStorage = new FaultyStorage(bucket);
    this.storage = faultyStorage.storage;
    this.firestore =
        FirestoreOptions.newBuilder()
            .setProjectId(LocalCloud.PROJECT)
            .setEmulatorHost(emulators.firestoreHost())
            .build()
            .getService();
    this.chunks =
        new ChunkPublisher() {
          @Override
          public void publish(Job job, EncodedChunk chunk) {
            java.util.concurrent.CountDownLatch gate = publishGate;
            if (gate != null) {
              publishing.countDown();
              try {
                gate.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while held at the publish gate", e);
              }
            }
            if (publishesBeforeCrash == 0) {
              throw new IllegalStateException("simulated crash while publishing");
            }
            if (publishesBeforeCrash > 0) {
              publishesBeforeCrash--;
            }
            published.add(new Published(job.appId(), job.jobId(), chunk));
          }

          @Override
          public void flush() {}
        };
    this.requests = (appId, jobId) -> fanOutRequests.add(jobId);
    this.partitions =
        new FaultyPartitions(
            new FirestorePartitions(new FirestoreLayout(firestore), MAX_COMMIT_BYTES));
    this.stages =
        new Stages(
            firestore,
            storage,
            settings.with(Settings.BUCKET_APPS, BUCKET + "=" + APP),
            Clock.systemUTC());
    this.jobs = stages.jobs();
    this.leases = stages.leases();
    this.profiles = stages.profiles();
    this.newJobs = stages.newJobs();
    this.fanOut = stages.fanOut(chunks, requests);
    this.applier = new ChunkApplier(jobs, partitions, stages.completion());
  }

  /** A fan-out of another deployment (other settings) over the same bucket, store and publisher. */
  FanOut fanOutUnder(Settings settings) {
    return new Stages(
            firestore,
            storage,
            settings.with(Settings.BUCKET_APPS, BUCKET + "=" + APP),
            Clock.systemUTC())
        .fanOut(chunks, requests);
  }

  TestPipeline(Emulators emulators) {
    this(emulators, new Settings(Map.of()));
  }

  /**
   * The watchdog, seeing the time {@code clock} gives (15 minutes to stall, 30 to be stuck, 24
   * hours to fail).
   */
  Watchdog watchdog(Clock clock) {
    return new Watchdog(
        jobs,
        partitions,
        applier,
        stages.completion(),
        requests,
        Duration.ofMinutes(15),
        Duration.ofMinutes(30),
        Duration.ofHours(24),
        clock);
  }

  /** Cancels the job as cancelJob does, its files written; answers it as it stands after. */
  Job cancel(Job job) throws Exception {
    return stages.completion().cancel(job);
  }

  /** Puts a file in the bucket and answers the import a finalize event would start. */
  NewImport upload(String objectName, long generation, String csv, String action) {
    storage.create(
        BlobInfo.newBuilder(BlobId.of(BUCKET, objectName)).build(),
        csv.getBytes(StandardCharsets.UTF_8));
    return new NewImport(APP, BUCKET, objectName, generation, action, objectName, "tester");
  }

  List<ChunkApplier.Delivery> deliveries() {
    List<ChunkApplier.Delivery> all = new ArrayList<>();
    published.forEach(p -> all.add(p.delivery()));
    return all;
  }

  static int rowsIn(Published published) {
    return ChunkCodec.decode(published.chunk().payload()).rows().size();
  }

  /** The rows of the chunks each partition's cursor has passed: what the job applied. */
  List<RowResult> appliedRows(Job job) throws Exception {
    List<RowResult> rows = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (TestPipeline.Published published : published) {
      if (published.jobId().equals(job.jobId())) {
        Chunk chunk = ChunkCodec.decode(published.chunk().payload());
        // A fan-out that resumed at its checkpoint published some chunks again: count each once.
        if (seen.add(chunk.partition() + "/" + chunk.sequence())
            && chunk.sequence() < partitions.nextSequence(job, chunk.partition())) {
          rows.addAll(chunk.rows());
        }
      }
    }
    return rows;
  }

  /** Every profile of the app, by user id, as stored. */
  Map<String, Profile> storedProfiles() throws Exception {
    Map<String, Profile> profiles = new TreeMap<>();
    for (QueryDocumentSnapshot doc : stages.layout().users(APP).get().get().getDocuments()) {
      String userId = doc.getString("userId");
      profiles.put(userId, this.profiles.profile(APP, userId).orElseThrow());
    }
    return profiles;
  }

  /**
   * Delivers from 8 threads at once, as concurrent push deliveries would; a delivery that fails
   * (the emulator gives up on a transaction after lock timeouts under this contention) is delivered
   * again, as Pub/Sub would.
   */
  void deliverConcurrently(List<ChunkApplier.Delivery> deliveries) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<ChunkApplier.Outcome>> outcomes = new ArrayList<>();
      for (ChunkApplier.Delivery delivery : deliveries) {
        outcomes.add(
            threads.submit(
                () -> {
                  for (int attempt = 1; ; attempt++) {
                    try {
                      return applier.apply(delivery);
                    } catch (StoreException e) {
                      if (attempt == 10) {
                        throw e;
                      }
                    }
                  }
                }));
      }
      for (Future<ChunkApplier.Outcome> outcome : outcomes) {
        outcome.get();
      }
    } finally {
      threads.shutdown();
    }
  }

  @Override
  public void close() throws Exception {
    firestore.close();
  }
}
