package dev.csvimport.fanout;

import dev.csvimport.engine.chunk.ChunkLimits;
import java.time.Duration;

/**
 * @param limits how new jobs chunk their rows
 * @param budget how long one invocation may publish before it hands over to a follow-up (keep it
 *     well under the function's timeout)
 * @param retention how long a job's documents are kept
 * @param leaseTerm how long a fan-out's lease lasts unless renewed (every third of it, while the
 *     fan-out works): how soon a fan-out whose invocation died can be taken over
 */
public record FanOutSettings(
    ChunkLimits limits, Duration budget, Duration retention, Duration leaseTerm) {}
