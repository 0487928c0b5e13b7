package dev.csvimport.fanout;

import dev.csvimport.engine.chunk.EncodedChunk;
import dev.csvimport.job.Job;

/**
 * Sends chunks to the processor. Publishing may be asynchronous; {@link #flush()} waits for all of
 * it.
 */
public interface ChunkPublisher {

  void publish(Job job, EncodedChunk chunk);

  /** Returns when every chunk published so far is accepted; throws the first failure. */
  void flush() throws Exception;
}
