package dev.csvimport.runner;

import dev.csvimport.job.Job;
import dev.csvimport.ports.PartitionTotals;
import java.io.PrintStream;

/** One line on standard error, redrawn in place: the job's state and rows applied. */
final class ProgressBar {

  private static final int WIDTH = 30;
  private final PrintStream err;

  ProgressBar(PrintStream err) {
    this.err = err;
  }

  void show(Job job, PartitionTotals totals) {
    long read = Math.max(job.rowsRead(), totals.rows());
    double share = job.fanOutComplete() && read > 0 ? (double) totals.rows() / read : 0;
    int filled = (int) Math.round(share * WIDTH);
    err.printf(
        "\r%-8s [%s%s] %,d rows done (%,d applied, %,d failed) of %s   ",
        job.state(),
        "#".repeat(filled),
        " ".repeat(WIDTH - filled),
        totals.rows(),
        totals.successes(),
        totals.failures(),
        job.fanOutComplete() ? String.format("%,d", read) : String.format("%,d+ read", read));
    err.flush();
  }

  void done() {
    err.println();
  }
}
