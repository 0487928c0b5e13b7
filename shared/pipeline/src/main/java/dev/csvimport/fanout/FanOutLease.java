package dev.csvimport.fanout;

import dev.csvimport.job.Job;
import dev.csvimport.log.Log;
import dev.csvimport.ports.LeaseStore;
import dev.csvimport.ports.StoreException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One invocation's right to fan a job out: a short lease on the job document that a heartbeat
 * renews while the invocation works, every third of its term. An invocation that dies (an instance
 * killed, a timeout) stops renewing, so within one term the redelivered event, a follow-up or the
 * watchdog can take the job over; a live one never loses it to them. Should an invocation that was
 * presumed dead (frozen longer than a term) come back, its next renewal or checkpoint finds the
 * lease gone: it stops, and its checkpoints never overwrite the new holder's.
 */
final class FanOutLease implements AutoCloseable {

  /**
   * Thrown where the fan-out meets that it lost its lease: it stops there, publishing nothing more.
   */
  static final class Lost extends Exception {
    Lost(String jobId) {
      super(
          "the fan-out of job " + jobId + " lost its lease to another invocation",
          null,
          false,
          false);
    }
  }

  private static final Log LOG = Log.of(FanOutLease.class);

  /** One heartbeat thread for every fan-out of the process; a beat is one short transaction. */
  private static final ScheduledExecutorService HEARTBEAT =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "fan-out-lease-heartbeat");
            thread.setDaemon(true);
            return thread;
          });

  private final LeaseStore leases;
  private final Job job;
  private final String owner;
  private final Duration term;
  private final ScheduledFuture<?> beats;
  private volatile boolean lost;
  private boolean closed;

  /** The job document's reads and writes of the renewals, for the fan-out's bill. */
  private final AtomicLong reads = new AtomicLong();

  private final AtomicLong writes = new AtomicLong();

  private FanOutLease(LeaseStore leases, Job job, String owner, Duration term) {
    this.leases = leases;
    this.job = job;
    this.owner = owner;
    this.term = term;
    long every = Math.max(1, term.toMillis() / 3);
    this.beats = HEARTBEAT.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Takes the job's lease for {@code owner} (the same owner, a redelivered event, takes it back at
   * once) and starts renewing it; null when another invocation holds it.
   */
  static FanOutLease take(LeaseStore leases, Job job, String owner, Duration term, Counter counter)
      throws StoreException {
    LeaseStore.Transaction taken = leases.acquire(job, owner, term);
    counter.count(taken);
    return taken.wrote() ? new FanOutLease(leases, job, owner, term) : null;
  }

  /** Counts a lease transaction's reads and writes. */
  interface Counter {
    void count(LeaseStore.Transaction transaction);
  }

  private synchronized void renew() {
    if (lost || closed) {
      return;
    }
    try {
      LeaseStore.Transaction renewed = leases.renew(job, owner, term);
      count(renewed);
      if (!renewed.wrote()) {
        lost = true;
        LOG.warn(
            "fan-out lease lost: another invocation holds the job; this one stops",
            "appId",
            job.appId(),
            "jobId",
            job.jobId(),
            "invocationId",
            owner);
      }
    } catch (StoreException | RuntimeException e) {
      // The next beat tries again; the term is three beats long.
      LOG.warn(
          "fan-out lease not renewed this beat",
          "appId",
          job.appId(),
          "jobId",
          job.jobId(),
          "error",
          e.getMessage());
    }
  }

  private void count(LeaseStore.Transaction transaction) {
    reads.addAndGet(transaction.attempts());
    if (transaction.wrote()) {
      writes.incrementAndGet();
    }
  }

  /**
   * @throws Lost when a renewal found the lease gone
   */
  void check() throws Lost {
    if (lost) {
      throw new Lost(job.jobId());
    }
  }

  /** Records a checkpoint as the lease's holder, renewing the lease with it. */
  void checkpoint(int segments, long rowsRead) throws StoreException, Lost {
    check();
    LeaseStore.Transaction written = leases.checkpoint(job, owner, segments, rowsRead, term);
    count(written);
    if (!written.wrote()) {
      lost = true;
      throw new Lost(job.jobId());
    }
  }

  long reads() {
    return reads.get();
  }

  long writes() {
    return writes.get();
  }

  /** Stops the heartbeat and gives the lease back, unless it was lost. */
  @Override
  public synchronized void close() throws StoreException {
    closed = true;
    beats.cancel(false);
    if (!lost) {
      count(leases.release(job, owner));
    }
  }
}
