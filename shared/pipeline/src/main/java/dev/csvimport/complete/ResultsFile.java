package dev.csvimport.complete;

import com.google.cloud.WriteChannel;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldPath;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import dev.csvimport.engine.ResultLines;
import dev.csvimport.job.Job;
import dev.csvimport.ports.StoreException;
import dev.csvimport.store.FirestoreLayout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * A job's results file, {@code results/<jobId>.jsonl} in its bucket: one JSON line per failed or
 * warned row, in row order ({@link ResultLines}). Written as a stream: the partitions' results are
 * merged page by page, never held whole; read a page of lines at a time.
 */
public final class ResultsFile {

  public static final String PREFIX = "results/";
  private static final int PAGE = 100;

  private final FirestoreLayout layout;
  private final Storage storage;

  public ResultsFile(FirestoreLayout layout, Storage storage) {
    this.layout = layout;
    this.storage = storage;
  }

  public static String objectName(String jobId) {
    return PREFIX + jobId + ".jsonl";
  }

  /**
   * Writes the file unless it exists: every writer writes the same content, so whoever finishes
   * first wins and the others (a concurrent finisher, or a retry after a crash before the job was
   * marked FINISHED) keep that copy. Answers its object name.
   */
  public String write(Job job) throws StoreException {
    String name = objectName(job.jobId());
    BlobInfo info =
        BlobInfo.newBuilder(BlobId.of(job.bucket(), name))
            .setContentType("application/x-ndjson")
            .build();
    PriorityQueue<PartitionResults> next =
        new PriorityQueue<>(Comparator.comparingLong(PartitionResults::peekRow));
    for (int p = 0; p < job.limits().partitions(); p++) {
      PartitionResults results = new PartitionResults(job, p);
      if (results.hasNext()) {
        next.add(results);
      }
    }
    if (storage.get(info.getBlobId()) != null) {
      return name;
    }
    // Closing a write channel finalizes the object: close it only once every line is written. A
    // channel left open
    // after a failure is an upload never finalized, so a partial file never takes the final name.
    WriteChannel channel = storage.writer(info, Storage.BlobWriteOption.doesNotExist());
    try {
      Writer out =
          new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8);
      while (!next.isEmpty()) {
        PartitionResults smallest = next.poll();
        out.write(ResultLines.toJson(smallest.next()));
        out.write('\n');
        if (smallest.hasNext()) {
          next.add(smallest);
        }
      }
      out.flush();
    } catch (IOException | RuntimeException e) {
      if (storage.get(info.getBlobId()) != null) {
        // Another finisher wrote it first (a large file starts its upload while being written,
        // and doesNotExist then refuses it): every finisher writes the same lines.
        return name;
      }
      throw new StoreException(
          "the results file " + name + " could not be written: " + e.getMessage(), e);
    }
    try {
      channel.close();
    } catch (IOException | RuntimeException e) {
      if (storage.get(info.getBlobId()) != null) {
        return name; // another writer finished first; every writer writes the same lines
      }
      throw new StoreException(
          "the results file " + name + " could not be written: " + e.getMessage(), e);
    }
    return name;
  }

  /**
   * A page of a job's results file.
   *
   * @param lines its JSON lines, in file order
   * @param nextOffset the line the next page starts at, or -1 when this page ends the file
   */
  public record Page(List<String> lines, int nextOffset) {}

  /** Reads up to {@code limit} lines of the job's results file from line {@code offset} on. */
  public Page page(Job job, int offset, int limit) throws StoreException {
    List<String> lines = new ArrayList<>();
    int next = -1;
    try (BufferedReader reader =
        new BufferedReader(
            Channels.newReader(
                storage.reader(BlobId.of(job.bucket(), job.resultsFile())),
                StandardCharsets.UTF_8))) {
      String line;
      int index = 0;
      while ((line = reader.readLine()) != null) {
        if (index >= offset + limit) {
          next = index;
          break;
        }
        if (index >= offset && !line.isEmpty()) {
          lines.add(line);
        }
        index++;
      }
    } catch (IOException | RuntimeException e) {
      throw new StoreException("the results file could not be read: " + e.getMessage(), e);
    }
    return new Page(lines, next);
  }

  /** One partition's result lines in row order, read a page of chunks at a time. */
  private final class PartitionResults implements Iterator<Map<String, Object>> {
    private final Query query;
    private final Deque<Map<String, Object>> buffered = new ArrayDeque<>();
    private DocumentSnapshot last;
    private boolean exhausted;

    PartitionResults(Job job, int partition) {
      this.query =
          layout
              .results(job.appId(), job.jobId(), partition)
              .orderBy(FieldPath.documentId())
              .limit(PAGE);
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean hasNext() {
      while (buffered.isEmpty() && !exhausted) {
        List<QueryDocumentSnapshot> page;
        try {
          page =
              StoreException.await((last == null ? query : query.startAfter(last)).get())
                  .getDocuments();
        } catch (StoreException e) {
          throw new IllegalStateException(e.getMessage(), e);
        }
        exhausted = page.size() < PAGE;
        for (QueryDocumentSnapshot doc : page) {
          ((List<Map<String, Object>>) doc.get("rows")).forEach(buffered::add);
          last = doc;
        }
      }
      return !buffered.isEmpty();
    }

    @Override
    public Map<String, Object> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return buffered.poll();
    }

    long peekRow() {
      return ((Number) buffered.peek().get("row")).longValue();
    }
  }
}
