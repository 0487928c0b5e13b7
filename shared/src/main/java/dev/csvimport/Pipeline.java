package dev.csvimport;

import com.google.cloud.firestore.Firestore;
import com.google.cloud.storage.Storage;
import dev.csvimport.apply.ChunkApplier;
import dev.csvimport.config.Settings;
import dev.csvimport.fanout.ChunkPublisher;
import dev.csvimport.fanout.FanOut;
import dev.csvimport.fanout.FanOutRequests;
import dev.csvimport.report.Answers;
import dev.csvimport.report.JobCompletion;
import dev.csvimport.report.ResultsFile;
import dev.csvimport.report.ResultsLinks;
import dev.csvimport.store.AppStore;
import dev.csvimport.store.FirestoreLayout;
import dev.csvimport.store.JobStore;
import dev.csvimport.store.ProfileStore;
import java.time.Clock;

/** The pipeline's parts, wired once per process from its clients: the functions and the local runner share it. */
public final class Pipeline {

  private final Settings settings;
  private final Storage storage;
  private final FirestoreLayout layout;
  private final JobStore jobs;
  private final ProfileStore profiles;
  private final JobCompletion completion;
  private final FanOut fanOut;
  private final ChunkApplier applier;
  private final Answers answers;
  private final AppStore apps;

  public Pipeline(Firestore db, Storage storage, ChunkPublisher chunks, FanOutRequests requests, Settings settings,
      Clock clock) {
    this.settings = settings;
    this.storage = storage;
    this.layout = new FirestoreLayout(db);
    this.jobs = new JobStore(layout, clock);
    this.profiles = new ProfileStore(layout);
    this.completion = new JobCompletion(jobs, new ResultsFile(layout, storage));
    this.fanOut = new FanOut(jobs, storage, chunks, requests, completion, settings.fanOut(), clock);
    this.applier = new ChunkApplier(layout, jobs, completion);
    this.answers = new Answers(new ResultsLinks(storage)::link);
    this.apps = new AppStore(layout, clock);
  }

  public Settings settings() {
    return settings;
  }

  public Storage storage() {
    return storage;
  }

  public FirestoreLayout layout() {
    return layout;
  }

  public JobStore jobs() {
    return jobs;
  }

  public ProfileStore profiles() {
    return profiles;
  }

  public JobCompletion completion() {
    return completion;
  }

  public FanOut fanOut() {
    return fanOut;
  }

  public ChunkApplier applier() {
    return applier;
  }

  public Answers answers() {
    return answers;
  }

  public AppStore apps() {
    return apps;
  }
}
