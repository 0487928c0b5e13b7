package dev.csvimport.apply;

import dev.csvimport.engine.chunk.Chunk;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.job.Job;
import dev.csvimport.ports.PartitionStore;
import dev.csvimport.ports.PartitionTotals;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Partitions in memory with the store's transaction rule: a transaction works on a copy of its
 * partition, committed whole when it returns, dropped when it throws. Every applied row is kept in
 * the order it was applied, so a test can compare it with the file's.
 */
final class InMemoryPartitions implements PartitionStore {

  /** One partition's documents: its cursor, its parked chunks, its applied rows. */
  static final class State {
    long nextSequence;
    int nextRow;
    final Map<Integer, byte[]> parked = new TreeMap<>();
    final List<RowResult> applied = new ArrayList<>();
    long successes;
    long failures;
    boolean cancelled;

    State copy() {
      State copy = new State();
      copy.nextSequence = nextSequence;
      copy.nextRow = nextRow;
      copy.parked.putAll(parked);
      copy.applied.addAll(applied);
      copy.successes = successes;
      copy.failures = failures;
      copy.cancelled = cancelled;
      return copy;
    }
  }

  private final Map<String, State> states = new HashMap<>();
  int transactions;

  synchronized State state(Job job, int partition) {
    return states.computeIfAbsent(job.jobId() + "/" + partition, key -> new State());
  }

  @Override
  public synchronized <T> T transact(Job job, int partition, Work<T> work) {
    State committed = state(job, partition);
    State working = committed.copy();
    T result;
    try {
      result = work.run(new InMemoryPartition(working));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    transactions++;
    states.put(job.jobId() + "/" + partition, working);
    return result;
  }

  @Override
  public synchronized long nextSequence(Job job, int partition) {
    return state(job, partition).nextSequence;
  }

  @Override
  public synchronized Optional<byte[]> parked(Job job, int partition, int sequence) {
    return Optional.ofNullable(state(job, partition).parked.get(sequence));
  }

  @Override
  public synchronized List<PartitionTotals> totals(List<Job> jobs) {
    List<PartitionTotals> totals = new ArrayList<>();
    for (Job job : jobs) {
      long successes = 0;
      long failures = 0;
      boolean allApplied = job.fanOutComplete();
      for (int p = 0; p < job.limits().partitions(); p++) {
        State state = state(job, p);
        successes += state.successes;
        failures += state.failures;
        allApplied &= job.fanOutComplete() && state.nextSequence >= job.chunksPerPartition().get(p);
      }
      totals.add(new PartitionTotals(successes + failures, successes, failures, allApplied));
    }
    return totals;
  }

  private static final class InMemoryPartition implements Partition {
    private final State state;

    InMemoryPartition(State state) {
      this.state = state;
    }

    @Override
    public long nextSequence() {
      return state.nextSequence;
    }

    @Override
    public void park(int sequence, byte[] payload) {
      state.parked.put(sequence, payload);
    }

    @Override
    public void unpark(int sequence) {
      state.parked.remove(sequence);
    }

    @Override
    public boolean cancelled() {
      return state.cancelled;
    }

    @Override
    public int nextRow() {
      return state.nextRow;
    }

    @Override
    public int applyAtCursor(Chunk chunk, int maxRows) {
      int from = state.nextRow;
      int to = Math.min(chunk.rows().size(), from + Math.max(1, maxRows));
      for (RowResult row : chunk.rows().subList(from, to)) {
        state.applied.add(row);
        if (row.succeeded()) {
          state.successes++;
        } else {
          state.failures++;
        }
      }
      if (to >= chunk.rows().size()) {
        state.nextSequence++;
        state.nextRow = 0;
      } else {
        state.nextRow = to;
      }
      return to - from;
    }
  }
}
