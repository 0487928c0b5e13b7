package dev.csvimport.fanout;

/** Another invocation is fanning the job out right now; try again later. */
public final class FanOutBusy extends Exception {

  public FanOutBusy(String jobId) {
    super("job " + jobId + " is being fanned out by another invocation; try again later");
  }
}
