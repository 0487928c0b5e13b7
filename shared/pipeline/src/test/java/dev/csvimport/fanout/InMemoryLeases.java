package dev.csvimport.fanout;

import dev.csvimport.job.Job;
import dev.csvimport.ports.LeaseStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One job's lease and checkpoint in memory, by the rules {@code store.FirestoreLeases} keeps; every
 * renewal is told to {@link #renewals} so that a test waits on it rather than on the clock.
 */
final class InMemoryLeases implements LeaseStore {

  private final Clock clock;
  String owner;
  Instant until;
  int segments;
  long rowsRead;
  final BlockingQueue<Boolean> renewals = new LinkedBlockingQueue<>();

  InMemoryLeases(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Transaction acquire(Job job, String by, Duration term) {
    if (owner != null && !owner.equals(by) && until.isAfter(clock.instant())) {
      return new Transaction(false, 1);
    }
    owner = by;
    until = clock.instant().plus(term);
    return new Transaction(true, 1);
  }

  @Override
  public Transaction renew(Job job, String by, Duration term) {
    Transaction renewed;
    synchronized (this) {
      renewed = whileHeld(by, term);
    }
    renewals.add(renewed.wrote());
    return renewed;
  }

  @Override
  public synchronized Transaction checkpoint(
      Job job, String by, int segments, long rowsRead, Duration term) {
    Transaction written = whileHeld(by, term);
    if (written.wrote()) {
      this.segments = segments;
      this.rowsRead = rowsRead;
    }
    return written;
  }

  @Override
  public synchronized Transaction release(Job job, String by) {
    if (!by.equals(owner)) {
      return new Transaction(false, 1);
    }
    owner = null;
    until = null;
    return new Transaction(true, 1);
  }

  /** Another invocation takes the job over, as after the lease ran out. */
  synchronized void takenOverBy(String other, Duration term) {
    owner = other;
    until = clock.instant().plus(term);
  }

  private Transaction whileHeld(String by, Duration term) {
    if (!by.equals(owner)) {
      return new Transaction(false, 1);
    }
    until = clock.instant().plus(term);
    return new Transaction(true, 1);
  }
}
