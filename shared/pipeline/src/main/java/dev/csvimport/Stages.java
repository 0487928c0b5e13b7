package dev.csvimport;

import com.google.cloud.firestore.Firestore;
import com.google.cloud.storage.Storage;
import dev.csvimport.api.Answers;
import dev.csvimport.api.CsvImportActions;
import dev.csvimport.api.ImportApi;
import dev.csvimport.api.JobActions;
import dev.csvimport.api.ResultsLinks;
import dev.csvimport.api.SignedUploadUrls;
import dev.csvimport.api.UploadActions;
import dev.csvimport.api.UploadUrls;
import dev.csvimport.api.WebhookActions;
import dev.csvimport.api.WriteActions;
import dev.csvimport.apply.ChunkApplier;
import dev.csvimport.complete.FailedRowsFile;
import dev.csvimport.complete.JobCompletion;
import dev.csvimport.complete.ResultsFile;
import dev.csvimport.config.Settings;
import dev.csvimport.fanout.ChunkPublisher;
import dev.csvimport.fanout.FanOut;
import dev.csvimport.fanout.FanOutRequests;
import dev.csvimport.fanout.NewJobs;
import dev.csvimport.notify.HttpWebhookPoster;
import dev.csvimport.notify.JobEvents;
import dev.csvimport.notify.JobNotices;
import dev.csvimport.notify.WebhookUrl;
import dev.csvimport.store.AppStore;
import dev.csvimport.store.FirestoreLayout;
import dev.csvimport.store.FirestoreLeases;
import dev.csvimport.store.FirestorePartitions;
import dev.csvimport.store.JobStore;
import dev.csvimport.store.NoticeStore;
import dev.csvimport.store.ProfileStore;
import dev.csvimport.store.WriteRequests;
import dev.csvimport.watchdog.Watchdog;
import java.time.Clock;
import java.time.Duration;

/**
 * How the stages fit together, given one process's clients: the composition root shared by the
 * functions' no-argument constructors and the local runner. Nothing takes it as a dependency: each
 * stage's constructor names what it uses, and each door asks this for the one stage it serves.
 */
public final class Stages {

  private final Storage storage;
  private final Settings settings;
  private final Clock clock;
  private final FirestoreLayout layout;
  private final JobStore jobs;
  private final FirestorePartitions partitions;
  private final JobCompletion completion;

  public Stages(Firestore db, Storage storage, Settings settings, Clock clock) {
    this.storage = storage;
    this.settings = settings;
    this.clock = clock;
    this.layout = new FirestoreLayout(db);
    this.jobs = new JobStore(layout, clock);
    this.partitions = new FirestorePartitions(layout, settings.commitBytes());
    this.completion =
        new JobCompletion(
            jobs, partitions, new ResultsFile(layout, storage), new FailedRowsFile(storage));
  }

  public FirestoreLayout layout() {
    return layout;
  }

  public JobCompletion completion() {
    return completion;
  }

  public JobStore jobs() {
    return jobs;
  }

  /** Where the jobs' partitions keep their cursors, parked chunks and results. */
  public FirestorePartitions partitions() {
    return partitions;
  }

  /** The fan-outs' leases on their job documents. */
  public FirestoreLeases leases() {
    return new FirestoreLeases(layout, clock);
  }

  public ProfileStore profiles() {
    return new ProfileStore(layout);
  }

  public AppStore apps() {
    return new AppStore(layout, clock);
  }

  public NewJobs newJobs() {
    return new NewJobs(settings.fanOut(), clock);
  }

  public FanOut fanOut(ChunkPublisher chunks, FanOutRequests requests) {
    return new FanOut(
        jobs, leases(), newJobs(), storage, chunks, requests, completion, settings.fanOut(), clock);
  }

  public ChunkApplier applier() {
    return new ChunkApplier(jobs, partitions, completion);
  }

  public Watchdog watchdog(FanOutRequests requests) {
    return new Watchdog(
        jobs,
        partitions,
        applier(),
        completion,
        requests,
        Duration.ofMinutes(settings.integer(Settings.STALL_MINUTES)),
        Duration.ofMinutes(settings.integer(Settings.STUCK_MINUTES)),
        Duration.ofHours(settings.integer(Settings.JOB_DEADLINE_HOURS)),
        clock);
  }

  /** Tells ended jobs' ends: on {@code events}, and to the apps' webhooks over HTTP. */
  public JobNotices notices(JobEvents events) {
    return new JobNotices(
        new NoticeStore(layout), apps(), events, new HttpWebhookPoster(WebhookUrl.DNS), clock);
  }

  /**
   * From now on each job this process ends is told at once (published, and POSTed to the app's
   * webhook) by the invocation that ended it; the sweep still tells any that this missed.
   */
  public void tellEndsAtOnce(JobEvents events) {
    jobs.onEnd(notices(events)::send);
  }

  public Answers answers() {
    return new Answers(new ResultsLinks(storage)::link);
  }

  /** The API, its uploads signed by Cloud Storage. */
  public ImportApi api(FanOutRequests requests) {
    return api(requests, new SignedUploadUrls(storage));
  }

  public ImportApi api(FanOutRequests requests, UploadUrls uploads) {
    AppStore apps = apps();
    Answers answers = answers();
    return new ImportApi(
        apps::authenticate,
        new JobActions(
            jobs,
            partitions,
            new ResultsFile(layout, storage),
            new FailedRowsFile(storage),
            completion,
            answers),
        new CsvImportActions(apps, jobs, newJobs(), requests, storage, clock),
        new WriteActions(
            new WriteRequests(layout, clock, settings.commitBytes()), profiles(), answers, clock),
        new UploadActions(apps, uploads, settings.inboxPrefix(), clock),
        new WebhookActions(apps));
  }
}
