package dev.csvimport.fanout;

/**
 * Asks for a job's fan-out to run (again) in a new invocation: to continue after a time budget, or
 * to start.
 */
public interface FanOutRequests {

  void request(String appId, String jobId) throws Exception;
}
