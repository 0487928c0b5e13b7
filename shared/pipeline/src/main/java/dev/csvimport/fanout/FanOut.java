package dev.csvimport.fanout;

import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.csvimport.complete.JobCompletion;
import dev.csvimport.engine.ImportOptions;
import dev.csvimport.engine.ImportReader;
import dev.csvimport.engine.ImportSummary;
import dev.csvimport.engine.check.ColumnMapping;
import dev.csvimport.engine.chunk.EncodedChunk;
import dev.csvimport.engine.read.Delimiter;
import dev.csvimport.engine.read.Excerpt;
import dev.csvimport.engine.read.FileFailure;
import dev.csvimport.job.CreateDisposition;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobState;
import dev.csvimport.job.SourceObject;
import dev.csvimport.log.Log;
import dev.csvimport.ports.LeaseStore;
import dev.csvimport.ports.StoreException;
import dev.csvimport.store.JobStore;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * Turns an object into published chunks, once per object generation, whatever is redelivered or
 * crashes:
 *
 * <ol>
 *   <li>the job is created once (its id derives from bucket, object and generation);
 *   <li>the whole file is read once to find a file failure before anything is applied, and to count
 *       its rows: the job's partitions are sized for them (one per chunk, up to the deployment's
 *       limit) and recorded on the job, which every later invocation reads, so the chunks stay a
 *       pure function of the file and the job;
 *   <li>chunks are published segment by segment; after each segment every publish is awaited and
 *       the job checkpointed, so a crash or a timeout resumes at the checkpoint and republishes at
 *       most one segment, which the processor recognises as duplicates;
 *   <li>past its time budget, an invocation stops at a checkpoint and asks for a follow-up
 *       invocation.
 * </ol>
 */
public final class FanOut {

  private static final Log LOG = Log.of(FanOut.class);
  private static final int READ_BUFFER_BYTES = 1 << 16;

  private final JobStore jobs;
  private final LeaseStore leases;
  private final NewJobs newJobs;
  private final Storage storage;
  private final ChunkPublisher chunks;
  private final FanOutRequests requests;
  private final JobCompletion completion;
  private final FanOutSettings settings;
  private final Clock clock;

  public FanOut(
      JobStore jobs,
      LeaseStore leases,
      NewJobs newJobs,
      Storage storage,
      ChunkPublisher chunks,
      FanOutRequests requests,
      JobCompletion completion,
      FanOutSettings settings,
      Clock clock) {
    this.jobs = jobs;
    this.leases = leases;
    this.newJobs = newJobs;
    this.storage = storage;
    this.chunks = chunks;
    this.requests = requests;
    this.completion = completion;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Creates the object's job, unless it exists, and fans it out as far as this invocation's budget
   * allows.
   */
  public Job start(NewImport object, String invocationId) throws Exception {
    Job job = jobs.createIfAbsent(newJobs.forObject(object));
    run(job, invocationId);
    return job;
  }

  /** Continues a job whose fan-out stopped at a checkpoint, or starts one created by the API. */
  public void resume(String appId, String jobId, String invocationId) throws Exception {
    Job job = jobs.get(appId, jobId).orElse(null);
    if (job == null) {
      LOG.warn("fan-out requested for an unknown job: ignored", "appId", appId, "jobId", jobId);
      return;
    }
    run(job, invocationId);
  }

  private void run(Job job, String invocationId) throws Exception {
    long start = System.nanoTime();
    if (!job.state().fansOut() || job.fanOutComplete()) {
      LOG.info(
          "fan-out already done: nothing to do",
          "appId",
          job.appId(),
          "jobId",
          job.jobId(),
          "state",
          job.state().name());
      completion.tryFinish(job.appId(), job.jobId());
      return;
    }
    Tally tally = new Tally();
    FanOutLease lease =
        FanOutLease.take(leases, job, invocationId, settings.leaseTerm(), tally::lease);
    if (lease == null) {
      // Billed all the same: the invocation ran and read the job.
      countInvocation(job, tally, start);
      throw new FanOutBusy(job.jobId());
    }
    boolean unfinished;
    try {
      unfinished = publish(job, invocationId, tally, lease);
    } catch (FanOutLease.Lost lost) {
      // Presumed dead and taken over: the new holder goes on from its own checkpoint.
      LOG.warn(
          lost.getMessage() + ": this invocation stops",
          "appId",
          job.appId(),
          "jobId",
          job.jobId(),
          "invocationId",
          invocationId);
      unfinished = false;
    } catch (Exception e) {
      noteWaiting(job, e);
      throw e;
    } finally {
      lease.close();
      tally.reads += lease.reads();
      tally.writes += lease.writes();
      countInvocation(job, tally, start);
    }
    if (unfinished) {
      requests.request(job.appId(), job.jobId());
    }
  }

  /**
   * What one invocation did that is billed, beyond its time: chunks published (Pub/Sub messages and
   * bytes) and the job document's reads and writes (the lease taken and given back with every
   * attempt of their transactions, the checkpoints).
   */
  private static final class Tally {
    long messages;
    long bytes;
    long reads;

    /** Starts with this tally's own write. */
    long writes = 1;

    void lease(LeaseStore.Transaction transaction) {
      reads += transaction.attempts();
      if (transaction.wrote()) {
        writes++;
      }
    }
  }

  /**
   * Adds the invocation to the job's fan-out operations; the numbers only inform, so a failure here
   * is only logged.
   */
  private void countInvocation(Job job, Tally tally, long start) {
    try {
      jobs.countFanOut(
          job,
          Map.of(
              "invocations",
              1L,
              "millis",
              (System.nanoTime() - start) / 1_000_000,
              "messages",
              tally.messages,
              "bytes",
              tally.bytes,
              "reads",
              tally.reads,
              "writes",
              tally.writes));
    } catch (StoreException e) {
      LOG.warn(
          "could not count the fan-out's operations",
          "appId",
          job.appId(),
          "jobId",
          job.jobId(),
          "error",
          e.getMessage());
    }
  }

  /** Publishes as much as the budget allows; answers whether a follow-up invocation must go on. */
  private boolean publish(Job job, String invocationId, Tally tally, FanOutLease lease)
      throws Exception {
    Instant deadline = clock.instant().plus(settings.budget());
    ImportReader reader = new ImportReader(job.limits());
    Delimiter delimiter =
        job.delimiter() == null ? null : Delimiter.named(job.delimiter()).orElse(null);
    if (job.delimiter() != null && delimiter == null) {
      fail(
          job,
          "the object's delimiter metadata '"
              + Excerpt.of(job.delimiter())
              + "' names no delimiter: use one of "
              + Delimiter.names()
              + ", or leave it out to tell it from the header line");
      return false;
    }
    if (job.createDisposition() != null
        && CreateDisposition.named(job.createDisposition()).isEmpty()) {
      fail(
          job,
          "the object's createDisposition metadata '"
              + Excerpt.of(job.createDisposition())
              + "' is neither: "
              + CreateDisposition.refusal());
      return false;
    }
    ColumnMapping mapping;
    try {
      mapping = ColumnMapping.fromJson(job.mapping());
    } catch (IllegalArgumentException e) {
      fail(job, "the object's mapping metadata cannot be read: " + e.getMessage());
      return false;
    }
    ImportOptions options =
        new ImportOptions(job.action(), job.createdAt())
            .withDelimiter(delimiter)
            .withMapping(mapping);
    if (!job.checked()) {
      long rows;
      try (InputStream csv = open(job)) {
        rows = reader.check(csv, options);
      } catch (FileFailure failure) {
        fail(job, failure.getMessage());
        return false;
      } catch (StorageException e) {
        fail(
            job,
            "the file could not be read (" + e.getMessage() + "): was it replaced or deleted?");
        return false;
      }
      job = jobs.markChecked(job, job.limits().sizedFor(rows), rows);
      tally.reads++;
      tally.writes++;
      if (job.state() != JobState.RUNNING) {
        LOG.info(
            "job cancelled while its file was checked: nothing is published",
            "appId",
            job.appId(),
            "jobId",
            job.jobId(),
            "state",
            job.state().name());
        return false;
      }
      reader = new ImportReader(job.limits());
      LOG.info(
          "file checked",
          "appId",
          job.appId(),
          "jobId",
          job.jobId(),
          "rows",
          rows,
          "partitions",
          job.limits().partitions());
    }
    Checkpoints checkpoints = new Checkpoints(job, deadline, tally, lease);
    ImportSummary summary;
    try (InputStream csv = open(job)) {
      summary = reader.read(csv, options.resumingAt(job.segmentsPublished()), checkpoints::accept);
    } catch (OutOfTime stop) {
      LOG.info(
          "time budget used: continuing in a follow-up invocation",
          "appId",
          job.appId(),
          "jobId",
          job.jobId(),
          "segmentsPublished",
          stop.segments);
      return true;
    }
    chunks.flush();
    lease.check();
    jobs.completeFanOut(job, summary.chunksPerPartition(), summary.rows(), summary.segments());
    tally.writes++;
    LOG.info(
        "fan-out complete",
        "appId",
        job.appId(),
        "jobId",
        job.jobId(),
        "rows",
        summary.rows(),
        "chunks",
        summary.chunks(),
        "invocationId",
        invocationId);
    completion.tryFinish(job.appId(), job.jobId());
    return false;
  }

  /**
   * Says on the job why this attempt failed, so getMultiResults shows that it waits for a retry.
   */
  private void noteWaiting(Job job, Exception failure) {
    try {
      jobs.noteWaiting(
          job, "reading the file stopped and will be retried: " + failure.getMessage());
    } catch (StoreException e) {
      LOG.warn(
          "could not note the failed attempt on the job",
          "appId",
          job.appId(),
          "jobId",
          job.jobId(),
          "error",
          e.getMessage());
    }
  }

  private InputStream open(Job job) {
    return new BufferedInputStream(
        Channels.newInputStream(storage.reader(SourceObject.of(job))), READ_BUFFER_BYTES);
  }

  private void fail(Job job, String reason) throws StoreException {
    jobs.fail(job, reason);
    LOG.warn(
        "job failed: " + reason,
        "appId",
        job.appId(),
        "jobId",
        job.jobId(),
        "object",
        job.object());
  }

  /**
   * Publishes chunks; at each segment boundary awaits them, checkpoints, and stops when the time is
   * up.
   */
  private final class Checkpoints {
    private final Job job;
    private final Instant deadline;
    private final Tally tally;
    private final FanOutLease lease;
    private int segment;

    Checkpoints(Job job, Instant deadline, Tally tally, FanOutLease lease) {
      this.job = job;
      this.deadline = deadline;
      this.tally = tally;
      this.lease = lease;
      this.segment = job.segmentsPublished();
    }

    void accept(EncodedChunk chunk) throws Exception {
      if (chunk.segment() > segment) {
        chunks.flush();
        segment = chunk.segment();
        lease.checkpoint(segment, (long) segment * job.limits().segmentRows());
        if (!clock.instant().isBefore(deadline)) {
          throw new OutOfTime(segment);
        }
      }
      lease.check();
      chunks.publish(job, chunk);
      tally.messages++;
      tally.bytes += chunk.payload().length;
    }
  }

  /** Ends an invocation's reading at a checkpoint. */
  private static final class OutOfTime extends Exception {
    final int segments;

    OutOfTime(int segments) {
      super(null, null, false, false);
      this.segments = segments;
    }
  }
}
